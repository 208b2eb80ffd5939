package witness

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	slushtypes "github.com/slush-tree/slush/types"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"

	"github.com/slush-tree/slush/circuits/hash"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	electiontypes "github.com/slush-tree/slush/x/election/types"
)

// recordCodec encodes the proof records in a witness file (no Any fields).
var recordCodec = codec.NewProtoCodec(codectypes.NewInterfaceRegistry())

// file is a witness saved while the chains it reads are up, so an operator can still report
// and vote once the withholding child stops answering (its state at its finalized commitment is
// what the proof needs and what it no longer serves).
type file struct {
	ChildPath       []uint32                          `json:"child_path"`
	ChildCommitment string                            `json:"child_commitment"`
	ProverPath      []uint32                          `json:"prover_path"`
	Proof           json.RawMessage                   `json:"proof"`
	Histogram       []acceptancetypes.HistogramBucket `json:"histogram,omitempty"`
	// RootHeight and RootHistogram are the root base of a witness against a root commitment
	// (the child path is then empty): with the proof's root preimage, what a silence report names.
	RootHeight    uint64                            `json:"root_height,omitempty"`
	RootHistogram []acceptancetypes.HistogramBucket `json:"root_histogram,omitempty"`
}

// MarshalJSON encodes a witness (the proof as protobuf JSON).
func (w Witness) MarshalJSON() ([]byte, error) {
	proof, err := recordCodec.MarshalJSON(&w.Proof)
	if err != nil {
		return nil, err
	}
	f := file{
		ChildPath: slushtypes.Path(w.ChildPath).Indices(), ChildCommitment: hex.EncodeToString(w.ChildCommitment),
		ProverPath: slushtypes.Path(w.Prover.Path).Indices(), Proof: proof, Histogram: w.Histogram,
	}
	if w.Root != nil {
		f.RootHeight, f.RootHistogram = w.Root.Height, w.Root.Histogram
	}
	return json.MarshalIndent(f, "", "  ")
}

// UnmarshalWitness decodes a saved witness and verifies it again: the proof with
// types.VerifyDescendant against its child commitment, the histogram (if any) against the
// prover's commitment. Nothing in the file is trusted.
func UnmarshalWitness(bz []byte) (Witness, error) {
	var f file
	if err := json.Unmarshal(bz, &f); err != nil {
		return Witness{}, fmt.Errorf("witness file: %w", err)
	}
	var w Witness
	var err error
	if w.ChildPath, err = slushtypes.PathFromIndices(f.ChildPath); err != nil {
		return Witness{}, fmt.Errorf("witness child path: %w", err)
	}
	if w.ChildCommitment, err = hex.DecodeString(f.ChildCommitment); err != nil {
		return Witness{}, fmt.Errorf("witness child commitment: %w", err)
	}
	if err := recordCodec.UnmarshalJSON(f.Proof, &w.Proof); err != nil {
		return Witness{}, fmt.Errorf("witness proof: %w", err)
	}
	if w.Prover, err = electiontypes.VerifyDescendant(w.ChildCommitment, w.ChildPath, w.Proof); err != nil {
		return Witness{}, fmt.Errorf("witness proof: %w", err)
	}
	if got := slushtypes.Path(w.Prover.Path).Indices(); !slices.Equal(got, f.ProverPath) {
		return Witness{}, fmt.Errorf("witness names prover %v, its proof proves %v", f.ProverPath, got)
	}
	if f.Histogram != nil {
		d := acceptancetypes.HistogramFromProto(f.Histogram).Digest()
		if !d.Equal(&w.Prover.Commitment.AcceptanceDigest) {
			return Witness{}, fmt.Errorf("witness histogram digests to %X, the prover's commitment binds %X",
				hash.EncodeElement(d), hash.EncodeElement(w.Prover.Commitment.AcceptanceDigest))
		}
		w.Histogram = f.Histogram
	}
	if f.RootHistogram != nil || f.RootHeight != 0 {
		if len(w.ChildPath) != 0 || f.RootHeight == 0 {
			return Witness{}, fmt.Errorf("witness root base at root height %d for a proof from %v: a root base needs a proof from the root", f.RootHeight, f.ChildPath)
		}
		base := RootBase{Height: f.RootHeight, Root: w.Proof.Child, Histogram: f.RootHistogram}
		if err := base.check(w.ChildCommitment); err != nil {
			return Witness{}, fmt.Errorf("witness root base: %w", err)
		}
		w.Root = &base
	}
	return w, nil
}

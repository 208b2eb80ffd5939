package witness

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/slush-tree/slush/circuits/hash"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	electiontypes "github.com/slush-tree/slush/x/election/types"
)

// file is a witness saved while the chains it reads are up, so an operator can still report
// and vote once the withholding child stops answering (its state at its finalized commitment is
// what the proof needs and what it no longer serves).
type file struct {
	ChildPath       []uint32                          `json:"child_path"`
	ChildCommitment string                            `json:"child_commitment"`
	ProverPath      []uint32                          `json:"prover_path"`
	Proof           json.RawMessage                   `json:"proof"`
	Histogram       []acceptancetypes.HistogramBucket `json:"histogram,omitempty"`
}

// MarshalJSON encodes a witness (the proof as protobuf JSON).
func (w Witness) MarshalJSON() ([]byte, error) {
	proof, err := recordCodec.MarshalJSON(&w.Proof)
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(file{
		ChildPath: widen(w.ChildPath), ChildCommitment: hex.EncodeToString(w.ChildCommitment),
		ProverPath: widen(w.Prover.Path), Proof: proof, Histogram: w.Histogram,
	}, "", "  ")
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
	if w.ChildPath, err = pathBytes(f.ChildPath); err != nil {
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
	if got := widen(w.Prover.Path); !slices.Equal(got, f.ProverPath) {
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
	return w, nil
}

// widen converts a byte path to the uint32 form paths take in messages and JSON.
func widen(path []uint8) []uint32 {
	out := make([]uint32, len(path))
	for i, p := range path {
		out[i] = uint32(p)
	}
	return out
}

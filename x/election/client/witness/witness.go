package witness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

	slushtypes "github.com/slush-tree/slush/types"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"

	"cosmossdk.io/core/address"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// Target is the child commitment on p a report or vote proves descendant-ship against, with
// what the signed message binds.
type Target struct {
	// ChildIndex is v's index on p.
	ChildIndex uint32
	// ChildPath is v's tree path (p's path plus ChildIndex).
	ChildPath []uint8
	// ChildVid is v's vid.
	ChildVid fr.Element
	// Commitment is v's commitment the proof starts at (32 bytes): its finalized one for a
	// report, the round's for a vote.
	Commitment []byte
	// Epoch is v's operator epoch the message is signed for.
	Epoch uint64
	// Round is the round a vote is cast in (zero for a report).
	Round electiontypes.Round
	// RootHeight is the root height of the root commitment a root re-election message proves
	// against (DESIGN §10; zero otherwise): ChildPath is then empty and Commitment that root
	// commitment.
	RootHeight uint64
	// RootElection is the open root election replica a root vote is cast in (zero otherwise).
	RootElection electiontypes.RootElection
}

// ReportTarget reads, on p, what a withholding report about child index proves against: the
// child's finalized commitment and its current epoch (DESIGN §9).
func ReportTarget(ctx context.Context, p Parent, index uint32) (Target, error) {
	child, err := p.Child(ctx, index)
	if err != nil {
		return Target{}, err
	}
	if child.Status == validiumtypes.ChildStatus_CHILD_STATUS_FROZEN {
		return Target{}, fmt.Errorf("child %d is frozen: its users exit, there is no re-election", index)
	}
	finalized, ok, err := p.Finalized(ctx, index)
	if err != nil {
		return Target{}, err
	}
	if !ok {
		return Target{}, fmt.Errorf("child %d has no finalized commitment on p yet", index)
	}
	t, err := target(ctx, p, index, finalized)
	t.Epoch = child.Epoch
	return t, err
}

// VoteTarget reads, on p, the open round id: its child, commitment and epoch.
func VoteTarget(ctx context.Context, p Parent, id uint64) (Target, error) {
	round, err := p.Round(ctx, id)
	if err != nil {
		return Target{}, err
	}
	if round.Status != electiontypes.RoundStatus_ROUND_STATUS_OPEN {
		return Target{}, fmt.Errorf("round %d is %s", id, round.Status)
	}
	t, err := target(ctx, p, round.ChildIndex, round.Commitment)
	t.Epoch, t.Round = round.Epoch, round
	return t, err
}

// target completes a Target from p's identity.
func target(ctx context.Context, p Parent, index uint32, c []byte) (Target, error) {
	id, err := p.TreeIdentity(ctx)
	if err != nil {
		return Target{}, err
	}
	path, err := slushtypes.PathFromIndices(append(slices.Clone(id.Path), index))
	if err != nil {
		return Target{}, err
	}
	vid, err := commitment.PackVid(path)
	if err != nil {
		return Target{}, err
	}
	if _, err := hash.DecodeElement(c); err != nil {
		return Target{}, fmt.Errorf("child %d commitment: %w", index, err)
	}
	return Target{ChildIndex: index, ChildPath: path, ChildVid: vid, Commitment: bytes.Clone(c)}, nil
}

// Witness is a verified descendant proof: the chain of commitment preimages and children-SMT
// openings from a child's commitment down to the prover, and, for a vote, the prover's
// histogram (its digest is the prover commitment's acceptance digest).
type Witness struct {
	// ChildCommitment is v's commitment the proof starts at.
	ChildCommitment []byte
	// ChildPath is v's tree path.
	ChildPath []uint8
	// Proof is the proof x/election verifies (types.VerifyDescendant).
	Proof electiontypes.DescendantProof
	// Prover is the prover's commitment and path as the proof establishes them.
	Prover electiontypes.Descendant
	// Histogram is the prover's acceptance histogram (nil if not fetched).
	Histogram []acceptancetypes.HistogramBucket
	// Root is the root base a root silence report names, for a witness against a root
	// commitment that saved it (nil otherwise).
	Root *RootBase
}

// Build reads the descendant proof of the prover (the last of levels) against target from the
// chains levels = [v, v's child, ..., prover], one per level below p: v's preimage by hash on
// v, then per level the child's commitment and SMT opening in its parent's state at the height
// its parent made the commitment of the level above, and the child's preimage by hash on the
// child. With histogram it also recomputes the prover's histogram at its commitment's height.
// The result passes types.VerifyDescendant.
func Build(ctx context.Context, t Target, levels []Level, histogram bool) (Witness, error) {
	if len(levels) == 0 {
		return Witness{}, errors.New("no chains: the levels start at the child itself")
	}
	id, err := levels[len(levels)-1].TreeIdentity(ctx)
	if err != nil {
		return Witness{}, err
	}
	proverPath, err := slushtypes.PathFromIndices(id.Path)
	if err != nil {
		return Witness{}, err
	}
	if len(proverPath) <= len(t.ChildPath) || !bytes.Equal(proverPath[:len(t.ChildPath)], t.ChildPath) {
		return Witness{}, fmt.Errorf("the prover %v is not a strict descendant of the child %v", proverPath, t.ChildPath)
	}
	if want := len(proverPath) - len(t.ChildPath) + 1; len(levels) != want {
		return Witness{}, fmt.Errorf("%d chains for %v down to %v, want %d (the child, every chain between, the prover)",
			len(levels), t.ChildPath, proverPath, want)
	}
	rec, c, err := preimage(ctx, levels[0], t.Commitment, t.ChildPath)
	if err != nil {
		return Witness{}, err
	}
	w := Witness{ChildCommitment: bytes.Clone(t.Commitment), ChildPath: slices.Clone(t.ChildPath)}
	w.Proof.Child = rec.Fields
	height := rec.Height
	for depth := len(t.ChildPath) + 1; depth <= len(proverPath); depth++ {
		parentLevel, level := levels[depth-len(t.ChildPath)-1], levels[depth-len(t.ChildPath)]
		index := proverPath[depth-1]
		open, err := opening(ctx, parentLevel, c, proverPath[:depth-1], index, height)
		if err != nil {
			return Witness{}, err
		}
		if rec, c, err = preimage(ctx, level, open.Commitment, proverPath[:depth]); err != nil {
			return Witness{}, err
		}
		w.Proof.Hops = append(w.Proof.Hops, electiontypes.Hop{Commitment: rec.Fields, Siblings: open.Siblings})
		height = rec.Height
	}
	if w.Prover, err = electiontypes.VerifyDescendant(t.Commitment, t.ChildPath, w.Proof); err != nil {
		return Witness{}, fmt.Errorf("built proof does not verify: %w", err)
	}
	if !histogram {
		return w, nil
	}
	report, err := levels[len(levels)-1].SubtreeReportAt(ctx, c.AnchorHeight, height)
	if err != nil {
		return Witness{}, fmt.Errorf("prover %v histogram at height %d: %w", proverPath, height, err)
	}
	if d := acceptancetypes.HistogramFromProto(report.Histogram).Digest(); !d.Equal(&c.AcceptanceDigest) {
		return Witness{}, fmt.Errorf("prover %v: the histogram at height %d is not the one its commitment binds", proverPath, height)
	}
	w.Histogram = report.Histogram
	return w, nil
}

// preimage reads the commitment record with hash h from level and checks it: it hashes to h and
// names path.
func preimage(ctx context.Context, level Level, h []byte, path []uint8) (recordFields, commitment.Commitment, error) {
	rec, err := level.CommitmentByHash(ctx, h)
	if err != nil {
		return recordFields{}, commitment.Commitment{}, fmt.Errorf("commitment %X of %v: %w", h, path, err)
	}
	c, err := rec.Fields.Decode()
	if err != nil {
		return recordFields{}, commitment.Commitment{}, fmt.Errorf("commitment %X of %v: %w", h, path, err)
	}
	if got := c.Hash(); !bytes.Equal(hash.EncodeElement(got), h) {
		return recordFields{}, commitment.Commitment{}, fmt.Errorf("%v answered a preimage of another commitment than %X", path, h)
	}
	vid, err := commitment.PackVid(path)
	if err != nil {
		return recordFields{}, commitment.Commitment{}, err
	}
	if !c.Vid.Equal(&vid) {
		return recordFields{}, commitment.Commitment{}, fmt.Errorf("commitment %X names another validium than %v (wrong chain?)", h, path)
	}
	return recordFields{Height: rec.Height, Fields: rec.Fields}, c, nil
}

// recordFields is the part of a commitment record a witness keeps.
type recordFields struct {
	Height int64
	Fields slushtypes.CommitmentFields
}

// opening reads child index in the parent's state at height and checks it against the parent's
// commitment c made at that height: same children root, the leaf is the child's commitment's,
// and the siblings open the root.
func opening(ctx context.Context, parent Level, c commitment.Commitment, parentPath []uint8, index uint8, height int64) (ChildOpening, error) {
	open, err := parent.ChildAt(ctx, uint32(index), height)
	if err != nil {
		return ChildOpening{}, fmt.Errorf("child %d of %v at height %d: %w", index, parentPath, height, err)
	}
	if !bytes.Equal(open.ChildrenRoot, hash.EncodeElement(c.ChildrenRoot)) {
		return ChildOpening{}, fmt.Errorf("%v at height %d has another children root than its commitment binds", parentPath, height)
	}
	ch, err := hash.DecodeElement(open.Commitment)
	if err != nil {
		return ChildOpening{}, fmt.Errorf("child %d of %v at height %d has no accepted commitment: %w", index, parentPath, height, err)
	}
	leaf := commitment.ChildLeaf(index, ch)
	if !bytes.Equal(open.Leaf, hash.EncodeElement(leaf)) {
		return ChildOpening{}, fmt.Errorf("child %d of %v at height %d: the SMT leaf is not its commitment's", index, parentPath, height)
	}
	siblings := make([]fr.Element, len(open.Siblings))
	for i, s := range open.Siblings {
		if siblings[i], err = hash.DecodeElement(s); err != nil {
			return ChildOpening{}, fmt.Errorf("child %d of %v: sibling %d: %w", index, parentPath, i, err)
		}
	}
	proof := smt.Proof{Index: uint64(index), Value: leaf, Siblings: siblings}
	if err := smt.VerifyProof(c.ChildrenRoot, commitment.ChildrenDepth, proof); err != nil {
		return ChildOpening{}, fmt.Errorf("child %d of %v at height %d: the siblings do not open the children root", index, parentPath, height)
	}
	return open, nil
}

// CheckKey requires key to be the prover's operator key: its hash is the operator_key_hash of
// the prover's proven commitment (what the keeper checks before the signature).
func (w Witness) CheckKey(key *eddsa.PrivateKey) error {
	h := electiontypes.OperatorKeyHash(key.PublicKey)
	if !h.Equal(&w.Prover.Commitment.OperatorKeyHash) {
		return fmt.Errorf("the key's operator key hash %X is not %X, the one %v's commitment carries",
			hash.EncodeElement(h), hash.EncodeElement(w.Prover.Commitment.OperatorKeyHash), w.Prover.Path)
	}
	return nil
}

// matches requires the witness to prove against t.
func (w Witness) matches(t Target) error {
	if !bytes.Equal(w.ChildCommitment, t.Commitment) || !bytes.Equal(w.ChildPath, t.ChildPath) {
		return fmt.Errorf("the witness proves against %v's commitment %X, the target is %v's %X: rebuild it",
			w.ChildPath, w.ChildCommitment, t.ChildPath, t.Commitment)
	}
	return nil
}

// NewReport builds the withholding report about t (a ReportTarget) signed with key, the
// prover's operator key (DESIGN §9), and checks it as the keeper will: proof, key, signature.
func NewReport(t Target, w Witness, key *eddsa.PrivateKey, submitter string) (*electiontypes.MsgReportWithholding, error) {
	if err := w.matches(t); err != nil {
		return nil, err
	}
	if err := w.CheckKey(key); err != nil {
		return nil, err
	}
	finalized, err := hash.DecodeElement(t.Commitment)
	if err != nil {
		return nil, err
	}
	msg := electiontypes.ReportMessage(t.ChildVid, t.Epoch, finalized)
	sig, err := sign(key, msg)
	if err != nil {
		return nil, err
	}
	return &electiontypes.MsgReportWithholding{
		Submitter: submitter, ChildIndex: t.ChildIndex, Proof: w.Proof, PublicKey: key.PublicKey.Bytes(), Signature: sig,
	}, nil
}

// NewVote builds the prover's vote for candidate in t's round (a VoteTarget) signed with key,
// and checks it as the keeper will: proof, histogram weight within the round, candidate, key and
// signature. ac decodes the candidate's operator address.
func NewVote(t Target, w Witness, candidate electiontypes.Candidate, ac address.Codec, key *eddsa.PrivateKey, submitter string) (*electiontypes.MsgEmergencyVote, error) {
	if t.Round.Id == 0 {
		return nil, errors.New("a vote needs a round")
	}
	if err := w.matches(t); err != nil {
		return nil, err
	}
	if err := w.CheckKey(key); err != nil {
		return nil, err
	}
	if t.Round.Subtree == 0 {
		return nil, fmt.Errorf("round %d has no subtree size", t.Round.Id)
	}
	if _, err := electiontypes.VoterWeight(w.Histogram, w.Prover.Commitment, t.Round.Subtree-1); err != nil {
		return nil, err
	}
	addr, keyHash, err := electiontypes.DecodeCandidate(candidate, ac)
	if err != nil {
		return nil, err
	}
	msg, err := electiontypes.VoteMessage(t.Round.Id, t.ChildVid, t.Epoch, addr, keyHash)
	if err != nil {
		return nil, err
	}
	sig, err := sign(key, msg)
	if err != nil {
		return nil, err
	}
	return &electiontypes.MsgEmergencyVote{
		Submitter: submitter, RoundId: t.Round.Id, Candidate: candidate, Proof: w.Proof,
		Histogram: w.Histogram, PublicKey: key.PublicKey.Bytes(), Signature: sig,
	}, nil
}

// sign signs msg and verifies the signature back through the keeper's verifier.
func sign(key *eddsa.PrivateKey, msg fr.Element) ([]byte, error) {
	sig, err := electiontypes.SignMessage(key, msg)
	if err != nil {
		return nil, err
	}
	pub, err := electiontypes.DecodePublicKey(key.PublicKey.Bytes())
	if err != nil {
		return nil, err
	}
	return sig, electiontypes.VerifySignature(pub, msg, sig)
}

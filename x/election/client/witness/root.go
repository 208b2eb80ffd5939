package witness

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"

	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// Replica is what the root re-election builders read from a child of the root: one replica of
// the virtual L0 election (DESIGN §10), where the root messages are filed.
type Replica interface {
	// TreeIdentity is the chain's place in the tree (a child of the root).
	TreeIdentity(ctx context.Context) (treetypes.TreeIdentity, error)
	// RootCommitment is the root commitment the chain verified at rootHeight, if any.
	RootCommitment(ctx context.Context, rootHeight uint64) ([]byte, bool, error)
	// OpenRootElection is the chain's open root election replica.
	OpenRootElection(ctx context.Context) (electiontypes.RootElection, error)
	// RootResult is the chain's result of the re-election of root epoch epoch.
	RootResult(ctx context.Context, epoch uint64) (electiontypes.RootElectionResult, error)
}

// RestartedRoot is what MsgAdoptElectedRoot is built from: the restarted root's node
// (relayer/chainclient's Client is one).
type RestartedRoot interface {
	// Height is the node's latest block height.
	Height(ctx context.Context) (int64, error)
	// SignedHeader is the signed header at height h.
	SignedHeader(ctx context.Context, h int64) (*cmttypes.SignedHeader, error)
	// ValidatorSet is the validator set at height h.
	ValidatorSet(ctx context.Context, h int64) (*cmttypes.ValidatorSet, error)
	// StoreProof reads a store key at height with its ICS23 proof.
	StoreProof(ctx context.Context, store string, key []byte, height int64) ([]byte, []byte, error)
}

// requireReplica refuses a chain that is not a child of the root: only those keep a replica.
func requireReplica(ctx context.Context, r Replica) error {
	id, err := r.TreeIdentity(ctx)
	if err != nil {
		return err
	}
	if len(id.Path) != 1 {
		return fmt.Errorf("chain %v is not a child of the root: root re-election messages go to a child of the root", id.Path)
	}
	return nil
}

// RootBaseTarget is the root commitment the replica verified at rootHeight, as the target of a
// root silence report and of the descendant proofs its votes will carry (the election's base).
func RootBaseTarget(ctx context.Context, r Replica, rootHeight uint64) (Target, error) {
	if rootHeight == 0 {
		return Target{}, errors.New("a root height is required")
	}
	if err := requireReplica(ctx, r); err != nil {
		return Target{}, err
	}
	c, known, err := r.RootCommitment(ctx, rootHeight)
	if err != nil {
		return Target{}, err
	}
	if !known {
		return Target{}, fmt.Errorf("the child of the root has not verified a root commitment at root height %d", rootHeight)
	}
	return rootTarget(c, rootHeight)
}

// RootElectionTarget is the base of the replica's open root election, the target of a root vote.
func RootElectionTarget(ctx context.Context, r Replica) (Target, error) {
	if err := requireReplica(ctx, r); err != nil {
		return Target{}, err
	}
	election, err := r.OpenRootElection(ctx)
	if err != nil {
		return Target{}, fmt.Errorf("the open root election: %w", err)
	}
	if election.BaseRootHeight == 0 {
		return Target{}, fmt.Errorf("root election %d has no base yet: a silence report names it", election.Id)
	}
	t, err := rootTarget(election.BaseCommitment, election.BaseRootHeight)
	t.Epoch, t.RootElection = election.Epoch, election
	return t, err
}

// rootTarget is the Target of root commitment c at rootHeight: the root's empty path and vid.
func rootTarget(c []byte, rootHeight uint64) (Target, error) {
	vid, err := commitment.PackVid(nil)
	if err != nil {
		return Target{}, err
	}
	if _, err := hash.DecodeElement(c); err != nil {
		return Target{}, fmt.Errorf("root commitment at %d: %w", rootHeight, err)
	}
	return Target{ChildPath: []uint8{}, ChildVid: vid, Commitment: bytes.Clone(c), RootHeight: rootHeight}, nil
}

// RootBase is what a root silence report names (MsgReportRootSilent): the base root height, the
// root commitment's preimage and the root histogram its acceptance digest binds (b_root).
type RootBase struct {
	// Height is the base root height.
	Height uint64
	// Root is the preimage of the root commitment at Height.
	Root slushtypes.CommitmentFields
	// Histogram is the root's acceptance histogram at Height.
	Histogram []acceptancetypes.HistogramBucket
}

// BuildRootBase reads t's root commitment (a RootBaseTarget) from the root itself, while it
// answers: its preimage by hash and the subtree report its EndBlock hashed into it. The result
// passes the checks of a silence report (checkRootBase).
func BuildRootBase(ctx context.Context, t Target, root Level) (RootBase, error) {
	if len(t.ChildPath) != 0 || t.RootHeight == 0 {
		return RootBase{}, errors.New("the target is not a root commitment")
	}
	rec, c, err := preimage(ctx, root, t.Commitment, nil)
	if err != nil {
		return RootBase{}, err
	}
	report, err := root.SubtreeReportAt(ctx, c.AnchorHeight, rec.Height)
	if err != nil {
		return RootBase{}, fmt.Errorf("the root's histogram at height %d: %w", rec.Height, err)
	}
	base := RootBase{Height: t.RootHeight, Root: rec.Fields, Histogram: report.Histogram}
	return base, base.check(t.Commitment)
}

// check verifies the base as the replica will: the preimage hashes to the root commitment c (if
// given) and names the root, the histogram is the one its digest binds, b_root ≥ 2.
func (b RootBase) check(c []byte) error {
	root, err := b.Root.Decode()
	if err != nil {
		return err
	}
	if h := root.Hash(); c != nil && !bytes.Equal(hash.EncodeElement(h), c) {
		return fmt.Errorf("the root preimage is not the root commitment %X", c)
	}
	vid, err := commitment.PackVid(nil)
	if err != nil {
		return err
	}
	if !root.Vid.Equal(&vid) {
		return errors.New("the root preimage names another validium than the root")
	}
	h := acceptancetypes.HistogramFromProto(b.Histogram)
	if err := h.Validate(^uint64(0)); err != nil {
		return fmt.Errorf("root histogram: %w", err)
	}
	if d := h.Digest(); !d.Equal(&root.AcceptanceDigest) {
		return errors.New("the root histogram is not the one the root commitment binds")
	}
	if h.Total() < 2 {
		return fmt.Errorf("b_root %d: the root has no descendant to vote", h.Total())
	}
	return nil
}

// NewRootReport builds the root silence report naming base (DESIGN §10; anyone may file it on a
// child of the root) and checks it as far as no chain state is needed.
func NewRootReport(base RootBase, submitter string) (*electiontypes.MsgReportRootSilent, error) {
	if err := base.check(nil); err != nil {
		return nil, err
	}
	msg := &electiontypes.MsgReportRootSilent{
		Submitter: submitter, BaseRootHeight: base.Height, Root: base.Root, RootHistogram: base.Histogram,
	}
	return msg, msg.ValidateBasic()
}

// NewRootVote builds the prover's vote for candidate in t's root election (a RootElectionTarget)
// signed with key, and checks it as every replica will: proof from the base, histogram weight
// within b_root − 1, candidate, key and signature over RootVoteMessage. One signed vote is relayed
// unchanged to every child of the root.
func NewRootVote(t Target, w Witness, candidate electiontypes.RootCandidate, key *eddsa.PrivateKey, submitter string) (*electiontypes.MsgRootVote, error) {
	election := t.RootElection
	if election.Id == 0 || election.BaseRootHeight == 0 {
		return nil, errors.New("a root vote needs an open root election with a base")
	}
	if err := w.matches(t); err != nil {
		return nil, err
	}
	if err := w.CheckKey(key); err != nil {
		return nil, err
	}
	if election.Subtree < 2 {
		return nil, fmt.Errorf("root election %d has b_root %d", election.Id, election.Subtree)
	}
	if _, err := electiontypes.VoterWeight(w.Histogram, w.Prover.Commitment, election.Subtree-1); err != nil {
		return nil, err
	}
	keyHash, err := electiontypes.DecodeRootCandidate(candidate)
	if err != nil {
		return nil, err
	}
	base, err := hash.DecodeElement(election.BaseCommitment)
	if err != nil {
		return nil, err
	}
	msg, err := electiontypes.RootVoteMessage(election.Epoch, election.BaseRootHeight, base, keyHash, candidate.ConsensusPubkey)
	if err != nil {
		return nil, err
	}
	sig, err := sign(key, msg)
	if err != nil {
		return nil, err
	}
	vote := &electiontypes.MsgRootVote{
		Submitter: submitter, Epoch: election.Epoch, BaseRootHeight: election.BaseRootHeight, Candidate: candidate,
		Proof: w.Proof, Histogram: w.Histogram, PublicKey: key.PublicKey.Bytes(), Signature: sig,
	}
	return vote, vote.ValidateBasic()
}

// NewAdoptRoot builds the adoption of the restarted root by the result of a root re-election
// (MsgAdoptElectedRoot): the restarted root's latest signed header and validator set, which must
// be the elected consensus key alone, and its own commitment record at the base root height
// proven at the height before (the header's app hash commits to that state).
func NewAdoptRoot(ctx context.Context, result electiontypes.RootElectionResult, root RestartedRoot, submitter string) (*electiontypes.MsgAdoptElectedRoot, error) {
	h, err := root.Height(ctx)
	if err != nil {
		return nil, err
	}
	if h < 2 {
		return nil, fmt.Errorf("the restarted root is at height %d: wait for its second block", h)
	}
	sh, err := root.SignedHeader(ctx, h)
	if err != nil {
		return nil, fmt.Errorf("the restarted root's header at %d: %w", h, err)
	}
	vals, err := root.ValidatorSet(ctx, h)
	if err != nil {
		return nil, fmt.Errorf("the restarted root's validator set at %d: %w", h, err)
	}
	if vals.Size() != 1 || !bytes.Equal(vals.Validators[0].PubKey.Bytes(), result.Elected.ConsensusPubkey) {
		return nil, fmt.Errorf("the restarted root's validator set at %d is not the elected consensus key %X alone", h, result.Elected.ConsensusPubkey)
	}
	key, err := treetypes.ParentRecordKey(true, result.BaseRootHeight)
	if err != nil {
		return nil, err
	}
	value, proof, err := root.StoreProof(ctx, treetypes.StoreKey, key, h-1)
	if err != nil {
		return nil, fmt.Errorf("the restarted root's record of root height %d: %w", result.BaseRootHeight, err)
	}
	if len(value) == 0 {
		return nil, fmt.Errorf("the restarted root holds no commitment at the base root height %d (at height %d)", result.BaseRootHeight, h-1)
	}
	header, err := sh.ToProto().Marshal()
	if err != nil {
		return nil, err
	}
	vp, err := vals.ToProto()
	if err != nil {
		return nil, err
	}
	valBz, err := vp.Marshal()
	if err != nil {
		return nil, err
	}
	msg := &electiontypes.MsgAdoptElectedRoot{
		Submitter: submitter, Epoch: result.Epoch, Header: header, ValidatorSet: valBz,
		Record: treetypes.ParentRecord{RootHeight: result.BaseRootHeight, Value: value, Proof: proof},
	}
	return msg, msg.ValidateBasic()
}

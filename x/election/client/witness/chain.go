// Package witness builds what an operator files in an emergency re-election (DESIGN §9): the
// descendant proof from a child's commitment on its parent down to the operator's own
// commitment, read from the chains' query services at the heights those commitments were made,
// and the operator-key-signed MsgReportWithholding and MsgEmergencyVote. Everything it builds is
// checked with x/election's own verifiers before it is returned.
package witness

import (
	"context"

	treetypes "github.com/slush-tree/slush/x/tree/types"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/slush-tree/slush/relayer/chainclient"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// ChildOpening is a child's accepted commitment in its parent's state at one height, with the
// children-SMT path that opens the parent's children root at the child's index.
type ChildOpening struct {
	// Commitment is the child's latest accepted commitment (32 bytes).
	Commitment []byte
	// Leaf is the SMT leaf value (commitment.ChildLeaf of index and Commitment).
	Leaf []byte
	// Siblings are the SMT siblings, leaf level first.
	Siblings [][]byte
	// ChildrenRoot is the children root they open.
	ChildrenRoot []byte
}

// Level is what a witness reads from one chain on the way from the child v down to the prover.
type Level interface {
	// TreeIdentity is the chain's place in the tree.
	TreeIdentity(ctx context.Context) (treetypes.TreeIdentity, error)
	// CommitmentByHash is the chain's own commitment record with hash h (its first height).
	CommitmentByHash(ctx context.Context, h []byte) (treetypes.OwnCommitment, error)
	// ChildAt opens child index in the chain's state at block height.
	ChildAt(ctx context.Context, index uint32, height int64) (ChildOpening, error)
	// SubtreeReportAt recomputes the subtree report the chain's EndBlock hashed into its
	// commitment at block height, for that commitment's anchor height.
	SubtreeReportAt(ctx context.Context, anchorHeight uint64, height int64) (acceptancetypes.SubtreeReport, error)
}

// Parent is what a witness reads from p, the chain the report or vote is filed on.
type Parent interface {
	// TreeIdentity is p's place in the tree.
	TreeIdentity(ctx context.Context) (treetypes.TreeIdentity, error)
	// Child is p's record of child index.
	Child(ctx context.Context, index uint32) (validiumtypes.Child, error)
	// Finalized is the child's finalized commitment on p, if any.
	Finalized(ctx context.Context, index uint32) ([]byte, bool, error)
	// Round is an emergency round on p.
	Round(ctx context.Context, id uint64) (electiontypes.Round, error)
}

// ABCI answers ABCI queries: client.Context does over a node's CometBFT RPC, an app in tests.
type ABCI interface {
	// QueryABCI runs one ABCI query (gRPC method or store path) at req.Height (0: latest).
	QueryABCI(req abci.RequestQuery) (abci.ResponseQuery, error)
}

// QueryChain reads one chain through ABCI queries of its gRPC services (the relayer's
// chainclient.Queries over ABCI), at a height where one matters; it is both a Level and a Parent.
type QueryChain struct {
	// Name names the chain in errors (e.g. its RPC address).
	Name string
	// ABCI answers the queries.
	ABCI ABCI
}

var (
	_ Level   = QueryChain{}
	_ Parent  = QueryChain{}
	_ Replica = QueryChain{}
)

// queries are the chain's typed queries over ABCI.
func (c QueryChain) queries() chainclient.Queries {
	return chainclient.NewQueries(chainclient.NewConn(c.Name, func(_ context.Context, req abci.RequestQuery) (abci.ResponseQuery, error) {
		return c.ABCI.QueryABCI(req)
	}))
}

// TreeIdentity implements Level and Parent.
func (c QueryChain) TreeIdentity(ctx context.Context) (treetypes.TreeIdentity, error) {
	return c.queries().TreeIdentity(ctx, 0)
}

// CommitmentByHash implements Level.
func (c QueryChain) CommitmentByHash(ctx context.Context, h []byte) (treetypes.OwnCommitment, error) {
	return c.queries().CommitmentByHash(ctx, h, 0)
}

// ChildAt implements Level: the Child and ChildProof queries at the same height.
func (c QueryChain) ChildAt(ctx context.Context, index uint32, height int64) (ChildOpening, error) {
	q := c.queries()
	child, err := q.Child(ctx, index, height)
	if err != nil {
		return ChildOpening{}, err
	}
	proof, err := q.ChildProof(ctx, index, height)
	if err != nil {
		return ChildOpening{}, err
	}
	return ChildOpening{
		Commitment: child.Child.LatestCommitment, Leaf: proof.Leaf, Siblings: proof.Siblings, ChildrenRoot: proof.ChildrenRoot,
	}, nil
}

// SubtreeReportAt implements Level: x/acceptance's report for anchorHeight over the chain's
// state at height (the report its commitment of that block binds).
func (c QueryChain) SubtreeReportAt(ctx context.Context, anchorHeight uint64, height int64) (acceptancetypes.SubtreeReport, error) {
	return c.queries().SubtreeReport(ctx, anchorHeight, height)
}

// Child implements Parent.
func (c QueryChain) Child(ctx context.Context, index uint32) (validiumtypes.Child, error) {
	res, err := c.queries().Child(ctx, index, 0)
	if err != nil {
		return validiumtypes.Child{}, err
	}
	return res.Child, nil
}

// Finalized implements Parent.
func (c QueryChain) Finalized(ctx context.Context, index uint32) ([]byte, bool, error) {
	res, err := c.queries().Finalized(ctx, index, 0)
	if err != nil {
		return nil, false, err
	}
	return res.Hash.Commitment, res.Found, nil
}

// Round implements Parent.
func (c QueryChain) Round(ctx context.Context, id uint64) (electiontypes.Round, error) {
	return c.queries().Round(ctx, id, 0)
}

// RootCommitment implements Replica.
func (c QueryChain) RootCommitment(ctx context.Context, rootHeight uint64) ([]byte, bool, error) {
	res, err := c.queries().RootCommitment(ctx, rootHeight, 0)
	if err != nil {
		return nil, false, err
	}
	return res.Commitment, res.Known, nil
}

// OpenRootElection implements Replica.
func (c QueryChain) OpenRootElection(ctx context.Context) (electiontypes.RootElection, error) {
	return c.queries().OpenRootElection(ctx, 0)
}

// RootResult implements Replica.
func (c QueryChain) RootResult(ctx context.Context, epoch uint64) (electiontypes.RootElectionResult, error) {
	return c.queries().RootElectionResult(ctx, epoch, 0)
}

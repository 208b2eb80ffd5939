// Package witness builds what an operator files in an emergency re-election (DESIGN §9): the
// descendant proof from a child's commitment on its parent down to the operator's own
// commitment, read from the chains' query services at the heights those commitments were made,
// and the operator-key-signed MsgReportWithholding and MsgEmergencyVote. Everything it builds is
// checked with x/election's own verifiers before it is returned.
package witness

import (
	"context"
	"fmt"

	abci "github.com/cometbft/cometbft/abci/types"
	gogoproto "github.com/cosmos/gogoproto/proto"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"

	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
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
	TreeIdentity(ctx context.Context) (validiumtypes.TreeIdentity, error)
	// CommitmentByHash is the chain's own commitment record with hash h (its first height).
	CommitmentByHash(ctx context.Context, h []byte) (bridgetypes.OwnCommitment, error)
	// ChildAt opens child index in the chain's state at block height.
	ChildAt(ctx context.Context, index uint32, height int64) (ChildOpening, error)
	// SubtreeReportAt recomputes the subtree report the chain's EndBlock hashed into its
	// commitment at block height, for that commitment's anchor height.
	SubtreeReportAt(ctx context.Context, anchorHeight uint64, height int64) (acceptancetypes.SubtreeReport, error)
}

// Parent is what a witness reads from p, the chain the report or vote is filed on.
type Parent interface {
	// TreeIdentity is p's place in the tree.
	TreeIdentity(ctx context.Context) (validiumtypes.TreeIdentity, error)
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

// QueryChain reads one chain through ABCI queries of its gRPC services and stores, at a height
// where one matters; it is both a Level and a Parent.
type QueryChain struct {
	// Name names the chain in errors (e.g. its RPC address).
	Name string
	// ABCI answers the queries.
	ABCI ABCI
}

var (
	_ Level  = QueryChain{}
	_ Parent = QueryChain{}
)

// recordCodec decodes the raw x/acceptance records (no Any fields).
var recordCodec = codec.NewProtoCodec(codectypes.NewInterfaceRegistry())

// query runs one gRPC method as an ABCI query at height (0: latest).
func (c QueryChain) query(method string, req, res gogoproto.Message, height int64) error {
	bz, err := gogoproto.Marshal(req)
	if err != nil {
		return err
	}
	r, err := c.ABCI.QueryABCI(abci.RequestQuery{Path: method, Data: bz, Height: height})
	if err != nil {
		return fmt.Errorf("%s: %s at height %d: %w", c.Name, method, height, err)
	}
	if !r.IsOK() {
		return fmt.Errorf("%s: %s at height %d: %s", c.Name, method, height, r.Log)
	}
	return gogoproto.Unmarshal(r.Value, res)
}

// TreeIdentity implements Level and Parent.
func (c QueryChain) TreeIdentity(_ context.Context) (validiumtypes.TreeIdentity, error) {
	res := &validiumtypes.QueryTreeIdentityResponse{}
	err := c.query("/slush.validium.v1.Query/TreeIdentity", &validiumtypes.QueryTreeIdentityRequest{}, res, 0)
	return res.Identity, err
}

// CommitmentByHash implements Level.
func (c QueryChain) CommitmentByHash(_ context.Context, h []byte) (bridgetypes.OwnCommitment, error) {
	res := &bridgetypes.QueryCommitmentByHashResponse{}
	err := c.query("/slush.bridge.v1.Query/CommitmentByHash", &bridgetypes.QueryCommitmentByHashRequest{Commitment: h}, res, 0)
	return res.Commitment, err
}

// ChildAt implements Level: the Child and ChildProof queries at the same height.
func (c QueryChain) ChildAt(_ context.Context, index uint32, height int64) (ChildOpening, error) {
	child := &validiumtypes.QueryChildResponse{}
	if err := c.query("/slush.validium.v1.Query/Child", &validiumtypes.QueryChildRequest{Index: index}, child, height); err != nil {
		return ChildOpening{}, err
	}
	proof := &validiumtypes.QueryChildProofResponse{}
	if err := c.query("/slush.validium.v1.Query/ChildProof", &validiumtypes.QueryChildProofRequest{Index: index}, proof, height); err != nil {
		return ChildOpening{}, err
	}
	return ChildOpening{
		Commitment: child.Child.LatestCommitment, Leaf: proof.Leaf, Siblings: proof.Siblings, ChildrenRoot: proof.ChildrenRoot,
	}, nil
}

// SubtreeReportAt implements Level: x/acceptance's report for anchorHeight over the chain's
// state at height (the report its commitment of that block binds).
func (c QueryChain) SubtreeReportAt(_ context.Context, anchorHeight uint64, height int64) (acceptancetypes.SubtreeReport, error) {
	res := &acceptancetypes.QuerySubtreeResponse{}
	err := c.query("/slush.acceptance.v1.Query/Subtree", &acceptancetypes.QuerySubtreeRequest{AnchorHeight: anchorHeight}, res, height)
	return res.Report, err
}

// forEachBytesField calls fn with every length-delimited field of a protobuf message and skips
// the others.
func forEachBytesField(bz []byte, fn func(protowire.Number, []byte) error) error {
	for len(bz) > 0 {
		num, typ, n := protowire.ConsumeTag(bz)
		if n < 0 {
			return protowire.ParseError(n)
		}
		bz = bz[n:]
		if typ != protowire.BytesType {
			if n = protowire.ConsumeFieldValue(num, typ, bz); n < 0 {
				return protowire.ParseError(n)
			}
			bz = bz[n:]
			continue
		}
		v, n := protowire.ConsumeBytes(bz)
		if n < 0 {
			return protowire.ParseError(n)
		}
		if err := fn(num, v); err != nil {
			return err
		}
		bz = bz[n:]
	}
	return nil
}

// Child implements Parent.
func (c QueryChain) Child(_ context.Context, index uint32) (validiumtypes.Child, error) {
	res := &validiumtypes.QueryChildResponse{}
	err := c.query("/slush.validium.v1.Query/Child", &validiumtypes.QueryChildRequest{Index: index}, res, 0)
	return res.Child, err
}

// Finalized implements Parent.
func (c QueryChain) Finalized(_ context.Context, index uint32) ([]byte, bool, error) {
	res := &acceptancetypes.QueryFinalizedResponse{}
	if err := c.query("/slush.acceptance.v1.Query/Finalized", &acceptancetypes.QueryFinalizedRequest{ChildIndex: index}, res, 0); err != nil {
		return nil, false, err
	}
	return res.Hash.Commitment, res.Found, nil
}

// Round implements Parent.
func (c QueryChain) Round(_ context.Context, id uint64) (electiontypes.Round, error) {
	res := &electiontypes.QueryRoundResponse{}
	err := c.query("/slush.election.v1.Query/Round", &electiontypes.QueryRoundRequest{RoundId: id}, res, 0)
	return res.Round, err
}

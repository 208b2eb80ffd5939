package chainclient

import (
	"context"

	"github.com/cosmos/cosmos-sdk/types/query"

	slushtypes "github.com/slush-tree/slush/types"

	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"

	gogogrpc "github.com/cosmos/gogoproto/grpc"

	sdk "github.com/cosmos/cosmos-sdk/types"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// Queries are every typed query the relayer and the election witness builder make of a chain,
// one method each, through the generated query clients at a block height (0: the latest): when
// a query service moves to another module, only this file changes.
type Queries struct{ conn gogogrpc.ClientConn }

// NewQueries reads a chain over conn (a Conn over abci_query, or any gRPC connection).
func NewQueries(conn gogogrpc.ClientConn) Queries { return Queries{conn: conn} }

// IsNoCommitment tells whether err is x/tree's answer that it holds no commitment at a height or
// with a hash (never made, or pruned): NotFound, as every missing record (IsNotFound).
func IsNoCommitment(err error) bool { return IsNotFound(err) }

// Ledger is the chain's ledger: its params, genesis funding and log length.
func (q Queries) Ledger(ctx context.Context, height int64) (*ledgertypes.QueryStateResponse, error) {
	return ledgertypes.NewQueryClient(q.conn).State(AtHeight(ctx, height), &ledgertypes.QueryStateRequest{})
}

// BatchLog is up to limit logged ledger operations from sequence from.
func (q Queries) BatchLog(ctx context.Context, from uint64, limit uint32, height int64) ([]ledgertypes.LoggedOp, error) {
	res, err := ledgertypes.NewQueryClient(q.conn).BatchLog(AtHeight(ctx, height), &ledgertypes.QueryBatchLogRequest{From: from, Limit: limit})
	if err != nil {
		return nil, err
	}
	return res.Ops, nil
}

// Commitment is the chain's own commitment at block height h (0: latest), read at atHeight.
func (q Queries) Commitment(ctx context.Context, h, atHeight int64) (treetypes.OwnCommitment, error) {
	res, err := treetypes.NewQueryClient(q.conn).Commitment(AtHeight(ctx, atHeight), &treetypes.QueryCommitmentRequest{Height: h})
	if err != nil {
		return treetypes.OwnCommitment{}, err
	}
	return res.Commitment, nil
}

// CommitmentByHash is the chain's commitment record with a given hash (its first height).
func (q Queries) CommitmentByHash(ctx context.Context, hash []byte, atHeight int64) (treetypes.OwnCommitment, error) {
	res, err := treetypes.NewQueryClient(q.conn).CommitmentByHash(AtHeight(ctx, atHeight), &treetypes.QueryCommitmentByHashRequest{Commitment: hash})
	if err != nil {
		return treetypes.OwnCommitment{}, err
	}
	return res.Commitment, nil
}

// RootCommitment is the root commitment the chain knows at rootHeight (0: its newest).
func (q Queries) RootCommitment(ctx context.Context, rootHeight uint64, atHeight int64) (*treetypes.QueryRootCommitmentResponse, error) {
	return treetypes.NewQueryClient(q.conn).RootCommitment(AtHeight(ctx, atHeight), &treetypes.QueryRootCommitmentRequest{RootHeight: rootHeight})
}

// ParentClient is the parent light-client state the chain trusts.
func (q Queries) ParentClient(ctx context.Context, atHeight int64) (*treetypes.QueryParentClientResponse, error) {
	return treetypes.NewQueryClient(q.conn).ParentClient(AtHeight(ctx, atHeight), &treetypes.QueryParentClientRequest{})
}

// Pending is what a chain still has to see through: its own messages not yet confirmed
// (x/bridge) and the routed messages it passes up or has queued down (x/validium).
type Pending struct {
	Outgoing []bridgetypes.OutgoingMessage
	Routes   []validiumtypes.RouteRecord
}

// PendingMessages lists the chain's unfinished outgoing and routed messages (up to 1000 each).
func (q Queries) PendingMessages(ctx context.Context, atHeight int64) (*Pending, error) {
	out, err := bridgetypes.NewQueryClient(q.conn).PendingMessages(AtHeight(ctx, atHeight), &bridgetypes.QueryPendingMessagesRequest{Limit: 1000})
	if err != nil {
		return nil, err
	}
	routes, err := validiumtypes.NewQueryClient(q.conn).PendingRoutes(AtHeight(ctx, atHeight), &validiumtypes.QueryPendingRoutesRequest{Limit: 1000})
	if err != nil {
		return nil, err
	}
	return &Pending{Outgoing: out.Outgoing, Routes: routes.Routes}, nil
}

// MessageState is where a message is in its life cycle on one chain: its own record (x/bridge),
// its route record (x/validium), and the status they give (the own record's first, then the
// route's, then CLAIMED when its nullifier is set).
type MessageState struct {
	Status   slushtypes.MessageStatus
	Outgoing *bridgetypes.OutgoingMessage
	Route    *validiumtypes.RouteRecord
}

// MessageStatus is where a message is in its life cycle on this chain.
func (q Queries) MessageStatus(ctx context.Context, msgHash []byte, atHeight int64) (*MessageState, error) {
	st := &MessageState{}
	own, err := bridgetypes.NewQueryClient(q.conn).MessageStatus(AtHeight(ctx, atHeight), &bridgetypes.QueryMessageStatusRequest{MessageHash: msgHash})
	switch {
	case IsNotFound(err): // neither sent from nor minted on this chain: UNSPECIFIED
	case err != nil:
		return nil, err
	default:
		st.Status, st.Outgoing = own.Status, own.Outgoing
	}
	route, err := validiumtypes.NewQueryClient(q.conn).Route(AtHeight(ctx, atHeight), &validiumtypes.QueryRouteRequest{MessageHash: msgHash})
	switch {
	case IsNotFound(err):
	case err != nil:
		return nil, err
	default:
		st.Route = &route.Route
		if st.Outgoing == nil {
			st.Status = route.Route.Status
		}
	}
	return st, nil
}

// Nullifier tells whether a message was minted here (claimed or delivered by route).
func (q Queries) Nullifier(ctx context.Context, msgHash []byte, atHeight int64) (bool, error) {
	res, err := bridgetypes.NewQueryClient(q.conn).Nullifier(AtHeight(ctx, atHeight), &bridgetypes.QueryNullifierRequest{MessageHash: msgHash})
	if err != nil {
		return false, err
	}
	return res.Claimed, nil
}

// TreeParams are the chain's x/tree params (e.g. how many root commitments the root keeps).
func (q Queries) TreeParams(ctx context.Context, atHeight int64) (treetypes.Params, error) {
	res, err := treetypes.NewQueryClient(q.conn).Params(AtHeight(ctx, atHeight), &treetypes.QueryParamsRequest{})
	if err != nil {
		return treetypes.Params{}, err
	}
	return res.Params, nil
}

// InclusionParams are the claim verifier's parameters the chain holds (x/bridge).
func (q Queries) InclusionParams(ctx context.Context, atHeight int64) (bridgetypes.InclusionParams, error) {
	res, err := bridgetypes.NewQueryClient(q.conn).InclusionParams(AtHeight(ctx, atHeight), &bridgetypes.QueryInclusionParamsRequest{})
	if err != nil {
		return bridgetypes.InclusionParams{}, err
	}
	return res.InclusionParams, nil
}

// TreeIdentity is the chain's place in the tree.
func (q Queries) TreeIdentity(ctx context.Context, atHeight int64) (treetypes.TreeIdentity, error) {
	res, err := treetypes.NewQueryClient(q.conn).TreeIdentity(AtHeight(ctx, atHeight), &treetypes.QueryTreeIdentityRequest{})
	if err != nil {
		return treetypes.TreeIdentity{}, err
	}
	return res.Identity, nil
}

// AcceptanceParams are the chain's x/acceptance params (max_histogram_buckets bounds its reports).
func (q Queries) AcceptanceParams(ctx context.Context, atHeight int64) (acceptancetypes.Params, error) {
	res, err := acceptancetypes.NewQueryClient(q.conn).Params(AtHeight(ctx, atHeight), &acceptancetypes.QueryParamsRequest{})
	if err != nil {
		return acceptancetypes.Params{}, err
	}
	return res.Params, nil
}

// ValidiumParams are the chain's x/validium params (max_batches_per_update, verification gas).
func (q Queries) ValidiumParams(ctx context.Context, atHeight int64) (validiumtypes.Params, error) {
	res, err := validiumtypes.NewQueryClient(q.conn).Params(AtHeight(ctx, atHeight), &validiumtypes.QueryParamsRequest{})
	if err != nil {
		return validiumtypes.Params{}, err
	}
	return res.Params, nil
}

// Child is the chain's record of child index (record, history, forced operations).
func (q Queries) Child(ctx context.Context, index uint32, atHeight int64) (*validiumtypes.QueryChildResponse, error) {
	return validiumtypes.NewQueryClient(q.conn).Child(AtHeight(ctx, atHeight), &validiumtypes.QueryChildRequest{Index: index})
}

// Children is the chain's record of every registered child at a height, by index (a chain has
// at most 255).
func (q Queries) Children(ctx context.Context, atHeight int64) ([]validiumtypes.Child, error) {
	res, err := validiumtypes.NewQueryClient(q.conn).Children(AtHeight(ctx, atHeight),
		&validiumtypes.QueryChildrenRequest{Pagination: &query.PageRequest{Limit: 256}})
	if err != nil {
		return nil, err
	}
	return res.Children, nil
}

// ChildProof is a child's path in the chain's children SMT at a height.
func (q Queries) ChildProof(ctx context.Context, index uint32, atHeight int64) (*validiumtypes.QueryChildProofResponse, error) {
	return validiumtypes.NewQueryClient(q.conn).ChildProof(AtHeight(ctx, atHeight), &validiumtypes.QueryChildProofRequest{Index: index})
}

// FrozenDeparture is the departure of grandchild index from the frozen child, with its opening
// in the frozen child's departures SMT, at a height (issue 20).
func (q Queries) FrozenDeparture(ctx context.Context, child, index uint32, atHeight int64) (*validiumtypes.QueryFrozenDepartureResponse, error) {
	return validiumtypes.NewQueryClient(q.conn).FrozenDeparture(AtHeight(ctx, atHeight), &validiumtypes.QueryFrozenDepartureRequest{ChildIndex: child, Index: index})
}

// Exit is the account opening an exit from child index was paid on.
func (q Queries) Exit(ctx context.Context, index uint32, account uint64, atHeight int64) (validiumtypes.AccountOpening, error) {
	res, err := validiumtypes.NewQueryClient(q.conn).Exit(AtHeight(ctx, atHeight), &validiumtypes.QueryExitRequest{ChildIndex: index, AccountIndex: account})
	if err != nil {
		return validiumtypes.AccountOpening{}, err
	}
	return res.Opening, nil
}

// maxWithdrawalPages bounds the pages PendingForcedWithdrawals reads (each scans up to 10,000
// records on the chain and lists up to 1,000 pending ones: a child has at most 1,000 pending).
const maxWithdrawalPages = 8

// PendingForcedWithdrawals lists child index's pending forced withdrawals on the chain, lowest
// sequence first, following next_sequence over a few pages.
func (q Queries) PendingForcedWithdrawals(ctx context.Context, index uint32, atHeight int64) ([]validiumtypes.ForcedWithdrawal, error) {
	var out []validiumtypes.ForcedWithdrawal
	req := &validiumtypes.QueryPendingForcedWithdrawalsRequest{ChildIndex: index, Limit: 1000}
	for range maxWithdrawalPages {
		res, err := validiumtypes.NewQueryClient(q.conn).PendingForcedWithdrawals(AtHeight(ctx, atHeight), req)
		if err != nil {
			return nil, err
		}
		out = append(out, res.Withdrawals...)
		if res.NextSequence == 0 {
			break
		}
		req.StartSequence = res.NextSequence
	}
	return out, nil
}

// Finalized is child index's finalized commitment on the chain, if it has one (Found false when
// the chain answers NotFound).
func (q Queries) Finalized(ctx context.Context, index uint32, atHeight int64) (*acceptancetypes.QueryFinalizedResponse, error) {
	res, err := acceptancetypes.NewQueryClient(q.conn).Finalized(AtHeight(ctx, atHeight), &acceptancetypes.QueryFinalizedRequest{ChildIndex: index})
	if IsNotFound(err) {
		return &acceptancetypes.QueryFinalizedResponse{}, nil
	}
	return res, err
}

// Finality is, at the root, the finalized root height and commitment (Found false while nothing
// is final).
func (q Queries) Finality(ctx context.Context, atHeight int64) (*acceptancetypes.QueryFinalityResponse, error) {
	res, err := acceptancetypes.NewQueryClient(q.conn).Finality(AtHeight(ctx, atHeight), &acceptancetypes.QueryFinalityRequest{})
	if IsNotFound(err) {
		return &acceptancetypes.QueryFinalityResponse{}, nil
	}
	return res, err
}

// FinalizedChildProof is a child's finalized commitment and its path in the chain's
// finalized-children SMT at a height (the hop an inclusion proof takes through this chain).
func (q Queries) FinalizedChildProof(ctx context.Context, index uint32, atHeight int64) (*acceptancetypes.QueryFinalizedChildProofResponse, error) {
	return acceptancetypes.NewQueryClient(q.conn).FinalizedChildProof(AtHeight(ctx, atHeight), &acceptancetypes.QueryFinalizedChildProofRequest{ChildIndex: index})
}

// SubtreeReport is the report the chain's EndBlock hashed into its commitment at block height
// atHeight: x/acceptance's own SubtreeReport for anchorHeight over that block's state.
func (q Queries) SubtreeReport(ctx context.Context, anchorHeight uint64, atHeight int64) (acceptancetypes.SubtreeReport, error) {
	res, err := acceptancetypes.NewQueryClient(q.conn).Subtree(AtHeight(ctx, atHeight), &acceptancetypes.QuerySubtreeRequest{AnchorHeight: anchorHeight})
	if err != nil {
		return acceptancetypes.SubtreeReport{}, err
	}
	return res.Report, nil
}

// Round is emergency round id on the chain.
func (q Queries) Round(ctx context.Context, id uint64, atHeight int64) (electiontypes.Round, error) {
	res, err := electiontypes.NewQueryClient(q.conn).Round(AtHeight(ctx, atHeight), &electiontypes.QueryRoundRequest{RoundId: id})
	if err != nil {
		return electiontypes.Round{}, err
	}
	return res.Round, nil
}

// OpenRootElection is the open root re-election replica on a child of the root (NotFound: none).
func (q Queries) OpenRootElection(ctx context.Context, atHeight int64) (electiontypes.RootElection, error) {
	res, err := electiontypes.NewQueryClient(q.conn).OpenRootElection(AtHeight(ctx, atHeight), &electiontypes.QueryOpenRootElectionRequest{})
	if err != nil {
		return electiontypes.RootElection{}, err
	}
	return res.Election, nil
}

// RootElectionResult is a child of the root's result of the re-election of root epoch epoch
// (NotFound: none).
func (q Queries) RootElectionResult(ctx context.Context, epoch uint64, atHeight int64) (electiontypes.RootElectionResult, error) {
	res, err := electiontypes.NewQueryClient(q.conn).RootElectionResult(AtHeight(ctx, atHeight), &electiontypes.QueryRootElectionResultRequest{Epoch: epoch})
	if err != nil {
		return electiontypes.RootElectionResult{}, err
	}
	return res.Result, nil
}

// Account is an x/auth account, packed (the caller's codec unpacks it).
func (q Queries) Account(ctx context.Context, address string, atHeight int64) (*authtypes.QueryAccountResponse, error) {
	return authtypes.NewQueryClient(q.conn).Account(AtHeight(ctx, atHeight), &authtypes.QueryAccountRequest{Address: address})
}

// Balances are an account's bank balances (the relayer's wallet on the chain).
func (q Queries) Balances(ctx context.Context, address string, atHeight int64) (sdk.Coins, error) {
	res, err := banktypes.NewQueryClient(q.conn).AllBalances(AtHeight(ctx, atHeight), &banktypes.QueryAllBalancesRequest{Address: address})
	if err != nil {
		return nil, err
	}
	return res.Balances, nil
}

// Simulate runs a signed transaction against the latest state without committing it.
func (q Queries) Simulate(ctx context.Context, txBytes []byte) (*txtypes.SimulateResponse, error) {
	return txtypes.NewServiceClient(q.conn).Simulate(AtHeight(ctx, 0), &txtypes.SimulateRequest{TxBytes: txBytes})
}

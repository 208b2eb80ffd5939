package keeper

import (
	"context"

	"github.com/slush-tree/slush/internal/paramsupdate"
	"github.com/slush-tree/slush/x/election/types"
)

type msgServer struct {
	*Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the x/election Msg service.
func NewMsgServerImpl(k *Keeper) types.MsgServer { return msgServer{Keeper: k} }

// UpdateParams replaces the params; only the governance authority may call it.
func (m msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := paramsupdate.Apply(ctx, m.Params, m.authority, msg.Authority, msg.Params, types.ErrInvalidSigner); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, nil
}

// ReportWithholding opens an emergency round for a child (DESIGN §9).
func (m msgServer) ReportWithholding(ctx context.Context, msg *types.MsgReportWithholding) (*types.MsgReportWithholdingResponse, error) {
	round, err := m.reportWithholding(ctx, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgReportWithholdingResponse{RoundId: round.Id, Deadline: round.Deadline}, nil
}

// EmergencyVote records a descendant's vote and installs the candidate on a majority (DESIGN §9).
func (m msgServer) EmergencyVote(ctx context.Context, msg *types.MsgEmergencyVote) (*types.MsgEmergencyVoteResponse, error) {
	return m.emergencyVote(ctx, msg)
}

// ReportRootSilent opens this chain's replica of a root re-election (DESIGN §10).
func (m msgServer) ReportRootSilent(ctx context.Context, msg *types.MsgReportRootSilent) (*types.MsgReportRootSilentResponse, error) {
	election, err := m.reportRootSilent(ctx, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgReportRootSilentResponse{
		ElectionId: election.Id, Reason: election.Reason, Subtree: election.Subtree, DeadlineUnix: election.DeadlineUnix,
	}, nil
}

// RootVote records a descendant's vote in the open root re-election (DESIGN §10).
func (m msgServer) RootVote(ctx context.Context, msg *types.MsgRootVote) (*types.MsgRootVoteResponse, error) {
	return m.rootVote(ctx, msg)
}

// AdoptElectedRoot re-points the parent client at the restarted root by an election result (DESIGN §10).
func (m msgServer) AdoptElectedRoot(ctx context.Context, msg *types.MsgAdoptElectedRoot) (*types.MsgAdoptElectedRootResponse, error) {
	return m.adoptElectedRoot(ctx, msg)
}

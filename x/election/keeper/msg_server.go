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

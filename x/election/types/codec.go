package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/legacy"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

// RegisterLegacyAminoCodec registers the module's messages for amino JSON signing.
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "slush/x/election/MsgUpdateParams")
	legacy.RegisterAminoMsg(cdc, &MsgReportWithholding{}, "slush/x/election/MsgReportWithholding")
	legacy.RegisterAminoMsg(cdc, &MsgEmergencyVote{}, "slush/x/election/MsgEmergencyVote")
	legacy.RegisterAminoMsg(cdc, &MsgReportRootSilent{}, "slush/x/election/MsgReportRootSilent")
	legacy.RegisterAminoMsg(cdc, &MsgRootVote{}, "slush/x/election/MsgRootVote")
	legacy.RegisterAminoMsg(cdc, &MsgAdoptElectedRoot{}, "slush/x/election/MsgAdoptElectedRoot")
}

// RegisterInterfaces registers the module's messages with the interface registry.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil), &MsgUpdateParams{}, &MsgReportWithholding{}, &MsgEmergencyVote{},
		&MsgReportRootSilent{}, &MsgRootVote{}, &MsgAdoptElectedRoot{})
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}

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
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "slush/x/tree/MsgUpdateParams")
	legacy.RegisterAminoMsg(cdc, &MsgRecoverParentClient{}, "slush/x/tree/MsgRecoverParentClient")
	legacy.RegisterAminoMsg(cdc, &MsgSubmitMisbehaviour{}, "slush/x/tree/MsgSubmitMisbehaviour")
	legacy.RegisterAminoMsg(cdc, &MsgPrepareDeparture{}, "slush/x/tree/MsgPrepareDeparture")
	legacy.RegisterAminoMsg(cdc, &MsgMarkDeparture{}, "slush/x/tree/MsgMarkDeparture")
	legacy.RegisterAminoMsg(cdc, &MsgMovePath{}, "slush/x/tree/MsgMovePath")
	legacy.RegisterAminoMsg(cdc, &MsgCancelDeparture{}, "slush/x/tree/MsgCancelDeparture")
	legacy.RegisterAminoMsg(cdc, &MsgPrepareFollow{}, "slush/x/tree/MsgPrepareFollow")
}

// RegisterInterfaces registers the module's messages with the interface registry.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil), &MsgUpdateParams{}, &MsgRecoverParentClient{}, &MsgSubmitMisbehaviour{},
		&MsgPrepareDeparture{}, &MsgMarkDeparture{}, &MsgMovePath{}, &MsgCancelDeparture{}, &MsgPrepareFollow{})
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}

// Package encoding builds Slush's codecs without the application: the node starts from Make
// and registers its modules through its module manager; clients that sign and decode Slush
// transactions (the relayer, the election witness builder) use MakeClient, which registers the
// same modules itself.
package encoding

import (
	"github.com/cosmos/gogoproto/proto"

	"cosmossdk.io/x/tx/signing"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/std"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
)

// Bech32 prefixes of Slush accounts, validators and consensus keys: the address codecs every
// signer and decoder of Slush transactions needs.
const (
	Bech32PrefixAccAddr  = "slush"
	Bech32PrefixValAddr  = "slushvaloper"
	Bech32PrefixConsAddr = "slushvalcons"
)

// Config groups the codecs an application and its clients share.
type Config struct {
	// InterfaceRegistry resolves Any values and message signers.
	InterfaceRegistry types.InterfaceRegistry
	// Codec is the protobuf codec over InterfaceRegistry.
	Codec codec.Codec
	// TxConfig encodes, decodes and signs transactions in the standard sign modes.
	TxConfig client.TxConfig
	// Amino is the legacy amino codec (amino JSON signing).
	Amino *codec.LegacyAmino
}

// Make builds the codecs with Slush's bech32 prefixes, the standard sign modes and the std
// interfaces only: what the app starts from before its module manager registers its modules.
func Make() Config {
	interfaceRegistry, err := types.NewInterfaceRegistryWithOptions(types.InterfaceRegistryOptions{
		ProtoFiles: proto.HybridResolver,
		SigningOptions: signing.Options{
			AddressCodec:          address.NewBech32Codec(Bech32PrefixAccAddr),
			ValidatorAddressCodec: address.NewBech32Codec(Bech32PrefixValAddr),
		},
	})
	if err != nil {
		panic(err)
	}
	appCodec := codec.NewProtoCodec(interfaceRegistry)
	amino := codec.NewLegacyAmino()
	std.RegisterLegacyAminoCodec(amino)
	std.RegisterInterfaces(interfaceRegistry)
	return Config{
		InterfaceRegistry: interfaceRegistry,
		Codec:             appCodec,
		TxConfig:          authtx.NewTxConfig(appCodec, authtx.DefaultSignModes),
		Amino:             amino,
	}
}

// MakeClient is Make with the interfaces and amino names of every module the app runs
// registered: a client built from it signs and decodes every Slush transaction and account.
func MakeClient() Config {
	enc := Make()
	registerModules(enc)
	return enc
}

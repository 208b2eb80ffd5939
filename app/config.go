package app

import sdk "github.com/cosmos/cosmos-sdk/types"

// init makes every sdk.AccAddress.String() in this process render with Slush's prefixes:
// several SDK keepers format addresses through the global config.
func init() {
	SetAddressPrefixes()
}

// SetAddressPrefixes sets Slush's bech32 prefixes on the global SDK config (unless it is sealed).
func SetAddressPrefixes() {
	cfg := sdk.GetConfig()
	if cfg.GetBech32AccountAddrPrefix() == Bech32PrefixAccAddr {
		return
	}
	cfg.SetBech32PrefixForAccount(Bech32PrefixAccAddr, Bech32PrefixAccAddr+"pub")
	cfg.SetBech32PrefixForValidator(Bech32PrefixValAddr, Bech32PrefixValAddr+"pub")
	cfg.SetBech32PrefixForConsensusNode(Bech32PrefixConsAddr, Bech32PrefixConsAddr+"pub")
}

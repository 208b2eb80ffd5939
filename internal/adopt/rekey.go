package adopt

import (
	"bytes"
	"fmt"
	"time"

	"cosmossdk.io/core/address"

	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
)

// moveSigningInfo re-keys the validator's x/slashing signing info and missed-block bitmap from
// its old consensus address to the new one (x/slashing looks them up by the signer's address and
// halts the chain without one). A validator bonded in genesis itself has none yet: it gets a
// fresh one starting at startHeight, as x/slashing's bond hook would have made.
func moveSigningInfo(gs *slashingtypes.GenesisState, cc address.Codec, oldCons, newCons []byte, newConsStr string, startHeight int64) error {
	moved := false
	for i, si := range gs.SigningInfos {
		addr, err := cc.StringToBytes(si.Address)
		if err != nil {
			return fmt.Errorf("x/slashing signing info %s: %w", si.Address, err)
		}
		switch {
		case bytes.Equal(addr, newCons):
			return fmt.Errorf("x/slashing already has a signing info for the new consensus address %s", newConsStr)
		case bytes.Equal(addr, oldCons):
			gs.SigningInfos[i].Address = newConsStr
			gs.SigningInfos[i].ValidatorSigningInfo.Address = newConsStr
			moved = true
		}
	}
	if !moved { // bonded at genesis, never bonded by x/staking: start its record as the bond hook would
		gs.SigningInfos = append(gs.SigningInfos, slashingtypes.SigningInfo{
			Address: newConsStr,
			ValidatorSigningInfo: slashingtypes.ValidatorSigningInfo{
				Address: newConsStr, StartHeight: startHeight, JailedUntil: time.Unix(0, 0).UTC(),
			},
		})
	}
	for i, mb := range gs.MissedBlocks {
		addr, err := cc.StringToBytes(mb.Address)
		if err != nil {
			return fmt.Errorf("x/slashing missed blocks %s: %w", mb.Address, err)
		}
		if bytes.Equal(addr, oldCons) {
			gs.MissedBlocks[i].Address = newConsStr
		}
	}
	return nil
}

// moveProposer names the new consensus address as x/distribution's previous proposer when the
// old one was (the first block's rewards go to it).
func moveProposer(gs *distrtypes.GenesisState, cc address.Codec, oldCons []byte, newConsStr string) {
	if gs.PreviousProposer == "" {
		return
	}
	if prev, err := cc.StringToBytes(gs.PreviousProposer); err == nil && bytes.Equal(prev, oldCons) {
		gs.PreviousProposer = newConsStr
	}
}

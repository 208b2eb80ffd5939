package adopt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/slush-tree/slush/app/encoding"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// RootBondSlash is what the restarted root's genesis did with the root operator's bond of the
// replaced epoch (DESIGN §10: "the old operator's bond is slashed").
type RootBondSlash struct {
	// Epoch is the replaced root epoch.
	Epoch uint64 `json:"epoch"`
	// Owner is the account that posted the bond, which the refund went to (empty: no bond).
	Owner string `json:"owner,omitempty"`
	// Bond is the escrowed bond (empty: no bond).
	Bond string `json:"bond,omitempty"`
	// SlashBps is the share burnt, in basis points: the export's x/election slash_bps.
	SlashBps uint32 `json:"slash_bps"`
	// Slashed is what was burnt: taken from x/validium's module account and from the supply.
	Slashed string `json:"slashed,omitempty"`
	// Refunded is the rest, added to the owner's balance.
	Refunded string `json:"refunded,omitempty"`
	// Note says what happened in words.
	Note string `json:"note"`
}

// slashRootBond slashes, in the export's states, the root bond of the replaced epoch: slash_bps
// of it (the root's x/election param, from the export: the restarted root's own governance
// value, the same whichever replica is asked) is burnt, i.e. taken from x/validium's module
// account balance and from the bank supply, the rest moves to the owner's balance, and the bond
// record is removed, so the restarted root's bank genesis still sums to its supply and its
// x/validium genesis holds no bond (x/validium InitGenesis refuses a bond of another epoch).
// An export without a bond is left as it is. The edited states are re-encoded through the codec
// into s.appState; balances stay in address order.
func (s *states) slashRootBond(cdc codec.JSONCodec, replacedEpoch uint64, operatorKeyHash []byte) (RootBondSlash, error) {
	var validium validiumtypes.GenesisState
	if err := s.decodeModule(cdc, validiumtypes.ModuleName, &validium); err != nil {
		return RootBondSlash{}, err
	}
	var election electiontypes.GenesisState
	if err := s.decodeModule(cdc, electiontypes.ModuleName, &election); err != nil {
		return RootBondSlash{}, err
	}
	out := RootBondSlash{Epoch: replacedEpoch, SlashBps: election.Params.SlashBps}
	bond := validium.RootBond
	if bond == nil {
		out.Note = fmt.Sprintf("the export holds no root bond for epoch %d: nothing slashed", replacedEpoch)
		return out, nil
	}
	if bond.Epoch != replacedEpoch || !bytes.Equal(bond.OperatorKeyHash, operatorKeyHash) {
		return RootBondSlash{}, fmt.Errorf("the export's root bond is for epoch %d, operator key hash %X; the export is of epoch %d, operator key hash %X",
			bond.Epoch, bond.OperatorKeyHash, replacedEpoch, operatorKeyHash)
	}
	if err := bond.Validate(); err != nil {
		return RootBondSlash{}, fmt.Errorf("the export's root bond: %w", err)
	}
	slashed, refund, err := validiumtypes.SplitSlash(bond.Amount, election.Params.SlashBps)
	if err != nil {
		return RootBondSlash{}, err
	}
	var bank banktypes.GenesisState
	if err := s.decodeModule(cdc, banktypes.ModuleName, &bank); err != nil {
		return RootBondSlash{}, err
	}
	if err := moveRootBond(&bank, bond.Amount, slashed, refund, bond.Owner); err != nil {
		return RootBondSlash{}, err
	}
	validium.RootBond = nil
	if err := s.encodeModule(cdc, validiumtypes.ModuleName, &validium); err != nil {
		return RootBondSlash{}, err
	}
	if err := s.encodeModule(cdc, banktypes.ModuleName, &bank); err != nil {
		return RootBondSlash{}, err
	}
	out.Owner, out.Bond, out.Slashed, out.Refunded = bond.Owner, bond.Amount.String(), slashed.String(), refund.String()
	out.Note = fmt.Sprintf("the root bond of epoch %d (%s) is slashed: %s burnt (%d bps), %s refunded to %s",
		replacedEpoch, bond.Amount, slashed, election.Params.SlashBps, refund, bond.Owner)
	return out, nil
}

// moveRootBond takes bond from x/validium's module account balance, burns slashed from the
// supply (when the export states one) and adds refund to owner's balance.
func moveRootBond(bank *banktypes.GenesisState, bond, slashed, refund sdk.Coin, owner string) error {
	ac := addresscodec.NewBech32Codec(encoding.Bech32PrefixAccAddr)
	module, err := ac.BytesToString(authtypes.NewModuleAddress(validiumtypes.ModuleName))
	if err != nil {
		return err
	}
	i := slices.IndexFunc(bank.Balances, func(b banktypes.Balance) bool { return b.Address == module })
	if i < 0 || bank.Balances[i].Coins.AmountOf(bond.Denom).LT(bond.Amount) {
		return fmt.Errorf("x/validium's module account %s holds less than the root bond %s: the export is inconsistent", module, bond)
	}
	bank.Balances[i].Coins = bank.Balances[i].Coins.Sub(bond)
	if bank.Balances[i].Coins.IsZero() {
		bank.Balances = slices.Delete(bank.Balances, i, i+1)
	}
	if !bank.Supply.Empty() && slashed.IsPositive() {
		if bank.Supply.AmountOf(slashed.Denom).LT(slashed.Amount) {
			return fmt.Errorf("the bank supply %s is below the slashed %s", bank.Supply, slashed)
		}
		bank.Supply = bank.Supply.Sub(slashed)
	}
	if !refund.IsPositive() {
		return nil
	}
	ownerBz, err := ac.StringToBytes(owner)
	if err != nil {
		return fmt.Errorf("the root bond owner: %w", err)
	}
	if j := slices.IndexFunc(bank.Balances, func(b banktypes.Balance) bool { return b.Address == owner }); j >= 0 {
		bank.Balances[j].Coins = bank.Balances[j].Coins.Add(refund)
		return nil
	}
	// a new balance goes where bank's export order (by address bytes) puts it
	at, _ := slices.BinarySearchFunc(bank.Balances, ownerBz, func(b banktypes.Balance, target []byte) int {
		bz, err := ac.StringToBytes(b.Address)
		if err != nil {
			return -1
		}
		return bytes.Compare(bz, target)
	})
	bank.Balances = slices.Insert(bank.Balances, at, banktypes.Balance{Address: owner, Coins: sdk.NewCoins(refund)})
	return nil
}

// decodeModule decodes one module's exported state.
func (s *states) decodeModule(cdc codec.JSONCodec, name string, gs codec.ProtoMarshaler) error {
	bz, ok := s.appState[name]
	if !ok {
		return moduleError(name, nil)
	}
	if err := cdc.UnmarshalJSON(bz, gs); err != nil {
		return moduleError(name, err)
	}
	return nil
}

// encodeModule re-encodes one module's edited state into the app state.
func (s *states) encodeModule(cdc codec.JSONCodec, name string, gs codec.ProtoMarshaler) error {
	bz, err := cdc.MarshalJSON(gs)
	if err != nil {
		return err
	}
	s.appState[name] = json.RawMessage(bz)
	return nil
}

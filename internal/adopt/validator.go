package adopt

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	cmtcrypto "github.com/cometbft/cometbft/crypto"
	cmttypes "github.com/cometbft/cometbft/types"

	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	cryptocodec "github.com/cosmos/cosmos-sdk/crypto/codec"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/slush-tree/slush/app/encoding"
)

// keySwap is the export's single bonded validator moving to the new operator's consensus key:
// the same validator (operator, tokens, delegations) signs with another key.
type keySwap struct {
	// index is the validator's position in x/staking's validators.
	index int
	// oldPk and newPk are the old and new consensus keys in the SDK's form.
	oldPk, newPk cryptotypes.PubKey
	// newKey is the new consensus key in CometBFT's form.
	newKey cmtcrypto.PubKey
}

// newKeySwap checks that the export is a single-validator chain and that newKey may replace
// its validator's consensus key: a key type the chain allows, not the old key, no other
// validator's.
func newKeySwap(sgs stakingtypes.GenesisState, consensus *genutiltypes.ConsensusGenesis, newKey cmtcrypto.PubKey) (keySwap, error) {
	vi, err := soleBondedValidator(sgs, consensus.Validators)
	if err != nil {
		return keySwap{}, err
	}
	newPk, err := cryptocodec.FromCmtPubKeyInterface(newKey)
	if err != nil {
		return keySwap{}, fmt.Errorf("the new validator key: %w", err)
	}
	if params := consensus.Params; params != nil && !slices.Contains(params.Validator.PubKeyTypes, newKey.Type()) {
		return keySwap{}, fmt.Errorf("the new validator key is %s; the chain's consensus params allow %v", newKey.Type(), params.Validator.PubKeyTypes)
	}
	oldPk, err := consPubKey(sgs.Validators[vi])
	if err != nil {
		return keySwap{}, err
	}
	if oldPk.Equals(newPk) {
		return keySwap{}, errors.New("this home's validator key is the old operator's: the elected operator must sign with its own key")
	}
	for i, v := range sgs.Validators {
		if pk, err := consPubKey(v); i != vi && err == nil && pk.Equals(newPk) {
			return keySwap{}, fmt.Errorf("this home's validator key is already validator %s's", v.OperatorAddress)
		}
	}
	return keySwap{index: vi, oldPk: oldPk, newPk: newPk, newKey: newKey}, nil
}

// soleBondedValidator is the index of the export's only bonded validator; the consensus
// validator set must be that validator alone.
func soleBondedValidator(sgs stakingtypes.GenesisState, consensus []cmttypes.GenesisValidator) (int, error) {
	vi, bonded := -1, 0
	for i, v := range sgs.Validators {
		if v.IsBonded() {
			vi, bonded = i, bonded+1
		}
	}
	if bonded != 1 || len(consensus) != 1 {
		return 0, fmt.Errorf("the export has %d bonded validators (%d in its consensus set): only a single-validator chain can be adopted; multi-validator failover is not supported",
			bonded, len(consensus))
	}
	pk, err := consPubKey(sgs.Validators[vi])
	if err != nil {
		return 0, err
	}
	if consensus[0].PubKey == nil || !bytes.Equal(pk.Address(), consensus[0].PubKey.Address()) {
		return 0, errors.New("the export's consensus validator is not its bonded staking validator")
	}
	return vi, nil
}

// consPubKey is a validator's consensus key; an exported validator may lack one, on which
// x/staking's ConsPubKey would panic.
func consPubKey(v stakingtypes.Validator) (cryptotypes.PubKey, error) {
	if v.ConsensusPubkey == nil {
		return nil, fmt.Errorf("the export's validator %s has no consensus key", v.OperatorAddress)
	}
	pk, err := v.ConsPubKey()
	if err != nil {
		return nil, fmt.Errorf("the export's validator consensus key: %w", err)
	}
	return pk, nil
}

// apply moves the validator to the new key in x/staking, and its records keyed by consensus
// address in x/slashing and x/distribution; it returns the new consensus address.
func (s keySwap) apply(st *states, startHeight int64) (string, error) {
	consCodec := addresscodec.NewBech32Codec(encoding.Bech32PrefixConsAddr)
	oldCons, newCons := s.oldPk.Address().Bytes(), s.newPk.Address().Bytes()
	newConsStr, err := consCodec.BytesToString(newCons)
	if err != nil {
		return "", err
	}
	if st.staking.Validators[s.index].ConsensusPubkey, err = codectypes.NewAnyWithValue(s.newPk); err != nil {
		return "", err
	}
	if err := moveSigningInfo(&st.slashing, consCodec, oldCons, newCons, newConsStr, startHeight); err != nil {
		return "", err
	}
	moveProposer(&st.distr, consCodec, oldCons, newConsStr)
	return newConsStr, nil
}

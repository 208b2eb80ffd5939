package adopt

import (
	"encoding/json"
	"fmt"
	"time"

	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/cosmos/cosmos-sdk/codec"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// states are the module states of an export that adoption reads or edits; appState keeps every
// module's state as exported until genesis re-encodes the edited ones into it.
type states struct {
	appState map[string]json.RawMessage
	tree     treetypes.GenesisState
	staking  stakingtypes.GenesisState
	slashing slashingtypes.GenesisState
	distr    distrtypes.GenesisState
}

// moduleState is one module's decoded state under its genesis key.
type moduleState struct {
	name string
	gs   codec.ProtoMarshaler
}

// modules lists the decoded states with their genesis keys.
func (s *states) modules() []moduleState {
	return []moduleState{
		{treetypes.ModuleName, &s.tree}, {stakingtypes.ModuleName, &s.staking},
		{slashingtypes.ModuleName, &s.slashing}, {distrtypes.ModuleName, &s.distr},
	}
}

// decodeStates decodes the export's app state and the module states adoption works on.
func decodeStates(cdc codec.JSONCodec, export *genutiltypes.AppGenesis) (*states, error) {
	if export.Consensus == nil {
		return nil, errNoConsensus
	}
	s := &states{}
	if err := json.Unmarshal(export.AppState, &s.appState); err != nil {
		return nil, fmt.Errorf("the export's app_state: %w", err)
	}
	for _, m := range s.modules() {
		bz, ok := s.appState[m.name]
		if !ok {
			return nil, moduleError(m.name, nil)
		}
		if err := cdc.UnmarshalJSON(bz, m.gs); err != nil {
			return nil, moduleError(m.name, err)
		}
	}
	return s, nil
}

// genesis is the export with the edited states, in.GenesisTime and the new key as the single
// consensus validator at the old validator's power.
func (s *states) genesis(cdc codec.JSONCodec, in Input, swap keySwap) (*genutiltypes.AppGenesis, error) {
	gen, err := s.edited(cdc, in.Export, in.GenesisTime, s.modules()...)
	if err != nil {
		return nil, err
	}
	oldVal := in.Export.Consensus.Validators[0]
	gen.Consensus = &genutiltypes.ConsensusGenesis{
		Params: in.Export.Consensus.Params,
		Validators: []cmttypes.GenesisValidator{{
			Address: swap.newKey.Address(), PubKey: swap.newKey, Power: oldVal.Power, Name: oldVal.Name,
		}},
	}
	return gen, nil
}

// edited is a copy of export whose app state holds the given (edited) module states, the other
// modules' as exported, with genesisTime; the consensus section is the export's.
func (s *states) edited(cdc codec.JSONCodec, export *genutiltypes.AppGenesis, genesisTime time.Time, modules ...moduleState) (*genutiltypes.AppGenesis, error) {
	for _, m := range modules {
		bz, err := cdc.MarshalJSON(m.gs)
		if err != nil {
			return nil, err
		}
		s.appState[m.name] = bz
	}
	stateBz, err := json.MarshalIndent(s.appState, "", "  ")
	if err != nil {
		return nil, err
	}
	gen := *export
	gen.AppState = stateBz
	gen.GenesisTime = genesisTime
	return &gen, nil
}

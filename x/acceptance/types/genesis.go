package types

// DefaultGenesisState returns the default genesis state.
func DefaultGenesisState() *GenesisState {
	return &GenesisState{Params: DefaultParams()}
}

// Validate checks the whole genesis state.
func (gs GenesisState) Validate() error {
	return gs.Params.Validate()
}

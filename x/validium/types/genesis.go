package types

// DefaultGenesisState returns the genesis of a root chain with default params.
func DefaultGenesisState() *GenesisState {
	return &GenesisState{Params: DefaultParams(), Identity: RootIdentity()}
}

// Validate checks the whole genesis state.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	return gs.Identity.Validate()
}

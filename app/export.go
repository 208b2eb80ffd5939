package app

import (
	"encoding/json"
	"errors"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	servertypes "github.com/cosmos/cosmos-sdk/server/types"

	"github.com/slush-tree/slush/app/valset"
)

// errZeroHeightExport explains why `export --for-zero-height` is refused.
var errZeroHeightExport = errors.New("export --for-zero-height is not supported by slushchaind: " +
	"export at a height and start the new chain with initial_height set instead (docs/ARCHITECTURE.md)")

// ExportAppStateAndValidators exports the state of every module and the validator set (the
// root operator alone under validium consensus, DESIGN §10),
// e.g. for `slushchaind export` or for restarting a chain under a new operator (DESIGN §9).
func (app *App) ExportAppStateAndValidators(forZeroHeight bool, _, modulesToExport []string) (servertypes.ExportedApp, error) {
	if forZeroHeight {
		return servertypes.ExportedApp{}, errZeroHeightExport
	}
	ctx := app.NewContextLegacy(true, cmtproto.Header{Height: app.LastBlockHeight()})
	genState, err := app.ModuleManager.ExportGenesisForModules(ctx, app.appCodec, modulesToExport)
	if err != nil {
		return servertypes.ExportedApp{}, err
	}
	appState, err := json.MarshalIndent(genState, "", "  ")
	if err != nil {
		return servertypes.ExportedApp{}, err
	}
	validators, err := valset.GenesisValidators(ctx, app.StakingKeeper, app.TreeKeeper)
	if err != nil {
		return servertypes.ExportedApp{}, err
	}
	return servertypes.ExportedApp{
		AppState:        appState,
		Validators:      validators,
		Height:          app.LastBlockHeight() + 1,
		ConsensusParams: app.GetConsensusParams(ctx),
	}, nil
}

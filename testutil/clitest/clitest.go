// Package clitest runs a hand-written module command in-process with the client and server
// contexts slushchaind's root command gives it, over a node home made as `slushchaind init`
// makes one: the module CLI packages test their commands without the binary's command tree.
package clitest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	cmtcfg "github.com/cometbft/cometbft/config"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/server"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	"github.com/cosmos/cosmos-sdk/types/module"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	genutilcli "github.com/cosmos/cosmos-sdk/x/genutil/client/cli"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/slush-tree/slush/app"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// appSetup is the application's codecs and basic module manager, as slushchaind's root builds
// them from a throw-away app.
var appSetup = sync.OnceValues(func() (app.EncodingConfig, module.BasicManager) {
	app.SetAddressPrefixes()
	dir, err := os.MkdirTemp("", "clitest")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), nil, true, simtestutil.NewAppOptionsWithFlagHome(dir))
	return app.EncodingConfig{
		InterfaceRegistry: a.InterfaceRegistry(), Codec: a.AppCodec(), TxConfig: a.TxConfig(), Amino: a.LegacyAmino(),
	}, a.BasicModuleManager
})

// Encoding is the application's codecs, with every module's interfaces registered.
func Encoding() app.EncodingConfig {
	enc, _ := appSetup()
	return enc
}

// Run executes c with args in node home home (empty: a default config) and returns what it
// printed; errors are returned, not printed, as slushchaind's root does.
func Run(t testing.TB, home string, c *cobra.Command, args ...string) (string, error) {
	t.Helper()
	enc := Encoding()
	cfg := cmtcfg.DefaultConfig()
	if home != "" {
		cfg.SetRoot(home)
	}
	sctx := server.NewDefaultContext()
	sctx.Config = cfg
	clientCtx := client.Context{}.
		WithCodec(enc.Codec).WithInterfaceRegistry(enc.InterfaceRegistry).WithTxConfig(enc.TxConfig).
		WithLegacyAmino(enc.Amino).WithInput(strings.NewReader("")).WithAccountRetriever(authtypes.AccountRetriever{}).
		WithHomeDir(home).WithViper("")
	ctx := context.WithValue(context.Background(), server.ServerContextKey, sctx)
	ctx = context.WithValue(ctx, client.ClientContextKey, &clientCtx)
	var out bytes.Buffer
	c.SetOut(&out)
	c.SetErr(&out)
	c.SetArgs(args)
	c.SilenceErrors, c.SilenceUsage = true, true
	err := c.ExecuteContext(ctx)
	return out.String(), err
}

// NewHome is a node home made by `slushchaind init` for chainID, placed in the tree at identity.
func NewHome(t testing.TB, chainID string, identity treetypes.TreeIdentity) string {
	t.Helper()
	_, basics := appSetup()
	home := t.TempDir()
	for _, dir := range []string{"config", "data"} { // what the root's config interception makes
		require.NoError(t, os.MkdirAll(filepath.Join(home, dir), 0o755))
	}
	out, err := Run(t, home, genutilcli.InitCmd(basics, home), "node", "--chain-id", chainID, "--home", home)
	require.NoError(t, err, out)
	var gs treetypes.GenesisState
	ModuleGenesis(t, home, treetypes.ModuleName, &gs)
	gs.Identity = identity
	SetModuleGenesis(t, home, treetypes.ModuleName, &gs)
	return home
}

// ModuleGenesis decodes module's state in home's genesis into gs.
func ModuleGenesis(t testing.TB, home, module string, gs proto.Message) {
	t.Helper()
	appState, _, err := genutiltypes.GenesisStateFromGenFile(genesisFile(home))
	require.NoError(t, err)
	require.NoError(t, Encoding().Codec.UnmarshalJSON(appState[module], gs))
}

// SetModuleGenesis replaces module's state in home's genesis with gs.
func SetModuleGenesis(t testing.TB, home, module string, gs proto.Message) {
	t.Helper()
	file := genesisFile(home)
	appState, appGenesis, err := genutiltypes.GenesisStateFromGenFile(file)
	require.NoError(t, err)
	appState[module], err = Encoding().Codec.MarshalJSON(gs)
	require.NoError(t, err)
	appGenesis.AppState, err = json.MarshalIndent(appState, "", "  ")
	require.NoError(t, err)
	require.NoError(t, appGenesis.SaveAs(file))
}

// ValidateGenesis runs `slushchaind genesis validate` on home's genesis.
func ValidateGenesis(t testing.TB, home string) error {
	t.Helper()
	_, basics := appSetup()
	_, err := Run(t, home, genutilcli.ValidateGenesisCmd(basics))
	return err
}

// genesisFile is the genesis.json of a node home.
func genesisFile(home string) string {
	cfg := cmtcfg.DefaultConfig()
	cfg.SetRoot(home)
	return cfg.GenesisFile()
}

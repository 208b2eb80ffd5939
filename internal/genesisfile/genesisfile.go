// Package genesisfile reads and edits module states in the genesis.json of a command's node home:
// what every module's `slushchaind genesis` editor and reader shares.
package genesisfile

import (
	"encoding/json"
	"fmt"

	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/server"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
)

// State is a module's genesis state as Edit handles it: a pointer to a proto message that
// validates itself.
type State[T any] interface {
	*T
	proto.Message
	Validate() error
}

// Read is the genesis of the command's node home and its app state by module.
func Read(cmd *cobra.Command) (*genutiltypes.AppGenesis, map[string]json.RawMessage, error) {
	genFile := server.GetServerContextFromCmd(cmd).Config.GenesisFile()
	appGenesis, err := genutiltypes.AppGenesisFromFile(genFile)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to read genesis from %s: %w", genFile, err)
	}
	appState, err := genutiltypes.GenesisStateFromAppGenesis(appGenesis)
	if err != nil {
		return nil, nil, err
	}
	return appGenesis, appState, nil
}

// Decode decodes module's state in appState into gs with the command's codec.
func Decode(cmd *cobra.Command, appState map[string]json.RawMessage, module string, gs proto.Message) error {
	if err := client.GetClientContextFromCmd(cmd).Codec.UnmarshalJSON(appState[module], gs); err != nil {
		return fmt.Errorf("failed to decode %s genesis: %w", module, err)
	}
	return nil
}

// Edit applies edit to module's state in the genesis of the command's node home, validates the
// result and writes it back. On any error the file is left as it was.
func Edit[T any, PT State[T]](cmd *cobra.Command, module string, edit func(PT) error) error {
	appGenesis, appState, err := Read(cmd)
	if err != nil {
		return err
	}
	gs := PT(new(T))
	if err := Decode(cmd, appState, module, gs); err != nil {
		return err
	}
	if err := edit(gs); err != nil {
		return err
	}
	if err := gs.Validate(); err != nil {
		return err
	}
	if appState[module], err = client.GetClientContextFromCmd(cmd).Codec.MarshalJSON(gs); err != nil {
		return err
	}
	if appGenesis.AppState, err = json.MarshalIndent(appState, "", "  "); err != nil {
		return err
	}
	return appGenesis.SaveAs(server.GetServerContextFromCmd(cmd).Config.GenesisFile())
}

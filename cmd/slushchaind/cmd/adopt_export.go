package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	cmtcrypto "github.com/cometbft/cometbft/crypto"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/privval"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/types/module"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/slush-tree/slush/internal/adopt"
	electioncli "github.com/slush-tree/slush/x/election/client/cli"
	"github.com/slush-tree/slush/x/election/client/witness"
)

const flagAdoptGenesisTime = "genesis-time"

// readAdoptParent reads what p, the parent that elected the new operator, says about its child
// index, from p's node at node; tests replace it with an in-memory p.
type readAdoptParent func(ctx context.Context, clientCtx client.Context, node string, index uint32) (adopt.Parent, error)

// readAdoptParentRPC is the production readAdoptParent: p's chain-id from its node's status,
// its child record as a gRPC query over the node's CometBFT RPC.
func readAdoptParentRPC(ctx context.Context, clientCtx client.Context, node string, index uint32) (adopt.Parent, error) {
	c, err := client.NewClientFromNode(node)
	if err != nil {
		return adopt.Parent{}, fmt.Errorf("--%s %s: %w", electioncli.FlagNodeP, node, err)
	}
	p := witness.QueryChain{Name: "p (" + node + ")", ABCI: clientCtx.WithClient(c).WithNodeURI(node).WithHeight(0)}
	st, err := c.Status(ctx)
	if err != nil {
		return adopt.Parent{}, fmt.Errorf("%s: status: %w", p.Name, err)
	}
	child, err := p.Child(ctx, index)
	if err != nil {
		return adopt.Parent{}, fmt.Errorf("p's record of child %d: %w", index, err)
	}
	return adopt.Parent{ChainID: st.NodeInfo.Network, Child: child}, nil
}

// readAdoptReplica reads what a child of the root (a replica of the root re-election) says about
// the re-election of root epoch epoch, from its node at node; tests replace it.
type readAdoptReplica func(ctx context.Context, clientCtx client.Context, node string, epoch uint64) (adopt.Replica, error)

// readAdoptReplicaRPC is the production readAdoptReplica: the replica's chain-id from its node's
// status, its parent chain-id from its tree identity, the result as a gRPC query over the node's
// CometBFT RPC.
func readAdoptReplicaRPC(ctx context.Context, clientCtx client.Context, node string, epoch uint64) (adopt.Replica, error) {
	c, err := client.NewClientFromNode(node)
	if err != nil {
		return adopt.Replica{}, fmt.Errorf("--%s %s: %w", electioncli.FlagNodeP, node, err)
	}
	r := witness.QueryChain{Name: "replica (" + node + ")", ABCI: clientCtx.WithClient(c).WithNodeURI(node).WithHeight(0)}
	st, err := c.Status(ctx)
	if err != nil {
		return adopt.Replica{}, fmt.Errorf("%s: status: %w", r.Name, err)
	}
	id, err := r.TreeIdentity(ctx)
	if err != nil {
		return adopt.Replica{}, fmt.Errorf("%s: tree identity: %w", r.Name, err)
	}
	if len(id.Path) != 1 {
		return adopt.Replica{}, fmt.Errorf("%s is chain %v, not a child of the root: ask a child of the root", r.Name, id.Path)
	}
	result, err := r.RootResult(ctx, epoch)
	if err != nil {
		return adopt.Replica{}, fmt.Errorf("%s: the result of the re-election of root epoch %d: %w", r.Name, epoch, err)
	}
	return adopt.Replica{ChainID: st.NodeInfo.Network, ParentChainID: id.ParentChainId, Result: result}, nil
}

// adoptExportCmd is `genesis adopt-export`: the new operator's side of an emergency
// re-election (DESIGN §9), restarting the child from an export of its finalized state, or of a
// root re-election (DESIGN §10), restarting the root from an export of its state.
func adoptExportCmd(basics module.BasicManager, defaultNodeHome string) *cobra.Command {
	return newAdoptExportCmd(basics, defaultNodeHome, readAdoptParentRPC, readAdoptReplicaRPC)
}

// newAdoptExportCmd builds adopt-export over a reader of p and one of a root election replica: it
// reads the export, this home's consensus key and p's record of the child (or, for a root export,
// the replica's election result), and writes what adopt.Genesis (adopt.RootGenesis) makes of them.
func newAdoptExportCmd(basics module.BasicManager, defaultNodeHome string, readParent readAdoptParent, readReplica readAdoptReplica) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "adopt-export [export-json]",
		Short: "Write this home's genesis.json from an export of a chain whose operator was re-elected (DESIGN §9, §10)",
		Long: `After an emergency re-election on p (DESIGN §9), p holds the child v at its finalized commitment
under the elected operator key and a bumped epoch. The elected operator restarts v from
'slushchaind export --height H' of v's state at the height H where v made that commitment, and
runs this command in its own node home:

  - the export's newest own commitment (x/tree commitments) must be p's record of v
    (x/validium Child on p at --node-p, the index being the last element of v's tree path);
  - v's tree identity gets p's epoch and operator key hash (p's epoch must be higher than the
    export's: otherwise nothing was elected);
  - the export's single bonded validator gets this home's consensus key
    (priv_validator_key.json), with its x/slashing signing info and missed blocks moved to the
    new consensus address, and the consensus validator set is that key at the same power.

chain_id is kept, initial_height is H+1 (as the export wrote it), genesis_time is --genesis-time
or now. The genesis is validated as 'genesis validate' does. The validator's operator account and
delegations stay the old operator's: only the consensus key moves. Whoever runs this trusts the
p node it asks.

The root (DESIGN §10): after a root re-election on the children of the root (each a replica),
the elected operator restarts the root from 'slushchaind export' of the root's state at or above
the election's base root height (its last state), with --node-p a child of the root:

  - the export is the root's under validium consensus, and holds the election's base commitment
    at the base root height (query election root-result <epoch> on the child; the epoch is the
    export's);
  - this home's consensus key is the elected one;
  - the root's identity gets epoch + 1 and the elected operator key hash, its validium consensus
    and its one genesis validator (power 1) the elected key; the other modules stay as exported.

Each child of the root then trusts the restarted root by the election result
('election adopt-root').`,
		Example: `slushchaind export --height 42 --home old-home > v-42.json
slushchaind genesis adopt-export v-42.json --node-p tcp://127.0.0.1:26657 --home new-home
slushchaind export --home old-root-home > root.json
slushchaind genesis adopt-export root.json --node-p tcp://127.0.0.1:26667 --home elected-root-home`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx := client.GetClientContextFromCmd(cmd)
			cfg := server.GetServerContextFromCmd(cmd).Config
			node, _ := cmd.Flags().GetString(electioncli.FlagNodeP)
			if node == "" {
				return fmt.Errorf("--%s (p's CometBFT RPC) is required", electioncli.FlagNodeP)
			}
			genesisTime, err := adoptGenesisTime(cmd)
			if err != nil {
				return err
			}
			export, err := genutiltypes.AppGenesisFromFile(args[0])
			if err != nil {
				return fmt.Errorf("read export %s: %w", args[0], err)
			}
			consKey, err := readConsensusPubKey(cfg.PrivValidatorKeyFile())
			if err != nil {
				return err
			}
			epoch, isRoot, err := adopt.RootEpoch(clientCtx.Codec, export)
			if err != nil {
				return err
			}
			var gen *genutiltypes.AppGenesis
			var summary adopt.Summary
			if isRoot {
				replica, err := readReplica(cmd.Context(), clientCtx, node, epoch)
				if err != nil {
					return err
				}
				gen, summary, err = adopt.RootGenesis(clientCtx.Codec, adopt.RootInput{
					Export: export, ConsensusKey: consKey, Replica: replica, GenesisTime: genesisTime,
				})
				if err != nil {
					return err
				}
			} else {
				index, err := adopt.ChildIndex(clientCtx.Codec, export)
				if err != nil {
					return err
				}
				parent, err := readParent(cmd.Context(), clientCtx, node, index)
				if err != nil {
					return err
				}
				gen, summary, err = adopt.Genesis(clientCtx.Codec, adopt.Input{
					Export: export, ConsensusKey: consKey, Parent: parent, GenesisTime: genesisTime,
				})
				if err != nil {
					return err
				}
			}
			summary.GenesisFile = cfg.GenesisFile()
			if err := writeValidGenesis(gen, summary.GenesisFile, basics, clientCtx); err != nil {
				return err
			}
			bz, err := json.MarshalIndent(summary, "", "  ")
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), string(bz))
			return err
		},
	}
	cmd.Flags().String(flags.FlagHome, defaultNodeHome, "The application home directory (of the new operator's node)")
	cmd.Flags().String(electioncli.FlagNodeP, "", "CometBFT RPC of p, the parent that elected the new operator; for a root export, of a child of the root (required)")
	cmd.Flags().String(flagAdoptGenesisTime, "", "genesis time of the restarted chain, RFC 3339 (default: now)")
	return cmd
}

// adoptGenesisTime is --genesis-time, or now.
func adoptGenesisTime(cmd *cobra.Command) (time.Time, error) {
	s, _ := cmd.Flags().GetString(flagAdoptGenesisTime)
	if s == "" {
		return time.Now().UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--%s: %w", flagAdoptGenesisTime, err)
	}
	return t.UTC(), nil
}

// readConsensusPubKey reads the consensus public key of a CometBFT priv_validator_key.json
// (as privval loads it, without its exit-on-error).
func readConsensusPubKey(file string) (cmtcrypto.PubKey, error) {
	bz, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("the new operator's validator key: %w", err)
	}
	var key privval.FilePVKey
	if err := cmtjson.Unmarshal(bz, &key); err != nil {
		return nil, fmt.Errorf("the new operator's validator key %s: %w", file, err)
	}
	if key.PrivKey == nil {
		return nil, fmt.Errorf("the new operator's validator key %s has no private key", file)
	}
	return key.PrivKey.PubKey(), nil
}

// writeValidGenesis writes gen to file if `genesis validate` accepts it, and checks that the
// written file is accepted too.
func writeValidGenesis(gen *genutiltypes.AppGenesis, file string, basics module.BasicManager, clientCtx client.Context) error {
	if err := validateAppGenesis(gen, basics, clientCtx); err != nil {
		return fmt.Errorf("the adopted genesis is invalid: %w", err)
	}
	if err := gen.SaveAs(file); err != nil {
		return err
	}
	written, err := genutiltypes.AppGenesisFromFile(file)
	if err == nil {
		err = validateAppGenesis(written, basics, clientCtx)
	}
	if err != nil {
		return fmt.Errorf("the written genesis %s is invalid: %w", file, err)
	}
	return nil
}

// validateAppGenesis is `genesis validate`: the consensus part, then every module's genesis.
func validateAppGenesis(gen *genutiltypes.AppGenesis, basics module.BasicManager, clientCtx client.Context) error {
	if err := gen.ValidateAndComplete(); err != nil {
		return err
	}
	var appState map[string]json.RawMessage
	if err := json.Unmarshal(gen.AppState, &appState); err != nil {
		return err
	}
	return basics.ValidateGenesis(clientCtx.Codec, clientCtx.TxConfig, appState)
}

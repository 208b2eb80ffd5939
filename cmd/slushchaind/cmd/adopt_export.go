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
	"github.com/slush-tree/slush/relayer/chainclient"
	electioncli "github.com/slush-tree/slush/x/election/client/cli"
	"github.com/slush-tree/slush/x/election/client/witness"
	treecli "github.com/slush-tree/slush/x/tree/client/cli"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

const (
	flagAdoptGenesisTime = "genesis-time"
	// flagArrivedAt is the CometBFT RPC of q, the parent a child of a frozen parent arrived at.
	flagArrivedAt = "arrived-at"
)

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

// newParentView is what q's node says for adopt-export --arrived-at: its chain-id, its tree
// path, its children and a light-client state of it.
type newParentView struct {
	chainID  string
	path     []uint32
	children []validiumtypes.Child
	client   []byte
}

// readArrivedParent reads q, the chain a child of a frozen parent arrived at, from its node at
// node; tests replace it with an in-memory q.
type readArrivedParent func(ctx context.Context, clientCtx client.Context, node string) (newParentView, error)

// readArrivedParentRPC is the production readArrivedParent: q's chain-id from its node's status,
// its path and children as gRPC queries over the node's CometBFT RPC, and the trusted state of
// its latest light block (+2/3 of its validator set signed it).
func readArrivedParentRPC(ctx context.Context, clientCtx client.Context, node string) (newParentView, error) {
	c, err := client.NewClientFromNode(node)
	if err != nil {
		return newParentView{}, fmt.Errorf("--%s %s: %w", flagArrivedAt, node, err)
	}
	q := witness.QueryChain{Name: "q (" + node + ")", ABCI: clientCtx.WithClient(c).WithNodeURI(node).WithHeight(0)}
	st, err := c.Status(ctx)
	if err != nil {
		return newParentView{}, fmt.Errorf("%s: status: %w", q.Name, err)
	}
	id, err := q.TreeIdentity(ctx)
	if err != nil {
		return newParentView{}, fmt.Errorf("%s: tree identity: %w", q.Name, err)
	}
	children, err := chainclient.NewQueries(clientCtx.WithClient(c).WithNodeURI(node).WithHeight(0)).Children(ctx, 0)
	if err != nil {
		return newParentView{}, fmt.Errorf("%s: children: %w", q.Name, err)
	}
	state, err := treecli.FetchParentState(ctx, node, st.NodeInfo.Network, 0)
	if err != nil {
		return newParentView{}, fmt.Errorf("%s: light block: %w", q.Name, err)
	}
	bz, err := state.Marshal()
	if err != nil {
		return newParentView{}, err
	}
	return newParentView{chainID: st.NodeInfo.Network, path: id.Path, children: children, client: bz}, nil
}

// adoptExportCmd is `genesis adopt-export`: the new operator's side of an emergency
// re-election (DESIGN §9), restarting the child from an export of its finalized state, or of a
// root re-election (DESIGN §10), restarting the root from an export of its state.
func adoptExportCmd(basics module.BasicManager, defaultNodeHome string) *cobra.Command {
	return newAdoptExportCmd(basics, defaultNodeHome, adoptReaders{parent: readAdoptParentRPC, replica: readAdoptReplicaRPC, arrived: readArrivedParentRPC})
}

// adoptReaders are the chains adopt-export asks: p (re-election), a replica (root), q (arrival).
type adoptReaders struct {
	parent  readAdoptParent
	replica readAdoptReplica
	arrived readArrivedParent
}

// newAdoptExportCmd builds adopt-export over readers of p, of a root election replica and of q:
// it reads the export and this home's consensus key, and p's record of the child (or, for a root
// export, the replica's election result; with --arrived-at, q's record of the arrived chain), and
// writes what adopt.Genesis (adopt.RootGenesis, adopt.ArrivedGenesis) makes of them.
func newAdoptExportCmd(basics module.BasicManager, defaultNodeHome string, readers adoptReaders) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "adopt-export [export-json]",
		Short: "Write this home's genesis.json from an export of a chain whose operator was re-elected (DESIGN §9, §10) or that left a frozen parent",
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
('election adopt-root').

Leaving a frozen parent (docs/PROTOCOL.md "Re-parenting" 8.): v left its frozen parent with C_v,
the commitment of v its grandparent's finalized record holds (MsgLeaveFrozenParent), and q
registered v with the frozen arrival proof. v restarts from 'slushchaind export --height H', H
the height v made C_v at ('query tree commitment-by-hash' on v), with --arrived-at q's node
(instead of --node-p), in the home of v's operator:

  - q's child whose arrived_from is the export's path is v's record; it must be active and
    have no latest commitment (v did not update there yet);
  - the export's newest own commitment is C_v (its fields hash to it, under the export's vid,
    carrying the identity's operator key hash and epoch) and equals the record field by field:
    ledger root (genesis_ledger_root), outbox and receipt roots, children and finalized
    children roots, anchor height, epoch, operator key hash; the export's x/ledger state has
    C_v's roots and the record's inbox_head (its inbox head after every consumed entry);
  - v's tree identity gets q's path plus v's index at q and q's chain-id, and no departure (a
    departure v had prepared toward elsewhere is void: it left by its grandparent's record); its
    epoch and operator key hash stay; its parent client is q's latest light block (+2/3 of its
    validator set signed it, current at the genesis time under v's parent_sync params), unfrozen;
  - this home's consensus key must be one of the export's validators: the validators, and every
    other module's state, are kept.

Operations and messages of v's blocks above H are dropped with them (nothing above v accepted
them). Each child of v then moves its own path by governance (x/tree MsgMovePath with the new
path: same index, same parent). Whoever runs this trusts the q node it asks.`,
		Example: `slushchaind export --height 42 --home old-home > v-42.json
slushchaind genesis adopt-export v-42.json --node-p tcp://127.0.0.1:26657 --home new-home
slushchaind export --home old-root-home > root.json
slushchaind genesis adopt-export root.json --node-p tcp://127.0.0.1:26667 --home elected-root-home
slushchaind genesis adopt-export v-42.json --arrived-at tcp://127.0.0.1:26620 --home v-home`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx := client.GetClientContextFromCmd(cmd)
			cfg := server.GetServerContextFromCmd(cmd).Config
			node, arrivedAt, err := adoptNodes(cmd)
			if err != nil {
				return err
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
			in := adoptRun{cmd: cmd, clientCtx: clientCtx, export: export, consKey: consKey, genesisTime: genesisTime, file: cfg.GenesisFile()}
			var gen *genutiltypes.AppGenesis
			var summary any
			if arrivedAt != "" {
				gen, summary, err = in.arrived(readers.arrived, arrivedAt)
			} else {
				gen, summary, err = in.elected(readers, node)
			}
			if err != nil {
				return err
			}
			if err := writeValidGenesis(gen, in.file, basics, clientCtx); err != nil {
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
	cmd.Flags().String(electioncli.FlagNodeP, "", "CometBFT RPC of p, the parent that elected the new operator; for a root export, of a child of the root")
	cmd.Flags().String(flagArrivedAt, "", "CometBFT RPC of q, the new parent the exported chain arrived at after leaving its frozen parent (instead of --node-p)")
	cmd.Flags().String(flagAdoptGenesisTime, "", "genesis time of the restarted chain, RFC 3339 (default: now)")
	return cmd
}

// adoptNodes reads --node-p and --arrived-at: exactly one of them.
func adoptNodes(cmd *cobra.Command) (node, arrivedAt string, err error) {
	node, _ = cmd.Flags().GetString(electioncli.FlagNodeP)
	arrivedAt, _ = cmd.Flags().GetString(flagArrivedAt)
	switch {
	case node != "" && arrivedAt != "":
		return "", "", fmt.Errorf("--%s and --%s exclude each other: --%s restarts a re-elected chain, --%s one that arrived at a new parent",
			electioncli.FlagNodeP, flagArrivedAt, electioncli.FlagNodeP, flagArrivedAt)
	case node == "" && arrivedAt == "":
		return "", "", fmt.Errorf("--%s (p's CometBFT RPC) is required, or --%s (q's, for a chain that left a frozen parent)",
			electioncli.FlagNodeP, flagArrivedAt)
	}
	return node, arrivedAt, nil
}

// adoptRun is one adopt-export run's inputs read from files and flags.
type adoptRun struct {
	cmd         *cobra.Command
	clientCtx   client.Context
	export      *genutiltypes.AppGenesis
	consKey     cmtcrypto.PubKey
	genesisTime time.Time
	file        string
}

// elected makes the genesis of a re-elected child (asking p at node) or root (asking a replica).
func (r adoptRun) elected(readers adoptReaders, node string) (*genutiltypes.AppGenesis, any, error) {
	cdc, ctx := r.clientCtx.Codec, r.cmd.Context()
	epoch, isRoot, err := adopt.RootEpoch(cdc, r.export)
	if err != nil {
		return nil, nil, err
	}
	var gen *genutiltypes.AppGenesis
	var summary adopt.Summary
	if isRoot {
		replica, err := readers.replica(ctx, r.clientCtx, node, epoch)
		if err != nil {
			return nil, nil, err
		}
		gen, summary, err = adopt.RootGenesis(cdc, adopt.RootInput{
			Export: r.export, ConsensusKey: r.consKey, Replica: replica, GenesisTime: r.genesisTime,
		})
		if err != nil {
			return nil, nil, err
		}
	} else {
		index, err := adopt.ChildIndex(cdc, r.export)
		if err != nil {
			return nil, nil, err
		}
		parent, err := readers.parent(ctx, r.clientCtx, node, index)
		if err != nil {
			return nil, nil, err
		}
		gen, summary, err = adopt.Genesis(cdc, adopt.Input{
			Export: r.export, ConsensusKey: r.consKey, Parent: parent, GenesisTime: r.genesisTime,
		})
		if err != nil {
			return nil, nil, err
		}
	}
	summary.GenesisFile = r.file
	return gen, summary, nil
}

// arrived makes the genesis of a chain that left its frozen parent, restarted under q (at node):
// the export's path is looked up among q's arrived children before adopt.ArrivedGenesis checks
// the export against that record.
func (r adoptRun) arrived(read readArrivedParent, node string) (*genutiltypes.AppGenesis, any, error) {
	cdc := r.clientCtx.Codec
	oldPath, err := adopt.ExportedPath(cdc, r.export)
	if err != nil {
		return nil, nil, err
	}
	q, err := read(r.cmd.Context(), r.clientCtx, node)
	if err != nil {
		return nil, nil, err
	}
	child, err := adopt.FindArrived(q.children, oldPath)
	if err != nil {
		return nil, nil, fmt.Errorf("q (%s, %s): %w", q.chainID, node, err)
	}
	gen, summary, err := adopt.ArrivedGenesis(cdc, adopt.ArrivedInput{
		Export: r.export, NewParent: adopt.NewParent{ChainID: q.chainID, Path: q.path, Child: child},
		Client: q.client, ConsensusKey: r.consKey, GenesisTime: r.genesisTime,
	})
	if err != nil {
		return nil, nil, err
	}
	summary.GenesisFile = r.file
	return gen, summary, nil
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

package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/relayer/chainclient"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	"github.com/slush-tree/slush/x/validium/types"
)

const (
	flagNodes      = "nodes"
	flagRootHeight = "root-height"
)

// ValidiumCmd groups x/validium's tools that read several chains: 'validium arrival-proof'.
func ValidiumCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "validium",
		Short: "Validium tools that read several chains of the tree (re-parenting)",
		Long: `Tools for x/validium that read running chains beyond the one a query asks: 'arrival-proof'
assembles the proof a departed chain is registered with at its new parent, 'leave-frozen-parent'
records the departure of a chain whose parent is frozen (docs/PROTOCOL.md "Re-parenting"). Queries and transactions of one chain are under 'query validium' and 'tx validium'.`,
		RunE: client.ValidateCmd,
	}
	cmd.AddCommand(ArrivalProofCmd(), LeaveFrozenParentCmd())
	return cmd
}

var _ ArrivalChain = (*chainclient.Client)(nil)

// ArrivalChain is what an arrival proof is read from on one chain, at a block height (0: the
// latest): *chainclient.Client answers it.
type ArrivalChain interface {
	// TreeIdentity is the chain's place in the tree (its path is checked against the level).
	TreeIdentity(ctx context.Context, atHeight int64) (treetypes.TreeIdentity, error)
	// Commitment is the chain's own commitment at block height h (at the root: root height h).
	Commitment(ctx context.Context, h, atHeight int64) (treetypes.OwnCommitment, error)
	// CommitmentByHash is the chain's commitment record with a hash (its first height).
	CommitmentByHash(ctx context.Context, hash []byte, atHeight int64) (treetypes.OwnCommitment, error)
	// FinalizedChildProof is a child's finalized commitment and its finalized-children SMT path.
	FinalizedChildProof(ctx context.Context, index uint32, atHeight int64) (*acceptancetypes.QueryFinalizedChildProofResponse, error)
	// Child is the chain's record of child index.
	Child(ctx context.Context, index uint32, atHeight int64) (*types.QueryChildResponse, error)
	// RootCommitment is the root commitment the chain knows at rootHeight (0: its newest).
	RootCommitment(ctx context.Context, rootHeight uint64, atHeight int64) (*treetypes.QueryRootCommitmentResponse, error)
	// ChildProof is a child's leaf and siblings in the chain's (latest) children SMT.
	ChildProof(ctx context.Context, index uint32, atHeight int64) (*types.QueryChildProofResponse, error)
	// FrozenDeparture is the departure of grandchild index from frozen child child, opened in
	// that child's departures SMT.
	FrozenDeparture(ctx context.Context, child, index uint32, atHeight int64) (*types.QueryFrozenDepartureResponse, error)
	// Ledger is the chain's ledger state (roots, counters, inbox head).
	Ledger(ctx context.Context, atHeight int64) (*ledgertypes.QueryStateResponse, error)
}

// RegisterInfo is what 'tx validium register-child' takes beside the arrival proof, read from the
// departed chain's departing commitment and its old parent's record (hex, as the command reads).
type RegisterInfo struct {
	// OldPath is the departed chain's path before the move.
	OldPath string `json:"old_path"`
	// NewParent is the path of the chain it departed for (where register-child is sent).
	NewParent string `json:"new_parent"`
	// NewOperator is the account its departure named: register-child's signer (--from).
	NewOperator string `json:"new_operator"`
	// OperatorKeyHash is the key hash the departure mark binds: register-child --operator-key-hash.
	OperatorKeyHash string `json:"operator_key_hash"`
	// GenesisLedgerRoot is the departing commitment's ledger root: register-child's third argument.
	GenesisLedgerRoot string `json:"genesis_ledger_root"`
	// GenesisOutboxRoot is its outbox root: register-child's fourth argument.
	GenesisOutboxRoot string `json:"genesis_outbox_root"`
	// GenesisReceiptRoot is its receipt root: register-child's fifth argument.
	GenesisReceiptRoot string `json:"genesis_receipt_root"`
	// RootHeight is the root height the proof walks from.
	RootHeight uint64 `json:"root_height"`
	// Commitment is the departing commitment's hash.
	Commitment string `json:"commitment"`
	// FromFrozenParent is set when the chain left a frozen parent (the departure is the
	// grandparent's record, the commitment the one the frozen parent's finalized one holds).
	FromFrozenParent bool `json:"from_frozen_parent,omitempty"`
}

// ArrivalProofCmd assembles, from the chains on a departed chain's old path, the ArrivalProof
// its new parent registers it with (docs/PROTOCOL.md "Re-parenting" 3.).
func ArrivalProofCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "arrival-proof [old-path]",
		Short: "Print the ArrivalProof (JSON) of a departed chain for 'tx validium register-child --arrival' at its new parent",
		Long: `A chain that departed from its parent (a departing update, docs/PROTOCOL.md "Re-parenting")
is registered at its new parent with a proof that its departing commitment is final along its
whole old path in the root's history. This command reads that proof from the running chains:
--nodes gives one CometBFT RPC per chain, keyed by path: the root, every chain on the departed
chain's old path (its old parent included), the departed chain itself, and the new parent its
departure names (read from the old parent's 'query validium child' record).

The walk: the root height (--root-height, else the newest root height the new parent knows) must
be known to the new parent with the root's own commitment there; at each level, the finalized
child proof is read at the block where that level made the commitment the level above holds
(x/tree commitment-by-hash), checked to open that commitment's finalized children root, and the
child's commitment preimage is read from the child. The last hop must be the departed chain's
departing commitment (its departure mark for the new parent, the new operator, the key hash and
the inbox head its old parent holds); the assembled proof is verified as the new parent verifies
it (types.VerifyArrival) before it is printed. If the departure is not final up to the root at
that root height yet, the command says so: wait for a later root height.

Stdout: the ArrivalProof as proto JSON (bytes in base64), the form 'tx validium register-child
--arrival' reads inline or from a .json file. Stderr: one JSON line with the rest of
register-child's arguments (hex): genesis_ledger_root, genesis_outbox_root,
genesis_receipt_root, operator_key_hash, and new_operator (the signer, --from) and new_parent
(where to send it). Every node must still hold the state of the blocks read (not pruned), and
the commitments within x/tree's history.`,
		Example: `slushchaind validium arrival-proof 1-2 \
  --nodes root=tcp://127.0.0.1:26600,1=tcp://127.0.0.1:26610,1-2=tcp://127.0.0.1:26620,2=tcp://127.0.0.1:26630 \
  > arrival.json 2> register.json
slushchaind tx validium register-child keys/ledger.vk 1000000stake \
  $(jq -r .genesis_ledger_root register.json) $(jq -r .genesis_outbox_root register.json) $(jq -r .genesis_receipt_root register.json) \
  --operator-key-hash $(jq -r .operator_key_hash register.json) --arrival arrival.json \
  --transfer-verifying-key keys/ledger-transfer.vk --from newop --gas 600000 --node tcp://127.0.0.1:26630 --yes`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			oldPath, err := slushtypes.ParsePath(args[0])
			if err != nil {
				return fmt.Errorf("old path %q: %w", args[0], err)
			}
			rootHeight, _ := cmd.Flags().GetUint64(flagRootHeight)
			nodes, _ := cmd.Flags().GetStringToString(flagNodes)
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			chains, err := dialChains(clientCtx, nodes)
			if err != nil {
				return err
			}
			if clientCtx.InterfaceRegistry == nil {
				return errors.New("no interface registry in the client context: cannot decode addresses")
			}
			decode := clientCtx.InterfaceRegistry.SigningContext().AddressCodec().StringToBytes
			proof, info, err := AssembleArrival(cmd.Context(), oldPath, chains, rootHeight, decode)
			if err != nil {
				return err
			}
			bz, err := clientCtx.Codec.MarshalJSON(&proof)
			if err != nil {
				return err
			}
			meta, err := json.Marshal(info)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), string(bz))
			fmt.Fprintln(cmd.ErrOrStderr(), string(meta))
			return nil
		},
	}
	cmd.Flags().StringToString(flagNodes, nil, "CometBFT RPC of each chain by path: root, the old path's chains, the departed chain, the new parent (path=tcp://host:port,...)")
	cmd.Flags().Uint64(flagRootHeight, 0, "root height to prove from (default: the newest the new parent knows)")
	return cmd
}

// dialChains opens a read-only client per --nodes entry, keyed by canonical path name.
func dialChains(clientCtx client.Context, nodes map[string]string) (map[string]ArrivalChain, error) {
	if len(nodes) == 0 {
		return nil, fmt.Errorf("--%s is required: path=rpc for the root, the old path's chains and the new parent", flagNodes)
	}
	names := make([]string, 0, len(nodes))
	for name := range nodes {
		names = append(names, name)
	}
	sort.Strings(names)
	out := map[string]ArrivalChain{}
	for _, name := range names {
		path, err := slushtypes.ParsePath(strings.TrimSpace(name))
		if err != nil {
			return nil, fmt.Errorf("--%s %s: %w", flagNodes, name, err)
		}
		if _, dup := out[path.String()]; dup {
			return nil, fmt.Errorf("--%s names %s twice", flagNodes, path)
		}
		node := nodes[name]
		rpc, err := client.NewClientFromNode(node)
		if err != nil {
			return nil, fmt.Errorf("--%s %s=%s: %w", flagNodes, name, node, err)
		}
		out[path.String()] = over(path.String(), clientCtx.WithClient(rpc).WithNodeURI(node))
	}
	return out, nil
}

// AssembleArrival reads the ArrivalProof of the chain that departed from oldPath's parent from
// chains (by path name: the root, every chain on oldPath, and the new parent its departure
// names), at rootHeight (0: the newest root height the new parent knows). Each hop is read at the
// block where the level above made the commitment the walk holds, and checked to open that
// commitment's finalized children root; the last hop must be the departing commitment (or, when
// the chain left its frozen parent, the commitment its grandparent recorded the departure with,
// and the proof carries the frozen exit read from the grandparent); the proof is checked with
// types.VerifyArrival as the new parent checks it. decodeAddress reads the departure's new
// operator (the chain's address codec).
func AssembleArrival(ctx context.Context, oldPath slushtypes.Path, chains map[string]ArrivalChain, rootHeight uint64,
	decodeAddress func(string) ([]byte, error),
) (types.ArrivalProof, RegisterInfo, error) {
	if oldPath.IsRoot() {
		return types.ArrivalProof{}, RegisterInfo{}, errors.New("the root has no parent to depart from")
	}
	levels := make([]ArrivalChain, len(oldPath)+1) // levels[i] is oldPath[:i]
	for i := range levels {
		c, err := chainAt(ctx, chains, oldPath[:i])
		if err != nil {
			return types.ArrivalProof{}, RegisterInfo{}, err
		}
		levels[i] = c
	}
	terms, err := readDeparture(ctx, levels, oldPath, decodeAddress)
	if err != nil {
		return types.ArrivalProof{}, RegisterInfo{}, err
	}
	dest, err := chainAt(ctx, chains, terms.newParent)
	if err != nil {
		return types.ArrivalProof{}, RegisterInfo{}, fmt.Errorf("the new parent its departure names: %w", err)
	}

	// The root commitment: one the new parent knows, and the root's own at that height.
	known, err := dest.RootCommitment(ctx, rootHeight, 0)
	if err != nil {
		return types.ArrivalProof{}, RegisterInfo{}, fmt.Errorf("root commitment at root height %d on the new parent %s: %w", rootHeight, terms.newParent, err)
	}
	if !known.Known {
		return types.ArrivalProof{}, RegisterInfo{}, fmt.Errorf("the new parent %s does not know a root commitment at root height %d (not synced yet, or pruned)", terms.newParent, known.RootHeight)
	}
	h := known.RootHeight
	if h > math.MaxInt64 {
		return types.ArrivalProof{}, RegisterInfo{}, fmt.Errorf("root height %d is not a block height", h)
	}
	rootRec, err := levels[0].Commitment(ctx, int64(h), 0)
	if err != nil {
		return types.ArrivalProof{}, RegisterInfo{}, fmt.Errorf("the root's commitment at height %d: %w", h, err)
	}
	if !bytes.Equal(rootRec.Commitment, known.Commitment) {
		return types.ArrivalProof{}, RegisterInfo{}, fmt.Errorf("the root's commitment at height %d is %X, the new parent %s knows %X there: not the same tree", h, rootRec.Commitment, terms.newParent, known.Commitment)
	}
	root, err := decodeRecord(rootRec, known.Commitment)
	if err != nil {
		return types.ArrivalProof{}, RegisterInfo{}, fmt.Errorf("the root's commitment at height %d: %w", h, err)
	}

	proof := types.ArrivalProof{RootHeight: h, Root: rootRec.Fields, InboxHead: terms.inboxHead}
	records := []treetypes.OwnCommitment{rootRec} // records[i]: level i's commitment the walk holds
	for i := range oldPath {
		hop, next, err := readHop(ctx, levels[i], levels[i+1], oldPath[:i], oldPath[:i+1], records[i])
		if err != nil {
			return types.ArrivalProof{}, RegisterInfo{}, fmt.Errorf("root height %d: %w", h, err)
		}
		proof.Hops = append(proof.Hops, hop)
		records = append(records, next)
	}
	above := records[len(oldPath)]
	v, err := above.Fields.Decode()
	if err != nil {
		return types.ArrivalProof{}, RegisterInfo{}, err
	}
	key, err := terms.departed(oldPath, h, above, v)
	if err != nil {
		return types.ArrivalProof{}, RegisterInfo{}, err
	}
	if terms.frozen != nil {
		gp := len(oldPath) - 2
		if proof.Frozen, err = readFrozenExit(ctx, levels[gp], records[gp], oldPath, h); err != nil {
			return types.ArrivalProof{}, RegisterInfo{}, err
		}
	}
	if _, err := types.VerifyArrival(proof, root.Hash(), terms.newParent, key, terms.operator); err != nil {
		return types.ArrivalProof{}, RegisterInfo{}, fmt.Errorf("the assembled proof does not verify: %w", err)
	}
	return proof, RegisterInfo{
		OldPath: oldPath.String(), NewParent: terms.newParent.String(), NewOperator: terms.operatorName,
		OperatorKeyHash:    hex.EncodeToString(hash.EncodeElement(key)),
		GenesisLedgerRoot:  hex.EncodeToString(hash.EncodeElement(v.LedgerRoot)),
		GenesisOutboxRoot:  hex.EncodeToString(hash.EncodeElement(v.OutboxRoot)),
		GenesisReceiptRoot: hex.EncodeToString(hash.EncodeElement(v.ReceiptRoot)),
		RootHeight:         h, Commitment: hex.EncodeToString(above.Commitment), FromFrozenParent: terms.frozen != nil,
	}, nil
}

// readHop reads one hop: the finalized child proof of childPath on level at the block where level
// made above (checked to be above's finalized children root and to open it), and the child's
// preimage of that commitment from child. It returns the hop and the child's record.
func readHop(ctx context.Context, level, child ArrivalChain, levelPath, childPath slushtypes.Path, above treetypes.OwnCommitment) (types.FinalizedHop, treetypes.OwnCommitment, error) {
	index := uint32(childPath[len(childPath)-1])
	parent, err := above.Fields.Decode()
	if err != nil {
		return types.FinalizedHop{}, treetypes.OwnCommitment{}, fmt.Errorf("level %s: %w", levelPath, err)
	}
	res, err := level.FinalizedChildProof(ctx, index, above.Height)
	if chainclient.IsNotFound(err) {
		return types.FinalizedHop{}, treetypes.OwnCommitment{}, fmt.Errorf("level %s holds no finalized commitment of %s at block %d: %s's finality has not reached %s by then", levelPath, childPath, above.Height, childPath, levelPath)
	}
	if err != nil {
		return types.FinalizedHop{}, treetypes.OwnCommitment{}, fmt.Errorf("level %s: finalized child proof of %s at block %d: %w", levelPath, childPath, above.Height, err)
	}
	if want := hash.EncodeElement(parent.FinalizedChildrenRoot); !bytes.Equal(res.FinalizedChildrenRoot, want) {
		return types.FinalizedHop{}, treetypes.OwnCommitment{}, fmt.Errorf("level %s: its finalized children root at block %d is %X, its commitment there holds %X (the node's state is not that block's)",
			levelPath, above.Height, res.FinalizedChildrenRoot, want)
	}
	rec, err := child.CommitmentByHash(ctx, res.Commitment, 0)
	if err != nil {
		return types.FinalizedHop{}, treetypes.OwnCommitment{}, fmt.Errorf("level %s: %s's commitment %X (finalized at %s): %w", childPath, childPath, res.Commitment, levelPath, err)
	}
	c, err := decodeRecord(rec, res.Commitment)
	if err != nil {
		return types.FinalizedHop{}, treetypes.OwnCommitment{}, fmt.Errorf("level %s: %w", childPath, err)
	}
	if _, err := slushtypes.OpenChild(parent.FinalizedChildrenRoot, levelPath, c, res.Siblings); err != nil {
		return types.FinalizedHop{}, treetypes.OwnCommitment{}, fmt.Errorf("level %s: %s's commitment %X does not open its finalized children root at block %d: %w", levelPath, childPath, res.Commitment, above.Height, err)
	}
	return types.FinalizedHop{Commitment: rec.Fields, Siblings: res.Siblings}, rec, nil
}

// decodeRecord decodes a commitment record's preimage and checks that it hashes to want.
func decodeRecord(rec treetypes.OwnCommitment, want []byte) (commitment.Commitment, error) {
	c, err := rec.Fields.Decode()
	if err != nil {
		return commitment.Commitment{}, fmt.Errorf("commitment %X at block %d: %w", want, rec.Height, err)
	}
	if h := hash.EncodeElement(c.Hash()); !bytes.Equal(h, want) || !bytes.Equal(rec.Commitment, want) {
		return commitment.Commitment{}, fmt.Errorf("the preimage read at block %d hashes to %X, not %X", rec.Height, h, want)
	}
	return c, nil
}

// chainAt is the chain of path in chains, checked to be that chain (its tree identity).
func chainAt(ctx context.Context, chains map[string]ArrivalChain, path slushtypes.Path) (ArrivalChain, error) {
	c, ok := chains[path.String()]
	if !ok {
		return nil, fmt.Errorf("--%s has no node for %s", flagNodes, path)
	}
	id, err := c.TreeIdentity(ctx, 0)
	if err != nil {
		return nil, fmt.Errorf("%s's identity: %w", path, err)
	}
	got, err := slushtypes.PathFromIndices(id.Path)
	if err != nil {
		return nil, fmt.Errorf("%s's identity: %w", path, err)
	}
	if !got.Equal(path) {
		return nil, fmt.Errorf("the node given for %s is %s", path, got)
	}
	return c, nil
}

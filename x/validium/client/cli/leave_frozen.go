package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/internal/operatorkey"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/validium/types"
)

const flagNewOperator = "new-operator"

// LeaveInfo is what 'validium leave-frozen-parent' prints beside the transaction: the state the
// chain leaves with, which its operator restarts it from (docs/PROTOCOL.md "Re-parenting" 8.).
type LeaveInfo struct {
	// Path is the departing chain's path.
	Path string `json:"path"`
	// Grandparent is where the departure is recorded (the frozen parent's parent).
	Grandparent string `json:"grandparent"`
	// NewParent is the path of the chain it leaves for.
	NewParent string `json:"new_parent"`
	// Commitment is the commitment it leaves with (hex): the frozen parent's finalized one holds it.
	Commitment string `json:"commitment"`
	// CommitmentHeight is the block of the departing chain that made it: where to export its state.
	CommitmentHeight int64 `json:"commitment_height"`
	// InboxHead is its ledger's inbox head at that block (hex), which the departure binds.
	InboxHead string `json:"inbox_head"`
}

// LeaveFrozenParentCmd builds, signs with the departing chain's operator key and broadcasts
// MsgLeaveFrozenParent on its grandparent.
func LeaveFrozenParentCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "leave-frozen-parent [path] [new-parent]",
		Short: "Leave a frozen parent for new-parent: record the departure of path on its grandparent (MsgLeaveFrozenParent)",
		Long: `A chain whose parent p was frozen by p's own parent gp leaves with the state the root's history
holds for it for good: the commitment C_v that p's finalized commitment at gp holds in its
finalized children root (docs/PROTOCOL.md "Re-parenting" 8.). This command reads, from --nodes
(gp, p and the departing chain, keyed by path), C_p (gp's finalized commitment of p, its preimage
from p), C_v and its opening (p's finalized child proof at the block of C_p, the preimage from the
chain) and the chain's inbox head at the block of C_v (its ledger state there); it checks that the
operator key (--seed or --key-file) is the one C_v binds, signs the departure for new-parent and
--new-operator (the account that will register the chain there), and broadcasts
MsgLeaveFrozenParent to gp's node; --from pays the fees (anyone may submit).

Stderr: one JSON line with the departure: the commitment it leaves with and the block of the
departing chain that made it (export the chain's state there to restart it), the inbox head.
Then: 'validium arrival-proof path' once a root commitment the new parent knows holds gp's
commitment with the departure, and 'tx validium register-child --arrival' at the new parent.`,
		Example: `slushchaind validium leave-frozen-parent 1-2 2 \
  --nodes root=tcp://127.0.0.1:26600,1=tcp://127.0.0.1:26610,1-2=tcp://127.0.0.1:26620 \
  --new-operator slush1... --key-file operator-1-2.key --from relayer --chain-id slush-root \
  --keyring-backend test -y 2> departure.json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := slushtypes.ParsePath(args[0])
			if err != nil {
				return fmt.Errorf("path %q: %w", args[0], err)
			}
			dest, err := slushtypes.ParsePath(args[1])
			if err != nil {
				return fmt.Errorf("new parent %q: %w", args[1], err)
			}
			if len(path) < 2 {
				return fmt.Errorf("%s is a child of the root: the root is never frozen", path)
			}
			newOperator, _ := cmd.Flags().GetString(flagNewOperator)
			nodes, _ := cmd.Flags().GetStringToString(flagNodes)
			key, err := operatorkey.Load(cmd)
			if err != nil {
				return err
			}
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			if clientCtx.GetFromAddress().Empty() {
				return errors.New("--from is required: the account that submits and pays")
			}
			chains, err := dialChains(clientCtx, nodes)
			if err != nil {
				return err
			}
			decode := clientCtx.InterfaceRegistry.SigningContext().AddressCodec().StringToBytes
			msg, info, err := AssembleLeaveFrozen(cmd.Context(), path, dest, chains, newOperator, decode, key)
			if err != nil {
				return err
			}
			msg.Submitter = clientCtx.GetFromAddress().String()
			gp := path[:len(path)-2].String()
			node := nodes[gp]
			if node == "" {
				return fmt.Errorf("--%s has no node for %s", flagNodes, gp)
			}
			rpc, err := client.NewClientFromNode(node)
			if err != nil {
				return err
			}
			meta, err := json.Marshal(info)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.ErrOrStderr(), string(meta))
			return tx.GenerateOrBroadcastTxCLI(clientCtx.WithClient(rpc).WithNodeURI(node), cmd.Flags(), &msg)
		},
	}
	cmd.Flags().StringToString(flagNodes, nil, "CometBFT RPC of the grandparent, the frozen parent and the departing chain, by path (path=tcp://host:port,...)")
	cmd.Flags().String(flagNewOperator, "", "account that registers the chain at the new parent (required)")
	operatorkey.AddFlags(cmd)
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// AssembleLeaveFrozen reads, from chains (by path name: path's grandparent gp, its frozen parent p
// and path itself), the departure of path for dest registered by newOperator, signed with key
// (the operator key path's commitment binds): C_p is gp's finalized commitment of p, C_v and its
// siblings are read as an arrival hop at the block where p made C_p, the inbox head is path's
// ledger's at the block of C_v. The message is checked as gp checks it without state
// (ValidateBasic) and its signature as gp verifies it; Submitter is left to the caller.
func AssembleLeaveFrozen(ctx context.Context, path, dest slushtypes.Path, chains map[string]ArrivalChain, newOperator string,
	decodeAddress func(string) ([]byte, error), key *eddsa.PrivateKey,
) (types.MsgLeaveFrozenParent, LeaveInfo, error) {
	n := len(path)
	if n < 2 {
		return types.MsgLeaveFrozenParent{}, LeaveInfo{}, fmt.Errorf("%s is a child of the root: the root is never frozen", path)
	}
	gpPath, pPath := path[:n-2], path[:n-1]
	gp, err := chainAt(ctx, chains, gpPath)
	if err != nil {
		return types.MsgLeaveFrozenParent{}, LeaveInfo{}, err
	}
	p, err := chainAt(ctx, chains, pPath)
	if err != nil {
		return types.MsgLeaveFrozenParent{}, LeaveInfo{}, err
	}
	v, err := chainAt(ctx, chains, path)
	if err != nil {
		return types.MsgLeaveFrozenParent{}, LeaveInfo{}, err
	}
	pIndex := uint32(pPath[n-2])
	rec, err := gp.Child(ctx, pIndex, 0)
	if err != nil {
		return types.MsgLeaveFrozenParent{}, LeaveInfo{}, fmt.Errorf("%s's record of %s: %w", gpPath, pPath, err)
	}
	if rec.Child.Status != types.ChildStatus_CHILD_STATUS_FROZEN {
		return types.MsgLeaveFrozenParent{}, LeaveInfo{}, fmt.Errorf("%s is %s at %s, not frozen: leave it by departing updates (scripts/reparent.sh)", pPath, rec.Child.Status, gpPath)
	}
	fin, err := gp.FinalizedChildProof(ctx, pIndex, 0)
	if err != nil {
		return types.MsgLeaveFrozenParent{}, LeaveInfo{}, fmt.Errorf("%s's finalized commitment of %s: %w", gpPath, pPath, err)
	}
	pRec, err := p.CommitmentByHash(ctx, fin.Commitment, 0)
	if err != nil {
		return types.MsgLeaveFrozenParent{}, LeaveInfo{}, fmt.Errorf("%s's commitment %X (finalized at %s): %w", pPath, fin.Commitment, gpPath, err)
	}
	if _, err := decodeRecord(pRec, fin.Commitment); err != nil {
		return types.MsgLeaveFrozenParent{}, LeaveInfo{}, fmt.Errorf("%s: %w", pPath, err)
	}
	hop, vRec, err := readHop(ctx, p, v, pPath, path, pRec)
	if err != nil {
		return types.MsgLeaveFrozenParent{}, LeaveInfo{}, err
	}
	departed, err := vRec.Fields.Decode()
	if err != nil {
		return types.MsgLeaveFrozenParent{}, LeaveInfo{}, err
	}
	state, err := v.Ledger(ctx, vRec.Height)
	if err != nil {
		return types.MsgLeaveFrozenParent{}, LeaveInfo{}, fmt.Errorf("%s's ledger at block %d (the block of the commitment it leaves with): %w", path, vRec.Height, err)
	}
	if want := hash.EncodeElement(departed.LedgerRoot); !bytes.Equal(state.LedgerRoot, want) {
		return types.MsgLeaveFrozenParent{}, LeaveInfo{}, fmt.Errorf("%s's ledger root at block %d is %X, its commitment there holds %X (the node's state is not that block's)", path, vRec.Height, state.LedgerRoot, want)
	}
	msg := types.MsgLeaveFrozenParent{
		ChildIndex: pIndex, GrandchildIndex: uint32(path[n-1]), Parent: pRec.Fields, Departed: vRec.Fields, Siblings: hop.Siblings,
		NewParent: dest.Indices(), NewOperator: newOperator, InboxHead: state.InboxHead, PublicKey: key.PublicKey.Bytes(),
	}
	if msg.Signature, err = signLeave(msg, departed.OperatorKeyHash, decodeAddress, key); err != nil {
		return types.MsgLeaveFrozenParent{}, LeaveInfo{}, err
	}
	if err := msg.ValidateBasic(); err != nil {
		return types.MsgLeaveFrozenParent{}, LeaveInfo{}, err
	}
	return msg, LeaveInfo{
		Path: path.String(), Grandparent: gpPath.String(), NewParent: dest.String(), Commitment: hex.EncodeToString(vRec.Commitment),
		CommitmentHeight: vRec.Height, InboxHead: hex.EncodeToString(state.InboxHead),
	}, nil
}

// signLeave signs msg's departure with key after checking that key is the one the departing
// commitment binds (keyHash): LeaveFrozenMessage(vid, commitment, DepartureMark(keyHash, the new
// parent's vid, the new operator, the inbox head)), as the grandparent verifies it.
func signLeave(msg types.MsgLeaveFrozenParent, keyHash fr.Element, decodeAddress func(string) ([]byte, error), key *eddsa.PrivateKey) ([]byte, error) {
	if h := slushtypes.OperatorKeyHash(key.PublicKey); !h.Equal(&keyHash) {
		return nil, fmt.Errorf("the operator key's hash is %X, the commitment it leaves with binds %X: sign with that chain's operator key",
			hash.EncodeElement(h), hash.EncodeElement(keyHash))
	}
	departed, err := msg.Departed.Decode()
	if err != nil {
		return nil, err
	}
	operator, err := decodeAddress(msg.NewOperator)
	if err != nil {
		return nil, fmt.Errorf("--%s %q: %w", flagNewOperator, msg.NewOperator, err)
	}
	dest, err := types.Departure{NewParent: msg.NewParent, NewOperator: msg.NewOperator}.NewParentPath()
	if err != nil {
		return nil, err
	}
	destVid, err := dest.Vid()
	if err != nil {
		return nil, err
	}
	head, err := slushtypes.DecodeOperatorKeyHash(msg.InboxHead)
	if err != nil {
		return nil, err
	}
	mark, err := types.DepartureMark(keyHash, destVid, operator, head)
	if err != nil {
		return nil, err
	}
	return ledger.SignElement(key, types.LeaveFrozenMessage(departed.Vid, departed.Hash(), mark))
}

package cli

import (
	"context"
	"errors"
	"fmt"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"

	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/witness"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/validium/types"
)

const (
	flagAccount    = "account"
	flagNodeParent = "node-parent"
	flagFinalized  = "finalized"
)

// AccountOpeningCmd prints the opening of an account of a child's ledger under a commitment its
// parent accepted (the latest, or with --finalized the finalized one): the AccountOpening that
// 'tx validium force-withdrawal', 'tx validium exit' and 'tx validium prove-forced-withdrawal
// --no-op' take, read from the child's ledger store at that commitment's block.
func AccountOpeningCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "opening",
		Short: "Print an account's opening (JSON) under a child's commitment its parent accepted: for force-withdrawal, exit, no-op proofs",
		Long: `Reads account --account of the child's ledger (--node: the child's RPC) at the block of the
commitment its parent (--node-parent) holds for it — the latest accepted one, or with --finalized
the finalized one — and prints its AccountOpening as JSON: the commitment's preimage, the ledger
root's preimage, the account record and its path in the accounts tree. 'tx validium
force-withdrawal' takes it with the latest commitment (any accepted one still in the parent's
history); 'tx validium exit' needs --finalized. The JSON is the proto JSON those commands read
(bytes in base64), whatever --output says. For an account beyond the ledger's count the
opening holds the ledger root's preimage only: the no-op proof of an unknown account
('tx validium prove-forced-withdrawal --no-op'). The child's node must still hold the state of
that block (not pruned).`,
		Example: `slushchaind ledger opening --account 0 --node tcp://127.0.0.1:26620 --node-parent tcp://127.0.0.1:26610 > opening.json
slushchaind tx validium force-withdrawal 2 $op opening.json --from user --gas 600000 --node tcp://127.0.0.1:26610 --yes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			account, _ := cmd.Flags().GetUint64(flagAccount)
			finalized, _ := cmd.Flags().GetBool(flagFinalized)
			parentNode, _ := cmd.Flags().GetString(flagNodeParent)
			if parentNode == "" {
				return fmt.Errorf("--%s (the parent's RPC) is required", flagNodeParent)
			}
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			rpc, err := client.NewClientFromNode(parentNode)
			if err != nil {
				return fmt.Errorf("--%s: %w", flagNodeParent, err)
			}
			child := over(clientCtx.NodeURI, clientCtx)
			parent := over(parentNode, clientCtx.WithClient(rpc).WithNodeURI(parentNode))
			o, err := OpenAccount(cmd.Context(), child, parent, account, finalized)
			if err != nil {
				return err
			}
			bz, err := clientCtx.Codec.MarshalJSON(&o)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), string(bz))
			return nil
		},
	}
	cmd.Flags().Uint64(flagAccount, 0, "index of the account in the child's ledger ('ledger balance' finds it)")
	cmd.Flags().String(flagNodeParent, "", "CometBFT RPC of the child's parent (required)")
	cmd.Flags().Bool(flagFinalized, false, "open under the child's finalized commitment (exits) instead of its latest accepted one")
	flags.AddQueryFlagsToCmd(cmd)
	return cmd
}

// over is a read-only chain client over a client context's ABCI queries (latest height unless a
// query names one).
func over(name string, clientCtx client.Context) *chainclient.Client {
	query := func(_ context.Context, req abci.RequestQuery) (abci.ResponseQuery, error) {
		return clientCtx.WithHeight(0).QueryABCI(req)
	}
	return chainclient.Over(name, "", query, func(context.Context) (int64, error) {
		return 0, errors.New("no height: a client over queries")
	})
}

// OpenAccount opens account of child's ledger under the commitment parent holds for child (its
// latest accepted one, or its finalized one), read from child's ledger store at the block of that
// commitment; the opening is checked as the parent checks it (types.AccountOpening.Open) unless
// the account is beyond the ledger's count.
func OpenAccount(ctx context.Context, child, parent *chainclient.Client, account uint64, finalized bool) (types.AccountOpening, error) {
	id, err := child.TreeIdentity(ctx, 0)
	if err != nil {
		return types.AccountOpening{}, fmt.Errorf("the child's identity: %w", err)
	}
	path, err := slushtypes.PathFromIndices(id.Path)
	if err != nil {
		return types.AccountOpening{}, err
	}
	if path.IsRoot() {
		return types.AccountOpening{}, errors.New("--node is the root: it has no parent")
	}
	index := uint32(path[len(path)-1])
	var h []byte
	if finalized {
		res, err := parent.Finalized(ctx, index, 0)
		if err != nil {
			return types.AccountOpening{}, fmt.Errorf("child %d's finalized commitment on the parent: %w", index, err)
		}
		if !res.Found {
			return types.AccountOpening{}, fmt.Errorf("the parent holds no finalized commitment of child %d", index)
		}
		h = res.Hash.Commitment
	} else {
		res, err := parent.Child(ctx, index, 0)
		if err != nil {
			return types.AccountOpening{}, fmt.Errorf("child %d on the parent: %w", index, err)
		}
		if res.Child.AnchorHeight == 0 {
			return types.AccountOpening{}, fmt.Errorf("the parent has accepted no update of child %d yet", index)
		}
		h = res.Child.LatestCommitment
	}
	rec, err := child.CommitmentByHash(ctx, h, 0)
	if err != nil {
		return types.AccountOpening{}, fmt.Errorf("the child's commitment %X: %w", h, err)
	}
	l, err := child.Ledger(ctx, 0)
	if err != nil {
		return types.AccountOpening{}, err
	}
	vid, err := path.Vid()
	if err != nil {
		return types.AccountOpening{}, err
	}
	st, err := witness.LedgerAt(ctx, child, vid, l.Params.Ledger(), rec.Height)
	if err != nil {
		return types.AccountOpening{}, fmt.Errorf("the child's ledger at block %d: %w", rec.Height, err)
	}
	o, err := types.NewAccountOpening(st, rec.Fields, account)
	if err != nil {
		return types.AccountOpening{}, err
	}
	if account < o.NumAccounts {
		if _, _, err := o.Open(int(l.Params.AccountDepth)); err != nil {
			return types.AccountOpening{}, fmt.Errorf("the opening read at block %d does not open the commitment: %w", rec.Height, err)
		}
	}
	return o, nil
}

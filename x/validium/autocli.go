package validium

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions implements autocli.HasAutoCLIConfig: the CLI is generated from the services.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "slush.validium.v1.Query",
			Short:   "This chain as a parent: its children, their accepted history and forced operations, routes and exits",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "Params", Use: "params", Short: "Show the x/validium parameters",
					Long:    `Prints x/validium's parameters (the gas a proof costs, the minimum child bond, the forced-operation deadline and per-block bound, the batches an update may carry, the hashes of the tree's ledger keys children must register with). Use it before registering a child or forcing a deposit.`,
					Example: "slushchaind q validium params --node tcp://127.0.0.1:26610",
				},
				{
					RpcMethod: "Children", Use: "children", Short: "List the registered child validiums",
					Long: `Lists the children registered on this chain: index, operator, status, bond, latest accepted
commitment and roots, anchor, epoch; verifying keys print as their size and sha256 (--full-keys
prints them). Use it to see the children at a glance; 'q validium child <index>' adds history.`,
					Example: "slushchaind q validium children --node tcp://127.0.0.1:26610",
				},
				{
					RpcMethod: "Child", Use: "child [index]", Short: "Show a child with its history and forced-operation queue",
					Long: `Prints child <index>'s record (keys as size and sha256), the newest --history (10) entries of its
accepted history (root height, commitment; history_total says how many the chain keeps, at most
256: --history 0 prints them all, --history-before <root height> pages back) and its pending
forced operations. NotFound for an index with no child. Use it when an edge stalls or a child is
frozen (status, freeze reason).`,
					Example:        "slushchaind q validium child 2 --history 20 --node tcp://127.0.0.1:26610",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "index"}},
				},
				{
					RpcMethod: "FrozenChildren", Use: "frozen-children", Short: "List the frozen children",
					Long:    `Lists the children this chain froze (a forced operation expired, or a re-election is under way), with the root height and reason. Users of a frozen child exit with 'tx validium exit'.`,
					Example: "slushchaind q validium frozen-children --node tcp://127.0.0.1:26610",
				},
				{
					RpcMethod: "ChildProof", Use: "child-proof [index]", Short: "Show a child's path in this chain's children SMT",
					Long: `Prints child <index>'s leaf (its latest accepted commitment) and siblings in this chain's
children SMT: the hop an inclusion proof takes through this chain. Query it with --height at the
block whose commitment the proof goes through; the relayer does this itself.`,
					Example:        "slushchaind q validium child-proof 1 --height 120 --node tcp://127.0.0.1:26600",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "index"}},
				},
				{
					RpcMethod: "Exit", Use: "exit [child-index] [account-index]", Short: "Show the account opening an exit from a child was paid on",
					Long: `Prints the account opening that 'tx validium exit' paid out for account <account-index> of frozen
child <child-index> (NotFound if that account has not exited). Use it to check an exit went
through; this chain's next update carries it up as the proof of the exit's mint.`,
					Example:        "slushchaind q validium exit 2 0 --node tcp://127.0.0.1:26610",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}, {ProtoField: "account_index"}},
				},
				{
					RpcMethod: "Route", Use: "route [message-hash]", Short: "Show this chain's fallback-route record of a message",
					Long: `Prints this chain's route record of message <message-hash> (hex or base64): routed up towards the
common ancestor, or queued down towards the destination, with the hop and deadline. NotFound if
the message was not routed through here. Use it when 'bridge track' says a message is routed.`,
					Example:        "slushchaind q validium route 145698011314893291ec4cde40aae7243526df08a1f9f21adf8828c9e3b16f88 --node tcp://127.0.0.1:26610",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "message_hash"}},
				},
				{
					RpcMethod: "ProvenLeaves", Use: "proven-leaves [child-index] [index]", Short: "List the proven commitments of a grandchild its parent may still finalize",
					Long: `Lists the commitments of grandchild <index> under child <child-index> that step proofs proved
(RECURSIVE subtree proofs): the only ones the child's finalized children root may hold. NotFound
when there are none (ATTESTED mode records none).`,
					Example:        "slushchaind q validium proven-leaves 1 2 --node tcp://127.0.0.1:26600",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}, {ProtoField: "index"}},
				},
				{
					RpcMethod: "GrandchildReport", Use: "grandchild-report [child-index] [index]", Short: "Show the proven acceptance report of a grandchild",
					Long: `Shows the acceptance report of the commitment child <child-index>'s accepted children root holds
for grandchild <index>, as its step proof proved it (RECURSIVE subtree proofs): {(anchor, 1)} for
a grandchild without children, the node step's report for one with children. The child's own
report may count no more than these. NotFound when no step proved one (ATTESTED mode records none).`,
					Example:        "slushchaind q validium grandchild-report 1 1 --node tcp://127.0.0.1:26600",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}, {ProtoField: "index"}},
				},
				{
					RpcMethod: "FrozenDeparture", Use: "frozen-departure [child-index] [index]", Short: "Show the departure of a child of a frozen child (issue 20)",
					Long: `Shows the departure recorded here for grandchild <index> of frozen child <child-index>: the
commitment it left with, its new parent and registering operator, its inbox head and the departure
mark the new parent checks (docs/PROTOCOL.md "Leaving a frozen parent"). NotFound when it did not leave.`,
					Example:        "slushchaind q validium frozen-departure 1 2 --node tcp://127.0.0.1:26600",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}, {ProtoField: "index"}},
				},
				{
					RpcMethod: "ForcedWithdrawal", Use: "forced-withdrawal [child-index] [sequence]", Short: "Show a forced withdrawal of a child (issue 20)",
					Long: `Prints forced withdrawal <sequence> of child <child-index>: the signed op, the deadline, the child's
anchor and outbox root when it was queued, and its status (PENDING, EXECUTED with the message and
outbox position, NO_OP with the reason, EXPIRED: the child was frozen). NotFound if never queued.`,
					Example:        "slushchaind q validium forced-withdrawal 2 1 --node tcp://127.0.0.1:26610",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}, {ProtoField: "sequence"}},
				},
				{
					RpcMethod: "PendingForcedWithdrawals", Use: "pending-forced-withdrawals [child-index]", Short: "List a child's pending forced withdrawals (issue 20)",
					Long: `Lists the forced withdrawals of child <child-index> that are still PENDING, lowest sequence first:
each must be executed by the child (the relayer's MsgExecuteForcedWithdrawal) and proven here
(MsgProveForcedWithdrawal: its message in the child's outbox, or its op unexecutable) before its
deadline, or this chain freezes the child. At most --limit (0: 100, at most 1000) from
--start-sequence; next_sequence, when not 0, is where the next page starts. An empty list when
none is pending; NotFound for an index with no child.`,
					Example:        "slushchaind q validium pending-forced-withdrawals 2 --node tcp://127.0.0.1:26610",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}},
				},
				{
					RpcMethod: "RootBond", Use: "root-bond", Short: "Show the root operator's bond (the root under validium consensus)",
					Long: `Prints the root operator's bond (DESIGN §10): the root epoch and operator key hash it was posted
for, its owner (who may top it up and gets the unslashed rest back) and its amount. NotFound when
none is posted. A root restarted after a root re-election replaced that epoch has slash_bps of it
burnt and the rest refunded in its genesis ('genesis adopt-export' prints both), and no bond until
one is posted for the new epoch.`,
					Example: "slushchaind q validium root-bond --node tcp://127.0.0.1:26600",
				},
				{
					RpcMethod: "PendingRoutes", Use: "pending-routes", Short: "List the routed messages this chain passes up or has queued down",
					Long:    `Lists the routed messages this chain passes up (ROUTED_UP) or has queued down (ROUTED_DOWN) and not yet seen delivered, at most --limit (0: 100): what the relayer still has to carry. 'relayer pending' shows them for the whole tree.`,
					Example: "slushchaind q validium pending-routes --node tcp://127.0.0.1:26600",
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "slush.validium.v1.Msg",
			Short:   "x/validium transactions: register and bond children, force deposits, exit frozen children (updates and routes are the relayer's)",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true},  // authority (gov) gated
				{RpcMethod: "SubmitUpdate", Skip: true},  // built and signed by the relayer
				{RpcMethod: "RouteMessage", Skip: true},  // built from an inclusion proof by the relayer
				{RpcMethod: "ReceiveForced", Skip: true}, // built from the parent's store proof by the relayer
				// built from the parent's store proof by the relayer, like ReceiveForced
				{RpcMethod: "ExecuteForcedWithdrawal", Skip: true},
				{RpcMethod: "LeaveFrozenParent", Skip: true}, // read from three chains and signed with the operator key: 'slushchaind validium leave-frozen-parent'
				{
					RpcMethod: "RegisterChild", Use: "register-child [verifying-key] [bond] [genesis-ledger-root] [genesis-outbox-root] [genesis-receipt-root]",
					Short: "Register a child validium (the signer becomes its operator and pays the bond)",
					Long: `Registers a child under the next free index (the child's path must end with that index): the
signer becomes the child's operator (it submits the child's updates: in a localnet the relayer's
key) and pays the bond (at least params.min_child_bond). verifying-key is the ledger circuit's
ledger.vk (a file); the three genesis roots come from 'slushchaind genesis registration-info' on
the child's home (hex). --operator-key-hash is the hash of the child's operator EdDSA key
('slushchaind operator-key show --hash-only'). Needs about 500,000 gas (--gas 600000 or --gas auto).
The localnet ('scripts/localnet.sh up') registers its children itself; use this to attach a new
chain to a running tree. --arrival (an ArrivalProof, inline JSON or a .json file) registers a chain
that departed from another parent with its state (issue 20, docs/PROTOCOL.md "Re-parenting"): the
genesis roots must then be its departing commitment's, the signer and --operator-key-hash those its
departure named.`,
					Example: `slushchaind tx validium register-child keys/ledger.vk 1000000stake <ledger-root> <outbox-root> <receipt-root> \
  --transfer-verifying-key keys/ledger-transfer.vk --operator-key-hash $(slushchaind operator-key show --key-file operator.key --hash-only) \
  --from relayer --gas 600000 --node tcp://127.0.0.1:26610 --yes`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{
						{ProtoField: "verifying_key"}, {ProtoField: "bond"},
						{ProtoField: "genesis_ledger_root"}, {ProtoField: "genesis_outbox_root"}, {ProtoField: "genesis_receipt_root"},
					},
				},
				{
					RpcMethod: "Exit", Use: "exit [child-index] [opening]",
					Short: "Pay out an account of a frozen child on this chain's ledger, from the child's finalized state (DESIGN §8)",
					Long: `Proves an account's balance in a frozen child's last finalized ledger and mints it to the same
owner on this chain's ledger. Anyone may submit it (the payout only goes to the account's owner).
opening is the account's AccountOpening, inline JSON or a .json file: commitment (the child's
finalized commitment preimage, as 'query validium child' and the child's 'query tree
commitment-by-hash' show it), accounts_root and num_accounts (the ledger root's preimage),
account_index, owner, asset_id, balance, nonce, and siblings (the account's path in the child's
accounts SMT, leaf level first, account_depth of them). Bytes are base64 in JSON. It fails with
a named error (child not frozen, account already exited, wrong root, wrong path) otherwise.
'slushchaind ledger opening --finalized --account <index> --node <child> --node-parent <this
chain>' prints the opening while the child's node still answers.`,
					Example:        "slushchaind tx validium exit 2 opening.json --from user --gas 600000",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}, {ProtoField: "opening"}},
				},
				{
					RpcMethod: "DeregisterChild", Use: "deregister-child [child-index]",
					Short: "Remove a child with no pending forced operations and return its bond",
					Long: `Removes child <child-index> (its operator only) and returns the bond: only when no forced operation
is pending and the child's ledger is back at its genesis root with its latest commitment
finalized, so that no user can still need an exit. Use it to retire an empty chain. Under RECURSIVE
subtree proofs only a child that never updated can be removed (ErrRemovalUnprovable otherwise: no
step proves that removal above). For a child that has departed (its finalized commitment here is a departing one) it only returns the bond: the
record and its index stay.`,
					Example:        "slushchaind tx validium deregister-child 2 --from relayer --node tcp://127.0.0.1:26610 --yes",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}},
				},
				{
					RpcMethod: "ForceOperation", Use: "force-operation [child-index] [op]",
					Short: "Force a deposit (a signed ledger bridge-out to the child) the child must mint before the deadline",
					Long: `Burns a signed bridge-out on this chain's ledger (made with 'slushchaind ledger bridge-out --path
<this chain> --dst <the child>', hex) and queues its message for the child: the child must mint it
(the relayer's MsgReceiveForced) and its next update must consume it before root height + params
.forced_op_deadline, or this chain freezes the child. Prints the queue sequence, the deadline and
the message hash. Needs about 300,000 gas (--gas auto --gas-adjustment 1.5). Use it when a child's
operator ignores a user: the deposit must be honoured or the child is frozen.`,
					Example: `op=$(slushchaind ledger bridge-out --seed alice --path 1 --account 0 --nonce 0 --asset 7 --amount 5 \
  --dst 1-2 --recipient $(slushchaind ledger owner --seed alice) --deadline 1000000)
slushchaind tx validium force-operation 2 $op --from user --gas auto --gas-adjustment 1.5 --node tcp://127.0.0.1:26610 --yes`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}, {ProtoField: "op"}},
				},
				{
					RpcMethod: "ForceWithdrawal", Use: "force-withdrawal [child-index] [op] [opening]",
					Short: "Force a withdrawal (a signed ledger bridge-out on the child) the child must process before the deadline (issue 20)",
					Long: `Queues a withdrawal from child <child-index>'s ledger that the child must execute, or prove its
ledger cannot execute, before root height + params.forced_op_deadline, or this chain freezes the
child and its users exit from its finalized state. op is the bridge-out the user would submit to
the child, signed for the child's path ('slushchaind ledger bridge-out --path <the child> --dst
<this chain or any destination>', hex); opening is the debited account's AccountOpening (inline
JSON or a .json file, as for 'tx validium exit') under any accepted commitment of the child still
in its history ('slushchaind ledger opening --account <index> --node <the child> --node-parent
<this chain>' prints it): it must show the op's account owned by the op's key, in the op's asset. The
signer pays params.forced_withdrawal_fee, which is burnt. The same signed op is refused twice.
Prints the sequence, the deadline and the op hash; 'q validium forced-withdrawal' follows it.`,
					Example: `op=$(slushchaind ledger bridge-out --seed alice --path 1-2 --account 0 --nonce 3 --asset 7 --amount 5 \
  --dst 1 --recipient $(slushchaind ledger owner --seed alice) --deadline 1000000)
slushchaind ledger opening --account 0 --node tcp://127.0.0.1:26620 --node-parent tcp://127.0.0.1:26610 > opening.json
slushchaind tx validium force-withdrawal 2 $op opening.json --from user --gas 600000 --node tcp://127.0.0.1:26610 --yes`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}, {ProtoField: "op"}, {ProtoField: "opening"}},
				},
				{
					RpcMethod: "ProveForcedWithdrawal", Use: "prove-forced-withdrawal [child-index] [sequence]",
					Short: "Satisfy a pending forced withdrawal: its message in the child's outbox, or the account unable to pay it",
					Long: `Proves forced withdrawal <sequence> of child <child-index> against an accepted commitment of the
child anchored after it was queued: --inclusion (a WithdrawalInclusion, JSON: the commitment
preimage, the message's outbox position, the outbox size and path, and the preimage of the outbox
root recorded at queue time) shows the withdrawal executed; --no-op (an AccountOpening of the
debited account, JSON) shows the child's ledger cannot execute it (unknown account, another owner
or asset, another nonce, too small a balance; 'slushchaind ledger opening' prints it). Exactly
one. Anyone may submit it; the relayer does, for every child it serves.`,
					Example:        "slushchaind tx validium prove-forced-withdrawal 2 1 --no-op opening.json --from relayer --gas 400000",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}, {ProtoField: "sequence"}},
				},
				{
					RpcMethod: "PostRootBond", Use: "post-root-bond [epoch] [operator-key-hash] [amount]",
					Short: "Escrow or top up the root operator's bond (the root under validium consensus; DESIGN §10)",
					Long: `Escrows <amount> from the signer as the root operator's bond for root epoch <epoch> and operator
key hash <operator-key-hash> (hex or base64), which must be the root's current ones ('q tree
identity'). Any account may post the epoch's first bond (at least params.min_child_bond, in its
denom) and becomes its owner; only the owner may top it up. It cannot be withdrawn: a root
re-election replacing the epoch slashes slash_bps of it in the restarted root's genesis and
refunds the rest to the owner.`,
					Example:        "slushchaind tx validium post-root-bond 0 $(slushchaind q tree identity -o json | jq -r .identity.operator_key_hash) 1000000stake --from relayer --node tcp://127.0.0.1:26600 --yes",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "epoch"}, {ProtoField: "operator_key_hash"}, {ProtoField: "amount"}},
				},
				{
					RpcMethod: "PostBond", Use: "post-bond [child-index] [amount]",
					Short: "Add to a child's bond (its operator only; e.g. an operator installed by a re-election)",
					Long: `Adds <amount> to child <child-index>'s bond, paid by the signer, who must be the child's operator.
Use it after a re-election (the new operator posts a bond) or to restore a bond a slash reduced.`,
					Example:        "slushchaind tx validium post-bond 1 500000stake --from relayer --node tcp://127.0.0.1:26600 --yes",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}, {ProtoField: "amount"}},
				},
			},
		},
	}
}

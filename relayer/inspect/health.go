package inspect

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/tree"
	slushtypes "github.com/slush-tree/slush/types"
)

// Finding is one thing wrong with a tree, with how to fix it.
type Finding struct {
	// Chain is the chain (or edge, "1-2 -> 1") it is about.
	Chain string `json:"chain"`
	// Problem says what is wrong; Fix what to do about it.
	Problem string `json:"problem"`
	Fix     string `json:"fix"`
}

// String is the finding's one line.
func (f Finding) String() string { return fmt.Sprintf("%s: %s — fix: %s", f.Chain, f.Problem, f.Fix) }

// HealthOptions are health-check's thresholds and what it checks the chains against.
type HealthOptions struct {
	// KeysDir holds the keys the relayer proves with (ledger.vk, inclusion.vk); empty skips
	// the key checks.
	KeysDir string
	// MaxBlockAge is how old a chain's latest block may be before it reads as halted (0: 60 s).
	MaxBlockAge time.Duration
	// MinClientLife is how long a parent client must still be trusted (0: 24 h).
	MinClientLife time.Duration
	// Stall is the edge stall threshold in root heights.
	Stall uint64
	// Now is the wall clock the block ages and client lives are measured against.
	Now time.Time
}

// Health checks every chain and edge of t (clients opened with keys, so each knows the relayer's
// address): every chain reachable, answering as its configured path, synced and producing
// blocks; the relayer's account present on each chain and operating each child on its parent;
// the keys the relayer proves with being the ones the chains registered; every parent client
// trusted for a while yet; no child frozen and no edge stalled. It returns one finding per
// problem (none: healthy).
func Health(ctx context.Context, t *tree.Tree, opts HealthOptions) []Finding {
	if opts.MaxBlockAge == 0 {
		opts.MaxBlockAge = time.Minute
	}
	if opts.MinClientLife == 0 {
		opts.MinClientLife = 24 * time.Hour
	}
	var out []Finding
	add := func(chain, problem, fix string) { out = append(out, Finding{Chain: chain, Problem: problem, Fix: fix}) }
	ledgerVK, inclusionVK := readKey(opts.KeysDir, "ledger.vk", add), readKey(opts.KeysDir, "inclusion.vk", add)
	transferVK := readOptionalKey(opts.KeysDir, "ledger-transfer.vk")
	up := map[string]bool{}
	for _, name := range t.Names() {
		n := t.Node(name)
		if chainHealth(ctx, n, opts, inclusionVK, add) {
			up[name] = true
		}
	}
	for _, name := range t.Names() {
		n := t.Node(name)
		if n.Parent == nil || !up[name] || !up[n.Parent.Name] {
			continue
		}
		edgeHealth(ctx, n, opts, ledgerVK, transferVK, add)
	}
	return out
}

// readKey reads a verifying key of the relayer's keys_dir (nil when dir is empty).
func readKey(dir, file string, add func(chain, problem, fix string)) []byte {
	if dir == "" {
		return nil
	}
	bz, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		add("relayer", fmt.Sprintf("cannot read keys_dir/%s: %v", file, err), "point keys_dir in tree.toml at the keys the tree was set up with")
	}
	return bz
}

// readOptionalKey reads a verifying key of keys_dir that a tree may do without (nil if absent).
func readOptionalKey(dir, file string) []byte {
	if dir == "" {
		return nil
	}
	bz, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return nil
	}
	return bz
}

// chainHealth checks one chain on its own and tells whether it answered at all.
func chainHealth(ctx context.Context, n *tree.Node, opts HealthOptions, inclusionVK []byte, add func(chain, problem, fix string)) bool {
	if _, err := n.Height(ctx); err != nil {
		add(n.Name, fmt.Sprintf("unreachable: %v", err),
			fmt.Sprintf("start the node (scripts/localnet.sh start %s) or correct its rpc in tree.toml", n.Name))
		return false
	}
	id, err := n.TreeIdentity(ctx, 0)
	if err != nil {
		add(n.Name, fmt.Sprintf("cannot read its tree identity: %v", err), "check the node serves this tree")
		return false
	}
	if got, err := slushtypes.PathFromIndices(id.Path); err != nil || got.String() != n.Name {
		add(n.Name, fmt.Sprintf("answers as path %v", id.Path), "correct the chain's rpc or path in tree.toml")
		return false
	}
	if st, err := n.Status(ctx); err == nil {
		if st.CatchingUp {
			add(n.Name, "the node is catching up", "wait for it to sync (or check its peers)")
		} else if age := opts.Now.Sub(st.LatestBlockTime); age > opts.MaxBlockAge {
			add(n.Name, fmt.Sprintf("latest block is %s old: the chain makes no blocks", age.Round(time.Second)),
				"check the node's log (scripts/localnet.sh logs "+n.Name+") and restart it")
		}
	}
	if addr := n.Address(); addr != nil {
		if _, err := n.Account(ctx, addr.String(), 0); err != nil {
			add(n.Name, fmt.Sprintf("the relayer's key %s has no account (%v)", addr, err),
				"fund it with a bank send (every account that signs must exist on chain)")
		}
	}
	if inclusionVK != nil {
		ip, err := n.InclusionParams(ctx, 0)
		if err == nil && len(ip.VerifyingKey) > 0 && !bytes.Equal(ip.VerifyingKey, inclusionVK) {
			add(n.Name, "its inclusion verifying key is not keys_dir/inclusion.vk: its claims would never verify",
				"point keys_dir at the keys the tree was set up with")
		}
	}
	if n.Parent != nil {
		clientHealth(ctx, n, opts, add)
	}
	return true
}

// clientHealth checks how long a child still trusts its parent client.
func clientHealth(ctx context.Context, n *tree.Node, opts HealthOptions, add func(chain, problem, fix string)) {
	pc, err := n.ParentClient(ctx, 0)
	if err != nil {
		add(n.Name, fmt.Sprintf("cannot read its parent client: %v", err), "set one at genesis (genesis set-parent-client) or by governance (parent-client proposal)")
		return
	}
	expiry := time.Unix(pc.TimeUnix, 0).Add(time.Duration(pc.Params.TrustingPeriodSeconds) * time.Second)
	switch left := expiry.Sub(opts.Now); {
	case left <= 0:
		add(n.Name, fmt.Sprintf("its parent client expired %s ago (trusted %s height %d)", (-left).Round(time.Minute), pc.ChainId, pc.Height),
			"no sync can verify again: recover it by governance (slushchaind parent-client proposal)")
	case left < opts.MinClientLife:
		add(n.Name, fmt.Sprintf("its parent client expires in %s (trusted %s height %d)", left.Round(time.Minute), pc.ChainId, pc.Height),
			"run the relayer: its syncs move the trusted header forward")
	}
}

// edgeHealth checks what a parent holds of a child.
func edgeHealth(ctx context.Context, c *tree.Node, opts HealthOptions, ledgerVK, transferVK []byte, add func(chain, problem, fix string)) {
	edge := fmt.Sprintf("%s -> %s", c.Name, c.Parent.Name)
	rec, err := c.Parent.Child(ctx, c.Index, 0)
	if chainclient.IsNotFound(err) {
		add(edge, fmt.Sprintf("%s is not registered on %s", c.Name, c.Parent.Name), "register it (tx validium register-child, scripts/localnet.sh up)")
		return
	}
	if err != nil {
		add(edge, fmt.Sprintf("cannot read the child record: %v", err), "check the parent node")
		return
	}
	child := rec.Child
	if e, err := ReadEdge(ctx, c, opts.Stall); err == nil {
		if e.Status == "frozen" {
			add(edge, fmt.Sprintf("%s is frozen on %s since root height %d (%s): only exits are possible", c.Name, c.Parent.Name,
				child.FrozenAtRootHeight, child.FreezeReason), "its users exit (tx validium exit); re-elect or re-register the child")
		}
		if e.Stalled {
			add(edge, fmt.Sprintf("stalled: no update accepted for %d root blocks (%d operations unproven)", e.AnchorLag, e.Unproven),
				"see the relayer's log (stalled / errors for this chain) and `slushchaind relayer pending`")
		}
	}
	if addr := c.Parent.Address(); addr != nil && child.Operator != addr.String() {
		add(edge, fmt.Sprintf("%s is operated by %s on %s, the relayer's key there is %s: its updates would be refused", c.Name,
			child.Operator, c.Parent.Name, addr), fmt.Sprintf("set key in tree.toml for %s to the child's operator", c.Parent.Name))
	}
	if ledgerVK != nil && !bytes.Equal(child.VerifyingKey, ledgerVK) {
		add(edge, fmt.Sprintf("%s registered another ledger verifying key than keys_dir/ledger.vk: the relayer cannot prove its updates", c.Name),
			"point keys_dir at the keys the tree was set up with")
	}
	if len(child.TransferVerifyingKey) > 0 && !bytes.Equal(child.TransferVerifyingKey, transferVK) {
		add(edge, fmt.Sprintf("%s registered a transfer verifying key that is not keys_dir/ledger-transfer.vk: the relayer cannot prove its claim-free batches", c.Name),
			"point keys_dir at the keys the tree was set up with")
	}
}

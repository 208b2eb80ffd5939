package cmd

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/spf13/cobra"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	ledgercli "github.com/slush-tree/slush/x/ledger/client/cli"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

const (
	flagCircuit   = "circuit"
	flagMaxDepth  = "max-depth"
	flagRandom    = "random"
	flagPath      = "path"
	flagKeysDir   = "keys"
	flagOut       = "out"
	flagBeacon    = "beacon"
	flagProof     = "proof"
	flagStatement = "statement"
	flagCacheDir  = "cache-dir"
	flagNoCache   = "no-cache"
	flagInnerKey  = "inner-key"
	inclusionName = "inclusion"
	ledgerName    = "ledger"
	// transferName is the ledger circuit without claim sections (issue 15), for batches that
	// claim nothing; children register its verifying key with --transfer-verifying-key.
	transferName = "ledger-transfer"
	// leafStepName is the subtree step that moves a parent's children root by one batch of a
	// leaf child, verifying the batch proof inside the circuit (issue 16, circuits/subtree).
	leafStepName = "leaf-step"
	// leafForcedStepName is the leaf step's forced variant (kind 9): a leaf child's batch that
	// consumed forced deposits, each opened in its parent's outbox.
	leafForcedStepName = "leaf-forced-step"
	// nodeLedgerStepName is the subtree step (kind 3) that moves a parent's children root by one
	// batch of a child that has children, proving the child's report from its children's.
	nodeLedgerStepName = "node-ledger-step"
	// nodeLedgerForcedStepName is the node ledger step's forced variant (kind 10): a batch of a
	// child that has children which consumed forced deposits of its parent.
	nodeLedgerForcedStepName = "node-ledger-forced-step"
	// nodeLedgerExitStepName is the node ledger step's exit variant (kind 12): a batch of a child
	// that has children which credited exits from its frozen children.
	nodeLedgerExitStepName = "node-ledger-exit-step"
	// nodeChildStepName is the subtree step (kind 4) that moves a parent's children root by one
	// leaf step of a grandchild, verified inside the circuit under the leaf step key.
	nodeChildStepName = "node-child-step"
	// nodeChildForcedStepName is the node child step's forced variant (kind 11): a grandchild's
	// forced leaf step, verified inside under the forced leaf step key, whose parent outbox the
	// circuit shows to be an earlier state of the child's.
	nodeChildForcedStepName = "node-child-forced-step"
	flagMaxChildren         = "max-children"
	flagTreeMaxDepth        = "tree-max-depth"
	flagMaxHistogram        = "max-histogram-buckets"
)

// circuitsCommand groups the offline circuit tools: sizes, development keys, proving, verifying.
func circuitsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "circuits",
		Short: "Inspect the gnark circuits, make development keys, prove and verify",
	}
	cmd.AddCommand(circuitsInfoCmd(), circuitsSetupCmd(), circuitsProveCmd(), circuitsVerifyCmd())
	return cmd
}

// circuitSpec is the circuit a command works on, read from the shared flags.
type circuitSpec struct {
	name     string             // inclusionName, ledgerName, transferName or a step's name
	maxDepth int                // inclusion: deepest source validium
	ledger   ledger.Params      // ledger: the batch circuit's shape; leaf-step, node-ledger-step: the inner batch's
	inner    recursion.FixedKey // steps: the ledger key (leaf-step, node-ledger-step) or the leaf step key (node-child-step)
	node     subtree.NodeShape  // node steps: the most children and report buckets of a node
}

// addCircuitFlags declares the flags that select a circuit and its shape.
func addCircuitFlags(cmd *cobra.Command) {
	cmd.Flags().String(flagCircuit, inclusionName,
		"circuit: inclusion (bridge inclusion proof), ledger (a child's update batch), ledger-transfer (a batch that claims nothing), leaf-step (a children-root move proven by a leaf child's batch proof), leaf-forced-step (the same for a batch that consumed forced deposits of its parent), node-ledger-step, node-ledger-forced-step, node-ledger-exit-step, node-child-step or node-child-forced-step (the moves of a child that has children: by its own batch proof — with forced deposits, with exits —, or by a leaf step of its child — a forced one; steps: info and setup only)")
	cmd.Flags().String(flagInnerKey, "", "leaf-step, leaf-forced-step, node-ledger-step, node-ledger-forced-step, node-ledger-exit-step: the ledger verifying key (ledger.vk) whose batch proofs the step verifies; node-child-step: the leaf step verifying key (leaf-step.vk); node-child-forced-step: the forced leaf step verifying key (leaf-forced-step.vk)")
	cmd.Flags().Uint32(flagMaxChildren, treetypes.DefaultMaxChildren, "node steps: the tree identity's max_children (every chain's)")
	cmd.Flags().Uint32(flagTreeMaxDepth, slushtypes.MaxDepth, "node steps: the tree identity's max_depth (a report has at most max_depth+2 buckets)")
	cmd.Flags().Uint32(flagMaxHistogram, acceptancetypes.DefaultMaxHistogramBuckets, "node steps: x/acceptance max_histogram_buckets (caps a report's buckets)")
	cmd.Flags().Int(flagMaxDepth, 8, "inclusion: deepest source validium the circuit accepts")
	ledgercli.AddParamsFlags(cmd, "ledger: ")
}

// readCircuitSpec reads and checks the circuit flags. Ledger shapes go through x/ledger's
// genesis rule (Params.Validate), so keys made here always fit a genesis.
func readCircuitSpec(cmd *cobra.Command) (circuitSpec, error) {
	name, _ := cmd.Flags().GetString(flagCircuit)
	switch name {
	case inclusionName:
		depth, _ := cmd.Flags().GetInt(flagMaxDepth)
		if depth < 1 || depth > 16 {
			return circuitSpec{}, fmt.Errorf("--%s %d: must be 1..16", flagMaxDepth, depth)
		}
		return circuitSpec{name: name, maxDepth: depth}, nil
	case ledgerName, transferName:
		lp, err := ledgercli.ReadParamsFlags(cmd)
		if err != nil {
			return circuitSpec{}, err
		}
		shape := lp.Ledger()
		if name == transferName {
			shape = shape.Transfer()
		}
		return circuitSpec{name: name, ledger: shape}, nil
	case leafStepName, leafForcedStepName:
		spec, err := readLeafStepSpec(cmd)
		spec.name = name
		return spec, err
	case nodeLedgerStepName, nodeLedgerForcedStepName, nodeLedgerExitStepName, nodeChildStepName, nodeChildForcedStepName:
		return readNodeStepSpec(cmd, name)
	default:
		return circuitSpec{}, fmt.Errorf("--%s %q: want %s, %s, %s, %s, %s, %s, %s, %s, %s or %s", flagCircuit, name,
			inclusionName, ledgerName, transferName, leafStepName, leafForcedStepName, nodeLedgerStepName, nodeLedgerForcedStepName,
			nodeLedgerExitStepName, nodeChildStepName, nodeChildForcedStepName)
	}
}

// readNodeStepSpec reads a node step's inner key (the ledger key for node-ledger-step, the leaf
// step key for node-child-step, the forced leaf step key for node-child-forced-step, each
// checked before gnark reads it), the ledger shape flags and the node shape.
func readNodeStepSpec(cmd *cobra.Command, name string) (circuitSpec, error) {
	node, err := readNodeShape(cmd)
	if err != nil {
		return circuitSpec{}, err
	}
	if name == nodeLedgerStepName || name == nodeLedgerForcedStepName || name == nodeLedgerExitStepName {
		spec, err := readLeafStepSpec(cmd)
		spec.name, spec.node = name, node
		return spec, err
	}
	path, _ := cmd.Flags().GetString(flagInnerKey)
	if path == "" {
		return circuitSpec{}, fmt.Errorf("--%s: a node child step embeds the tree's leaf step verifying key (e.g. keys/leaf-step.vk)", flagInnerKey)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return circuitSpec{}, err
	}
	vk, err := keys.CheckCommittedVerifyingKey(raw, 1)
	if err != nil {
		return circuitSpec{}, fmt.Errorf("--%s %s: %w", flagInnerKey, path, err)
	}
	inner, err := recursion.NewFixedKey(vk)
	if err != nil {
		return circuitSpec{}, err
	}
	spec := circuitSpec{name: name, inner: inner, node: node}
	if name == nodeChildForcedStepName { // the child's outbox, whose growth it proves, has the ledger's depth
		lp, err := ledgercli.ReadParamsFlags(cmd)
		if err != nil {
			return circuitSpec{}, err
		}
		spec.ledger = lp.Ledger()
	}
	return spec, nil
}

// readNodeShape derives a node step's shape from the tree's parameters as the chains do: the
// tree identity's max_children, and x/acceptance's report bound min(max_histogram_buckets,
// max_depth + 2) (TreeShape.MaxReportBuckets).
func readNodeShape(cmd *cobra.Command) (subtree.NodeShape, error) {
	children, _ := cmd.Flags().GetUint32(flagMaxChildren)
	depth, _ := cmd.Flags().GetUint32(flagTreeMaxDepth)
	buckets, _ := cmd.Flags().GetUint32(flagMaxHistogram)
	if depth < 1 || depth > slushtypes.MaxDepth {
		return subtree.NodeShape{}, fmt.Errorf("--%s %d: must be 1..%d", flagTreeMaxDepth, depth, slushtypes.MaxDepth)
	}
	if buckets < acceptancetypes.MinReportBuckets {
		return subtree.NodeShape{}, fmt.Errorf("--%s %d: x/acceptance needs at least %d", flagMaxHistogram, buckets, acceptancetypes.MinReportBuckets)
	}
	shape := subtree.NodeShape{
		MaxChildren: int(children),
		MaxBuckets:  acceptancetypes.TreeShape{MaxDepth: depth}.MaxReportBuckets(buckets),
	}
	if err := shape.Validate(); err != nil {
		return subtree.NodeShape{}, fmt.Errorf("--%s %d, --%s %d, --%s %d: %w", flagMaxChildren, children, flagTreeMaxDepth, depth, flagMaxHistogram, buckets, err)
	}
	return shape, nil
}

// readLeafStepSpec reads the inner ledger key (checked as a one-input BN254 key before gnark
// reads it) and the batch size of the ledger shape flags.
func readLeafStepSpec(cmd *cobra.Command) (circuitSpec, error) {
	path, _ := cmd.Flags().GetString(flagInnerKey)
	if path == "" {
		return circuitSpec{}, fmt.Errorf("--%s: a leaf step embeds the tree's ledger verifying key (e.g. keys/ledger.vk)", flagInnerKey)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return circuitSpec{}, err
	}
	vk, err := keys.CheckVerifyingKey(raw, ledger.ProofPublicInputs)
	if err != nil {
		return circuitSpec{}, fmt.Errorf("--%s %s: %w", flagInnerKey, path, err)
	}
	inner, err := recursion.NewFixedKey(vk)
	if err != nil {
		return circuitSpec{}, err
	}
	lp, err := ledgercli.ReadParamsFlags(cmd)
	if err != nil {
		return circuitSpec{}, err
	}
	return circuitSpec{name: leafStepName, ledger: lp.Ledger(), inner: inner}, nil
}

// isLedger tells whether the circuit is a ledger batch circuit (with or without claim sections).
func (s circuitSpec) isLedger() bool { return s.name == ledgerName || s.name == transferName }

// isStep tells whether the circuit is a subtree step (leaf or node).
func (s circuitSpec) isStep() bool {
	switch s.name {
	case leafStepName, leafForcedStepName, nodeLedgerStepName, nodeLedgerForcedStepName, nodeLedgerExitStepName, nodeChildStepName, nodeChildForcedStepName:
		return true
	}
	return false
}

// publicInputs is the number of public inputs of the circuit's verifying key.
func (s circuitSpec) publicInputs() int {
	if s.isLedger() || s.isStep() {
		return 1 // one hashed statement (ledger.ProofPublicInputs, subtree.StepPublic)
	}
	return bridgetypes.InclusionPublicInputs
}

// compile compiles the selected circuit.
func (s circuitSpec) compile() (constraint.ConstraintSystem, error) {
	if s.isLedger() {
		return ledger.Compile(s.ledger)
	}
	switch s.name {
	case leafStepName:
		return frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, subtree.NewLeafStep(s.inner, s.ledger))
	case leafForcedStepName:
		return frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, subtree.NewLeafForcedStep(s.inner, s.ledger))
	case nodeLedgerStepName:
		return frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, subtree.NewNodeLedgerStep(s.inner, s.ledger, s.node))
	case nodeLedgerForcedStepName:
		return frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, subtree.NewNodeLedgerForcedStep(s.inner, s.ledger, s.node))
	case nodeLedgerExitStepName:
		return frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, subtree.NewNodeLedgerExitStep(s.inner, s.ledger, s.node))
	case nodeChildStepName:
		return frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, subtree.NewNodeChildStep(s.inner, s.node))
	case nodeChildForcedStepName:
		return frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, subtree.NewNodeChildForcedStep(s.inner, s.node, s.ledger.OutboxDepth))
	}
	return prover.CompileInclusion(s.maxDepth)
}

func (s circuitSpec) describe() string {
	if s.isLedger() {
		return fmt.Sprintf("ledger batch (Groth16, BN254), account depth %d, outbox depth %d, batch size %d, %d claim sections of depth %d",
			s.ledger.AccountDepth, s.ledger.OutboxDepth, s.ledger.BatchSize, s.ledger.ClaimSlots, s.ledger.InclusionDepth)
	}
	switch s.name {
	case leafStepName:
		return fmt.Sprintf("leaf step (Groth16, BN254; verifies one BN254 batch proof inside), batch size %d", s.ledger.BatchSize)
	case leafForcedStepName:
		return fmt.Sprintf("forced leaf step (Groth16, BN254; verifies one BN254 batch proof inside and opens up to %d forced deposits in the parent's outbox of depth %d), batch size %d",
			min(subtree.MaxForcedPerBatch, s.ledger.BatchSize), s.ledger.OutboxDepth, s.ledger.BatchSize)
	case nodeLedgerStepName:
		return fmt.Sprintf("node ledger step (Groth16, BN254; verifies one BN254 batch proof inside), batch size %d, %d children, %d report buckets",
			s.ledger.BatchSize, s.node.MaxChildren, s.node.MaxBuckets)
	case nodeLedgerForcedStepName:
		return fmt.Sprintf("forced node ledger step (Groth16, BN254; verifies one BN254 batch proof inside and opens up to %d forced deposits in the parent's outbox), batch size %d, %d children, %d report buckets",
			min(subtree.MaxForcedPerBatch, s.ledger.BatchSize), s.ledger.BatchSize, s.node.MaxChildren, s.node.MaxBuckets)
	case nodeLedgerExitStepName:
		return fmt.Sprintf("node ledger exit step (Groth16, BN254; verifies one BN254 batch proof inside and opens up to %d exits under the child's finalized children root, accounts of depth %d), batch size %d, %d children, %d report buckets",
			min(subtree.MaxExitsPerBatch, s.ledger.BatchSize), s.ledger.AccountDepth, s.ledger.BatchSize, s.node.MaxChildren, s.node.MaxBuckets)
	case nodeChildStepName:
		return fmt.Sprintf("node child step (Groth16, BN254; verifies one leaf step proof inside), %d children, %d report buckets",
			s.node.MaxChildren, s.node.MaxBuckets)
	case nodeChildForcedStepName:
		return fmt.Sprintf("forced node child step (Groth16, BN254; verifies one forced leaf step proof inside and the growth of the child's outbox of depth %d from the one it names), %d children, %d report buckets",
			s.ledger.OutboxDepth, s.node.MaxChildren, s.node.MaxBuckets)
	}
	return fmt.Sprintf("inclusion (Groth16, BN254), max depth %d", s.maxDepth)
}

func (s circuitSpec) publicInputNames() string {
	if s.isLedger() {
		return "the batch statement: the hash of vid, old/new ledger root, old/new inbox head, old/new outbox root, old/new receipt root, anchor height, anchor commitment"
	}
	if s.name == leafForcedStepName || s.name == nodeLedgerForcedStepName {
		return "the step statement: the hash of kind, child vid, child index, children root before/after, anchor height, anchor commitment, new commitment hash, parent outbox root"
	}
	if s.isStep() {
		return "the step statement: the hash of kind, child vid, child index, children root before/after, anchor height, anchor commitment, new commitment hash"
	}
	return "root commitment, root height, leaf hash, destination vid, kind"
}

func circuitsInfoCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "info",
		Short: "Compile a circuit (inclusion or ledger) and print its size and public inputs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			spec, err := readCircuitSpec(cmd)
			if err != nil {
				return err
			}
			ccs, err := spec.compile()
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "circuit:        %s\n", spec.describe())
			fmt.Fprintf(out, "constraints:    %d\n", ccs.GetNbConstraints())
			fmt.Fprintf(out, "public inputs:  %d (%s)\n", ccs.GetNbPublicVariables()-1, spec.publicInputNames())
			fmt.Fprintf(out, "hash:           Poseidon2 t=3, domain-tagged (circuits/README.md)\n")
			vkSize, commitments := keys.VerifyingKeySize(spec.publicInputs()), len(ccs.GetCommitments().CommitmentIndexes())
			if commitments == 1 { // the step circuits: gnark's commitment-based range checks
				vkSize = keys.CommittedVerifyingKeySize(spec.publicInputs())
			}
			fmt.Fprintf(out, "commitments:    %d\n", commitments)
			fmt.Fprintf(out, "verifying key:  %d bytes\n", vkSize)
			return nil
		},
	}
	addCircuitFlags(cmd)
	return cmd
}

func circuitsSetupCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "setup",
		Short: "Make DEVELOPMENT proving/verifying keys for the inclusion or a ledger circuit (NOT for production)",
		Long: `Writes <out>/<circuit>.pk and <out>/<circuit>.vk (circuit = inclusion, ledger,
ledger-transfer: the ledger circuit without claim sections, which proves batches that claim
nothing about 1.6x faster at the production shape, or leaf-step: the subtree step that verifies
a leaf child's batch proof, made under --inner-key, inside the circuit; about 1M constraints at
batch 16, minutes of setup and GiBs of memory; node-ledger-step: the same for a child that has
children, under the ledger key, proving the child's report from its children's; node-child-step:
a child's children root moved by one leaf step, under the leaf step key, about 1.46M
constraints; node-child-forced-step: the same for a forced leaf step, under the forced leaf
step key; the node steps' shape is the tree's: --max-children, and the report bound
min(--max-histogram-buckets, --tree-max-depth + 2) of x/acceptance).

Keys come from the development key cache when it holds them for this exact circuit (by the
digest of its compiled constraint system, outside the work tree: --cache-dir); otherwise the
setup runs, reports its progress every 10 s on stderr and stores its keys there.

By default runs gnark's MPC setup with no contributions, sealed with a public beacon:
deterministic and insecure (anyone can recompute the toxic waste). With --random it runs
gnark's single-party groth16.Setup instead: about 20x faster, different keys on every run,
and just as insecure for a deployment (the machine that ran it knew the toxic waste); it is
meant for a localnet. A real deployment runs a multi-party ceremony (gnark
backend/groth16/bn254/mpcsetup: phase 1 and phase 2 contributions from independent parties,
then Seal with a public random beacon) and distributes the resulting keys.

The ledger shape must be the chain's bridge genesis LedgerParams (slushchaind genesis
set-ledger-params); the outbox depth is fixed at 20.`,
		Example: `slushchaind circuits setup --circuit inclusion --max-depth 2 --out keys
slushchaind circuits setup --circuit ledger --account-depth 8 --batch-size 4 --random --out keys
slushchaind circuits setup --circuit ledger-transfer --account-depth 8 --batch-size 4 --random --out keys
slushchaind circuits setup --circuit leaf-step --inner-key keys/ledger.vk --batch-size 4 --random --out keys
slushchaind circuits setup --circuit node-ledger-step --inner-key keys/ledger.vk --batch-size 4 --max-children 3 --random --out keys
slushchaind circuits setup --circuit node-child-step --inner-key keys/leaf-step.vk --max-children 3 --random --out keys
slushchaind circuits setup --circuit node-child-forced-step --inner-key keys/leaf-forced-step.vk --max-children 3 --random --out keys`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			spec, err := readCircuitSpec(cmd)
			if err != nil {
				return err
			}
			dir, _ := cmd.Flags().GetString(flagOut)
			beacon, _ := cmd.Flags().GetString(flagBeacon)
			random, _ := cmd.Flags().GetBool(flagRandom)
			ccs, err := spec.compile()
			if err != nil {
				return err
			}
			start := time.Now()
			kind, cacheKind := "deterministic beacon setup", fmt.Sprintf("beacon-%x", sha256.Sum256([]byte(beacon)))
			setup := func() (groth16.ProvingKey, groth16.VerifyingKey, error) { return keys.DevSetup(ccs, []byte(beacon)) }
			if random {
				kind, cacheKind = "random single-party setup", "random"
				setup = func() (groth16.ProvingKey, groth16.VerifyingKey, error) { return groth16.Setup(ccs) }
			}
			pk, vk, from, err := cachedSetup(cmd, ccs, cacheKind, setup)
			if err != nil {
				return err
			}
			took := time.Since(start)
			if err := keys.WriteKeys(dir, spec.name, pk, vk); err != nil {
				return err
			}
			pkPath, vkPath := filepath.Join(dir, spec.name+".pk"), filepath.Join(dir, spec.name+".vk")
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%d bytes) and %s (%d bytes): %d constraints, %s %s in %.1f s (development keys: NOT for production)\n",
				pkPath, fileSize(pkPath), vkPath, fileSize(vkPath), ccs.GetNbConstraints(), kind, from, took.Seconds())
			return nil
		},
	}
	addCircuitFlags(cmd)
	cmd.Flags().String(flagOut, "keys", "directory to write <circuit>.pk and <circuit>.vk to")
	cmd.Flags().String(flagBeacon, "slush-dev-beacon", "public beacon that seals the deterministic development setup")
	cmd.Flags().Bool(flagRandom, false, "use gnark's random single-party setup (fast, not reproducible; NOT for production)")
	cmd.Flags().String(flagCacheDir, "", "development key cache, keyed by circuit digest (default $SLUSH_KEY_CACHE, else $XDG_CACHE_HOME/slush/keys)")
	cmd.Flags().Bool(flagNoCache, false, "always run the setup; neither read nor write the key cache")
	return cmd
}

// fileSize is the size of a file just written (0 if it cannot be read).
func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

func circuitsProveCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "prove",
		Short: "Prove an example statement with the given keys (inclusion: 1-2 to 2; ledger: a deposit and a transfer)",
		Long: `Checks a key pair end to end by proving an example and writing proof.bin and
statement.bin (the public inputs). The relayer builds real witnesses from chain state.

inclusion: a message sent by validium 1-2 to validium 2, with synthetic commitments along the
path (needs --max-depth >= 2).
ledger: one batch on the empty ledger of validium --path: a deposit (a bridge-in minted from
the chain itself, as genesis deposits are) to one key, then, if the batch has room, a signed
transfer from that key to another; the rest of the batch is padding.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			spec, err := readCircuitSpec(cmd)
			if err != nil {
				return err
			}
			if spec.isStep() {
				return fmt.Errorf("--%s %s: no example step prover yet (issue 16: a step needs a child's batch proof and its parent's children path; docs/PROTOCOL.md \"Validity all the way up\")", flagCircuit, spec.name)
			}
			dir, _ := cmd.Flags().GetString(flagKeysDir)
			out, _ := cmd.Flags().GetString(flagOut)
			pk, _, err := keys.LoadKeys(dir, spec.name, spec.publicInputs())
			if err != nil {
				return err
			}
			ccs, err := spec.compile()
			if err != nil {
				return err
			}
			if err := keys.CheckProvingKeyShape(ccs, pk); err != nil {
				return fmt.Errorf("%w: check the shape flags", err)
			}
			var proof, statement []byte
			if spec.isLedger() {
				pathStr, _ := cmd.Flags().GetString(flagPath)
				proof, statement, err = proveExampleBatch(ccs, pk, spec.ledger, pathStr)
			} else {
				proof, statement, err = proveExampleInclusion(ccs, pk, spec.maxDepth)
			}
			if err != nil {
				return err
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(out, "proof.bin"), proof, 0o644); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(out, "statement.bin"), statement, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s/proof.bin (%d bytes) and %s/statement.bin\n", out, len(proof), out)
			return nil
		},
	}
	addCircuitFlags(cmd)
	cmd.Flags().String(flagKeysDir, "keys", "directory holding <circuit>.pk and <circuit>.vk")
	cmd.Flags().String(flagOut, ".", "directory to write proof.bin and statement.bin to")
	cmd.Flags().String(flagPath, "1", "ledger: path of the validium whose example batch is proven")
	return cmd
}

// proveExampleInclusion proves inclusion.ExampleWitness (1-2 to 2) and returns the proof and statement.
func proveExampleInclusion(ccs constraint.ConstraintSystem, pk groth16.ProvingKey, depth int) ([]byte, []byte, error) {
	w, err := inclusion.ExampleWitness([]uint8{1, 2}, []uint8{2}, inclusion.KindMessage, 10)
	if err != nil {
		return nil, nil, err
	}
	proof, st, err := prover.ProveInclusion(ccs, pk, depth, w)
	if err != nil {
		return nil, nil, err
	}
	return proof, st.Bytes(), nil
}

// proveExampleBatch proves a first batch on the empty ledger of the validium at pathStr.
func proveExampleBatch(ccs constraint.ConstraintSystem, pk groth16.ProvingKey, p ledger.Params, pathStr string) ([]byte, []byte, error) {
	path, err := slushtypes.ParsePath(pathStr)
	if err != nil {
		return nil, nil, err
	}
	vid, err := path.Vid()
	if err != nil {
		return nil, nil, err
	}
	state, err := ledger.NewState(smt.NewMemStore(), vid, p)
	if err != nil {
		return nil, nil, err
	}
	alice, bob := ledger.KeyFromSeed([]byte("example alice")), ledger.KeyFromSeed([]byte("example bob"))
	asset := hash.Uint64(1)
	deposit := inclusion.Message{SrcVid: vid, DstVid: vid, Nonce: 0, Recipient: ledger.OwnerHash(alice.PublicKey),
		AssetID: asset, Amount: 1000}
	if err := state.PushInbox(deposit, ledger.SourceForced); err != nil {
		return nil, nil, err
	}
	b, err := ledger.NewBatchBuilder(state)
	if err != nil {
		return nil, nil, err
	}
	if err := b.Add(ledger.NewBridgeIn(deposit, ledger.SourceForced)); err != nil {
		return nil, nil, err
	}
	if p.BatchSize > 1 {
		op, err := ledger.NewTransfer(vid, alice, 0, ledger.OwnerHash(bob.PublicKey), asset, 7, 0)
		if err != nil {
			return nil, nil, err
		}
		if err := b.Add(op); err != nil {
			return nil, nil, err
		}
	}
	w, err := b.Build(0, fr.Element{}, nil)
	if err != nil {
		return nil, nil, err
	}
	proof, pub, err := ledger.ProveBatch(ccs, pk, w)
	if err != nil {
		return nil, nil, err
	}
	return proof, pub.Bytes(), nil
}

func circuitsVerifyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Verify an inclusion or ledger-batch proof against a verifying key and a statement",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			name, _ := cmd.Flags().GetString(flagCircuit)
			if name != inclusionName && name != ledgerName && name != transferName {
				return fmt.Errorf("--%s %q: want %s, %s or %s", flagCircuit, name, inclusionName, ledgerName, transferName)
			}
			spec := circuitSpec{name: name}
			dir, _ := cmd.Flags().GetString(flagKeysDir)
			proofPath, _ := cmd.Flags().GetString(flagProof)
			stPath, _ := cmd.Flags().GetString(flagStatement)
			vkBytes, err := os.ReadFile(filepath.Join(dir, name+".vk"))
			if err != nil {
				return err
			}
			vk, err := keys.CheckVerifyingKey(vkBytes, spec.publicInputs())
			if err != nil {
				return err
			}
			proof, err := os.ReadFile(proofPath)
			if err != nil {
				return err
			}
			stBytes, err := os.ReadFile(stPath)
			if err != nil {
				return err
			}
			if spec.isLedger() {
				pub, err := ledger.ParsePublicInputs(stBytes)
				if err != nil {
					return err
				}
				if err := ledger.VerifyBatch(vk, proof, pub); err != nil {
					return fmt.Errorf("proof rejected: %w", err)
				}
				path, err := commitment.UnpackVid(pub.Vid)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "proof valid: ledger batch of %s, new ledger root %s, anchor height %d\n",
					slushtypes.Path(path).String(), shortHex(pub.NewLedgerRoot), pub.AnchorHeight)
				return nil
			}
			st, err := prover.VerifyInclusionBytes(vk, proof, stBytes)
			if err != nil {
				return fmt.Errorf("proof rejected: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "proof valid: root height %d, kind %d\n", st.RootHeight, st.Kind)
			return nil
		},
	}
	cmd.Flags().String(flagCircuit, inclusionName, "circuit: inclusion or ledger")
	cmd.Flags().String(flagKeysDir, "keys", "directory holding <circuit>.vk")
	cmd.Flags().String(flagProof, "proof.bin", "proof file (164 bytes)")
	cmd.Flags().String(flagStatement, "statement.bin", "statement file (public inputs, 32 bytes each)")
	return cmd
}

// shortHex is the first 6 bytes of an element's canonical encoding, for human output.
func shortHex(e fr.Element) string {
	return fmt.Sprintf("%x…", hash.EncodeElement(e)[:6])
}

// cachedSetup runs setup through the development key cache (keys.Cache, by circuit digest,
// outside the work tree) unless --no-cache, and says where the keys came from.
func cachedSetup(cmd *cobra.Command, ccs constraint.ConstraintSystem, kind string,
	setup func() (groth16.ProvingKey, groth16.VerifyingKey, error),
) (groth16.ProvingKey, groth16.VerifyingKey, string, error) {
	if off, _ := cmd.Flags().GetBool(flagNoCache); off {
		pk, vk, err := setup()
		return pk, vk, "made (cache off)", err
	}
	dir, _ := cmd.Flags().GetString(flagCacheDir)
	if dir == "" {
		var err error
		if dir, err = keys.DefaultCacheDir(); err != nil {
			return nil, nil, "", err
		}
	}
	pk, vk, hit, err := keys.Cache{Dir: dir, Progress: cmd.ErrOrStderr()}.Setup(ccs, kind, setup)
	if hit {
		return pk, vk, "read from the key cache " + dir, err
	}
	return pk, vk, "made and cached in " + dir, err
}

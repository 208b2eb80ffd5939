package types_test

import (
	"bytes"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/rangecheck"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/keys"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// oneInput has one public input; with committed set it also range-checks a secret through a
// commitment, as a step circuit does (its key then carries one Pedersen commitment).
type oneInput struct {
	In        frontend.Variable `gnark:",public"`
	Secret    frontend.Variable
	committed bool
}

func (c *oneInput) Define(api frontend.API) error {
	api.AssertIsEqual(api.Add(c.Secret, 1), c.In)
	if c.committed {
		rangecheck.New(api).Check(c.Secret, 8)
	}
	return nil
}

func oneInputKey(t *testing.T, committed bool) []byte {
	t.Helper()
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &oneInput{committed: committed})
	require.NoError(t, err)
	_, vk, err := groth16.Setup(ccs)
	require.NoError(t, err)
	raw, err := keys.MarshalVerifyingKey(vk)
	require.NoError(t, err)
	return raw
}

// TestSubtreeParams: the mode must be stated, RECURSIVE needs a step key with one public input
// and one commitment, and the step bound is 1..MaxStepsPerUpdateCap (issue 16).
func TestSubtreeParams(t *testing.T) {
	stepKey, plainKey := oneInputKey(t, true), oneInputKey(t, false)
	recursive := types.SubtreeProofs_SUBTREE_PROOFS_RECURSIVE
	cases := []struct {
		name     string
		mutate   func(*types.Params)
		contains string
	}{
		{"default: attested, no key", func(*types.Params) {}, ""},
		{"mode unspecified", func(p *types.Params) { p.SubtreeProofs = types.SubtreeProofs_SUBTREE_PROOFS_UNSPECIFIED }, "subtree_proofs"},
		{"unknown mode", func(p *types.Params) { p.SubtreeProofs = 3 }, "subtree_proofs"},
		{"recursive without a key", func(p *types.Params) { p.SubtreeProofs = recursive }, "needs leaf_step_key"},
		{"recursive with a step key", func(p *types.Params) { p.SubtreeProofs, p.LeafStepKey = recursive, stepKey }, ""},
		{"a key without the commitment", func(p *types.Params) { p.SubtreeProofs, p.LeafStepKey = recursive, plainKey }, "leaf_step_key"},
		{"a truncated key", func(p *types.Params) { p.SubtreeProofs, p.LeafStepKey = recursive, stepKey[:len(stepKey)-1] }, "leaf_step_key"},
		{"attested with a key (kept for a later switch)", func(p *types.Params) { p.LeafStepKey = stepKey }, ""},
		{"recursive with node step keys", func(p *types.Params) {
			p.SubtreeProofs, p.LeafStepKey, p.NodeLedgerStepKey, p.NodeChildStepKey = recursive, stepKey, stepKey, stepKey
		}, ""},
		{"a node ledger key without the commitment", func(p *types.Params) {
			p.SubtreeProofs, p.LeafStepKey, p.NodeLedgerStepKey = recursive, stepKey, plainKey
		}, "node_ledger_step_key"},
		{"a truncated node child key", func(p *types.Params) {
			p.SubtreeProofs, p.LeafStepKey, p.NodeChildStepKey = recursive, stepKey, stepKey[:len(stepKey)-1]
		}, "node_child_step_key"},
		{"attested with a bad node key", func(p *types.Params) { p.NodeChildStepKey = plainKey }, "node_child_step_key"},
		{"recursive with forced step keys", func(p *types.Params) {
			p.SubtreeProofs, p.LeafStepKey, p.LeafForcedStepKey, p.NodeLedgerForcedStepKey = recursive, stepKey, stepKey, stepKey
		}, ""},
		{"a forced leaf key without the commitment", func(p *types.Params) {
			p.SubtreeProofs, p.LeafStepKey, p.LeafForcedStepKey = recursive, stepKey, plainKey
		}, "leaf_forced_step_key"},
		{"a truncated forced node ledger key", func(p *types.Params) {
			p.SubtreeProofs, p.LeafStepKey, p.NodeLedgerForcedStepKey = recursive, stepKey, stepKey[:len(stepKey)-1]
		}, "node_ledger_forced_step_key"},
		{"recursive with a forced node child key", func(p *types.Params) {
			p.SubtreeProofs, p.LeafStepKey, p.NodeChildForcedStepKey = recursive, stepKey, stepKey
		}, ""},
		{"a forced node child key without the commitment", func(p *types.Params) {
			p.SubtreeProofs, p.LeafStepKey, p.NodeChildForcedStepKey = recursive, stepKey, plainKey
		}, "node_child_forced_step_key"},
		{"recursive with a node ledger exit key", func(p *types.Params) {
			p.SubtreeProofs, p.LeafStepKey, p.NodeLedgerExitStepKey = recursive, stepKey, stepKey
		}, ""},
		{"a node ledger exit key without the commitment", func(p *types.Params) {
			p.SubtreeProofs, p.LeafStepKey, p.NodeLedgerExitStepKey = recursive, stepKey, plainKey
		}, "node_ledger_exit_step_key"},
		{"zero steps per update", func(p *types.Params) { p.MaxStepsPerUpdate = 0 }, "max_steps_per_update"},
		{"steps per update above the cap", func(p *types.Params) { p.MaxStepsPerUpdate = types.MaxStepsPerUpdateCap + 1 }, "max_steps_per_update"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := types.DefaultParams()
			tc.mutate(&p)
			err := p.Validate()
			if tc.contains == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, types.ErrInvalidParams)
			require.ErrorContains(t, err, tc.contains)
		})
	}
}

// TestGenesisValidateProvenLeaves: a proven grandchild commitment names a known child, a
// grandchild index 1..255 and a canonical hash, once, at most MaxProvenLeavesPerGrandchild per
// grandchild; a grandchild report likewise, one per grandchild, in canonical form; the children
// roots a child record holds are canonical.
func TestGenesisValidateProvenLeaves(t *testing.T) {
	leaf := bytes.Repeat([]byte{0}, 32)
	leaf[31] = 7
	valid := func() *types.GenesisState {
		gs := types.DefaultGenesisState()
		gs.Children = []types.Child{{
			Index: 1, Operator: sdk.AccAddress(bytes.Repeat([]byte{1}, 20)).String(), Bond: types.DefaultMinChildBond,
			Status: types.ChildStatus_CHILD_STATUS_ACTIVE, VerifyingKey: []byte{1}, ChildrenRoot: leaf,
		}}
		gs.ProvenLeaves = []types.ProvenLeaf{{ChildIndex: 1, Index: 2, Commitment: leaf, AnchorHeight: 5}}
		gs.GrandchildReports = []types.GrandchildReport{{ChildIndex: 1, Index: 2, Commitment: leaf,
			Report: []acceptancetypes.HistogramBucket{{Height: 3, Count: 2}, {Height: 5, Count: 1}}}}
		return gs
	}
	many := func(gs *types.GenesisState) {
		gs.ProvenLeaves = nil
		for i := 0; i <= types.MaxProvenLeavesPerGrandchild; i++ {
			c := bytes.Repeat([]byte{0}, 32)
			c[30], c[31] = byte(i>>8), byte(i)
			gs.ProvenLeaves = append(gs.ProvenLeaves, types.ProvenLeaf{ChildIndex: 1, Index: 2, Commitment: c})
		}
	}
	cases := []struct {
		name     string
		mutate   func(*types.GenesisState)
		contains string
	}{
		{"valid", func(*types.GenesisState) {}, ""},
		{"unknown child", func(gs *types.GenesisState) { gs.ProvenLeaves[0].ChildIndex = 2 }, "proven leaf 0"},
		{"grandchild 0", func(gs *types.GenesisState) { gs.ProvenLeaves[0].Index = 0 }, "proven leaf 0"},
		{"grandchild 256", func(gs *types.GenesisState) { gs.ProvenLeaves[0].Index = 256 }, "proven leaf 0"},
		{"hash above the modulus", func(gs *types.GenesisState) { gs.ProvenLeaves[0].Commitment = bytes.Repeat([]byte{0xff}, 32) }, "proven leaf 0"},
		{"repeated", func(gs *types.GenesisState) { gs.ProvenLeaves = append(gs.ProvenLeaves, gs.ProvenLeaves[0]) }, "repeats"},
		{"too many for one grandchild", many, "more than"},
		{"a grandchild report of an unknown child", func(gs *types.GenesisState) { gs.GrandchildReports[0].ChildIndex = 2 }, "grandchild report 0"},
		{"a grandchild report of grandchild 0", func(gs *types.GenesisState) { gs.GrandchildReports[0].Index = 0 }, "grandchild report 0"},
		{"a grandchild report's hash above the modulus", func(gs *types.GenesisState) {
			gs.GrandchildReports[0].Commitment = bytes.Repeat([]byte{0xff}, 32)
		}, "grandchild report 0"},
		{"two reports of one grandchild", func(gs *types.GenesisState) {
			gs.GrandchildReports = append(gs.GrandchildReports, gs.GrandchildReports[0])
		}, "repeats"},
		{"an empty grandchild report", func(gs *types.GenesisState) { gs.GrandchildReports[0].Report = nil }, "is empty"},
		{"a grandchild report out of order", func(gs *types.GenesisState) {
			gs.GrandchildReports[0].Report = []acceptancetypes.HistogramBucket{{Height: 5, Count: 1}, {Height: 3, Count: 1}}
		}, "grandchild report 0"},
		{"children root above the modulus", func(gs *types.GenesisState) {
			gs.Children[0].FinalizedChildrenRoot = bytes.Repeat([]byte{0xff}, 32)
		}, "children roots"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gs := valid()
			tc.mutate(gs)
			err := gs.Validate()
			if tc.contains == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
			require.ErrorContains(t, err, tc.contains)
		})
	}
}

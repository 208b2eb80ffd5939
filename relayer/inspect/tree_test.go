package inspect

import (
	"testing"

	"github.com/stretchr/testify/require"

	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// TestSubtreeProofsLabel: the tree is labelled RECURSIVE only when every chain read runs it; one
// ATTESTED chain, or one whose params could not be read, labels the whole tree ATTESTED.
func TestSubtreeProofsLabel(t *testing.T) {
	recursive, attested := validiumtypes.SubtreeProofs_SUBTREE_PROOFS_RECURSIVE.String(), validiumtypes.SubtreeProofs_SUBTREE_PROOFS_ATTESTED.String()
	for _, c := range []struct {
		name  string
		modes []string
		want  string
	}{
		{"every chain recursive", []string{recursive, recursive}, validiumtypes.SubtreeProofsRecursiveLabel},
		{"one chain attested", []string{recursive, attested}, validiumtypes.SubtreeProofsLabel},
		{"one chain unread", []string{recursive, ""}, validiumtypes.SubtreeProofsLabel},
		{"no chain read", nil, validiumtypes.SubtreeProofsLabel},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := &TreeView{}
			for _, m := range c.modes {
				v.Chains = append(v.Chains, ChainView{SubtreeProofs: m})
			}
			require.Equal(t, c.want, v.SubtreeProofsLabel())
		})
	}
}

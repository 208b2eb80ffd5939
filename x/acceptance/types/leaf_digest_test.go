package types

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/subtree"
)

// TestLeafReportDigestMatchesSubtree: the digest a subtree step requires of a leaf child is the
// digest of the report this module makes for a chain without children ({(T, 1)}), so honest
// leaves pass the step and the step is no looser than the report.
func TestLeafReportDigestMatchesSubtree(t *testing.T) {
	for _, height := range []uint64{1, 7, 1 << 40} {
		want := Histogram{{Height: height, Count: 1}}.Digest()
		got := subtree.LeafReportDigest(height)
		require.True(t, got.Equal(&want), "height %d", height)
	}
}

package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPaths(t *testing.T) {
	for _, s := range []string{"root", "1", "1-2", "255-1-3"} {
		p, err := ParsePath(s)
		require.NoError(t, err)
		require.Equal(t, s, FormatPath(p))
	}
	for _, s := range []string{"", "0", "1-0", "256", "01", "1--2", "a", strings.Repeat("1-", 16) + "1"} {
		_, err := ParsePath(s)
		require.Error(t, err, s)
	}
	require.Equal(t, "root", ParentPath("3"))
	require.Equal(t, "1-2", ParentPath("1-2-3"))
	require.Equal(t, "", ParentPath("root"))
	paths := []string{"1-1", "2", "root", "1-2-1", "1"}
	require.Equal(t, []string{"root", "1", "2", "1-1", "1-2-1"}, TopDown(paths))
	require.Equal(t, []string{"1-2-1", "1-1", "2", "1", "root"}, BottomUp(paths))
}

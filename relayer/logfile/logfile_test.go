package logfile

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRotation: the log rotates before it passes its size, keeps the configured number of older
// files (newest .1), and loses no line; a restart appends to the current file.
func TestRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "relayer.log")
	r, err := Open(path, 1, 2)
	require.NoError(t, err)
	line := bytes.Repeat([]byte("x"), 1023)
	line = append(line, '\n')
	for i := 0; i < 3*1024+10; i++ { // a bit over 3 MB of 1 KB lines
		_, err := r.Write(line)
		require.NoError(t, err)
	}
	require.NoError(t, r.Close())
	for _, f := range []string{path, path + ".1", path + ".2"} {
		st, err := os.Stat(f)
		require.NoError(t, err, f)
		require.LessOrEqual(t, st.Size(), int64(1<<20), f)
	}
	_, err = os.Stat(path + ".3")
	require.True(t, os.IsNotExist(err), "only 2 older files are kept")
	cur, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, 10*1024, len(cur), "the current file holds the lines after the last rotation")

	r, err = Open(path, 1, 2)
	require.NoError(t, err)
	_, err = fmt.Fprintln(r, "after restart")
	require.NoError(t, err)
	require.NoError(t, r.Close())
	cur, err = os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, bytes.HasSuffix(cur, []byte("after restart\n")))
	require.Equal(t, 10*1024+len("after restart\n"), len(cur), "appended, not truncated")

	_, err = Open(path, 0, 2)
	require.Error(t, err)
}

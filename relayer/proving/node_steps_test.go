package proving

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/subtree"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
)

// TestLoadNodeStepsRefusals: without node step keys nothing is loaded (and the chains are not
// asked for their shape), a node child step key without the leaf step key it verifies is refused
// at start, and proving without keys is an error, never a panic.
func TestLoadNodeStepsRefusals(t *testing.T) {
	shape := ledgertypes.Params{AccountDepth: 1, OutboxDepth: 1, BatchSize: 1}
	for _, tc := range []struct {
		name  string
		files []string
		err   string
		log   string
	}{
		{name: "no node keys", log: "no node step keys"},
		{name: "a child step key without the leaf step key", files: []string{nodeChildStepKeys + ".vk"}, err: "a node child step verifies leaf steps"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tc.files {
				require.NoError(t, os.WriteFile(filepath.Join(dir, f), []byte("key"), 0o644))
			}
			var logs bytes.Buffer
			p := &Prover{log: slog.New(slog.NewTextHandler(&logs, nil))}
			err := p.loadNodeSteps(context.Background(), dir, nil, shape)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Contains(t, logs.String(), tc.log)
			require.Nil(t, p.NodeLedgerStepVK())
			require.Nil(t, p.NodeChildStepVK())
			require.Equal(t, subtree.NodeShape{}, p.NodeStepShape())
			_, _, err = p.ProveNodeLedgerStep(subtree.NodeLedgerStepWitness{})
			require.ErrorContains(t, err, "no node ledger step keys")
			_, _, err = p.ProveNodeChildStep(subtree.NodeChildStepWitness{})
			require.ErrorContains(t, err, "no node child step keys")
		})
	}
}

package cli_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	cmtjson "github.com/cometbft/cometbft/libs/json"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/internal/parentsync"
	"github.com/slush-tree/slush/testutil/clitest"
	"github.com/slush-tree/slush/testutil/lightclient"
	"github.com/slush-tree/slush/x/tree/client/cli"
	"github.com/slush-tree/slush/x/tree/types"
)

// writeLightBlock writes s's header at height over appHash as CometBFT light-block JSON.
func writeLightBlock(t *testing.T, s *lightclient.Signer, height int64, appHash string) string {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(height) * time.Second)
	lb := &cmttypes.LightBlock{SignedHeader: s.Sign(t, height, at, []byte(appHash)), ValidatorSet: s.Vals}
	bz, err := cmtjson.MarshalIndent(lb, "", "  ")
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "lb.json")
	require.NoError(t, os.WriteFile(file, bz, 0o600))
	return file
}

// TestMisbehaviourMsg: submit-misbehaviour turns two light-block files into the message, in
// MsgSyncParent's header and validator-set encoding, and refuses locally what the chain would
// refuse without a signature check (issue 17).
func TestMisbehaviourMsg(t *testing.T) {
	s := lightclient.NewSigner(t, "slush-1", 3)
	a := writeLightBlock(t, s, 40, "apphash-a")
	b := writeLightBlock(t, s, 40, "apphash-b")
	sender := sdk.AccAddress([]byte("submitter-address-20")).String()

	msg, err := cli.MisbehaviourMsg(sender, a, b)
	require.NoError(t, err)
	require.Equal(t, sender, msg.Sender)
	mb, err := msg.Decode()
	require.NoError(t, err)
	require.Equal(t, s.Sign(t, 40, time.Date(2026, 1, 1, 0, 0, 40, 0, time.UTC), []byte("apphash-a")).Hash(), mb.Header1.Hash())
	require.Equal(t, []byte("apphash-b"), []byte(mb.Header2.AppHash))
	require.Equal(t, s.Vals.Hash(), mb.Vals2.Hash())

	junk := filepath.Join(t.TempDir(), "junk.json")
	require.NoError(t, os.WriteFile(junk, []byte(`{"signed_header": 3}`), 0o600))
	noVals := filepath.Join(t.TempDir(), "novals.json")
	require.NoError(t, os.WriteFile(noVals, []byte(`{"signed_header": null, "validator_set": null}`), 0o600))
	for _, tc := range []struct {
		name, one, two, err string
	}{
		{"the same block twice", a, a, parentsync.ErrNotMisbehaviour.Error()},
		{"two heights", a, writeLightBlock(t, s, 41, "apphash-b"), "heights 40 and 41"},
		{"two chains", a, writeLightBlock(t, lightclient.NewSigner(t, "slush-2", 3), 40, "apphash-b"), parentsync.ErrNotMisbehaviour.Error()},
		{"a missing file", a, filepath.Join(t.TempDir(), "none.json"), "no such file"},
		{"not a light block", junk, b, "not a CometBFT light block"},
		{"no header or validator set", a, noVals, "want signed_header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cli.MisbehaviourMsg(sender, tc.one, tc.two)
			require.ErrorContains(t, err, tc.err)
		})
	}
}

// TestSubmitMisbehaviourGenerateOnly: the command builds a transaction carrying exactly the
// message MisbehaviourMsg makes; --gas auto is its default.
func TestSubmitMisbehaviourGenerateOnly(t *testing.T) {
	s := lightclient.NewSigner(t, "slush-1", 2)
	a := writeLightBlock(t, s, 40, "apphash-a")
	b := writeLightBlock(t, s, 40, "apphash-b")
	sender := sdk.AccAddress([]byte("submitter-address-20")).String()
	require.Equal(t, "auto", cli.SubmitMisbehaviourCmd().Flags().Lookup("gas").DefValue)

	home := t.TempDir()
	txOut := stdoutOf(t, func() {
		out, err := clitest.Run(t, home, cli.TxCmd(), "submit-misbehaviour", a, b, "--from", sender, "--generate-only",
			"--gas", "3000000", "--chain-id", "slush-1-2", "--keyring-backend", "test")
		require.NoError(t, err, out)
	})
	tx, err := clitest.Encoding().TxConfig.TxJSONDecoder()([]byte(txOut))
	require.NoError(t, err, txOut)
	require.Len(t, tx.GetMsgs(), 1)
	want, err := cli.MisbehaviourMsg(sender, a, b)
	require.NoError(t, err)
	require.Equal(t, want, tx.GetMsgs()[0].(*types.MsgSubmitMisbehaviour))

	out, err := clitest.Run(t, home, cli.TxCmd(), "submit-misbehaviour", a, a, "--from", sender, "--generate-only",
		"--gas", "3000000", "--chain-id", "slush-1-2", "--keyring-backend", "test")
	require.ErrorIs(t, err, types.ErrInvalidMisbehaviour, out)
}

// TestLightBlockCmd: parent-client light-block prints the parent's light block at a height as
// JSON that submit-misbehaviour reads back, for the parent this chain's live identity names.
func TestLightBlockCmd(t *testing.T) {
	recent := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	fork := newFakeParent(t, "slush-1", 30, recent)
	parent := newFakeParent(t, "slush-1", 30, recent).start()
	fork.base = recent.Add(time.Second) // same validators, other header times: another block at each height
	forkNode := fork.start()
	otherChain := newFakeParent(t, "slush-2", 30, recent).start()
	child := fakeChainNode(t, types.TreeIdentity{Path: []uint32{1, 2}, ParentChainId: "slush-1", MaxChildren: 3, MaxDepth: 16})
	root := fakeChainNode(t, types.RootIdentity())

	for _, tc := range []struct {
		name string
		args []string
		err  string
	}{
		{"no parent node", []string{"--node", child}, "--parent-node is required"},
		{"parent serves another chain", []string{"--node", child, "--parent-node", otherChain}, `another chain "slush-2", not "slush-1"`},
		{"negative height", []string{"--node", child, "--parent-node", parent, "--height", "-1"}, "must not be negative"},
		{"the root", []string{"--node", root, "--parent-node", parent}, "root of its tree"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := clitest.Run(t, t.TempDir(), cli.ParentClientCmd(), append([]string{"light-block"}, tc.args...)...)
			require.ErrorContains(t, err, tc.err, out)
		})
	}

	files := make([]string, 2)
	for i, node := range []string{parent, forkNode} {
		out, err := clitest.Run(t, t.TempDir(), cli.ParentClientCmd(), "light-block", "--node", child, "--parent-node", node, "--height", "12")
		require.NoError(t, err, out)
		files[i] = filepath.Join(t.TempDir(), "lb.json")
		require.NoError(t, os.WriteFile(files[i], []byte(out), 0o600))
	}
	msg, err := cli.MisbehaviourMsg(sdk.AccAddress([]byte("submitter-address-20")).String(), files[0], files[1])
	require.NoError(t, err)
	mb, err := msg.Decode()
	require.NoError(t, err)
	require.Equal(t, int64(12), mb.Header1.Height)
	require.NotEqual(t, mb.Header1.Hash(), mb.Header2.Hash())
}

package app_test

import (
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/app/apptesting"
	electionkeeper "github.com/slush-tree/slush/x/election/keeper"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	treekeeper "github.com/slush-tree/slush/x/tree/keeper"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// TestSubmitMisbehaviour: the root signs a second header at the height a child already trusts
// (issue 17, DESIGN §10). The pair, submitted in a real transaction on the child (ante, gas,
// ValidateBasic), freezes the child's client of the root; the same evidence again and every
// later parent sync are refused, the block opens the child's root re-election replica, and the
// freeze survives export.
func TestSubmitMisbehaviour(t *testing.T) {
	tr := newTree(t, [][]uint8{{}, {1}}, nil)
	root, child := tr.root(), tr.node(1)
	tr.tick()
	q := treekeeper.NewQueryServerImpl(&child.chain.App.TreeKeeper)
	client, err := q.ParentClient(child.chain.Context(), &treetypes.QueryParentClientRequest{})
	require.NoError(t, err)
	require.False(t, client.Frozen)

	// the header the child trusts, and the root's conflicting one at the same height
	h := client.Height
	at := apptesting.GenesisTime.Add(time.Duration(h) * time.Second)
	h1, v1 := root.signer.Encode(t, root.signer.Sign(t, h, at, client.AppHash))
	h2, v2 := root.signer.Encode(t, root.signer.Sign(t, h, at, []byte("a forked app hash of 32 bytes..")))
	msg := &treetypes.MsgSubmitMisbehaviour{Sender: child.chain.Address(0).String(), Header1: h1, ValidatorSet1: v1, Header2: h2, ValidatorSet2: v2}

	same := *msg
	same.Header2, same.ValidatorSet2 = h1, v1
	tr.fails(child, 0, &same, treetypes.ErrInvalidMisbehaviour)

	res := tr.ok(child, 0, msg)
	t.Logf("evidence of a 1-validator root: %d gas", res.GasUsed)
	var frozen *treetypes.EventParentClientFrozen
	for _, e := range res.Events {
		if e.Type == "slush.tree.v1.EventParentClientFrozen" {
			ev, err := sdk.ParseTypedEvent(abci.Event(e))
			require.NoError(t, err)
			frozen = ev.(*treetypes.EventParentClientFrozen)
		}
	}
	require.NotNil(t, frozen, "the typed event")
	require.Equal(t, h, frozen.Height)
	require.True(t, frozen.ParentIsRoot)

	client, err = q.ParentClient(child.chain.Context(), &treetypes.QueryParentClientRequest{})
	require.NoError(t, err)
	require.True(t, client.Frozen)
	require.Equal(t, h, client.Freeze.Height)

	// the block's EndBlock opened the child's replica of the root re-election (DESIGN §10), with
	// no base until a report names one
	eq := electionkeeper.NewQueryServerImpl(&child.chain.App.ElectionKeeper)
	open, err := eq.OpenRootElection(child.chain.Context(), &electiontypes.QueryOpenRootElectionRequest{})
	require.NoError(t, err)
	require.Equal(t, electiontypes.RootElectionReason_ROOT_ELECTION_REASON_MISBEHAVIOUR, open.Election.Reason)
	require.Equal(t, frozen.EvidenceHash, open.Election.EvidenceHash)
	require.Zero(t, open.Election.BaseRootHeight)

	tr.fails(child, 0, msg, treetypes.ErrParentClientFrozen)
	root.chain.NextBlock()
	sync := &treetypes.MsgSyncParent{Sender: child.chain.Address(0).String()}
	last := tr.syncHeader(child, sync)
	key, err := treetypes.ParentRecordKey(true, uint64(last))
	require.NoError(t, err)
	value, proof := tr.proveParentKey(child, treetypes.StoreKey, key, last)
	sync.Records = []treetypes.ParentRecord{{RootHeight: uint64(last), Value: value, Proof: proof}}
	tr.fails(child, 0, sync, treetypes.ErrParentClientFrozen)

	exported, err := child.chain.App.TreeKeeper.ExportGenesis(child.chain.Context())
	require.NoError(t, err)
	require.NoError(t, exported.Validate())
	require.Equal(t, client.Freeze, exported.ParentClientFrozen, "the freeze survives export")
}

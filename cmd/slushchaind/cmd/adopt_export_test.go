package cmd

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtcfg "github.com/cometbft/cometbft/config"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/privval"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"

	"github.com/slush-tree/slush/app"
	"github.com/slush-tree/slush/app/apptesting"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/internal/adopt"
	"github.com/slush-tree/slush/testutil/clitest"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// The rules adopt-export applies are internal/adopt's and x/tree's, unit-tested there; these
// tests run the command end to end on a real chain's export: its flags and files, what it asks
// p, what it prints and writes, and that the real app boots from the written genesis.

var (
	oldKeyHash = hash.EncodeElement(hash.Uint64(101))
	newKeyHash = hash.EncodeElement(hash.Uint64(202))
)

// missedIndex is the slot of the missed block in the old validator's bitmap.
const missedIndex = 5

// pNode is the --node-p every test passes; the fake p reader checks it is the one asked.
const pNode = "tcp://p.invalid:26657"

// adoptFixture is a child chain v (path 1 under slush-root) that ran a few blocks with a ledger
// transfer, and its export at its last height.
type adoptFixture struct {
	chain      *apptesting.Chain
	exportFile string
	height     int64  // the exported height H
	newest     []byte // v's own commitment of height H
}

// newAdoptFixture runs v for 3 blocks (a ledger transfer in block 2) and exports it. With signed,
// the validator has a slashing signing info with one missed block, as on a chain whose validator
// x/staking bonded (apptesting's validator is bonded at genesis and gets none).
func newAdoptFixture(t *testing.T, signed bool) *adoptFixture {
	t.Helper()
	app.SetAddressPrefixes()
	identity := treetypes.TreeIdentity{
		Path: []uint32{1}, ParentChainId: "slush-root", MaxChildren: 3, MaxDepth: 16, OperatorKeyHash: oldKeyHash,
	}
	alice := ledger.KeyFromSeed([]byte("alice"))
	asset := hash.Uint64(7)
	chain := apptesting.NewChainWithGenesis(t, identity, 2, func(cdc codec.Codec, gs map[string]json.RawMessage) {
		lgs := ledgertypes.DefaultGenesisState()
		lgs.Params = ledgertypes.Params{AccountDepth: 4, OutboxDepth: 20, BatchSize: 2}
		lgs.Deposits = []ledgertypes.GenesisDeposit{{
			Recipient: hash.EncodeElement(ledger.OwnerHash(alice.PublicKey)), AssetId: hash.EncodeElement(asset), Amount: 1000,
		}}
		gs[ledgertypes.ModuleName] = cdc.MustMarshalJSON(lgs)
		if signed {
			cons := sdk.ConsAddress(apptestingValidatorKey(identity.ConventionalChainID()).PubKey().Address()).String()
			var sgs slashingtypes.GenesisState
			cdc.MustUnmarshalJSON(gs[slashingtypes.ModuleName], &sgs)
			sgs.SigningInfos = []slashingtypes.SigningInfo{{Address: cons, ValidatorSigningInfo: slashingtypes.ValidatorSigningInfo{
				Address: cons, JailedUntil: time.Unix(0, 0).UTC(), MissedBlocksCounter: 1,
			}}}
			sgs.MissedBlocks = []slashingtypes.ValidatorMissedBlocks{{Address: cons, MissedBlocks: []slashingtypes.MissedBlock{{Index: missedIndex, Missed: true}}}}
			gs[slashingtypes.ModuleName] = cdc.MustMarshalJSON(&sgs)
		}
	})
	chain.NextBlock()
	vid, err := chain.App.TreeKeeper.OwnVid(chain.Context())
	require.NoError(t, err)
	op, err := ledger.NewTransfer(vid, alice, 0, ledger.OwnerHash(ledger.KeyFromSeed([]byte("bob")).PublicKey), asset, 100, 0)
	require.NoError(t, err)
	res, _ := chain.NextBlock(chain.SignTx(0, 0, &ledgertypes.MsgTransfer{Sender: chain.Address(0).String(), Op: op.Bytes()}))
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	chain.NextBlock()

	exported, err := chain.App.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	// what `slushchaind export --height H` writes (server/export.go)
	gen := &genutiltypes.AppGenesis{
		AppName: "slushchaind", ChainID: chain.ChainID, GenesisTime: apptesting.GenesisTime,
		InitialHeight: exported.Height, AppState: exported.AppState,
		Consensus: genutiltypes.NewConsensusGenesis(exported.ConsensusParams, exported.Validators),
	}
	f := &adoptFixture{chain: chain, exportFile: filepath.Join(t.TempDir(), "export.json"), height: chain.App.LastBlockHeight()}
	require.NoError(t, gen.SaveAs(f.exportFile))
	own, err := chain.App.TreeKeeper.Commitments.Get(chain.Context(), f.height)
	require.NoError(t, err)
	f.newest = own.Commitment
	return f
}

// apptestingValidatorKey is apptesting's fixed validator key of a chain.
func apptestingValidatorKey(chainID string) cmted25519.PrivKey {
	return cmted25519.GenPrivKeyFromSecret([]byte("slush-validator-" + chainID))
}

// fakeP is p answering from memory, recording what it was asked.
type fakeP struct {
	parent adopt.Parent
	err    error
	asked  []uint32
	// replica answers for a root export (DESIGN §10); askedEpochs are the epochs asked.
	replica     *adopt.Replica
	askedEpochs []uint64
	// q answers for an arrived chain (--arrived-at); askedQ are the nodes asked.
	q      *newParentView
	askedQ []string
}

// read is the command's readAdoptParent over the fake p.
func (p *fakeP) read(_ context.Context, _ client.Context, node string, index uint32) (adopt.Parent, error) {
	if node != pNode {
		return adopt.Parent{}, errors.New("asked another node: " + node)
	}
	p.asked = append(p.asked, index)
	return p.parent, p.err
}

// readReplica is the command's readAdoptReplica over the fake: the replica it holds (a child
// export never asks one), recording the epoch asked.
func (p *fakeP) readReplica(_ context.Context, _ client.Context, node string, epoch uint64) (adopt.Replica, error) {
	if p.replica == nil || node != pNode {
		return adopt.Replica{}, fmt.Errorf("asked %s as a root election replica about epoch %d", node, epoch)
	}
	p.askedEpochs = append(p.askedEpochs, epoch)
	return *p.replica, nil
}

// electedP is p after electing the new operator of child 1 with commitment c at epoch.
func electedP(c []byte, epoch uint64) *fakeP {
	return &fakeP{parent: adopt.Parent{ChainID: "slush-root", Child: validiumtypes.Child{
		Index: 1, LatestCommitment: c, Epoch: epoch, OperatorKeyHash: newKeyHash,
		Status: validiumtypes.ChildStatus_CHILD_STATUS_ACTIVE,
	}}}
}

// newOperatorHome is the new operator's node home holding its consensus key.
func newOperatorHome(t *testing.T, key cmted25519.PrivKey) *cmtcfg.Config {
	t.Helper()
	cfg := cmtcfg.DefaultConfig()
	cfg.SetRoot(t.TempDir())
	require.NoError(t, os.MkdirAll(filepath.Dir(cfg.PrivValidatorKeyFile()), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Dir(cfg.PrivValidatorStateFile()), 0o755))
	privval.NewFilePV(key, cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile()).Save()
	return cfg
}

// runAdopt runs `genesis adopt-export` in cfg's home against p, with the given flags after the
// export file.
func runAdopt(t *testing.T, a *app.App, cfg *cmtcfg.Config, p *fakeP, args ...string) (string, error) {
	t.Helper()
	return clitest.Run(t, cfg.RootDir, newAdoptExportCmd(a.BasicModuleManager, cfg.RootDir, adoptReaders{parent: p.read, replica: p.readReplica, arrived: p.readArrived}), args...)
}

// TestAdoptExport: from v's export and p's record of v, the command writes the genesis of v
// restarted under the elected operator, prints its summary, and the real app boots from it:
// the new key is the only validator, with the old key's signing record (or a fresh one), and
// v commits under the new epoch and operator key hash.
func TestAdoptExport(t *testing.T) {
	newKey := cmted25519.GenPrivKeyFromSecret([]byte("elected operator"))
	genesisTime := apptesting.GenesisTime.Add(time.Hour)
	for _, signed := range []bool{true, false} {
		name := map[bool]string{true: "signing info moved", false: "signing info started"}[signed]
		t.Run(name, func(t *testing.T) {
			f := newAdoptFixture(t, signed)
			cfg := newOperatorHome(t, newKey)
			p := electedP(f.newest, 1)
			out, err := runAdopt(t, f.chain.App, cfg, p, f.exportFile, "--node-p", pNode, "--home", cfg.RootDir,
				"--genesis-time", genesisTime.Format(time.RFC3339))
			require.NoError(t, err, out)
			require.Equal(t, []uint32{1}, p.asked, "p is asked once, about v's index")

			var summary adopt.Summary
			require.NoError(t, json.Unmarshal([]byte(out), &summary), out)
			require.Equal(t, adopt.Summary{
				ChainID: f.chain.ChainID, InitialHeight: f.height + 1, Epoch: 1,
				OperatorKeyHash: hex.EncodeToString(newKeyHash), ValidatorConsAddress: sdk.ConsAddress(newKey.PubKey().Address()).String(),
				Commitment: hex.EncodeToString(f.newest), CommitmentHeight: f.height, GenesisFile: cfg.GenesisFile(),
			}, summary)
			requireAdoptedChainRuns(t, cfg.GenesisFile(), f, newKey, genesisTime, signed)
		})
	}
}

// TestAdoptExportRefusals: the command's own checks (flags, files) and p's or adopt's refusals
// all stop it before p is asked or any genesis is written, as far as each can.
func TestAdoptExportRefusals(t *testing.T) {
	f := newAdoptFixture(t, true)
	newKey := cmted25519.GenPrivKeyFromSecret([]byte("elected operator"))

	// an export of another height than its newest commitment's: refused before p is asked
	gen, err := genutiltypes.AppGenesisFromFile(f.exportFile)
	require.NoError(t, err)
	gen.InitialHeight++
	wrongHeight := filepath.Join(t.TempDir(), "wrong-height.json")
	require.NoError(t, gen.SaveAs(wrongHeight))

	flags := []string{"--node-p", pNode}
	for _, tc := range []struct {
		name   string
		args   []string
		p      *fakeP
		noKey  bool
		err    string
		askedP bool
	}{
		{name: "no p", args: []string{f.exportFile}, p: electedP(f.newest, 1), err: "--node-p (p's CometBFT RPC) is required"},
		{name: "bad genesis time", args: append([]string{f.exportFile, "--genesis-time", "noon"}, flags...), p: electedP(f.newest, 1), err: "--genesis-time"},
		{name: "no export", args: append([]string{filepath.Join(t.TempDir(), "none.json")}, flags...), p: electedP(f.newest, 1), err: "read export"},
		{name: "no validator key", args: append([]string{f.exportFile}, flags...), p: electedP(f.newest, 1), noKey: true, err: "the new operator's validator key"},
		{name: "export not at its newest commitment", args: append([]string{wrongHeight}, flags...), p: electedP(f.newest, 1), err: "export with --height"},
		{name: "p does not answer", args: append([]string{f.exportFile}, flags...), p: &fakeP{err: errors.New("p is down")}, err: "p is down", askedP: true},
		{name: "p elected no one", args: append([]string{f.exportFile}, flags...), p: electedP(f.newest, 0), err: "elected no new operator", askedP: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := newOperatorHome(t, newKey)
			if tc.noKey {
				require.NoError(t, os.Remove(cfg.PrivValidatorKeyFile()))
			}
			out, err := runAdopt(t, f.chain.App, cfg, tc.p, append(tc.args, "--home", cfg.RootDir)...)
			require.ErrorContains(t, err, tc.err, out)
			require.Equal(t, tc.askedP, len(tc.p.asked) > 0, "p asked")
			_, statErr := os.Stat(cfg.GenesisFile())
			require.True(t, os.IsNotExist(statErr), "no genesis written")
		})
	}
}

// requireAdoptedChainRuns starts a fresh app from the written genesis as CometBFT would
// (InitChain from the genesis doc), finalizes two blocks signed by the new key and checks the
// consensus set, the signing record and the tree identity.
func requireAdoptedChainRuns(t *testing.T, genFile string, f *adoptFixture, newKey cmted25519.PrivKey, genesisTime time.Time, signed bool) {
	t.Helper()
	oldKey := apptestingValidatorKey(f.chain.ChainID)
	gen, err := genutiltypes.AppGenesisFromFile(genFile)
	require.NoError(t, err)
	require.True(t, genesisTime.Equal(gen.GenesisTime))
	doc, err := gen.ToGenesisDoc()
	require.NoError(t, err)
	require.Len(t, doc.Validators, 1)
	require.True(t, newKey.PubKey().Equals(doc.Validators[0].PubKey))

	fresh := bootGenesis(t, doc)

	newAddr := newKey.PubKey().Address()
	power := doc.Validators[0].Power
	for i, h := range []int64{doc.InitialHeight, doc.InitialHeight + 1} {
		req := &abci.RequestFinalizeBlock{Height: h, Time: genesisTime.Add(time.Duration(i) * time.Second), ProposerAddress: newAddr}
		if i > 0 { // the new key signed the previous block: x/slashing and x/distribution look it up
			req.DecidedLastCommit = abci.CommitInfo{Votes: []abci.VoteInfo{{
				Validator: abci.Validator{Address: newAddr, Power: power}, BlockIdFlag: cmtproto.BlockIDFlagCommit,
			}}}
		}
		_, err := fresh.FinalizeBlock(req)
		require.NoError(t, err)
		_, err = fresh.Commit()
		require.NoError(t, err)
	}
	ctx := fresh.NewUncachedContext(false, cmtproto.Header{ChainID: doc.ChainID, Height: fresh.LastBlockHeight()})

	bonded, err := fresh.StakingKeeper.GetLastValidators(ctx)
	require.NoError(t, err)
	require.Len(t, bonded, 1)
	pk, err := bonded[0].ConsPubKey()
	require.NoError(t, err)
	require.Equal(t, newAddr.Bytes(), pk.Address().Bytes())
	_, err = fresh.StakingKeeper.GetValidatorByConsAddr(ctx, sdk.ConsAddress(oldKey.PubKey().Address()))
	require.Error(t, err, "the old consensus key is gone")
	info, err := fresh.SlashingKeeper.GetValidatorSigningInfo(ctx, sdk.ConsAddress(newAddr))
	require.NoError(t, err)
	require.Equal(t, sdk.ConsAddress(newAddr).String(), info.Address)
	missed, err := fresh.SlashingKeeper.GetMissedBlockBitmapValue(ctx, sdk.ConsAddress(newAddr), missedIndex)
	require.NoError(t, err)
	if signed { // the old record, with its missed block, is the new key's
		require.Equal(t, int64(1), info.MissedBlocksCounter)
		require.True(t, missed)
	} else { // a fresh record from the restart
		require.Zero(t, info.MissedBlocksCounter)
		require.Equal(t, f.height+1, info.StartHeight)
		require.False(t, missed)
	}
	require.Equal(t, int64(1), info.IndexOffset, "the new key's signature of block H+1 was counted")
	_, err = fresh.SlashingKeeper.GetValidatorSigningInfo(ctx, sdk.ConsAddress(oldKey.PubKey().Address()))
	require.Error(t, err, "no signing info under the old key")

	keyHash, epoch, err := fresh.TreeKeeper.OwnOperator(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(1), epoch)
	require.Equal(t, newKeyHash, hash.EncodeElement(keyHash))
	own, err := fresh.TreeKeeper.Commitments.Get(ctx, fresh.LastBlockHeight())
	require.NoError(t, err)
	require.Equal(t, uint64(1), own.Fields.Epoch, "the restarted chain commits under the new epoch")
	require.Equal(t, newKeyHash, own.Fields.OperatorKeyHash)
	require.Equal(t, f.height+2, fresh.LastBlockHeight())
}

// TestAdoptExportRoot: on a root export (DESIGN §10) the command asks --node-p, a child of the
// root, for the result of the re-election of the export's epoch, and writes the restarted root's
// genesis: epoch 1, the elected key hash, this home's key (the elected one) as the one validator.
func TestAdoptExportRoot(t *testing.T) {
	app.SetAddressPrefixes()
	oldKey := apptestingValidatorKey("slush-root")
	chain := apptesting.NewChainWithGenesis(t, treetypes.RootIdentity(), 2, func(cdc codec.Codec, gs map[string]json.RawMessage) {
		var tgs treetypes.GenesisState
		cdc.MustUnmarshalJSON(gs[treetypes.ModuleName], &tgs)
		tgs.ValidiumConsensus = &treetypes.ValidiumConsensus{OperatorConsensusPubkey: oldKey.PubKey().Bytes(), SinceHeight: 1}
		gs[treetypes.ModuleName] = cdc.MustMarshalJSON(&tgs)
	})
	for range 3 {
		chain.NextBlock()
	}
	base, err := chain.App.TreeKeeper.Commitments.Get(chain.Context(), 2)
	require.NoError(t, err)
	exported, err := chain.App.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	gen := &genutiltypes.AppGenesis{
		AppName: "slushchaind", ChainID: chain.ChainID, GenesisTime: apptesting.GenesisTime,
		InitialHeight: exported.Height, AppState: exported.AppState,
		Consensus: genutiltypes.NewConsensusGenesis(exported.ConsensusParams, exported.Validators),
	}
	exportFile := filepath.Join(t.TempDir(), "root.json")
	require.NoError(t, gen.SaveAs(exportFile))

	elected := cmted25519.GenPrivKeyFromSecret([]byte("elected root operator"))
	p := &fakeP{replica: &adopt.Replica{ChainID: "slush-1", ParentChainID: "slush-root", Result: electiontypes.RootElectionResult{
		Epoch: 0, BaseRootHeight: 2, BaseCommitment: base.Commitment,
		Elected: electiontypes.RootCandidate{OperatorKeyHash: newKeyHash, ConsensusPubkey: elected.PubKey().Bytes()},
	}}}
	cfg := newOperatorHome(t, elected)
	out, err := runAdopt(t, chain.App, cfg, p, exportFile, "--node-p", pNode, "--home", cfg.RootDir)
	require.NoError(t, err, out)
	require.Equal(t, []uint64{0}, p.askedEpochs, "the replica is asked about the export's epoch")
	require.Empty(t, p.asked, "no parent is asked about a root")
	var summary adopt.Summary
	require.NoError(t, json.Unmarshal([]byte(out), &summary), out)
	require.Equal(t, uint64(1), summary.Epoch)
	require.Equal(t, hex.EncodeToString(newKeyHash), summary.OperatorKeyHash)
	require.Equal(t, chain.App.LastBlockHeight()+1, summary.InitialHeight)
	written, err := genutiltypes.AppGenesisFromFile(cfg.GenesisFile())
	require.NoError(t, err)
	require.Len(t, written.Consensus.Validators, 1)
	require.Equal(t, elected.PubKey().Bytes(), written.Consensus.Validators[0].PubKey.Bytes())
	require.Equal(t, int64(1), written.Consensus.Validators[0].Power)

	// another home's key is not the elected one: nothing is written
	other := newOperatorHome(t, cmted25519.GenPrivKeyFromSecret([]byte("someone else")))
	out, err = runAdopt(t, chain.App, other, p, exportFile, "--node-p", pNode, "--home", other.RootDir)
	require.ErrorContains(t, err, "is not the elected consensus key", out)
	_, statErr := os.Stat(other.GenesisFile())
	require.True(t, os.IsNotExist(statErr), "no genesis written")
}

// bootGenesis starts a fresh app from doc (InitChain with doc's validators: baseapp refuses one
// whose validators differ from what x/staking returns), failing the test if it refuses.
func bootGenesis(t *testing.T, doc *cmttypes.GenesisDoc) *app.App {
	t.Helper()
	fresh := app.New(log.NewNopLogger(), dbm.NewMemDB(), nil, true,
		simtestutil.NewAppOptionsWithFlagHome(t.TempDir()), baseapp.SetChainID(doc.ChainID))
	vals := make([]*cmttypes.Validator, len(doc.Validators))
	for i, gv := range doc.Validators {
		vals[i] = cmttypes.NewValidator(gv.PubKey, gv.Power)
	}
	params := doc.ConsensusParams.ToProto()
	_, err := fresh.InitChain(&abci.RequestInitChain{
		Time: doc.GenesisTime, ChainId: doc.ChainID, InitialHeight: doc.InitialHeight, ConsensusParams: &params,
		Validators: cmttypes.TM2PB.ValidatorUpdates(cmttypes.NewValidatorSet(vals)), AppStateBytes: doc.AppState,
	})
	require.NoError(t, err)
	return fresh
}

package cmd

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
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
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	cryptocodec "github.com/cosmos/cosmos-sdk/crypto/codec"
	"github.com/cosmos/cosmos-sdk/server"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/slush-tree/slush/app"
	"github.com/slush-tree/slush/app/apptesting"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// fakeParent is p answering from memory: its chain-id and its record of the child.
type fakeParent struct {
	chainID string
	child   validiumtypes.Child
}

func (p fakeParent) ChainID(context.Context) (string, error) { return p.chainID, nil }

func (p fakeParent) Child(_ context.Context, index uint32) (validiumtypes.Child, error) {
	if index != p.child.Index {
		return validiumtypes.Child{}, errors.New("child not found")
	}
	return p.child, nil
}

var (
	oldKeyHash = hash.EncodeElement(hash.Uint64(101))
	newKeyHash = hash.EncodeElement(hash.Uint64(202))
)

// adoptFixture is a child chain v (path 1 under slush-root) that ran a few blocks with a ledger
// transfer in between, so its own commitments differ over heights, and its export.
type adoptFixture struct {
	chain      *apptesting.Chain
	exportFile string
	height     int64            // the exported height H
	at         map[int64][]byte // the own commitment of every height
	newest     []byte           // the commitment of height H
}

// missedIndex is the slot of the missed block in the old validator's bitmap.
const missedIndex = 5

// newAdoptFixture runs v for 4 blocks (transfers in blocks 2 and 4: commitments A, B, B, C) and
// exports it at height 4; extra replaces block 4, e.g. to add a validator. With signed, the validator has a
// slashing signing info with one missed block, as on a chain whose validator x/staking bonded
// (apptesting's validator is bonded at genesis and gets none).
func newAdoptFixture(t *testing.T, identity validiumtypes.TreeIdentity, signed bool, extra func(c *apptesting.Chain)) *adoptFixture {
	t.Helper()
	app.SetAddressPrefixes()
	alice := ledger.KeyFromSeed([]byte("alice"))
	asset := hash.Uint64(7)
	chain := apptesting.NewChainWithGenesis(t, identity, 2, func(cdc codec.Codec, gs map[string]json.RawMessage) {
		bgs := bridgetypes.DefaultGenesisState()
		bgs.LedgerParams = bridgetypes.LedgerParams{AccountDepth: 4, OutboxDepth: 20, BatchSize: 2}
		bgs.Deposits = []bridgetypes.GenesisDeposit{{
			Recipient: hash.EncodeElement(ledger.OwnerHash(alice.PublicKey)), AssetId: hash.EncodeElement(asset), Amount: 1000,
		}}
		gs[bridgetypes.ModuleName] = cdc.MustMarshalJSON(bgs)
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
	vid, err := chain.App.ValidiumKeeper.OwnVid(chain.Context())
	require.NoError(t, err)
	transfer := func(nonce uint64) {
		op, err := ledger.NewTransfer(vid, alice, 0, ledger.OwnerHash(ledger.KeyFromSeed([]byte("bob")).PublicKey), asset, 100, nonce)
		require.NoError(t, err)
		res, _ := chain.NextBlock(chain.SignTx(0, nonce, &bridgetypes.MsgLedgerTransfer{Sender: chain.Address(0).String(), Op: op.Bytes()}))
		require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	}
	transfer(0)
	chain.NextBlock()
	if extra != nil {
		extra(chain)
	} else {
		transfer(1)
	}

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
	f.at = map[int64][]byte{}
	for h := int64(1); h <= f.height; h++ {
		c, err := chain.App.BridgeKeeper.Commitments.Get(chain.Context(), h)
		require.NoError(t, err)
		f.at[h] = c.Commitment
	}
	f.newest = f.at[f.height]
	require.NotEqual(t, f.at[1], f.at[2], "the transfer changed the ledger root")
	if !identity.IsRoot() { // a root's anchor is its own height: every block commits anew
		require.Equal(t, f.at[2], f.at[3], "nothing committed changed in block 3")
	}
	return f
}

// apptestingValidatorKey is apptesting's fixed validator key of a chain.
func apptestingValidatorKey(chainID string) cmted25519.PrivKey {
	return cmted25519.GenPrivKeyFromSecret([]byte("slush-validator-" + chainID))
}

// childIdentity is v's identity before the election: epoch 0 under the old operator key.
func childIdentity() validiumtypes.TreeIdentity {
	return validiumtypes.TreeIdentity{
		Path: []uint32{1}, ParentChainId: "slush-root", MaxChildren: 3, MaxDepth: 16, OperatorKeyHash: oldKeyHash,
	}
}

// elected is p's record of child 1 after electing the new operator with commitment c.
func elected(c []byte, epoch uint64) fakeParent {
	return fakeParent{chainID: "slush-root", child: validiumtypes.Child{
		Index: 1, LatestCommitment: c, Epoch: epoch, OperatorKeyHash: newKeyHash,
		Status: validiumtypes.ChildStatus_CHILD_STATUS_ACTIVE,
	}}
}

// newOperatorHome is the new operator's node home holding its consensus key from seed.
func newOperatorHome(t *testing.T, key cmted25519.PrivKey) (string, *cmtcfg.Config) {
	t.Helper()
	cfg := cmtcfg.DefaultConfig()
	cfg.SetRoot(t.TempDir())
	require.NoError(t, os.MkdirAll(filepath.Dir(cfg.PrivValidatorKeyFile()), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Dir(cfg.PrivValidatorStateFile()), 0o755))
	privval.NewFilePV(key, cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile()).Save()
	return cfg.RootDir, cfg
}

// runAdopt runs `genesis adopt-export` in home against p, as the CLI's root would set it up.
func runAdopt(t *testing.T, a *app.App, cfg *cmtcfg.Config, exportFile string, p adoptParent, genesisTime time.Time) (string, error) {
	t.Helper()
	c := newAdoptExportCmd(a.BasicModuleManager, cfg.RootDir, func(client.Context, string) (adoptParent, error) { return p, nil })
	sctx := server.NewDefaultContext()
	sctx.Config = cfg
	clientCtx := client.Context{}.WithCodec(a.AppCodec()).WithInterfaceRegistry(a.InterfaceRegistry()).
		WithTxConfig(a.TxConfig()).WithLegacyAmino(a.LegacyAmino()).WithHomeDir(cfg.RootDir)
	ctx := context.WithValue(context.Background(), server.ServerContextKey, sctx)
	c.SetContext(context.WithValue(ctx, client.ClientContextKey, &clientCtx))
	var out bytes.Buffer
	c.SetOut(&out)
	c.SetErr(&out)
	c.SetArgs([]string{exportFile, "--node-p", "tcp://p.invalid:26657", "--home", cfg.RootDir,
		"--genesis-time", genesisTime.Format(time.RFC3339)})
	err := c.Execute()
	return out.String(), err
}

// TestAdoptExport: the elected operator's genesis from v's export is written only when the
// export is v's state at p's record of v and p elected a new operator of a single-validator
// chain; the restarted chain runs with the new key as its only validator and the new epoch.
func TestAdoptExport(t *testing.T) {
	v := newAdoptFixture(t, childIdentity(), true, nil)
	unsigned := newAdoptFixture(t, childIdentity(), false, nil)
	root := newAdoptFixture(t, validiumtypes.RootIdentity(), true, nil)
	twoVals := newAdoptFixture(t, childIdentity(), true, func(c *apptesting.Chain) {
		pk := cmted25519.GenPrivKeyFromSecret([]byte("second validator")).PubKey()
		sdkPk, err := cryptocodec.FromCmtPubKeyInterface(pk)
		require.NoError(t, err)
		msg, err := stakingtypes.NewMsgCreateValidator(sdk.ValAddress(c.Address(1)).String(), sdkPk,
			sdk.NewCoin("stake", sdk.DefaultPowerReduction), stakingtypes.Description{Moniker: "second"},
			stakingtypes.NewCommissionRates(sdkmath.LegacyNewDecWithPrec(1, 1), sdkmath.LegacyNewDecWithPrec(2, 1), sdkmath.LegacyNewDecWithPrec(1, 2)),
			sdkmath.OneInt())
		require.NoError(t, err)
		res, _ := c.NextBlock(c.SignTx(1, 0, msg))
		require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
		bonded, err := c.App.StakingKeeper.GetLastValidators(c.Context())
		require.NoError(t, err)
		require.Len(t, bonded, 2, "the test chain really has two bonded validators")
	})
	newKey := cmted25519.GenPrivKeyFromSecret([]byte("elected operator"))
	oldKey := apptestingValidatorKey(v.chain.ChainID)
	genesisTime := apptesting.GenesisTime.Add(time.Hour)

	for _, tc := range []struct {
		name string
		f    *adoptFixture
		p    fakeParent
		key  cmted25519.PrivKey
		err  []string
	}{
		{name: "elected: adopted, signing info moved", f: v, p: elected(v.newest, 1), key: newKey},
		{name: "elected: adopted, signing info started", f: unsigned, p: elected(unsigned.newest, 1), key: newKey},
		{name: "p holds an older commitment in the export", f: v, p: elected(v.at[1], 1), key: newKey,
			err: []string{"is not p's commitment of child 1", "made at height 1: export with --height 1"}},
		{name: "p holds a commitment of several heights", f: v, p: elected(v.at[2], 1), key: newKey,
			err: []string{"made at height 2 and stood through height 3: export with --height 2 (or any height up to 3)"}},
		{name: "p holds a commitment not in the export", f: v, p: elected(bytes.Repeat([]byte{1}, 32), 1), key: newKey,
			err: []string{"export at the height of commitment 0101", "commitment-by-hash"}},
		{name: "epoch not bumped", f: v, p: elected(v.newest, 0), key: newKey,
			err: []string{"p's epoch of child 1 is 0, the export's is 0", "elected no new operator"}},
		{name: "p is not v's parent", f: v, p: fakeParent{chainID: "slush-2", child: elected(v.newest, 1).child}, key: newKey,
			err: []string{`serves chain "slush-2"`, `parent is "slush-root"`}},
		{name: "root export", f: root, p: elected(root.newest, 1), key: newKey, err: []string{"root chain"}},
		{name: "two bonded validators", f: twoVals, p: elected(twoVals.newest, 1), key: newKey,
			err: []string{"2 bonded validators", "multi-validator failover is not supported"}},
		{name: "the old operator's consensus key", f: v, p: elected(v.newest, 1), key: oldKey,
			err: []string{"the old operator's"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home, cfg := newOperatorHome(t, tc.key)
			out, err := runAdopt(t, tc.f.chain.App, cfg, tc.f.exportFile, tc.p, genesisTime)
			if len(tc.err) > 0 {
				require.Error(t, err)
				for _, want := range tc.err {
					require.ErrorContains(t, err, want)
				}
				_, statErr := os.Stat(cfg.GenesisFile())
				require.True(t, os.IsNotExist(statErr), "no genesis written in %s", home)
				return
			}
			require.NoError(t, err, out)
			var summary AdoptSummary
			require.NoError(t, json.Unmarshal([]byte(out), &summary))
			newCons := sdk.ConsAddress(newKey.PubKey().Address())
			require.Equal(t, AdoptSummary{
				ChainID: tc.f.chain.ChainID, InitialHeight: tc.f.height + 1, Epoch: 1,
				OperatorKeyHash: hex.EncodeToString(newKeyHash), ValidatorConsAddress: newCons.String(),
				Commitment: hex.EncodeToString(tc.f.newest), CommitmentHeight: tc.f.height, GenesisFile: cfg.GenesisFile(),
			}, summary)
			requireAdoptedChainRuns(t, cfg.GenesisFile(), tc.f, newKey, oldKey, genesisTime, tc.f == v)
		})
	}
}

// requireAdoptedChainRuns starts a fresh app from the written genesis as CometBFT would
// (InitChain from the genesis doc), finalizes two blocks signed by the new key and checks the
// consensus set and the tree identity.
func requireAdoptedChainRuns(t *testing.T, genFile string, f *adoptFixture, newKey, oldKey cmted25519.PrivKey, genesisTime time.Time, signed bool) {
	t.Helper()
	gen, err := genutiltypes.AppGenesisFromFile(genFile)
	require.NoError(t, err)
	require.Equal(t, f.chain.ChainID, gen.ChainID)
	require.Equal(t, f.height+1, gen.InitialHeight)
	require.True(t, genesisTime.Equal(gen.GenesisTime))
	doc, err := gen.ToGenesisDoc()
	require.NoError(t, err)
	require.Len(t, doc.Validators, 1)
	require.True(t, newKey.PubKey().Equals(doc.Validators[0].PubKey))

	fresh := app.New(log.NewNopLogger(), dbm.NewMemDB(), nil, true,
		simtestutil.NewAppOptionsWithFlagHome(t.TempDir()), baseapp.SetChainID(doc.ChainID))
	vals := make([]*cmttypes.Validator, len(doc.Validators))
	for i, gv := range doc.Validators {
		vals[i] = cmttypes.NewValidator(gv.PubKey, gv.Power)
	}
	params := doc.ConsensusParams.ToProto()
	// baseapp refuses an InitChain whose validators differ from what x/staking returns
	_, err = fresh.InitChain(&abci.RequestInitChain{
		Time: doc.GenesisTime, ChainId: doc.ChainID, InitialHeight: doc.InitialHeight, ConsensusParams: &params,
		Validators: cmttypes.TM2PB.ValidatorUpdates(cmttypes.NewValidatorSet(vals)), AppStateBytes: doc.AppState,
	})
	require.NoError(t, err)

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

	keyHash, epoch, err := fresh.ValidiumKeeper.OwnOperator(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(1), epoch)
	require.Equal(t, newKeyHash, hash.EncodeElement(keyHash))
	own, err := fresh.BridgeKeeper.Commitments.Get(ctx, fresh.LastBlockHeight())
	require.NoError(t, err)
	require.Equal(t, uint64(1), own.Fields.Epoch, "the restarted chain commits under the new epoch")
	require.Equal(t, newKeyHash, own.Fields.OperatorKeyHash)
	require.Equal(t, f.height+2, fresh.LastBlockHeight())
}

// TestAdoptExportRegistered: the command is in `slushchaind genesis` with its flags.
func TestAdoptExportRegistered(t *testing.T) {
	c, _, err := NewRootCmd().Find([]string{"genesis", "adopt-export"})
	require.NoError(t, err)
	require.Equal(t, "adopt-export", c.Name())
	for _, f := range []string{"node-p", "genesis-time", "home"} {
		require.NotNil(t, c.Flags().Lookup(f), f)
	}
}

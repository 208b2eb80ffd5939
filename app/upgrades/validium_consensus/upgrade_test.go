package validium_consensus_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"
	upgradetypes "cosmossdk.io/x/upgrade/types"

	"github.com/cosmos/cosmos-sdk/codec"
	sdked25519 "github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/slush-tree/slush/app/apptesting"
	"github.com/slush-tree/slush/app/upgrades/validium_consensus"
	"github.com/slush-tree/slush/app/valset"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

const (
	// nValidators is the root's PoS set before the upgrade.
	nValidators = 4
	// votingPeriod is the test chains' governance voting period (blocks are 1 s apart).
	votingPeriod = 5 * time.Second
)

// operatorKey is the root operator's consensus key (a key no genesis validator has).
var operatorKey = cmted25519.GenPrivKeyFromSecret([]byte("slush-root-operator"))

// infoFor is the plan info naming key as the operator's consensus key, as show-validator prints it.
func infoFor(typeURL string, key []byte) string {
	return fmt.Sprintf(`{"operator_consensus_pubkey":{"@type":%q,"key":%q}}`, typeURL, base64.StdEncoding.EncodeToString(key))
}

// root is an in-process root with nValidators validators (all delegated by account 0) and a
// short voting period, and the CometBFT validator set it tracks from the blocks' updates.
type root struct {
	*apptesting.Chain
	// set is CometBFT's validator set: consensus pubkey → power.
	set map[string]int64
	// seq is each account's next sequence.
	seq map[int]uint64
}

// newRoot starts a root with n validators.
func newRoot(t *testing.T, n int) *root {
	t.Helper()
	chain := apptesting.NewChainWithValidators(t, treetypes.RootIdentity(), 3, n, shortVoting)
	r := &root{Chain: chain, set: map[string]int64{}, seq: map[int]uint64{}}
	for i := range n {
		r.set[string(apptesting.ValidatorKey(chain.ChainID, i).PubKey().Bytes())] = 1
	}
	return r
}

// shortVoting makes proposals pass votingPeriod after submission.
func shortVoting(cdc codec.Codec, appState map[string]json.RawMessage) {
	var gs govv1.GenesisState
	cdc.MustUnmarshalJSON(appState[govtypes.ModuleName], &gs)
	vp, expedited := votingPeriod, votingPeriod/2
	gs.Params.VotingPeriod, gs.Params.ExpeditedVotingPeriod = &vp, &expedited
	appState[govtypes.ModuleName] = cdc.MustMarshalJSON(&gs)
}

// block finalizes and commits one block with the last commit's votes and txs, and applies its
// validator updates to r.set as CometBFT does (refusing what CometBFT refuses).
func (r *root) block(votes []abci.VoteInfo, txs ...[]byte) *abci.ResponseFinalizeBlock {
	r.T.Helper()
	height := r.App.LastBlockHeight() + 1
	res, err := r.App.FinalizeBlock(&abci.RequestFinalizeBlock{
		Height: height, Time: apptesting.GenesisTime.Add(time.Duration(height) * time.Second), Txs: txs,
		DecidedLastCommit: abci.CommitInfo{Votes: votes},
	})
	require.NoError(r.T, err)
	_, err = r.App.Commit()
	require.NoError(r.T, err)
	for _, u := range res.ValidatorUpdates {
		key := string(u.PubKey.GetEd25519())
		if u.Power == 0 {
			_, known := r.set[key]
			require.True(r.T, known, "CometBFT refuses to remove a validator it does not have")
			delete(r.set, key)
		} else {
			r.set[key] = u.Power
		}
	}
	require.NotEmpty(r.T, r.set, "CometBFT refuses an empty validator set")
	return res
}

// tx signs msgs with account i and returns the encoded tx.
func (r *root) tx(i int, msgs ...sdk.Msg) []byte {
	r.T.Helper()
	bz := r.SignTx(i, r.seq[i], msgs...)
	r.seq[i]++
	return bz
}

// proposeUpgrade submits a validium-consensus plan with info (by account 0) and returns the tx
// result and the plan height: the block right after the vote ends, so that no block runs while
// the plan is pending (x/upgrade refuses those on a binary that has the handler).
func (r *root) proposeUpgrade(info string) (*abci.ExecTxResult, int64) {
	r.T.Helper()
	submitHeight := r.App.LastBlockHeight() + 1
	planHeight := submitHeight + int64(votingPeriod/time.Second) + 1
	plan := upgradetypes.Plan{Name: validium_consensus.UpgradeName, Height: planHeight, Info: info}
	msg, err := govv1.NewMsgSubmitProposal([]sdk.Msg{&upgradetypes.MsgSoftwareUpgrade{
		Authority: authtypes.NewModuleAddress(govtypes.ModuleName).String(), Plan: plan,
	}}, sdk.NewCoins(sdk.NewCoin("stake", sdkmath.NewInt(10_000_000))), r.Address(0).String(), "",
		"validium-consensus", "the root run by its operator (DESIGN §10)", false)
	require.NoError(r.T, err)
	res := r.block(nil, r.tx(0, msg))
	return res.TxResults[0], planHeight
}

// upgrade proposes the plan, votes it through with account 0 (which delegated every validator)
// and runs blocks up to the one before the plan height.
func (r *root) upgrade(info string) int64 {
	r.T.Helper()
	res, planHeight := r.proposeUpgrade(info)
	require.Zero(r.T, res.Code, res.Log)
	vote := r.block(nil, r.tx(0, govv1.NewMsgVote(r.Address(0), 1, govv1.OptionYes, "")))
	require.Zero(r.T, vote.TxResults[0].Code, vote.TxResults[0].Log)
	for r.App.LastBlockHeight() < planHeight-1 {
		r.block(nil)
	}
	plan, err := r.App.UpgradeKeeper.GetUpgradePlan(r.Context())
	require.NoError(r.T, err, "the proposal passed and scheduled the plan")
	require.Equal(r.T, planHeight, plan.Height)
	return planHeight
}

// operatorOnly is CometBFT's set holding the operator alone, at power 1.
func operatorOnly() map[string]int64 {
	return map[string]int64{string(operatorKey.PubKey().Bytes()): valset.OperatorPower}
}

// sortedPowers lists updates as "key:power", sorted.
func sortedPowers(updates []abci.ValidatorUpdate) []string {
	out := make([]string, len(updates))
	for i, u := range updates {
		out[i] = fmt.Sprintf("%x:%d", u.PubKey.GetEd25519(), u.Power)
	}
	sort.Strings(out)
	return out
}

// hasEvent tells whether events hold an event of the given type (a typed event's proto name).
func hasEvent(events []abci.Event, name string) bool {
	for _, e := range events {
		if e.Type == name {
			return true
		}
	}
	return false
}

// TestUpgradeHandsTheRootToItsOperator: the governance-passed plan runs at its height on a root
// with several validators; that block returns the operator at power 1 and every old validator at
// power 0, after which CometBFT's set is the operator alone; the operator then signs blocks; a
// new validator and a delegation move x/staking's set but no longer CometBFT's (DESIGN §10).
func TestUpgradeHandsTheRootToItsOperator(t *testing.T) {
	r := newRoot(t, nValidators)
	h := r.upgrade(infoFor(validium_consensus.Ed25519PubKeyType, operatorKey.PubKey().Bytes()))

	res := r.block(nil)
	require.Equal(t, h, r.App.LastBlockHeight())
	want := []abci.ValidatorUpdate{{PubKey: valset.OperatorUpdate(treetypes.ValidiumConsensus{
		OperatorConsensusPubkey: operatorKey.PubKey().Bytes(),
	}).PubKey, Power: 1}}
	for i := range nValidators {
		pk := apptesting.ValidatorKey(r.ChainID, i).PubKey().Bytes()
		want = append(want, abci.ValidatorUpdate{PubKey: valset.OperatorUpdate(treetypes.ValidiumConsensus{
			OperatorConsensusPubkey: pk,
		}).PubKey, Power: 0})
	}
	require.Equal(t, sortedPowers(want), sortedPowers(res.ValidatorUpdates))
	require.Equal(t, operatorOnly(), r.set, "CometBFT's set is the operator alone")
	require.True(t, hasEvent(res.Events, "slush.tree.v1.EventValidiumConsensus"))

	vc, under, err := r.App.TreeKeeper.ValidiumConsensusState(r.Context())
	require.NoError(t, err)
	require.True(t, under)
	require.Equal(t, treetypes.ValidiumConsensus{OperatorConsensusPubkey: operatorKey.PubKey().Bytes(), SinceHeight: h}, vc)
	done, err := r.App.UpgradeKeeper.GetDoneHeight(r.Context(), validium_consensus.UpgradeName)
	require.NoError(t, err)
	require.Equal(t, h, done)

	// the old set signs h+1 and h+2; from h+3 on the commit is the operator's, who is no staking validator
	r.block(nil)
	r.block(nil)
	operatorVote := []abci.VoteInfo{{
		Validator:   abci.Validator{Address: operatorKey.PubKey().Address(), Power: valset.OperatorPower},
		BlockIdFlag: 2, // BlockIDFlagCommit
	}}
	for range 3 {
		require.Empty(t, r.block(operatorVote).ValidatorUpdates)
	}

	// staking changes after the upgrade: x/staking's own set moves, CometBFT's does not
	newValKey := sdked25519.GenPrivKeyFromSecret([]byte("a new validator"))
	valAddr := sdk.ValAddress(r.Address(1))
	create, err := stakingtypes.NewMsgCreateValidator(valAddr.String(), newValKey.PubKey(),
		sdk.NewCoin("stake", sdkmath.NewInt(100_000_000)), stakingtypes.NewDescription("newcomer", "", "", "", ""),
		stakingtypes.NewCommissionRates(sdkmath.LegacyNewDecWithPrec(1, 1), sdkmath.LegacyNewDecWithPrec(2, 1),
			sdkmath.LegacyNewDecWithPrec(1, 2)), sdkmath.OneInt())
	require.NoError(t, err)
	oldVal := sdk.ValAddress(apptesting.ValidatorKey(r.ChainID, 1).PubKey().Address())
	delegate := stakingtypes.NewMsgDelegate(r.Address(2).String(), oldVal.String(), sdk.NewCoin("stake", sdkmath.NewInt(50_000_000)))
	res = r.block(operatorVote, r.tx(1, create), r.tx(2, delegate))
	for i, tr := range res.TxResults {
		require.Zerof(t, tr.Code, "tx %d: %s", i, tr.Log)
	}
	require.Empty(t, res.ValidatorUpdates, "x/staking's changes no longer reach CometBFT")
	for range 2 {
		require.Empty(t, r.block(operatorVote).ValidatorUpdates)
	}
	require.Equal(t, operatorOnly(), r.set)
	power, err := r.App.StakingKeeper.GetLastValidatorPower(r.Context(), valAddr)
	require.NoError(t, err)
	require.Equal(t, int64(100), power, "x/staking still runs its EndBlocker: the newcomer is bonded there")
	power, err = r.App.StakingKeeper.GetLastValidatorPower(r.Context(), oldVal)
	require.NoError(t, err)
	require.Equal(t, int64(51), power, "the delegation moved x/staking's power")

	// export, start a chain from the export as a node does from the genesis file, export again
	exported, err := r.App.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	require.Len(t, exported.Validators, 1)
	require.Equal(t, operatorKey.PubKey().Bytes(), exported.Validators[0].PubKey.Bytes())
	require.Equal(t, int64(valset.OperatorPower), exported.Validators[0].Power)

	imported, initRes := apptesting.NewChainFromExport(t, r.ChainID, exported)
	require.Equal(t, sortedPowers(want[:1]), sortedPowers(initRes.Validators), "the imported root starts with the operator alone")
	var appState map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(exported.AppState, &appState))
	var tgs treetypes.GenesisState
	require.NoError(t, imported.App.AppCodec().UnmarshalJSON(appState[treetypes.ModuleName], &tgs))
	require.Equal(t, &vc, tgs.ValidiumConsensus, "the export carries the validium consensus")
	require.JSONEq(t, string(exported.AppState), string(imported.ExportGenesisState()))
	for range 3 {
		next, _ := imported.NextBlock()
		require.Empty(t, next.ValidatorUpdates, "an imported root repeats no changeover")
	}
}

// TestUpgradeOperatorAlreadyValidator: when the operator's key is one of the old validators',
// the changeover names it once, at power 1 (CometBFT refuses a key twice in one update).
func TestUpgradeOperatorAlreadyValidator(t *testing.T) {
	r := newRoot(t, 3)
	key := apptesting.ValidatorKey(r.ChainID, 2).PubKey().Bytes()
	h := r.upgrade(infoFor(validium_consensus.Ed25519PubKeyType, key))
	res := r.block(nil)
	require.Equal(t, h, r.App.LastBlockHeight())
	require.Len(t, res.ValidatorUpdates, 3)
	require.Equal(t, map[string]int64{string(key): 1}, r.set)
}

// malformedInfos are plan infos that name no valid operator consensus key, with the error each gets.
func malformedInfos() []struct {
	name    string
	info    string
	wantErr *errorsmod.Error
} {
	notOnCurve := make([]byte, 32)
	notOnCurve[0] = 2
	return []struct {
		name    string
		info    string
		wantErr *errorsmod.Error
	}{
		{"empty", "", validium_consensus.ErrInvalidPlanInfo},
		{"not JSON", "operator=abc", validium_consensus.ErrInvalidPlanInfo},
		{"trailing data", infoFor(validium_consensus.Ed25519PubKeyType, operatorKey.PubKey().Bytes()) + "{}", validium_consensus.ErrInvalidPlanInfo},
		{"no key", `{"binaries":{}}`, validium_consensus.ErrInvalidPlanInfo},
		{"secp256k1 key", infoFor("/cosmos.crypto.secp256k1.PubKey", make([]byte, 33)), validium_consensus.ErrInvalidPlanInfo},
		{"short key", infoFor(validium_consensus.Ed25519PubKeyType, operatorKey.PubKey().Bytes()[:31]), treetypes.ErrInvalidConsensusKey},
		{"not a curve point", infoFor(validium_consensus.Ed25519PubKeyType, notOnCurve), treetypes.ErrInvalidConsensusKey},
		{"small-order key", infoFor(validium_consensus.Ed25519PubKeyType, make([]byte, 32)), treetypes.ErrInvalidConsensusKey},
	}
}

// TestParseInfo: a valid info (with cosmovisor's binaries alongside) yields the key; every
// malformed one a registered error.
func TestParseInfo(t *testing.T) {
	key := operatorKey.PubKey().Bytes()
	got, err := validium_consensus.ParseInfo(fmt.Sprintf(`{"binaries":{"linux/amd64":"https://x"},"operator_consensus_pubkey":{"@type":%q,"key":%q}}`,
		validium_consensus.Ed25519PubKeyType, base64.StdEncoding.EncodeToString(key)))
	require.NoError(t, err)
	require.Equal(t, key, got)
	for _, tc := range malformedInfos() {
		t.Run(tc.name, func(t *testing.T) {
			_, err := validium_consensus.ParseInfo(tc.info)
			require.ErrorIs(t, err, tc.wantErr)
		})
	}
}

// TestMalformedPlanRefusedAtSubmission: a proposal carrying a validium-consensus plan with a
// malformed info is refused when submitted (the ante handler), so it is never voted on; the
// chain goes on under x/staking.
func TestMalformedPlanRefusedAtSubmission(t *testing.T) {
	r := newRoot(t, 2)
	for _, tc := range malformedInfos() {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := r.proposeUpgrade(tc.info)
			require.Equal(t, tc.wantErr.Codespace(), res.Codespace, res.Log)
			require.Equal(t, tc.wantErr.ABCICode(), res.Code, res.Log)
			r.seq[0]-- // a tx refused by the ante handler does not increment the sequence
		})
	}
	_, err := r.App.UpgradeKeeper.GetUpgradePlan(r.Context())
	require.ErrorIs(t, err, upgradetypes.ErrNoUpgradePlanFound)
	require.Len(t, r.set, 2)
}

// TestMalformedPlanRefusedByHandler: a malformed plan that reached its height anyway (proposed
// on a binary without the submission check) is refused by the handler without halting: the
// block succeeds, EventValidiumConsensusRefused says why, and the root stays under x/staking.
func TestMalformedPlanRefusedByHandler(t *testing.T) {
	for _, tc := range malformedInfos()[4:6] { // wrong key type, bad key
		t.Run(tc.name, func(t *testing.T) {
			r := newRoot(t, 2)
			r.block(nil)
			ctx := r.Context()
			plan := upgradetypes.Plan{Name: validium_consensus.UpgradeName, Height: ctx.BlockHeight() + 1, Info: tc.info}
			require.NoError(t, r.App.UpgradeKeeper.ScheduleUpgrade(ctx, plan), "scheduled as an older binary would")

			res := r.block(nil)
			require.True(t, hasEvent(res.Events, "slush.tree.v1.EventValidiumConsensusRefused"))
			require.Empty(t, res.ValidatorUpdates)
			_, under, err := r.App.TreeKeeper.ValidiumConsensusState(r.Context())
			require.NoError(t, err)
			require.False(t, under, "the root stays under x/staking")

			// x/staking still decides the set: a new validator joins CometBFT's set
			newValKey := sdked25519.GenPrivKeyFromSecret([]byte("a new validator"))
			create, err := stakingtypes.NewMsgCreateValidator(sdk.ValAddress(r.Address(1)).String(), newValKey.PubKey(),
				sdk.NewCoin("stake", sdkmath.NewInt(3_000_000)), stakingtypes.NewDescription("newcomer", "", "", "", ""),
				stakingtypes.NewCommissionRates(sdkmath.LegacyNewDecWithPrec(1, 1), sdkmath.LegacyNewDecWithPrec(2, 1),
					sdkmath.LegacyNewDecWithPrec(1, 2)), sdkmath.OneInt())
			require.NoError(t, err)
			res = r.block(nil, r.tx(1, create))
			require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
			require.Len(t, res.ValidatorUpdates, 1)
			require.Len(t, r.set, 3)
		})
	}
}

// TestPlanRefusedOffRoot: a validium-consensus plan is the root's only (DESIGN §10).
func TestPlanRefusedOffRoot(t *testing.T) {
	id := treetypes.TreeIdentity{Path: []uint32{1, 2}, ParentChainId: "slush-1", MaxChildren: 3, MaxDepth: 16}
	chain := apptesting.NewChain(t, id, 1)
	chain.NextBlock()
	plan := upgradetypes.Plan{Name: validium_consensus.UpgradeName, Height: 10,
		Info: infoFor(validium_consensus.Ed25519PubKeyType, operatorKey.PubKey().Bytes())}
	err := validium_consensus.ValidatePlan(chain.Context(), chain.App.TreeKeeper, plan)
	require.ErrorIs(t, err, validium_consensus.ErrInvalidPlanInfo)
}

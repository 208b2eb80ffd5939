package adopt_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	cmtcrypto "github.com/cometbft/cometbft/crypto"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	cmtsecp256k1 "github.com/cometbft/cometbft/crypto/secp256k1"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	cryptocodec "github.com/cosmos/cosmos-sdk/crypto/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/slush-tree/slush/app"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/internal/adopt"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

var (
	oldKey   = cmted25519.GenPrivKeyFromSecret([]byte("old operator")).PubKey()
	newKey   = cmted25519.GenPrivKeyFromSecret([]byte("elected operator")).PubKey()
	otherKey = cmted25519.GenPrivKeyFromSecret([]byte("another validator")).PubKey()
	// commitments A (height 5), B (heights 6 and 7) and C (height 8, the export's newest)
	commitA, commitB, commitC = element(1), element(2), element(3)
	genesisTime               = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
)

// element is a distinct canonical 32-byte field element per n.
func element(n uint64) []byte { return hash.EncodeElement(hash.Uint64(n)) }

// consAddr is the bech32 consensus address of a key.
func consAddr(pk cmtcrypto.PubKey) string { return sdk.ConsAddress(pk.Address()).String() }

// export is the parts of child 1-2's export the tests vary; build encodes them.
type export struct {
	tree      *treetypes.GenesisState
	staking   *stakingtypes.GenesisState
	slashing  *slashingtypes.GenesisState
	distr     *distrtypes.GenesisState
	consensus *genutiltypes.ConsensusGenesis
	initial   int64
	extra     map[string]codec.ProtoMarshaler  // more module states (the root's x/validium, x/election, x/bank)
	appState  func(map[string]json.RawMessage) // a last edit of the encoded app state
	raw       []byte                           // the app state's bytes instead, if set
}

// validator is a staking validator with consensus key pk (nil: none) and status.
func validator(t *testing.T, seed string, pk cmtcrypto.PubKey, status stakingtypes.BondStatus) stakingtypes.Validator {
	t.Helper()
	v := stakingtypes.Validator{OperatorAddress: sdk.ValAddress([]byte(seed)).String(), Status: status,
		Tokens: sdkmath.NewInt(10_000_000), DelegatorShares: sdkmath.LegacyNewDec(10_000_000)}
	if pk != nil {
		sdkPk, err := cryptocodec.FromCmtPubKeyInterface(pk)
		require.NoError(t, err)
		v, err = stakingtypes.NewValidator(v.OperatorAddress, sdkPk, stakingtypes.Description{Moniker: seed})
		require.NoError(t, err)
		v.Status, v.Tokens, v.DelegatorShares = status, sdkmath.NewInt(10_000_000), sdkmath.LegacyNewDec(10_000_000)
	}
	return v
}

// newExport is child 1-2 of slush-1 at epoch 0, exported at height 8: its bonded validator signs
// with oldKey (with a signing info and a missed block), an unbonded one with otherKey.
func newExport(t *testing.T) *export {
	t.Helper()
	staking := stakingtypes.DefaultGenesisState()
	staking.Validators = []stakingtypes.Validator{
		validator(t, "old-operator", oldKey, stakingtypes.Bonded), validator(t, "another", otherKey, stakingtypes.Unbonded),
	}
	slashing := slashingtypes.DefaultGenesisState()
	slashing.SigningInfos = []slashingtypes.SigningInfo{{Address: consAddr(oldKey), ValidatorSigningInfo: slashingtypes.ValidatorSigningInfo{
		Address: consAddr(oldKey), StartHeight: 1, JailedUntil: time.Unix(0, 0).UTC(), MissedBlocksCounter: 1,
	}}}
	slashing.MissedBlocks = []slashingtypes.ValidatorMissedBlocks{{Address: consAddr(oldKey), MissedBlocks: []slashingtypes.MissedBlock{{Index: 5, Missed: true}}}}
	distr := distrtypes.DefaultGenesisState()
	distr.PreviousProposer = consAddr(oldKey)
	tree := treetypes.DefaultGenesisState()
	tree.Identity = treetypes.TreeIdentity{Path: []uint32{1, 2}, ParentChainId: "slush-1", MaxChildren: 3, MaxDepth: 16, OperatorKeyHash: element(101)}
	tree.Commitments = []treetypes.OwnCommitment{
		{Height: 5, Commitment: commitA}, {Height: 6, Commitment: commitB}, {Height: 7, Commitment: commitB}, {Height: 8, Commitment: commitC},
	}
	params := cmttypes.DefaultConsensusParams()
	return &export{
		tree: tree, staking: staking, slashing: slashing, distr: distr, initial: 9,
		consensus: &genutiltypes.ConsensusGenesis{Params: params, Validators: []cmttypes.GenesisValidator{
			{Address: oldKey.Address(), PubKey: oldKey, Power: 10, Name: "old"},
		}},
	}
}

// build encodes the export as `slushchaind export` writes it.
func (e *export) build(t *testing.T, cdc codec.JSONCodec) *genutiltypes.AppGenesis {
	t.Helper()
	appState := map[string]json.RawMessage{"bank": json.RawMessage(`{"kept":"as exported"}`)}
	for name, gs := range map[string]codec.ProtoMarshaler{
		treetypes.ModuleName: e.tree, stakingtypes.ModuleName: e.staking,
		slashingtypes.ModuleName: e.slashing, distrtypes.ModuleName: e.distr,
	} {
		appState[name] = cdc.MustMarshalJSON(gs)
	}
	for name, gs := range e.extra {
		appState[name] = cdc.MustMarshalJSON(gs)
	}
	if e.appState != nil {
		e.appState(appState)
	}
	bz, err := json.Marshal(appState)
	require.NoError(t, err)
	if e.raw != nil {
		bz = e.raw
	}
	return &genutiltypes.AppGenesis{AppName: "slushchaind", ChainID: "slush-1-2", InitialHeight: e.initial,
		GenesisTime: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), AppState: bz, Consensus: e.consensus}
}

// elected is p (slush-1) holding child 2 at commitment c under epoch 1 and the elected key hash.
func elected(c []byte) adopt.Parent {
	return adopt.Parent{ChainID: "slush-1", Child: validiumtypes.Child{
		Index: 2, LatestCommitment: c, Epoch: 1, OperatorKeyHash: element(202), Status: validiumtypes.ChildStatus_CHILD_STATUS_ACTIVE,
	}}
}

// unsupportedKey is a consensus key type the SDK cannot hold.
type unsupportedKey struct{ cmtcrypto.PubKey }

// Type is a key type no SDK codec knows.
func (unsupportedKey) Type() string { return "unsupported" }

// TestGenesis: the adopted genesis is the export with the elected identity and the new key as
// its single validator, everywhere the old key was; the export itself is left as it was.
func TestGenesis(t *testing.T) {
	app.SetAddressPrefixes()
	cdc := app.MakeEncodingConfig().Codec
	exp := newExport(t).build(t, cdc)
	exportBz, err := json.Marshal(exp)
	require.NoError(t, err)

	index, err := adopt.ChildIndex(cdc, exp)
	require.NoError(t, err)
	require.Equal(t, uint32(2), index)

	gen, summary, err := adopt.Genesis(cdc, adopt.Input{Export: exp, ConsensusKey: newKey, Parent: elected(commitC), GenesisTime: genesisTime})
	require.NoError(t, err)
	require.Equal(t, adopt.Summary{
		ChainID: "slush-1-2", InitialHeight: 9, Epoch: 1, OperatorKeyHash: hex.EncodeToString(element(202)),
		ValidatorConsAddress: consAddr(newKey), Commitment: hex.EncodeToString(commitC), CommitmentHeight: 8,
	}, summary)
	after, err := json.Marshal(exp)
	require.NoError(t, err)
	require.Equal(t, exportBz, after, "the export is not modified")

	require.Equal(t, "slush-1-2", gen.ChainID)
	require.Equal(t, int64(9), gen.InitialHeight)
	require.Equal(t, genesisTime, gen.GenesisTime)
	require.Equal(t, []cmttypes.GenesisValidator{{Address: newKey.Address(), PubKey: newKey, Power: 10, Name: "old"}}, gen.Consensus.Validators)
	require.Equal(t, exp.Consensus.Params, gen.Consensus.Params)

	var appState map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(gen.AppState, &appState))
	require.JSONEq(t, `{"kept":"as exported"}`, string(appState["bank"]), "other modules are as exported")
	var tree treetypes.GenesisState
	cdc.MustUnmarshalJSON(appState[treetypes.ModuleName], &tree)
	require.Equal(t, uint64(1), tree.Identity.Epoch)
	require.Equal(t, element(202), tree.Identity.OperatorKeyHash)
	require.Len(t, tree.Commitments, 4, "the history is kept")
	var staking stakingtypes.GenesisState
	cdc.MustUnmarshalJSON(appState[stakingtypes.ModuleName], &staking)
	require.NoError(t, staking.UnpackInterfaces(cdc.(codec.Codec).InterfaceRegistry()))
	pk, err := staking.Validators[0].ConsPubKey()
	require.NoError(t, err)
	require.Equal(t, newKey.Address().Bytes(), pk.Address().Bytes())
	require.Equal(t, sdk.ValAddress([]byte("old-operator")).String(), staking.Validators[0].OperatorAddress, "the operator account stays")
	var slashing slashingtypes.GenesisState
	cdc.MustUnmarshalJSON(appState[slashingtypes.ModuleName], &slashing)
	require.Len(t, slashing.SigningInfos, 1)
	require.Equal(t, consAddr(newKey), slashing.SigningInfos[0].Address)
	require.Equal(t, consAddr(newKey), slashing.SigningInfos[0].ValidatorSigningInfo.Address)
	require.Equal(t, int64(1), slashing.SigningInfos[0].ValidatorSigningInfo.MissedBlocksCounter)
	require.Equal(t, consAddr(newKey), slashing.MissedBlocks[0].Address)
	var distr distrtypes.GenesisState
	cdc.MustUnmarshalJSON(appState[distrtypes.ModuleName], &distr)
	require.Equal(t, consAddr(newKey), distr.PreviousProposer)
}

// TestGenesisStartsSigningInfo: a validator bonded in genesis itself has no signing info; the
// new key gets one from the restart height, as x/slashing's bond hook would have made.
func TestGenesisStartsSigningInfo(t *testing.T) {
	app.SetAddressPrefixes()
	cdc := app.MakeEncodingConfig().Codec
	e := newExport(t)
	e.slashing = slashingtypes.DefaultGenesisState()
	gen, _, err := adopt.Genesis(cdc, adopt.Input{Export: e.build(t, cdc), ConsensusKey: newKey, Parent: elected(commitC), GenesisTime: genesisTime})
	require.NoError(t, err)
	var appState map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(gen.AppState, &appState))
	var slashing slashingtypes.GenesisState
	cdc.MustUnmarshalJSON(appState[slashingtypes.ModuleName], &slashing)
	require.Equal(t, []slashingtypes.SigningInfo{{Address: consAddr(newKey), ValidatorSigningInfo: slashingtypes.ValidatorSigningInfo{
		Address: consAddr(newKey), StartHeight: 9, JailedUntil: time.Unix(0, 0).UTC(),
	}}}, slashing.SigningInfos)
}

// TestGenesisRefusals: every check of the export, the new key and p's record refuses on its own.
func TestGenesisRefusals(t *testing.T) {
	app.SetAddressPrefixes()
	cdc := app.MakeEncodingConfig().Codec
	for _, tc := range []struct {
		name string
		edit func(e *export)
		key  cmtcrypto.PubKey
		p    adopt.Parent
		err  string
	}{
		{name: "no consensus section", edit: func(e *export) { e.consensus = nil }, err: "no consensus section"},
		{name: "app state not JSON", edit: func(e *export) { e.raw = []byte(`{"bank":`) }, err: "the export's app_state"},
		{name: "no slashing state", edit: func(e *export) {
			e.appState = func(s map[string]json.RawMessage) { delete(s, slashingtypes.ModuleName) }
		}, err: "the export has no slashing state"},
		{name: "undecodable tree state", edit: func(e *export) {
			e.appState = func(s map[string]json.RawMessage) { s[treetypes.ModuleName] = json.RawMessage(`{"identity":5}`) }
		}, err: "the export's tree state"},
		{name: "a root", edit: func(e *export) { e.tree.Identity = treetypes.RootIdentity() }, err: "the export is of a root chain"},
		{name: "no own commitment", edit: func(e *export) { e.tree.Commitments = nil }, err: "holds no own commitment"},
		{name: "exported past the newest commitment", edit: func(e *export) { e.initial = 10 },
			err: "the export starts at height 10 but its newest own commitment is of height 8: export with --height 8"},
		{name: "two bonded validators", edit: func(e *export) { e.staking.Validators[1].Status = stakingtypes.Bonded },
			err: "the export has 2 bonded validators (1 in its consensus set): only a single-validator chain can be adopted; multi-validator failover is not supported"},
		{name: "two consensus validators", edit: func(e *export) {
			e.consensus.Validators = append(e.consensus.Validators, cmttypes.GenesisValidator{Address: otherKey.Address(), PubKey: otherKey, Power: 1})
		}, err: "(2 in its consensus set)"},
		{name: "the consensus validator is another", edit: func(e *export) {
			e.consensus.Validators[0] = cmttypes.GenesisValidator{Address: otherKey.Address(), PubKey: otherKey, Power: 10}
		}, err: "the export's consensus validator is not its bonded staking validator"},
		{name: "the bonded validator has no consensus key", edit: func(e *export) {
			e.staking.Validators[0] = validator(t, "old-operator", nil, stakingtypes.Bonded)
		}, err: "has no consensus key"},
		{name: "a key type the SDK cannot hold", key: unsupportedKey{newKey}, err: "the new validator key"},
		{name: "a key type the chain does not allow", key: cmtsecp256k1.GenPrivKeySecp256k1([]byte("secp")).PubKey(),
			err: "the new validator key is secp256k1; the chain's consensus params allow [ed25519]"},
		{name: "the old operator's key", key: oldKey, err: "this home's validator key is the old operator's"},
		{name: "another validator's key", key: otherKey, err: "is already validator " + sdk.ValAddress([]byte("another")).String() + "'s"},
		{name: "p is not the parent", p: adopt.Parent{ChainID: "slush-2", Child: elected(commitC).Child},
			err: `p serves chain "slush-2"; the export's parent is "slush-1"`},
		{name: "p holds an older commitment", p: elected(commitB),
			err: "is not p's commitment of child 2"},
		{name: "p elected no one", p: func() adopt.Parent { p := elected(commitC); p.Child.Epoch = 0; return p }(),
			err: "p's epoch of child 2 is 0, the export's is 0: p elected no new operator"},
		{name: "p's key hash not canonical", p: func() adopt.Parent {
			p := elected(commitC)
			p.Child.OperatorKeyHash = bytes.Repeat([]byte{0xff}, 32)
			return p
		}(), err: "p's operator key hash of child 2"},
		{name: "the new key already has a signing info", edit: func(e *export) {
			e.slashing.SigningInfos = append(e.slashing.SigningInfos, slashingtypes.SigningInfo{Address: consAddr(newKey),
				ValidatorSigningInfo: slashingtypes.ValidatorSigningInfo{Address: consAddr(newKey), JailedUntil: time.Unix(0, 0).UTC()}})
		}, err: "x/slashing already has a signing info for the new consensus address"},
		{name: "a signing info of a malformed address", edit: func(e *export) { e.slashing.SigningInfos[0].Address = "nonsense" },
			err: "x/slashing signing info nonsense"},
		{name: "missed blocks of a malformed address", edit: func(e *export) { e.slashing.MissedBlocks[0].Address = "nonsense" },
			err: "x/slashing missed blocks nonsense"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newExport(t)
			if tc.edit != nil {
				tc.edit(e)
			}
			key, p := tc.key, tc.p
			if key == nil {
				key = newKey
			}
			if p.ChainID == "" {
				p = elected(commitC)
			}
			gen, _, err := adopt.Genesis(cdc, adopt.Input{Export: e.build(t, cdc), ConsensusKey: key, Parent: p, GenesisTime: genesisTime})
			require.ErrorContains(t, err, tc.err)
			require.Nil(t, gen)
		})
	}
}

// TestChildIndex: the index to ask p about comes only from an export x/tree accepts.
func TestChildIndex(t *testing.T) {
	app.SetAddressPrefixes()
	cdc := app.MakeEncodingConfig().Codec
	root := newExport(t)
	root.tree.Identity = treetypes.RootIdentity()
	_, err := adopt.ChildIndex(cdc, root.build(t, cdc))
	require.ErrorContains(t, err, "root chain")
	late := newExport(t)
	late.initial = 12
	_, err = adopt.ChildIndex(cdc, late.build(t, cdc))
	require.ErrorContains(t, err, "export with --height 8")
	noConsensus := newExport(t)
	noConsensus.consensus = nil
	_, err = adopt.ChildIndex(cdc, noConsensus.build(t, cdc))
	require.ErrorContains(t, err, "no consensus section")
}

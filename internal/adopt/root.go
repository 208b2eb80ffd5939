package adopt

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	cmtcrypto "github.com/cometbft/cometbft/crypto"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/slush-tree/slush/app/encoding"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// rootOperatorPower and rootOperatorName are the restarted root's one genesis validator, as
// app/valset writes an export of a root under validium consensus (power 1).
const (
	rootOperatorPower = 1
	rootOperatorName  = "root operator"
)

// Replica is what a child of the root, one replica of the root re-election (DESIGN §10), says
// about the election that replaced the root's operator.
type Replica struct {
	// ChainID is the chain-id the replica's node serves.
	ChainID string
	// ParentChainID is the replica's parent chain-id: the root's, which must be the export's.
	ParentChainID string
	// Result is the replica's result for the export's root epoch.
	Result electiontypes.RootElectionResult
}

// RootInput is everything the restarted root's genesis is made from.
type RootInput struct {
	// Export is the root's `slushchaind export` at or above the election's base root height.
	Export *genutiltypes.AppGenesis
	// ConsensusKey is the elected operator's CometBFT consensus key (this home's).
	ConsensusKey cmtcrypto.PubKey
	// Replica is a child of the root's answer about the election.
	Replica Replica
	// GenesisTime is the restarted root's genesis time.
	GenesisTime time.Time
}

// RootEpoch reports whether the export is of the root chain and, if so, its operator epoch: the
// epoch whose re-election result the caller asks a replica for.
func RootEpoch(cdc codec.JSONCodec, export *genutiltypes.AppGenesis) (uint64, bool, error) {
	st, err := decodeStates(cdc, export)
	if err != nil {
		return 0, false, err
	}
	return st.tree.Identity.Epoch, st.tree.Identity.IsRoot(), nil
}

// RootGenesis turns an export of the root into the genesis of the root restarted under the
// operator its children elected (DESIGN §10): the export is the root's state under validium
// consensus, its newest commitment made at the height before the export's initial height, and it
// holds the election's base commitment at the base root height; its tree identity gets epoch + 1
// and the elected operator key hash; its validium consensus and its one genesis validator (power
// 1) the elected consensus key, which must be in.ConsensusKey. The replaced epoch's root bond, if
// any, is slashed (slashRootBond: x/validium and x/bank edited). x/staking, x/slashing and
// x/distribution are kept as exported: under validium consensus they decide no validator and see
// no commit votes (app/valset).
func RootGenesis(cdc codec.JSONCodec, in RootInput) (*genutiltypes.AppGenesis, Summary, error) {
	st, err := decodeStates(cdc, in.Export)
	if err != nil {
		return nil, Summary{}, err
	}
	newest, err := st.tree.ExportedRoot(in.Export.InitialHeight)
	if err != nil {
		return nil, Summary{}, err
	}
	result := in.Replica.Result
	if in.Replica.ParentChainID != in.Export.ChainID {
		return nil, Summary{}, fmt.Errorf("the replica %q is a child of %q, the export is of %q", in.Replica.ChainID,
			in.Replica.ParentChainID, in.Export.ChainID)
	}
	if err := st.tree.CheckRootBase(result.BaseRootHeight, result.BaseCommitment); err != nil {
		return nil, Summary{}, err
	}
	key, err := electedKey(in.ConsensusKey, result.Elected, in.Export.Consensus)
	if err != nil {
		return nil, Summary{}, err
	}
	replaced := st.tree.Identity
	if st.tree.Identity, err = st.tree.Identity.ReelectedRoot(result.Epoch, result.Elected.OperatorKeyHash); err != nil {
		return nil, Summary{}, err
	}
	// DESIGN §10: the old operator's bond is slashed, here, in the restarted root's genesis
	bond, err := st.slashRootBond(cdc, replaced.Epoch, replaced.OperatorKeyHash)
	if err != nil {
		return nil, Summary{}, err
	}
	vc, err := st.tree.ValidiumConsensus.Elected(key.Bytes())
	if err != nil {
		return nil, Summary{}, err
	}
	st.tree.ValidiumConsensus = &vc
	gen, err := st.rootGenesis(cdc, in, key)
	if err != nil {
		return nil, Summary{}, err
	}
	cons, err := addresscodec.NewBech32Codec(encoding.Bech32PrefixConsAddr).BytesToString(key.Address())
	if err != nil {
		return nil, Summary{}, err
	}
	id := st.tree.Identity
	return gen, Summary{
		ChainID: gen.ChainID, InitialHeight: gen.InitialHeight, Epoch: id.Epoch,
		OperatorKeyHash: hex.EncodeToString(id.OperatorKeyHash), ValidatorConsAddress: cons,
		Commitment: hex.EncodeToString(newest.Commitment), CommitmentHeight: newest.Height, RootBond: &bond,
	}, nil
}

// electedKey checks that key, this home's consensus key, is the elected candidate's, an ed25519
// key the chain's consensus params allow.
func electedKey(key cmtcrypto.PubKey, elected electiontypes.RootCandidate, consensus *genutiltypes.ConsensusGenesis) (cmted25519.PubKey, error) {
	ed, ok := key.(cmted25519.PubKey)
	if !ok {
		return nil, fmt.Errorf("this home's validator key is %s: the root's operator signs with ed25519", key.Type())
	}
	if !bytes.Equal(ed.Bytes(), elected.ConsensusPubkey) {
		return nil, fmt.Errorf("this home's validator key %X is not the elected consensus key %X: run this in the elected operator's home",
			ed.Bytes(), elected.ConsensusPubkey)
	}
	if params := consensus.Params; params != nil && !slices.Contains(params.Validator.PubKeyTypes, ed.Type()) {
		return nil, fmt.Errorf("the elected key is %s; the chain's consensus params allow %v", ed.Type(), params.Validator.PubKeyTypes)
	}
	return ed, nil
}

// errNoRootValidator refuses a root export whose consensus section names no validator.
var errNoRootValidator = errors.New("the root export names no genesis validator")

// rootGenesis is the export with the edited x/tree state, in.GenesisTime and the elected key as
// the single consensus validator at power 1.
func (s *states) rootGenesis(cdc codec.JSONCodec, in RootInput, key cmted25519.PubKey) (*genutiltypes.AppGenesis, error) {
	if len(in.Export.Consensus.Validators) == 0 {
		return nil, errNoRootValidator
	}
	gen, err := s.edited(cdc, in.Export, in.GenesisTime, moduleState{treetypes.ModuleName, &s.tree})
	if err != nil {
		return nil, err
	}
	gen.Consensus = &genutiltypes.ConsensusGenesis{
		Params:     in.Export.Consensus.Params,
		Validators: []cmttypes.GenesisValidator{{Address: key.Address(), PubKey: key, Power: rootOperatorPower, Name: rootOperatorName}},
	}
	return gen, nil
}

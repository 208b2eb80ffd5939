// Package adopt makes the genesis a re-elected operator restarts a child chain from (DESIGN §9
// failover): a pure function of the child's export, the new consensus key and p's record of the
// child, with no file or network access. `slushchaind genesis adopt-export` reads its inputs and
// writes its result. The protocol checks are x/tree's (types/failover.go); the validator-key swap
// in the SDK modules' states is here. RootGenesis does the same for the root (DESIGN §10), and
// ArrivedGenesis for a chain that left its frozen parent and restarts under the parent it arrived
// at (docs/PROTOCOL.md "Re-parenting" 8.).
package adopt

import (
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	cmtcrypto "github.com/cometbft/cometbft/crypto"

	"github.com/cosmos/cosmos-sdk/codec"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	treetypes "github.com/slush-tree/slush/x/tree/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// Parent is what p, the parent that re-elected the child's operator, says about the child.
type Parent struct {
	// ChainID is the chain-id p's node serves.
	ChainID string
	// Child is p's record of the child: after the election, rolled back to the finalized
	// commitment, with the elected operator key hash and a bumped epoch.
	Child validiumtypes.Child
}

// Input is everything the adopted genesis is made from.
type Input struct {
	// Export is the child's `slushchaind export` at the height of p's commitment of it.
	Export *genutiltypes.AppGenesis
	// ConsensusKey is the new operator's CometBFT consensus key.
	ConsensusKey cmtcrypto.PubKey
	// Parent is p's answer about the child.
	Parent Parent
	// GenesisTime is the restarted chain's genesis time.
	GenesisTime time.Time
}

// Summary is what adopt-export prints: the restarted chain as the adopted genesis starts it.
type Summary struct {
	// ChainID is the chain-id, unchanged from the export.
	ChainID string `json:"chain_id"`
	// InitialHeight is the first block of the restarted chain: the export's height + 1.
	InitialHeight int64 `json:"initial_height"`
	// Epoch is the operator epoch p installed (DESIGN §9).
	Epoch uint64 `json:"epoch"`
	// OperatorKeyHash is the elected operator key hash (hex).
	OperatorKeyHash string `json:"operator_key_hash"`
	// ValidatorConsAddress is the new operator's consensus address (bech32, valcons prefix).
	ValidatorConsAddress string `json:"validator_cons_address"`
	// Commitment is the export's newest own commitment, equal to p's record of the child (hex).
	Commitment string `json:"commitment"`
	// CommitmentHeight is the height of the old chain that commitment was stored at.
	CommitmentHeight int64 `json:"commitment_height"`
	// RootBond is, for a restarted root, what its genesis did with the replaced epoch's root bond
	// (DESIGN §10); nil for a child.
	RootBond *RootBondSlash `json:"root_bond,omitempty"`
	// GenesisFile is where the genesis was written (set by the command that writes it).
	GenesisFile string `json:"genesis_file,omitempty"`
}

// ChildIndex is the index p knows the exported child by, which is what to ask p about, once
// the export passes x/tree's checks (a child's state, exported at its newest own commitment).
func ChildIndex(cdc codec.JSONCodec, export *genutiltypes.AppGenesis) (uint32, error) {
	st, err := decodeStates(cdc, export)
	if err != nil {
		return 0, err
	}
	index, _, err := st.tree.ExportedChild(export.InitialHeight)
	return index, err
}

// Genesis turns an export of the child v into the genesis of v restarted under the operator p
// elected (DESIGN §9): checked against p's record of v, with p's epoch and operator key hash
// in v's tree identity and in.ConsensusKey as the single validator's consensus key. The
// validator's operator account and delegations stay the old operator's.
func Genesis(cdc codec.JSONCodec, in Input) (*genutiltypes.AppGenesis, Summary, error) {
	st, err := decodeStates(cdc, in.Export)
	if err != nil {
		return nil, Summary{}, err
	}
	_, newest, err := st.tree.ExportedChild(in.Export.InitialHeight)
	if err != nil {
		return nil, Summary{}, err
	}
	swap, err := newKeySwap(st.staking, in.Export.Consensus, in.ConsensusKey)
	if err != nil {
		return nil, Summary{}, err
	}
	if st.tree.Identity, err = reelectedIdentity(st.tree, newest, in.Parent); err != nil {
		return nil, Summary{}, err
	}
	newCons, err := swap.apply(st, in.Export.InitialHeight)
	if err != nil {
		return nil, Summary{}, err
	}
	gen, err := st.genesis(cdc, in, swap)
	if err != nil {
		return nil, Summary{}, err
	}
	id := st.tree.Identity
	return gen, Summary{
		ChainID: gen.ChainID, InitialHeight: gen.InitialHeight, Epoch: id.Epoch,
		OperatorKeyHash: hex.EncodeToString(id.OperatorKeyHash), ValidatorConsAddress: newCons,
		Commitment: hex.EncodeToString(newest.Commitment), CommitmentHeight: newest.Height,
	}, nil
}

// reelectedIdentity is v's identity under the operator p elected, after x/tree's checks of p's
// record against the export: p is v's parent and holds v at the export's newest commitment
// under a newer epoch.
func reelectedIdentity(tgs treetypes.GenesisState, newest treetypes.OwnCommitment, p Parent) (treetypes.TreeIdentity, error) {
	if err := tgs.Identity.CheckParent(p.ChainID); err != nil {
		return treetypes.TreeIdentity{}, err
	}
	if err := tgs.CheckParentCommitment(newest, p.Child.LatestCommitment); err != nil {
		return treetypes.TreeIdentity{}, err
	}
	return tgs.Identity.Reelected(p.Child.Epoch, p.Child.OperatorKeyHash)
}

// errNoConsensus refuses an export without the consensus section `slushchaind export` writes.
var errNoConsensus = errors.New("the export has no consensus section")

// moduleError names the module whose exported state is missing or undecodable.
func moduleError(module string, err error) error {
	if err == nil {
		return fmt.Errorf("the export has no %s state", module)
	}
	return fmt.Errorf("the export's %s state: %w", module, err)
}

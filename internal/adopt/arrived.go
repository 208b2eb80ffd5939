package adopt

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	cmtcrypto "github.com/cometbft/cometbft/crypto"

	"github.com/cosmos/cosmos-sdk/codec"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	slushtypes "github.com/slush-tree/slush/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// NewParent is what q, the chain a child of a frozen parent arrived at (docs/PROTOCOL.md
// "Leaving a frozen parent"), says about it.
type NewParent struct {
	// ChainID is the chain-id q's node serves.
	ChainID string
	// Path is q's tree path (its tree identity).
	Path []uint32
	// Child is q's record of the arrived chain: its arrived_from is the chain's old path, and it
	// starts from the commitment C_v the chain left with (x/validium startFromArrival).
	Child validiumtypes.Child
}

// ArrivedInput is everything the genesis of a chain restarted under its new parent is made from.
type ArrivedInput struct {
	// Export is the chain's `slushchaind export --height H`, H the height it made C_v at.
	Export *genutiltypes.AppGenesis
	// NewParent is q's answer about the chain.
	NewParent NewParent
	// Client is the trusted light-client state of q (internal/parentsync TrustedState bytes).
	Client []byte
	// ConsensusKey is this home's consensus key: it must be one of the export's validators,
	// which the restarted chain keeps.
	ConsensusKey cmtcrypto.PubKey
	// GenesisTime is the restarted chain's genesis time; Client must be current at it.
	GenesisTime time.Time
}

// ArrivedSummary is what adopt-export --arrived-at prints: the chain as the genesis restarts it.
type ArrivedSummary struct {
	// ChainID is the chain-id, unchanged from the export.
	ChainID string `json:"chain_id"`
	// InitialHeight is the first block of the restarted chain: the export's height + 1.
	InitialHeight int64 `json:"initial_height"`
	// OldPath is the chain's path under its frozen parent ("1-2").
	OldPath string `json:"old_path"`
	// NewPath is its path under q: q's path and the index q registered it at.
	NewPath string `json:"new_path"`
	// NewParentChainID is q's chain-id, the restarted chain's parent chain-id.
	NewParentChainID string `json:"new_parent_chain_id"`
	// Commitment is C_v, the export's newest own commitment, the state q's record starts from (hex).
	Commitment string `json:"commitment"`
	// CommitmentHeight is the height of the old chain C_v was made at.
	CommitmentHeight int64 `json:"commitment_height"`
	// ParentClientHeight is the height of q's header the restarted chain's parent client trusts.
	ParentClientHeight int64 `json:"parent_client_height"`
	// VoidedDeparture is the departure the export's identity had prepared, if any: void now,
	// the restarted chain's identity has none (it left by MsgLeaveFrozenParent instead).
	VoidedDeparture *treetypes.Departure `json:"voided_departure,omitempty"`
	// GenesisFile is where the genesis was written (set by the command that writes it).
	GenesisFile string `json:"genesis_file,omitempty"`
}

// ExportedPath is the path of the chain an export restarts, which is what to look up among q's
// arrived children, once the export passes x/tree's checks (a child's state, exported at its
// newest own commitment).
func ExportedPath(cdc codec.JSONCodec, export *genutiltypes.AppGenesis) ([]uint32, error) {
	st, err := decodeStates(cdc, export)
	if err != nil {
		return nil, err
	}
	if _, err := st.exportedArrival(export.InitialHeight); err != nil {
		return nil, err
	}
	return slices.Clone(st.tree.Identity.Path), nil
}

// FindArrived is q's record of the chain that arrived from oldPath (its arrived_from), among
// q's children.
func FindArrived(children []validiumtypes.Child, oldPath []uint32) (validiumtypes.Child, error) {
	for _, c := range children {
		if slices.Equal(c.ArrivedFrom, oldPath) {
			return c, nil
		}
	}
	return validiumtypes.Child{}, fmt.Errorf("no child of q arrived from %s (arrived_from): register the chain at q with its arrival proof first "+
		"(tx validium register-child --arrival)", pathName(oldPath))
}

// ArrivedGenesis turns an export of a chain v that left its frozen parent into the genesis of v
// restarted under q, the parent it arrived at (docs/PROTOCOL.md "Leaving a frozen parent"): the
// export's newest commitment C_v and its ledger's inbox head must be what q's record of v
// starts from, and q must not have taken an update of v yet. v's tree identity gets q's path
// plus v's index there and q's chain-id, its departure (if one was prepared) is void, and its
// parent client is in.Client, unfrozen. Every other module's state, the consensus validators,
// the chain-id and the initial height are the export's.
func ArrivedGenesis(cdc codec.JSONCodec, in ArrivedInput) (*genutiltypes.AppGenesis, ArrivedSummary, error) {
	st, err := decodeStates(cdc, in.Export)
	if err != nil {
		return nil, ArrivedSummary{}, err
	}
	newest, err := st.exportedArrival(in.Export.InitialHeight)
	if err != nil {
		return nil, ArrivedSummary{}, err
	}
	if err := st.checkArrived(cdc, newest, in.NewParent.Child); err != nil {
		return nil, ArrivedSummary{}, err
	}
	if err := keptValidator(in.ConsensusKey, in.Export.Consensus); err != nil {
		return nil, ArrivedSummary{}, err
	}
	old := st.tree.Identity
	client, err := st.arrive(in)
	if err != nil {
		return nil, ArrivedSummary{}, err
	}
	gen, err := st.treeGenesis(cdc, in.Export, in.GenesisTime)
	if err != nil {
		return nil, ArrivedSummary{}, err
	}
	return gen, ArrivedSummary{
		ChainID: gen.ChainID, InitialHeight: gen.InitialHeight, OldPath: pathName(old.Path), NewPath: pathName(st.tree.Identity.Path),
		NewParentChainID: st.tree.Identity.ParentChainId, Commitment: hex.EncodeToString(newest.Commitment),
		CommitmentHeight: newest.Height, ParentClientHeight: client, VoidedDeparture: old.Departure,
	}, nil
}

// exportedArrival checks the export is a child's state exported at its newest own commitment
// (x/tree ExportedChild) and returns that commitment.
func (s *states) exportedArrival(initialHeight int64) (treetypes.OwnCommitment, error) {
	if s.tree.Identity.IsRoot() {
		return treetypes.OwnCommitment{}, fmt.Errorf("the export is of a root chain: a root has no parent to leave")
	}
	_, newest, err := s.tree.ExportedChild(initialHeight)
	return newest, err
}

// checkArrived checks q's record of v against the export: it arrived from the export's path, is
// active and took no update yet, and starts from the export's newest commitment and inbox head.
func (s *states) checkArrived(cdc codec.JSONCodec, newest treetypes.OwnCommitment, child validiumtypes.Child) error {
	id := s.tree.Identity
	if !slices.Equal(child.ArrivedFrom, id.Path) {
		return fmt.Errorf("q's child %d arrived from %s, the export is of %s", child.Index, pathName(child.ArrivedFrom), pathName(id.Path))
	}
	if child.Status != validiumtypes.ChildStatus_CHILD_STATUS_ACTIVE {
		return fmt.Errorf("q's child %d is %s, not active: it cannot take the restarted chain's updates", child.Index, child.Status)
	}
	if hasCommitment(child.LatestCommitment) {
		return fmt.Errorf("q's child %d already has a latest commitment %x: the chain updated there already, restart it from that state, not from an export of its departure",
			child.Index, child.LatestCommitment)
	}
	c, err := departedCommitment(newest, id)
	if err != nil {
		return err
	}
	if err := recordStartsAt(c, child); err != nil {
		return err
	}
	head, err := s.ledgerInboxHead(cdc, c)
	if err != nil {
		return err
	}
	return sameField("inbox_head", "inbox_head", child.Index, hash.EncodeElement(head), keyHashBytes(child.InboxHead))
}

// departedCommitment decodes the export's newest commitment: its fields must hash to it, name the
// export's path and carry the identity's operator key hash and epoch (a commitment with a
// departure mark in its operator field departed elsewhere, by the normal route).
func departedCommitment(newest treetypes.OwnCommitment, id treetypes.TreeIdentity) (commitment.Commitment, error) {
	c, err := newest.Fields.Decode()
	if err != nil {
		return commitment.Commitment{}, fmt.Errorf("the export's newest commitment (height %d): %w", newest.Height, err)
	}
	if h := hash.EncodeElement(c.Hash()); !bytes.Equal(h, newest.Commitment) {
		return commitment.Commitment{}, fmt.Errorf("the export's newest commitment %x (height %d): its fields hash to %x", newest.Commitment, newest.Height, h)
	}
	path, err := id.TreePath()
	if err != nil {
		return commitment.Commitment{}, err
	}
	if vid, err := path.Vid(); err != nil || !vid.Equal(&c.Vid) {
		return commitment.Commitment{}, fmt.Errorf("the export's newest commitment is of %s, the export of %s (err %v)", slushtypes.VidName(c.Vid), path, err)
	}
	if key := keyHashBytes(id.OperatorKeyHash); !bytes.Equal(hash.EncodeElement(c.OperatorKeyHash), key) {
		return commitment.Commitment{}, fmt.Errorf("operator_key_hash: the export's newest commitment carries %x, not its operator key hash %x: "+
			"it is marked for a departure (a chain that left by its own departure moves with MsgMovePath)", hash.EncodeElement(c.OperatorKeyHash), key)
	}
	if c.Epoch != id.Epoch {
		return commitment.Commitment{}, fmt.Errorf("epoch: the export's newest commitment has %d, its identity %d", c.Epoch, id.Epoch)
	}
	return c, nil
}

// recordStartsAt checks each field q's record took from C_v (startFromArrival and the
// registration's genesis roots and key hash) against the export's C_v, naming the first that
// differs.
func recordStartsAt(c commitment.Commitment, child validiumtypes.Child) error {
	for _, f := range []struct {
		field, record string
		got, want     []byte
	}{
		{"ledger_root", "genesis_ledger_root", hash.EncodeElement(c.LedgerRoot), child.GenesisLedgerRoot},
		{"outbox_root", "outbox_root", hash.EncodeElement(c.OutboxRoot), child.OutboxRoot},
		{"receipt_root", "receipt_root", hash.EncodeElement(c.ReceiptRoot), child.ReceiptRoot},
		{"children_root", "children_root", hash.EncodeElement(c.ChildrenRoot), child.ChildrenRoot},
		{"finalized_children_root", "finalized_children_root", hash.EncodeElement(c.FinalizedChildrenRoot), child.FinalizedChildrenRoot},
		{"operator_key_hash", "operator_key_hash", hash.EncodeElement(c.OperatorKeyHash), keyHashBytes(child.OperatorKeyHash)},
	} {
		if err := sameField(f.field, f.record, child.Index, f.got, f.want); err != nil {
			return err
		}
	}
	if c.AnchorHeight != child.AnchorHeight {
		return fmt.Errorf("anchor_height: the export's newest commitment has %d, q's record of child %d has %d", c.AnchorHeight, child.Index, child.AnchorHeight)
	}
	if c.Epoch != child.Epoch {
		return fmt.Errorf("epoch: the export's newest commitment has %d, q's record of child %d has %d", c.Epoch, child.Index, child.Epoch)
	}
	return nil
}

// sameField requires the export's value of field to be q's record's (its field record).
func sameField(field, record string, index uint32, got, want []byte) error {
	if bytes.Equal(got, want) {
		return nil
	}
	return fmt.Errorf("%s: the export has %x, q's record of child %d has %x (%s)", field, got, index, want, record)
}

// arrive gives the tree state its identity under q and q's client, unfrozen; it returns the
// height of q's header the client trusts.
func (s *states) arrive(in ArrivedInput) (int64, error) {
	q := in.NewParent
	id, err := s.tree.Identity.Arrived(q.Path, q.Child.Index, q.ChainID)
	if err != nil {
		return 0, err
	}
	state, err := s.tree.CheckArrivedClient(in.Client, q.ChainID, in.GenesisTime)
	if err != nil {
		return 0, fmt.Errorf("q's client: %w", err)
	}
	s.tree.Identity = id
	s.tree.ParentClient = bytes.Clone(in.Client)
	s.tree.ParentClientFrozen = nil
	return state.Height, nil
}

// keptValidator requires key, this home's consensus key, to be one of the export's validators:
// the restarted chain keeps them, so a home with another key would sign nothing.
func keptValidator(key cmtcrypto.PubKey, consensus *genutiltypes.ConsensusGenesis) error {
	if key == nil {
		return fmt.Errorf("no consensus key given for this home")
	}
	for _, v := range consensus.Validators {
		if v.PubKey != nil && v.PubKey.Equals(key) {
			return nil
		}
	}
	return fmt.Errorf("this home's validator key %X is not one of the export's validators: the restarted chain keeps its validators "+
		"(no key swap), run this in its operator's home", key.Address())
}

// treeGenesis is the export with the edited x/tree state and genesisTime; the consensus section
// and every other module's state are the export's.
func (s *states) treeGenesis(cdc codec.JSONCodec, export *genutiltypes.AppGenesis, genesisTime time.Time) (*genutiltypes.AppGenesis, error) {
	return s.edited(cdc, export, genesisTime, moduleState{treetypes.ModuleName, &s.tree})
}

// hasCommitment reports whether a child record's latest commitment is set (empty or 32 zero
// bytes before the first update).
func hasCommitment(c []byte) bool { return len(c) > 0 && !bytes.Equal(c, make([]byte, len(c))) }

// keyHashBytes is a key hash or inbox head as 32 bytes (empty is the zero element).
func keyHashBytes(b []byte) []byte {
	if len(b) == 0 {
		return make([]byte, hash.ElementSize)
	}
	return b
}

// pathName writes a path as the CLI reads it ("1-2", "root"), or its indices if invalid.
func pathName(indices []uint32) string {
	p, err := slushtypes.PathFromIndices(indices)
	if err != nil {
		return fmt.Sprint(indices)
	}
	return p.String()
}

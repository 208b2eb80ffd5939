package adopt

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
)

// ledgerInboxHead opens the export's x/ledger state (its exact store entries, as the keeper
// holds them) and returns its inbox head after every consumed entry, what x/ledger's
// CurrentRoots binds and a departure carries. The ledger's roots must be c's: the export is the
// state C_v was made from (x/validium computes the commitment after every other module's
// EndBlock).
func (s *states) ledgerInboxHead(cdc codec.JSONCodec, c commitment.Commitment) (fr.Element, error) {
	state, err := s.openLedger(cdc, c.Vid)
	if err != nil {
		return fr.Element{}, err
	}
	for _, r := range []struct {
		name string
		root func() (fr.Element, error)
		want fr.Element
	}{
		{"ledger_root", state.Root, c.LedgerRoot}, {"outbox_root", state.OutboxRoot, c.OutboxRoot},
		{"receipt_root", state.ReceiptRoot, c.ReceiptRoot},
	} {
		got, err := r.root()
		if err != nil {
			return fr.Element{}, fmt.Errorf("the export's ledger %s: %w", r.name, err)
		}
		if !got.Equal(&r.want) {
			return fr.Element{}, fmt.Errorf("%s: the export's ledger state has %x, its newest commitment %x: the export is not the state of that commitment",
				r.name, hash.EncodeElement(got), hash.EncodeElement(r.want))
		}
	}
	head, err := state.InboxHead(state.InboxConsumed())
	if err != nil {
		return fr.Element{}, fmt.Errorf("the export's ledger inbox head: %w", err)
	}
	return head, nil
}

// openLedger opens the export's x/ledger state in memory under vid.
func (s *states) openLedger(cdc codec.JSONCodec, vid fr.Element) (*ledger.State, error) {
	bz, ok := s.appState[ledgertypes.ModuleName]
	if !ok {
		return nil, moduleError(ledgertypes.ModuleName, nil)
	}
	var gs ledgertypes.GenesisState
	if err := cdc.UnmarshalJSON(bz, &gs); err != nil {
		return nil, moduleError(ledgertypes.ModuleName, err)
	}
	store := smt.NewMemStore()
	for _, e := range gs.Store {
		if err := store.Set(e.Key, e.Value); err != nil {
			return nil, err
		}
	}
	state, err := ledger.NewState(store, vid, gs.Params.Ledger())
	if err != nil {
		return nil, moduleError(ledgertypes.ModuleName, err)
	}
	return state, nil
}

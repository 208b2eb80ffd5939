package inspect

import (
	"log/slog"
	"time"

	"github.com/slush-tree/slush/app/encoding"
	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/config"
	"github.com/slush-tree/slush/relayer/tree"
)

// Open connects to every chain of a tree.toml, read-only unless withKeys (then each client opens
// the chain's keyring for the relayer's key and address, as health-check needs).
func Open(cfg config.Config, withKeys bool) (*tree.Tree, error) {
	enc := encoding.MakeClient()
	log := slog.New(slog.DiscardHandler)
	var chains []*chainclient.Client
	for _, cc := range cfg.Chains {
		ccfg := chainclient.Config{Name: cc.Path, ChainID: cc.ChainID, RPC: cc.RPC, TxTimeout: time.Duration(cfg.TxTimeout)}
		if withKeys {
			ccfg.Home, ccfg.Key = cc.Home, cc.Key
		}
		ch, err := chainclient.Dial(ccfg, enc, log, nil)
		if err != nil {
			return nil, err
		}
		chains = append(chains, ch)
	}
	return tree.New(chains)
}

// Package chainclient is the one client of a Slush chain over CometBFT RPC: abci_query at a
// height (gRPC queries through the generated query clients, raw store keys with ICS23 proofs),
// signed headers and validator sets, and transactions signed with the chain's key, simulated,
// broadcast and waited for. The relayer serves a tree with one Client per chain; the election
// witness builder reads chains through the same Queries over its own ABCI connection.
package chainclient

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/app/encoding"
)

// rpcTimeoutSeconds bounds every RPC call: a hung node must not stall the rounds of the others.
const rpcTimeoutSeconds = 20

// Config says how to reach one chain and which key signs its transactions.
type Config struct {
	// Name names the chain in logs, errors and metrics (its tree path: "root", "1-2").
	Name string
	// ChainID is the chain-id transactions are signed for.
	ChainID string
	// RPC is the CometBFT RPC address (tcp:// or http://).
	RPC string
	// Home holds the keyring (test backend) of Key.
	Home string
	// Key signs every transaction on this chain.
	Key string
	// GasLimit is the gas limit of a transaction the node cannot simulate.
	GasLimit uint64
	// TxTimeout bounds the wait for a broadcast transaction to be included.
	TxTimeout time.Duration
}

// Recorder receives what a client observes, for metrics.
type Recorder interface {
	// ObserveHeight records the chain's latest height.
	ObserveHeight(chain string, height int64)
	// CountTx counts one transaction of a message kind by its result.
	CountTx(chain, kind, result string)
}

// Client is the client of one chain: typed queries (Queries), store reads, headers and
// transactions signed with the chain's key, one at a time.
type Client struct {
	Queries
	// Name names the chain in logs, errors and metrics.
	Name string
	// ChainID is the chain-id.
	ChainID string

	rpc      *rpchttp.HTTP
	heightFn func(context.Context) (int64, error) // a client Over a query function, without RPC
	conn     Conn
	cdc      codec.Codec
	txCfg    client.TxConfig
	kr       keyring.Keyring
	keyName  string
	addr     sdk.AccAddress
	gas      uint64
	timeout  time.Duration
	log      *slog.Logger
	rec      Recorder

	txMu     sync.Mutex // one key signs every tx of this chain: one tx at a time
	acctNum  uint64
	sequence uint64
	acctOK   bool
}

// Dial connects to a chain's RPC (no traffic yet) and opens its keyring; rec may be nil. Without
// a key (cfg.Key empty) the client is read-only: it queries but cannot submit (the operator tools
// `bridge track`, `relayer pending`, `explorer`).
func Dial(cfg Config, enc encoding.Config, log *slog.Logger, rec Recorder) (*Client, error) {
	rpc, err := rpchttp.NewWithTimeout(cfg.RPC, "/websocket", rpcTimeoutSeconds)
	if err != nil {
		return nil, fmt.Errorf("chain %s: rpc %s: %w", cfg.Name, cfg.RPC, err)
	}
	if cfg.Key == "" {
		c := &Client{Name: cfg.Name, ChainID: cfg.ChainID, rpc: rpc, cdc: enc.Codec, txCfg: enc.TxConfig, log: log.With("chain", cfg.Name), rec: rec}
		c.conn = NewConn(cfg.Name, c.abciQuery)
		c.Queries = NewQueries(c.conn)
		return c, nil
	}
	kr, err := keyring.New(sdk.KeyringServiceName(), keyring.BackendTest, cfg.Home, nil, enc.Codec)
	if err != nil {
		return nil, fmt.Errorf("chain %s: keyring in %s: %w", cfg.Name, cfg.Home, err)
	}
	key, err := kr.Key(cfg.Key)
	if err != nil {
		return nil, fmt.Errorf("chain %s: key %q in %s: %w", cfg.Name, cfg.Key, cfg.Home, err)
	}
	addr, err := key.GetAddress()
	if err != nil {
		return nil, err
	}
	c := &Client{
		Name: cfg.Name, ChainID: cfg.ChainID, rpc: rpc, cdc: enc.Codec, txCfg: enc.TxConfig, kr: kr, keyName: cfg.Key,
		addr: addr, gas: cfg.GasLimit, timeout: cfg.TxTimeout, log: log.With("chain", cfg.Name), rec: rec,
	}
	c.conn = NewConn(cfg.Name, c.abciQuery)
	c.Queries = NewQueries(c.conn)
	return c, nil
}

// Over is a read-only client of the chain name (its tree path) whose queries query answers and
// whose height height gives: an in-process app in tests. It has no RPC and no key: headers,
// mempool and transactions are unavailable.
func Over(name, chainID string, query ABCIQueryFunc, height func(context.Context) (int64, error)) *Client {
	c := &Client{Name: name, ChainID: chainID, heightFn: height, log: slog.New(slog.DiscardHandler)}
	c.conn = NewConn(name, query)
	c.Queries = NewQueries(c.conn)
	return c
}

// errNoRPC is what a client Over a query function answers for what needs a node.
var errNoRPC = errors.New("no node RPC: a read-only client over a query function")

// abciQuery is the ABCIQueryFunc over the node's RPC.
func (c *Client) abciQuery(ctx context.Context, req abci.RequestQuery) (abci.ResponseQuery, error) {
	res, err := c.rpc.ABCIQueryWithOptions(ctx, req.Path, req.Data, rpcclient.ABCIQueryOptions{Height: req.Height, Prove: req.Prove})
	if err != nil {
		return abci.ResponseQuery{}, err
	}
	return res.Response, nil
}

// Address is the relayer's account on this chain.
func (c *Client) Address() sdk.AccAddress { return c.addr }

// Height is the application's last committed block height: the newest state queries can read
// (the node's block store may already hold the next block while the app executes it).
func (c *Client) Height(ctx context.Context) (int64, error) {
	if c.rpc == nil {
		return c.heightFn(ctx)
	}
	info, err := c.rpc.ABCIInfo(ctx)
	if err != nil {
		return 0, err
	}
	h := info.Response.LastBlockHeight
	if c.rec != nil {
		c.rec.ObserveHeight(c.Name, h)
	}
	return h, nil
}

// WaitHeight polls until the chain reaches height h.
func (c *Client) WaitHeight(ctx context.Context, h int64) error {
	for {
		cur, err := c.Height(ctx)
		if err == nil && cur >= h {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

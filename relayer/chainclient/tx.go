package chainclient

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	clienttx "github.com/cosmos/cosmos-sdk/client/tx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	signingtypes "github.com/cosmos/cosmos-sdk/types/tx/signing"
)

// TxResult is a transaction's outcome once included in a block.
type TxResult struct {
	// Hash is the tx hash (hex, upper case).
	Hash string
	// Height is the block that included it.
	Height int64
	// Code is the execution result (0: success) and Log its message.
	Code uint32
	// Log is the execution log (the error when Code is not 0).
	Log string
	// Data holds the messages' responses (sdk.TxMsgData).
	Data []byte
	// GasWanted and GasUsed are the limit and the use.
	GasWanted, GasUsed int64
}

// Submit signs msgs with the chain's key (SIGN_MODE_DIRECT, zero fees), simulates them to
// size the gas limit (a transaction that would fail is never broadcast: the simulation's
// error is returned instead), broadcasts them and waits for the block that includes them. The
// account sequence is kept locally and refetched when the chain says it is wrong. gas is the
// limit used when the node cannot simulate (0: the configured one). A result with a non-zero
// code is returned with an error.
func (c *Client) Submit(ctx context.Context, kind string, gas uint64, msgs ...sdk.Msg) (*TxResult, error) {
	c.txMu.Lock()
	defer c.txMu.Unlock()
	if c.kr == nil || c.rpc == nil {
		return nil, fmt.Errorf("%s: a read-only client cannot submit %s (no key in the config)", c.Name, kind)
	}
	if gas == 0 {
		gas = c.gas
	}
	hash, err := c.broadcast(ctx, kind, gas, msgs)
	if err != nil {
		return nil, err
	}
	r, err := c.waitTx(ctx, hash)
	if err != nil {
		c.acctOK = false
		c.countTx(kind, "timeout")
		return nil, fmt.Errorf("%s tx %s: %w", kind, hash, err)
	}
	if r.Code != 0 {
		c.countTx(kind, "failed")
		return r, fmt.Errorf("%s tx %s failed in block %d: code %d: %s", kind, hash, r.Height, r.Code, r.Log)
	}
	c.countTx(kind, "ok")
	c.log.Info("tx included", "kind", kind, "hash", hash, "block", r.Height, "gas_wanted", r.GasWanted, "gas_used", r.GasUsed)
	return r, nil
}

// broadcast signs msgs at the local sequence with the simulated gas limit (gas when the node
// cannot simulate) and puts them in the node's mempool, retrying once on a stale sequence. It
// returns the tx hash.
func (c *Client) broadcast(ctx context.Context, kind string, gas uint64, msgs []sdk.Msg) (string, error) {
	for attempt := 0; ; attempt++ {
		if !c.acctOK {
			n, s, err := c.account(ctx)
			if err != nil {
				return "", fmt.Errorf("account %s: %w", c.addr, err)
			}
			c.acctNum, c.sequence, c.acctOK = n, s, true
		}
		limit, err := c.estimateGas(ctx, msgs)
		switch {
		case isWrongSequence(err) && attempt == 0:
			c.acctOK = false
			continue
		case errors.Is(err, errNoSimulation):
			limit = gas
		case err != nil:
			c.acctOK = false
			c.countTx(kind, "simulate_error")
			return "", fmt.Errorf("%s would fail: %w", kind, err)
		}
		bz, err := c.sign(ctx, limit, msgs)
		if err != nil {
			return "", err
		}
		res, err := c.rpc.BroadcastTxSync(ctx, bz)
		if err != nil {
			c.acctOK = false // unknown whether it reached the mempool: re-read the sequence next time
			c.countTx(kind, "broadcast_error")
			return "", fmt.Errorf("broadcast %s: %w", kind, err)
		}
		if res.Code == sdkerrors.ErrWrongSequence.ABCICode() && res.Codespace == sdkerrors.RootCodespace && attempt == 0 {
			c.acctOK = false
			continue
		}
		if res.Code != 0 {
			c.acctOK = false
			c.countTx(kind, "checktx_error")
			return "", fmt.Errorf("%s refused at CheckTx: code %d (%s): %s", kind, res.Code, res.Codespace, res.Log)
		}
		c.sequence++
		return strings.ToUpper(hex.EncodeToString(res.Hash)), nil
	}
}

// account reads the relayer account's number and sequence from x/auth.
func (c *Client) account(ctx context.Context) (uint64, uint64, error) {
	res, err := c.Account(ctx, c.addr.String(), 0)
	if err != nil {
		return 0, 0, err
	}
	var acc sdk.AccountI
	if err := c.cdc.UnpackAny(res.Account, &acc); err != nil {
		return 0, 0, err
	}
	return acc.GetAccountNumber(), acc.GetSequence(), nil
}

// errNoSimulation: the node does not serve the tx simulation service (gRPC and API disabled).
var errNoSimulation = errors.New("no simulation service")

// gas margin over the simulated use: state can move a little between simulation and execution.
const (
	gasMarginNum, gasMarginDen = 13, 10
	gasMarginFlat              = 50_000
)

// estimateGas simulates msgs at the local sequence and returns the gas limit to sign with.
func (c *Client) estimateGas(ctx context.Context, msgs []sdk.Msg) (uint64, error) {
	bz, err := c.sign(ctx, 0, msgs)
	if err != nil {
		return 0, err
	}
	res, err := c.Simulate(ctx, bz)
	if isUnknownQuery(err) {
		return 0, errNoSimulation
	}
	if err != nil {
		return 0, err
	}
	if res.GasInfo == nil {
		return 0, errors.New("simulation returned no gas info")
	}
	return res.GasInfo.GasUsed*gasMarginNum/gasMarginDen + gasMarginFlat, nil
}

// countTx counts one transaction's result, if the client has a recorder.
func (c *Client) countTx(kind, result string) {
	if c.rec != nil {
		c.rec.CountTx(c.Name, kind, result)
	}
}

// sign builds and signs a transaction at the local sequence.
func (c *Client) sign(ctx context.Context, gas uint64, msgs []sdk.Msg) ([]byte, error) {
	f := clienttx.Factory{}.
		WithTxConfig(c.txCfg).WithKeybase(c.kr).WithChainID(c.ChainID).
		WithAccountNumber(c.acctNum).WithSequence(c.sequence).WithGas(gas).
		WithSignMode(signingtypes.SignMode_SIGN_MODE_DIRECT)
	b, err := f.BuildUnsignedTx(msgs...)
	if err != nil {
		return nil, err
	}
	if err := clienttx.Sign(ctx, f, c.keyName, b, true); err != nil {
		return nil, err
	}
	return c.txCfg.TxEncoder()(b.GetTx())
}

// waitTx polls the tx by hash until it is in a block or the timeout passes.
func (c *Client) waitTx(ctx context.Context, hash string) (*TxResult, error) {
	raw, err := hex.DecodeString(hash)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(c.timeout)
	for {
		res, err := c.rpc.Tx(ctx, raw, false)
		if err == nil {
			return &TxResult{Hash: hash, Height: res.Height, Code: res.TxResult.Code, Log: res.TxResult.Log, Data: res.TxResult.Data,
				GasWanted: res.TxResult.GasWanted, GasUsed: res.TxResult.GasUsed}, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("not included after %s: %w", c.timeout, err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

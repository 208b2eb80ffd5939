package relayer

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	gogoproto "github.com/cosmos/gogoproto/proto"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/cosmos/cosmos-sdk/client"
	clienttx "github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/types/kv"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	signingtypes "github.com/cosmos/cosmos-sdk/types/tx/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/slush-tree/slush/circuits/commitment"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// rpcTimeoutSeconds bounds every RPC call: a hung node must not stall the rounds of the others.
const rpcTimeoutSeconds = 20

// Chain is the relayer's client of one chain: typed queries over CometBFT RPC abci_query (at a
// height, optionally with ICS23 proofs) and transaction signing with the chain's key.
type Chain struct {
	// Path is the chain's tree path (root = empty); Name is its string form.
	Path []uint8
	// Name is the path as written in the config ("root", "1-2").
	Name string
	// ID is the chain-id.
	ID string
	// Vid is the packed path (DESIGN §3).
	Vid fr.Element

	rpc     *rpchttp.HTTP
	cdc     codec.Codec
	txCfg   client.TxConfig
	kr      keyring.Keyring
	keyName string
	addr    sdk.AccAddress
	gas     uint64
	timeout time.Duration
	log     *slog.Logger
	metrics *Metrics

	txMu     sync.Mutex // one key signs every tx of this chain: one tx at a time
	acctNum  uint64
	sequence uint64
	acctOK   bool
}

// newChain connects to a chain's RPC and opens its keyring.
func newChain(cfg ChainConfig, enc Encoding, gas uint64, timeout time.Duration, log *slog.Logger, m *Metrics) (*Chain, error) {
	path, err := ParsePath(cfg.Path)
	if err != nil {
		return nil, err
	}
	vid, err := commitment.PackVid(path)
	if err != nil {
		return nil, err
	}
	rpc, err := rpchttp.NewWithTimeout(cfg.RPC, "/websocket", rpcTimeoutSeconds)
	if err != nil {
		return nil, fmt.Errorf("chain %s: rpc %s: %w", cfg.Path, cfg.RPC, err)
	}
	kr, err := keyring.New(sdk.KeyringServiceName(), keyring.BackendTest, cfg.Home, nil, enc.Codec)
	if err != nil {
		return nil, fmt.Errorf("chain %s: keyring in %s: %w", cfg.Path, cfg.Home, err)
	}
	rec, err := kr.Key(cfg.Key)
	if err != nil {
		return nil, fmt.Errorf("chain %s: key %q in %s: %w", cfg.Path, cfg.Key, cfg.Home, err)
	}
	addr, err := rec.GetAddress()
	if err != nil {
		return nil, err
	}
	return &Chain{
		Path: path, Name: cfg.Path, ID: cfg.ChainID, Vid: vid, rpc: rpc, cdc: enc.Codec, txCfg: enc.TxConfig,
		kr: kr, keyName: cfg.Key, addr: addr, gas: gas, timeout: timeout, log: log.With("chain", cfg.Path), metrics: m,
	}, nil
}

// Address is the relayer's account on this chain.
func (c *Chain) Address() sdk.AccAddress { return c.addr }

// Height is the application's last committed block height: the newest state queries can read
// (the node's block store may already hold the next block while the app executes it).
func (c *Chain) Height(ctx context.Context) (int64, error) {
	info, err := c.rpc.ABCIInfo(ctx)
	if err != nil {
		return 0, err
	}
	h := info.Response.LastBlockHeight
	if c.metrics != nil {
		c.metrics.Height.WithLabelValues(c.Name).Set(float64(h))
	}
	return h, nil
}

// WaitHeight polls until the chain reaches height h.
func (c *Chain) WaitHeight(ctx context.Context, h int64) error {
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

// abciQuery runs one abci_query; height 0 is the latest state.
func (c *Chain) abciQuery(ctx context.Context, path string, data []byte, height int64, prove bool) (abci.ResponseQuery, error) {
	res, err := c.rpc.ABCIQueryWithOptions(ctx, path, data, rpcclient.ABCIQueryOptions{Height: height, Prove: prove})
	if err != nil {
		return abci.ResponseQuery{}, fmt.Errorf("%s %s: %w", c.Name, path, err)
	}
	if res.Response.Code != 0 {
		return res.Response, &QueryError{Chain: c.Name, Path: path, Code: res.Response.Code, Codespace: res.Response.Codespace, Log: res.Response.Log}
	}
	return res.Response, nil
}

// QueryError is a query the application refused (e.g. a record that does not exist).
type QueryError struct {
	// Chain and Path say which query failed.
	Chain, Path string
	// Codespace and Code are the registered error; Log is its message.
	Codespace, Log string
	// Code is the error's ABCI code in Codespace.
	Code uint32
}

// Error implements error.
func (e *QueryError) Error() string {
	return fmt.Sprintf("%s %s: %s code %d: %s", e.Chain, e.Path, e.Codespace, e.Code, e.Log)
}

// isNoCommitment tells whether err is x/bridge's "no commitment" refusal (a height or hash the
// chain never had or has pruned).
func isNoCommitment(err error) bool {
	var qe *QueryError
	return errors.As(err, &qe) && qe.Codespace == bridgetypes.ModuleName && qe.Code == bridgetypes.ErrNoCommitment.ABCICode()
}

// query calls a gRPC query method through abci_query at a height (0: latest).
func (c *Chain) query(ctx context.Context, method string, req, res gogoproto.Message, height int64) error {
	bz, err := gogoproto.Marshal(req)
	if err != nil {
		return err
	}
	r, err := c.abciQuery(ctx, method, bz, height, false)
	if err != nil {
		return err
	}
	return gogoproto.Unmarshal(r.Value, res)
}

// StoreGet reads one raw key of a module store at a height (nil if absent).
func (c *Chain) StoreGet(ctx context.Context, store string, key []byte, height int64) ([]byte, error) {
	r, err := c.abciQuery(ctx, "/store/"+store+"/key", key, height, false)
	if err != nil {
		return nil, err
	}
	return r.Value, nil
}

// StoreProof reads one raw key of a module store at a height with its ICS23 proof (the
// cometbft ProofOps bytes MsgSyncParent carries).
func (c *Chain) StoreProof(ctx context.Context, store string, key []byte, height int64) ([]byte, []byte, error) {
	r, err := c.abciQuery(ctx, "/store/"+store+"/key", key, height, true)
	if err != nil {
		return nil, nil, err
	}
	if r.ProofOps == nil {
		return nil, nil, fmt.Errorf("%s: no proof for key %X at height %d", c.Name, key, height)
	}
	pb := r.ProofOps
	proof, err := pb.Marshal()
	return r.Value, proof, err
}

// StoreSubspace reads every key under a prefix of a module store at a height.
func (c *Chain) StoreSubspace(ctx context.Context, store string, prefix []byte, height int64) ([]kv.Pair, error) {
	r, err := c.abciQuery(ctx, "/store/"+store+"/subspace", prefix, height, false)
	if err != nil {
		return nil, err
	}
	return decodeKVPairs(r.Value)
}

// decodeKVPairs decodes the store's subspace answer (cosmos.store.internal.kv.v1beta1.Pairs:
// repeated Pair pairs = 1; Pair: bytes key = 1, bytes value = 2), whose Go type is internal to
// cosmossdk.io/store.
func decodeKVPairs(bz []byte) ([]kv.Pair, error) {
	var out []kv.Pair
	for len(bz) > 0 {
		num, typ, n := protowire.ConsumeTag(bz)
		if n < 0 {
			return nil, protowire.ParseError(n)
		}
		bz = bz[n:]
		if num != 1 || typ != protowire.BytesType {
			if n = protowire.ConsumeFieldValue(num, typ, bz); n < 0 {
				return nil, protowire.ParseError(n)
			}
			bz = bz[n:]
			continue
		}
		pairBz, n := protowire.ConsumeBytes(bz)
		if n < 0 {
			return nil, protowire.ParseError(n)
		}
		bz = bz[n:]
		var pair kv.Pair
		for len(pairBz) > 0 {
			fnum, ftyp, m := protowire.ConsumeTag(pairBz)
			if m < 0 {
				return nil, protowire.ParseError(m)
			}
			pairBz = pairBz[m:]
			if ftyp != protowire.BytesType || (fnum != 1 && fnum != 2) {
				if m = protowire.ConsumeFieldValue(fnum, ftyp, pairBz); m < 0 {
					return nil, protowire.ParseError(m)
				}
				pairBz = pairBz[m:]
				continue
			}
			v, m := protowire.ConsumeBytes(pairBz)
			if m < 0 {
				return nil, protowire.ParseError(m)
			}
			pairBz = pairBz[m:]
			if fnum == 1 {
				pair.Key = append([]byte(nil), v...)
			} else {
				pair.Value = append([]byte(nil), v...)
			}
		}
		out = append(out, pair)
	}
	return out, nil
}

// Ledger is the bridge Ledger query.
func (c *Chain) Ledger(ctx context.Context, height int64) (*bridgetypes.QueryLedgerResponse, error) {
	res := &bridgetypes.QueryLedgerResponse{}
	return res, c.query(ctx, "/slush.bridge.v1.Query/Ledger", &bridgetypes.QueryLedgerRequest{}, res, height)
}

// BatchLog is the bridge BatchLog query.
func (c *Chain) BatchLog(ctx context.Context, from uint64, limit uint32, height int64) ([]bridgetypes.LoggedOp, error) {
	res := &bridgetypes.QueryBatchLogResponse{}
	err := c.query(ctx, "/slush.bridge.v1.Query/BatchLog", &bridgetypes.QueryBatchLogRequest{From: from, Limit: limit}, res, height)
	return res.Ops, err
}

// Commitment is the chain's own commitment at block height h (0: latest), read at atHeight.
func (c *Chain) Commitment(ctx context.Context, h, atHeight int64) (bridgetypes.OwnCommitment, error) {
	res := &bridgetypes.QueryCommitmentResponse{}
	err := c.query(ctx, "/slush.bridge.v1.Query/Commitment", &bridgetypes.QueryCommitmentRequest{Height: h}, res, atHeight)
	return res.Commitment, err
}

// CommitmentByHash is the chain's commitment record with a given hash.
func (c *Chain) CommitmentByHash(ctx context.Context, hash []byte, atHeight int64) (bridgetypes.OwnCommitment, error) {
	res := &bridgetypes.QueryCommitmentByHashResponse{}
	err := c.query(ctx, "/slush.bridge.v1.Query/CommitmentByHash", &bridgetypes.QueryCommitmentByHashRequest{Commitment: hash}, res, atHeight)
	return res.Commitment, err
}

// RootCommitment is the root commitment the chain knows at rootHeight (0: its newest).
func (c *Chain) RootCommitment(ctx context.Context, rootHeight uint64, atHeight int64) (*bridgetypes.QueryRootCommitmentResponse, error) {
	res := &bridgetypes.QueryRootCommitmentResponse{}
	return res, c.query(ctx, "/slush.bridge.v1.Query/RootCommitment", &bridgetypes.QueryRootCommitmentRequest{RootHeight: rootHeight}, res, atHeight)
}

// ParentClient is the parent light-client state the chain trusts.
func (c *Chain) ParentClient(ctx context.Context, atHeight int64) (*bridgetypes.QueryParentClientResponse, error) {
	res := &bridgetypes.QueryParentClientResponse{}
	return res, c.query(ctx, "/slush.bridge.v1.Query/ParentClient", &bridgetypes.QueryParentClientRequest{}, res, atHeight)
}

// PendingMessages lists the chain's unfinished outgoing and routed messages.
func (c *Chain) PendingMessages(ctx context.Context, atHeight int64) (*bridgetypes.QueryPendingMessagesResponse, error) {
	res := &bridgetypes.QueryPendingMessagesResponse{}
	return res, c.query(ctx, "/slush.bridge.v1.Query/PendingMessages", &bridgetypes.QueryPendingMessagesRequest{Limit: 1000}, res, atHeight)
}

// MessageStatus is where a message is in its life cycle on this chain.
func (c *Chain) MessageStatus(ctx context.Context, msgHash []byte, atHeight int64) (*bridgetypes.QueryMessageStatusResponse, error) {
	res := &bridgetypes.QueryMessageStatusResponse{}
	return res, c.query(ctx, "/slush.bridge.v1.Query/MessageStatus", &bridgetypes.QueryMessageStatusRequest{MessageHash: msgHash}, res, atHeight)
}

// Nullifier tells whether a message was minted here (claimed or delivered by route).
func (c *Chain) Nullifier(ctx context.Context, msgHash []byte, atHeight int64) (bool, error) {
	res := &bridgetypes.QueryNullifierResponse{}
	err := c.query(ctx, "/slush.bridge.v1.Query/Nullifier", &bridgetypes.QueryNullifierRequest{MessageHash: msgHash}, res, atHeight)
	return res.Claimed, err
}

// Child is the validium Child query (record, history, forced operations).
func (c *Chain) Child(ctx context.Context, index uint32, atHeight int64) (*validiumtypes.QueryChildResponse, error) {
	res := &validiumtypes.QueryChildResponse{}
	return res, c.query(ctx, "/slush.validium.v1.Query/Child", &validiumtypes.QueryChildRequest{Index: index}, res, atHeight)
}

// ChildProof is a child's path in the chain's children SMT at a height.
func (c *Chain) ChildProof(ctx context.Context, index uint32, atHeight int64) (*validiumtypes.QueryChildProofResponse, error) {
	res := &validiumtypes.QueryChildProofResponse{}
	return res, c.query(ctx, "/slush.validium.v1.Query/ChildProof", &validiumtypes.QueryChildProofRequest{Index: index}, res, atHeight)
}

// FinalizedChildProof is a child's finalized commitment and its path in the chain's
// finalized-children SMT at a height (the hop an inclusion proof takes through this chain).
func (c *Chain) FinalizedChildProof(ctx context.Context, index uint32, atHeight int64) (*acceptancetypes.QueryFinalizedChildProofResponse, error) {
	res := &acceptancetypes.QueryFinalizedChildProofResponse{}
	return res, c.query(ctx, "/slush.acceptance.v1.Query/FinalizedChildProof", &acceptancetypes.QueryFinalizedChildProofRequest{ChildIndex: index}, res, atHeight)
}

// Exit is the account opening an exit from child `index` was paid on.
func (c *Chain) Exit(ctx context.Context, index uint32, account uint64, atHeight int64) (validiumtypes.AccountOpening, error) {
	res := &validiumtypes.QueryExitResponse{}
	err := c.query(ctx, "/slush.validium.v1.Query/Exit", &validiumtypes.QueryExitRequest{ChildIndex: index, AccountIndex: account}, res, atHeight)
	return res.Opening, err
}

// SubtreeReport is the report the chain's EndBlock hashed into its commitment at block height
// atHeight: x/acceptance's own SubtreeReport for anchorHeight over that block's state.
func (c *Chain) SubtreeReport(ctx context.Context, anchorHeight uint64, atHeight int64) (acceptancetypes.SubtreeReport, error) {
	res := &acceptancetypes.QuerySubtreeResponse{}
	err := c.query(ctx, "/slush.acceptance.v1.Query/Subtree", &acceptancetypes.QuerySubtreeRequest{AnchorHeight: anchorHeight}, res, atHeight)
	return res.Report, err
}

// account reads the relayer account's number and sequence from x/auth.
func (c *Chain) account(ctx context.Context) (uint64, uint64, error) {
	res := &authtypes.QueryAccountResponse{}
	if err := c.query(ctx, "/cosmos.auth.v1beta1.Query/Account", &authtypes.QueryAccountRequest{Address: c.addr.String()}, res, 0); err != nil {
		return 0, 0, err
	}
	var acc sdk.AccountI
	if err := c.cdc.UnpackAny(res.Account, &acc); err != nil {
		return 0, 0, err
	}
	return acc.GetAccountNumber(), acc.GetSequence(), nil
}

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
func (c *Chain) Submit(ctx context.Context, kind string, gas uint64, msgs ...sdk.Msg) (*TxResult, error) {
	c.txMu.Lock()
	defer c.txMu.Unlock()
	if gas == 0 {
		gas = c.gas
	}
	var hash string
	for attempt := 0; ; attempt++ {
		if !c.acctOK {
			n, s, err := c.account(ctx)
			if err != nil {
				return nil, fmt.Errorf("account %s: %w", c.addr, err)
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
			return nil, fmt.Errorf("%s would fail: %w", kind, err)
		}
		bz, err := c.sign(ctx, limit, msgs)
		if err != nil {
			return nil, err
		}
		res, err := c.rpc.BroadcastTxSync(ctx, bz)
		if err != nil {
			c.acctOK = false // unknown whether it reached the mempool: re-read the sequence next time
			c.countTx(kind, "broadcast_error")
			return nil, fmt.Errorf("broadcast %s: %w", kind, err)
		}
		if res.Code == sdkerrors.ErrWrongSequence.ABCICode() && res.Codespace == sdkerrors.RootCodespace && attempt == 0 {
			c.acctOK = false
			continue
		}
		if res.Code != 0 {
			c.acctOK = false
			c.countTx(kind, "checktx_error")
			return nil, fmt.Errorf("%s refused at CheckTx: code %d (%s): %s", kind, res.Code, res.Codespace, res.Log)
		}
		c.sequence++
		hash = strings.ToUpper(hex.EncodeToString(res.Hash))
		break
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

// errNoSimulation: the node does not serve the tx simulation service (gRPC and API disabled).
var errNoSimulation = errors.New("no simulation service")

// gas margin over the simulated use: state can move a little between simulation and execution.
const (
	gasMarginNum, gasMarginDen = 13, 10
	gasMarginFlat              = 50_000
)

// estimateGas simulates msgs at the local sequence and returns the gas limit to sign with.
func (c *Chain) estimateGas(ctx context.Context, msgs []sdk.Msg) (uint64, error) {
	bz, err := c.sign(ctx, 0, msgs)
	if err != nil {
		return 0, err
	}
	req, err := gogoproto.Marshal(&txtypes.SimulateRequest{TxBytes: bz})
	if err != nil {
		return 0, err
	}
	r, err := c.abciQuery(ctx, "/cosmos.tx.v1beta1.Service/Simulate", req, 0, false)
	var qe *QueryError
	if errors.As(err, &qe) && qe.Codespace == sdkerrors.RootCodespace && qe.Code == sdkerrors.ErrUnknownRequest.ABCICode() &&
		strings.Contains(qe.Log, "unknown query path") {
		return 0, errNoSimulation
	}
	if err != nil {
		return 0, err
	}
	var res txtypes.SimulateResponse
	if err := gogoproto.Unmarshal(r.Value, &res); err != nil {
		return 0, err
	}
	if res.GasInfo == nil {
		return 0, errors.New("simulation returned no gas info")
	}
	return res.GasInfo.GasUsed*gasMarginNum/gasMarginDen + gasMarginFlat, nil
}

// isWrongSequence tells whether a simulation failed on the account sequence.
func isWrongSequence(err error) bool {
	var qe *QueryError
	return errors.As(err, &qe) && strings.Contains(qe.Log, "account sequence mismatch")
}

func (c *Chain) countTx(kind, result string) {
	if c.metrics != nil {
		c.metrics.Txs.WithLabelValues(c.Name, kind, result).Inc()
	}
}

// sign builds and signs a transaction at the local sequence.
func (c *Chain) sign(ctx context.Context, gas uint64, msgs []sdk.Msg) ([]byte, error) {
	f := clienttx.Factory{}.
		WithTxConfig(c.txCfg).WithKeybase(c.kr).WithChainID(c.ID).
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
func (c *Chain) waitTx(ctx context.Context, hash string) (*TxResult, error) {
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

// SignedHeader is the chain's signed header at height h (the commit of the latest height is
// the node's seen commit, signed by +2/3 like any other).
func (c *Chain) SignedHeader(ctx context.Context, h int64) (*cmttypes.SignedHeader, error) {
	res, err := c.rpc.Commit(ctx, &h)
	if err != nil {
		return nil, err
	}
	return &res.SignedHeader, nil
}

// ValidatorSet is the chain's full validator set at height h (every page).
func (c *Chain) ValidatorSet(ctx context.Context, h int64) (*cmttypes.ValidatorSet, error) {
	var vals []*cmttypes.Validator
	perPage := 100
	for page := 1; ; page++ {
		res, err := c.rpc.Validators(ctx, &h, &page, &perPage)
		if err != nil {
			return nil, err
		}
		vals = append(vals, res.Validators...)
		if len(vals) >= res.Total || len(res.Validators) == 0 {
			break
		}
	}
	return cmttypes.NewValidatorSet(vals), nil
}

// Unconfirmed tells whether the node's mempool holds a transaction signed by the relayer's key.
func (c *Chain) Unconfirmed(ctx context.Context) (bool, error) {
	limit := 100
	res, err := c.rpc.UnconfirmedTxs(ctx, &limit)
	if err != nil {
		return false, err
	}
	for _, raw := range res.Txs {
		tx, err := c.txCfg.TxDecoder()(raw)
		if err != nil {
			continue
		}
		sigTx, ok := tx.(interface{ GetSigners() ([][]byte, error) })
		if !ok {
			continue
		}
		signers, err := sigTx.GetSigners()
		if err != nil {
			continue
		}
		for _, s := range signers {
			if sdk.AccAddress(s).Equals(c.addr) {
				return true, nil
			}
		}
	}
	return false, nil
}

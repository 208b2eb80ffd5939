package chainclient

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Unconfirmed tells whether the node's mempool holds a transaction signed by the relayer's key.
func (c *Client) Unconfirmed(ctx context.Context) (bool, error) {
	if c.rpc == nil || c.addr == nil {
		return false, nil // no node or no key: nothing of ours can be pending
	}
	limit := 100
	res, err := c.rpc.UnconfirmedTxs(ctx, &limit)
	if err != nil {
		return false, err
	}
	for _, raw := range res.Txs {
		if c.signedByUs(raw) {
			return true, nil
		}
	}
	return false, nil
}

// signedByUs tells whether raw decodes to a transaction the relayer's key signed.
func (c *Client) signedByUs(raw []byte) bool {
	tx, err := c.txCfg.TxDecoder()(raw)
	if err != nil {
		return false
	}
	sigTx, ok := tx.(interface{ GetSigners() ([][]byte, error) })
	if !ok {
		return false
	}
	signers, err := sigTx.GetSigners()
	if err != nil {
		return false
	}
	for _, s := range signers {
		if sdk.AccAddress(s).Equals(c.addr) {
			return true
		}
	}
	return false
}

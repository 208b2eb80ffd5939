package types

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
)

// NewBridgeMessage is the wire form of a message preimage (DESIGN §7.1): Decode's inverse.
func NewBridgeMessage(m inclusion.Message) BridgeMessage {
	return BridgeMessage{
		SrcVid: hash.EncodeElement(m.SrcVid), DstVid: hash.EncodeElement(m.DstVid), Nonce: m.Nonce,
		Recipient: hash.EncodeElement(m.Recipient), AssetId: hash.EncodeElement(m.AssetID), Amount: m.Amount,
		Deadline: m.Deadline,
	}
}

// Decode reads the message preimage with canonical field elements (ErrInvalidField otherwise):
// the one decoder of BridgeMessage for the keeper and the relayer.
func (b BridgeMessage) Decode() (inclusion.Message, error) {
	var m inclusion.Message
	for _, f := range []struct {
		name string
		in   []byte
		out  *fr.Element
	}{{"src_vid", b.SrcVid, &m.SrcVid}, {"dst_vid", b.DstVid, &m.DstVid}, {"recipient", b.Recipient, &m.Recipient}, {"asset_id", b.AssetId, &m.AssetID}} {
		e, err := hash.DecodeElement(f.in)
		if err != nil {
			return inclusion.Message{}, errorsmod.Wrapf(ErrInvalidField, "%s: %v", f.name, err)
		}
		*f.out = e
	}
	m.Nonce, m.Amount, m.Deadline = b.Nonce, b.Amount, b.Deadline
	return m, nil
}

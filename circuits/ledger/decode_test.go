package ledger

import (
	"bytes"
	"errors"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/test"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
)

func samplePublic() PublicInputs {
	return PublicInputs{Vid: testVid, OldLedgerRoot: hash.Uint64(1), NewLedgerRoot: hash.Uint64(2), OldInbox: hash.Uint64(3),
		NewInbox: hash.Uint64(4), OldOutbox: hash.Uint64(5), NewOutbox: hash.Uint64(6), OldReceipts: hash.Uint64(9),
		NewReceipts: hash.Uint64(10), AnchorHeight: 1<<64 - 1, AnchorCommitment: hash.Uint64(8)}
}

func TestPublicInputsCodec(t *testing.T) {
	assert := test.NewAssert(t)
	p := samplePublic()
	b := p.Bytes()
	assert.Equal(PublicInputsSize, len(b))
	got, err := ParsePublicInputs(b)
	assert.NoError(err)
	assert.Equal(p, got)
	e := p.Elements()
	assert.Equal(NbPublicInputs, len(e))
	assert.Equal(hash.Uint64(p.AnchorHeight), e[9])
	// every element position rejects r (never reduced to 0)
	r := fr.Modulus().FillBytes(make([]byte, 32))
	for i := 0; i < NbPublicInputs; i++ {
		bad := append([]byte(nil), b...)
		copy(bad[i*32:], r)
		_, err := ParsePublicInputs(bad)
		assert.True(errors.Is(err, ErrPublicInputs), "element %d: %v", i, err)
	}
	// anchor height 2^64
	bad := append([]byte(nil), b...)
	bad[9*32+23] = 1
	_, err = ParsePublicInputs(bad)
	assert.True(errors.Is(err, ErrPublicInputs))
	_, err = ParsePublicInputs(b[:len(b)-1])
	assert.True(errors.Is(err, ErrPublicInputs))
}

func TestOpCodec(t *testing.T) {
	assert := test.NewAssert(t)
	f := newFixture(t, testParams)
	in := f.deposit(t, f.carol, asset1, 3)
	for _, op := range []Op{{}, f.transfer(t, f.alice, 0, owner(f.bob), 5, 0), f.bridgeOut(t, f.alice, 0, 5, 0), forcedIn(in)} {
		b := op.Bytes()
		assert.Equal(OpSize, len(b))
		got, err := DecodeOp(b)
		assert.NoError(err, op.Kind.String())
		assert.Equal(b, got.Bytes())
		assert.Equal(op.SigningHash(testVid), got.SigningHash(testVid))
	}
	// unused fields set, unknown kind, bad key
	op := f.transfer(t, f.alice, 0, owner(f.bob), 5, 0)
	op.Recipient = hash.Uint64(1)
	_, err := DecodeOp(op.Bytes())
	assert.True(errors.Is(err, ErrBadOp))
	b := forcedIn(in).Bytes()
	b[0] = 4
	_, err = DecodeOp(b)
	assert.True(errors.Is(err, ErrBadOp))
	b = f.transfer(t, f.alice, 0, owner(f.bob), 5, 0).Bytes()
	copy(b[9:41], bytes.Repeat([]byte{0xff}, 32))
	_, err = DecodeOp(b)
	assert.True(errors.Is(err, ErrBadOp))
	// the source byte: one of the three on a bridge-in, 0 on anything else
	for _, src := range []byte{0, 4} {
		b = forcedIn(in).Bytes()
		b[OpSize-1] = src
		_, err = DecodeOp(b)
		assert.True(errors.Is(err, ErrBadOp), "bridge-in source %d", src)
	}
	b = f.transfer(t, f.alice, 0, owner(f.bob), 5, 0).Bytes()
	b[OpSize-1] = byte(SourceClaim)
	_, err = DecodeOp(b)
	assert.True(errors.Is(err, ErrBadOp))
}

func FuzzParsePublicInputs(f *testing.F) {
	f.Add(samplePublic().Bytes())
	f.Add(make([]byte, PublicInputsSize))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePublicInputs(b)
		if err != nil {
			return
		}
		if !bytes.Equal(p.Bytes(), b) {
			t.Fatalf("accepted a non-canonical encoding")
		}
	})
}

func FuzzDecodeOp(f *testing.F) {
	fx := newFixture(f, testParams)
	f.Add(Op{}.Bytes())
	f.Add(fx.transfer(f, fx.alice, 0, owner(fx.bob), 5, 0).Bytes())
	f.Add(fx.bridgeOut(f, fx.alice, 0, 5, 0).Bytes())
	f.Add(forcedIn(fx.deposit(f, fx.carol, asset1, 3)).Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		op, err := DecodeOp(b)
		if err != nil {
			return
		}
		if !bytes.Equal(op.Bytes(), b) {
			t.Fatalf("accepted a non-canonical encoding")
		}
		if op.checkUnused() != nil {
			t.Fatalf("accepted unused fields")
		}
	})
}

func FuzzDecodeMessage(f *testing.F) {
	f.Add(EncodeMessage(samplePublicMessage()))
	f.Add(make([]byte, MessageSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeMessage(b)
		if err != nil {
			return
		}
		if !bytes.Equal(EncodeMessage(m), b) {
			t.Fatalf("accepted a non-canonical encoding")
		}
	})
}

func samplePublicMessage() inclusion.Message {
	return inclusion.Message{SrcVid: otherVid, DstVid: testVid, Nonce: 3, Recipient: hash.Uint64(4), AssetID: asset1, Amount: 5, Deadline: 6}
}

// TestDecodePublicKeyCanonical: a key decodes from its own encoding only. The same point with
// its y-coordinate written as y + r (which gnark-crypto would silently reduce), a point off the
// curve, the identity, and wrong lengths are all refused.
func TestDecodePublicKeyCanonical(t *testing.T) {
	var key []byte
	var y fr.Element
	for i := 0; ; i++ { // a key whose y + r still fits below the sign bit
		k := KeyFromSeed([]byte{byte(i)})
		y = k.PublicKey.A.Y
		yr := new(big.Int).Add(y.BigInt(new(big.Int)), fr.Modulus())
		if yr.BitLen() <= 255 {
			key = k.PublicKey.Bytes()
			break
		}
	}
	pub, err := DecodePublicKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if !pub.A.Y.Equal(&y) {
		t.Fatal("decoded another point")
	}

	yr := new(big.Int).Add(y.BigInt(new(big.Int)), fr.Modulus())
	alias := make([]byte, PublicKeySize) // little-endian y + r, with the key's sign bit
	be := yr.FillBytes(make([]byte, PublicKeySize))
	for i := range be {
		alias[i] = be[PublicKeySize-1-i]
	}
	alias[PublicKeySize-1] |= key[PublicKeySize-1] & 0x80
	var identity [PublicKeySize]byte
	identity[0] = 1 // (0, 1)
	offCurve := bytes.Repeat([]byte{0xa5}, PublicKeySize)
	for name, b := range map[string][]byte{
		"y + r": alias, "identity": identity[:], "not a point": offCurve,
		"short": key[1:], "long": append(append([]byte{}, key...), 0), "empty": nil,
	} {
		if _, err := DecodePublicKey(b); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

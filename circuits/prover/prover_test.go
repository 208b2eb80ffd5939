package prover

import (
	"bytes"
	"errors"
	"math/big"
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/keys"
)

const testDepth = 1

var (
	sysOnce sync.Once
	sys     *InclusionSystem
	sysErr  error
	proof1  []byte
	st1     inclusion.Statement
)

// fixture builds a depth-1 inclusion system and one valid proof, once. It
// uses gnark's random groth16.Setup: keys.DevSetup is deterministic but ~20x
// slower (its own tests run on a tiny circuit).
func fixture(tb testing.TB) (*InclusionSystem, []byte, inclusion.Statement) {
	tb.Helper()
	sysOnce.Do(func() {
		ccs, err := CompileInclusion(testDepth)
		if err != nil {
			sysErr = err
			return
		}
		pk, vk, err := groth16.Setup(ccs)
		if err != nil {
			sysErr = err
			return
		}
		sys = &InclusionSystem{MaxDepth: testDepth, CCS: ccs, PK: pk, VK: vk}
		w, err := inclusion.ExampleWitness([]uint8{3}, []uint8{4}, inclusion.KindMessage, 500)
		if err != nil {
			sysErr = err
			return
		}
		proof1, st1, sysErr = sys.Prove(w)
	})
	if sysErr != nil {
		tb.Fatal(sysErr)
	}
	return sys, proof1, st1
}

func TestProveVerifyInclusion(t *testing.T) {
	s, proof, st := fixture(t)
	if len(proof) != ProofSize {
		t.Fatalf("proof size %d", len(proof))
	}
	if err := VerifyInclusion(s.VK, proof, st); err != nil {
		t.Fatalf("valid proof rejected: %v", err)
	}
	got, err := VerifyInclusionBytes(s.VK, proof, st.Bytes())
	if err != nil || got != st {
		t.Fatalf("bytes path: %v", err)
	}
	// the verifying key survives the strict byte check
	vkb, _ := keys.MarshalVerifyingKey(s.VK)
	vk2, err := keys.CheckVerifyingKey(vkb, inclusion.NbPublicInputs)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyInclusion(vk2, proof, st); err != nil {
		t.Fatalf("re-parsed key: %v", err)
	}
	// a depth-0 receipt proves under the same key
	w0, _ := inclusion.ExampleWitness(nil, []uint8{3}, inclusion.KindReceipt, 501)
	p0, st0, err := s.Prove(w0)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyInclusion(s.VK, p0, st0); err != nil {
		t.Fatal(err)
	}
	// an invalid witness is refused before proving
	bad := w0
	bad.Leaf.DstVid = hash.Uint64(1)
	if _, _, err := s.Prove(bad); err == nil {
		t.Fatal("invalid witness proven")
	}
	// a too-deep witness is refused
	deep, _ := inclusion.ExampleWitness([]uint8{1, 2}, nil, inclusion.KindMessage, 1)
	if _, _, err := s.Prove(deep); err == nil {
		t.Fatal("witness deeper than the circuit proven")
	}
}

func TestWrongStatement(t *testing.T) {
	s, proof, st := fixture(t)
	one := hash.Uint64(1)
	mut := []func(*inclusion.Statement){
		func(x *inclusion.Statement) { x.RootCommitment.Add(&x.RootCommitment, &one) },
		func(x *inclusion.Statement) { x.RootHeight++ },
		func(x *inclusion.Statement) { x.LeafHash.Add(&x.LeafHash, &one) },
		func(x *inclusion.Statement) { x.DstVid = commitment.MustPackVid([]uint8{5}) },
		func(x *inclusion.Statement) { x.Kind = inclusion.KindReceipt },
	}
	for i, m := range mut {
		x := st
		m(&x)
		if err := VerifyInclusion(s.VK, proof, x); !errors.Is(err, ErrInvalidProof) {
			t.Fatalf("mutation %d: %v", i, err)
		}
	}
	x := st
	x.Kind = 7
	if err := VerifyInclusion(s.VK, proof, x); !errors.Is(err, ErrMalformed) {
		t.Fatalf("kind 7: %v", err)
	}
}

func TestMalformedInputs(t *testing.T) {
	s, proof, st := fixture(t)
	pub := st.PublicInputs()
	if err := VerifyProof(s.VK, proof[:ProofSize-1], pub); !errors.Is(err, ErrMalformed) {
		t.Fatalf("short proof: %v", err)
	}
	if err := VerifyProof(s.VK, append(append([]byte{}, proof...), 0), pub); !errors.Is(err, ErrMalformed) {
		t.Fatalf("long proof: %v", err)
	}
	if err := VerifyProof(s.VK, proof, pub[:4]); !errors.Is(err, ErrMalformed) {
		t.Fatalf("4 public inputs: %v", err)
	}
	if err := VerifyProof(nil, proof, pub); !errors.Is(err, ErrMalformed) {
		t.Fatalf("nil key: %v", err)
	}
	if err := VerifyProof(groth16.NewVerifyingKey(ecc.BLS12_381), proof, pub); err == nil {
		t.Fatal("bogus key accepted")
	}
	// every single-byte corruption fails without panicking
	for i := 0; i < ProofSize; i++ {
		b := append([]byte{}, proof...)
		b[i] ^= 0x01
		if VerifyProof(s.VK, b, pub) == nil {
			t.Fatalf("corrupted byte %d accepted", i)
		}
	}
	// a non-reduced public input (limbs = r) is rejected, although gnark
	// would treat it as 0
	var r fr.Element
	q := fr.Modulus()
	for i := range r {
		r[i] = new(big.Int).Rsh(q, uint(64*i)).Uint64()
	}
	bad := append([]fr.Element{}, pub...)
	bad[3] = r
	if err := VerifyProof(s.VK, proof, bad); !errors.Is(err, ErrMalformed) {
		t.Fatalf("non-reduced input: %v", err)
	}
	// byte encodings >= r are rejected
	enc := st.Bytes()
	var leaf big.Int
	st.LeafHash.BigInt(&leaf)
	leaf.Add(&leaf, q)
	if leaf.BitLen() <= 256 {
		leaf.FillBytes(enc[64:96])
		if err := VerifyProofBytes(s.VK, proof, enc); !errors.Is(err, ErrMalformed) {
			t.Fatalf("aliased leaf: %v", err)
		}
		if _, err := VerifyInclusionBytes(s.VK, proof, enc); !errors.Is(err, ErrMalformed) {
			t.Fatalf("aliased leaf (statement): %v", err)
		}
	}
	if err := VerifyProofBytes(s.VK, proof, st.Bytes()[:100]); !errors.Is(err, ErrMalformed) {
		t.Fatalf("ragged inputs: %v", err)
	}
	if err := VerifyProofBytes(s.VK, proof, st.Bytes()); err != nil {
		t.Fatalf("valid bytes: %v", err)
	}
	// the proof's canonical re-encoding is the only accepted one
	p, err := DecodeProof(proof)
	if err != nil {
		t.Fatal(err)
	}
	re, _ := EncodeProof(p)
	if !bytes.Equal(re, proof) {
		t.Fatal("encode/decode round trip")
	}
}

func FuzzDecodeProof(f *testing.F) {
	_, proof, _ := fixture(f)
	f.Add(proof)
	f.Add(make([]byte, ProofSize))
	f.Add(proof[:10])
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := DecodeProof(b)
		if err != nil {
			return
		}
		re, err := EncodeProof(p)
		if err != nil || !bytes.Equal(re, b) {
			t.Fatal("accepted proof is not canonical")
		}
	})
}

func FuzzVerifyProofBytes(f *testing.F) {
	s, proof, st := fixture(f)
	f.Add(proof, st.Bytes())
	f.Add(proof[:50], st.Bytes())
	f.Add(make([]byte, ProofSize), make([]byte, inclusion.StatementSize))
	f.Fuzz(func(t *testing.T, p, pub []byte) {
		err := VerifyProofBytes(s.VK, p, pub)
		if err == nil && (!bytes.Equal(p, proof) || !bytes.Equal(pub, st.Bytes())) {
			// Groth16 proofs are re-randomizable, but not by a random byte string
			t.Fatalf("unexpected proof verified")
		}
	})
}

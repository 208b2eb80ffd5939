package ledger

import (
	"errors"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/test"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/prover"
)

// TestGroth16RoundTrip proves one tiny batch (gnark's random setup) and
// verifies it through prover.VerifyProof; keys.CheckVerifyingKey confirms
// that every public input (the anchor included) is bound (no identity
// verifying-key point).
func TestGroth16RoundTrip(t *testing.T) {
	assert := test.NewAssert(t)
	p := Params{AccountDepth: 2, OutboxDepth: 2, BatchSize: 1}
	f := newFixture(t, p)
	b, err := NewBatchBuilder(f.s)
	assert.NoError(err)
	assert.NoError(b.Add(f.transfer(t, f.alice, f.aliceIdx, owner(f.bob), 7, 0)))
	w, err := b.Build(77, fr.NewElement(777), nil)
	assert.NoError(err)
	ccs := compiled(t, p)
	pk, vk, err := groth16.Setup(ccs)
	assert.NoError(err)
	vkBytes, err := keys.MarshalVerifyingKey(vk)
	assert.NoError(err)
	_, err = keys.CheckVerifyingKey(vkBytes, ProofPublicInputs)
	assert.NoError(err)
	proof, pub, err := ProveBatch(ccs, pk, w)
	assert.NoError(err)
	assert.Equal(w.Public, pub)
	assert.NoError(VerifyBatch(vk, proof, pub))
	assert.NoError(prover.VerifyProofBytes(vk, proof, hash.EncodeElement(w.Public.Statement())))
	// The proof's one public input is the hash of the stated values: changing any of them
	// changes the statement, and the proof no longer verifies.
	for i := 0; i < NbPublicInputs; i++ {
		in := w.Public.Elements()
		in[i].Add(&in[i], &fr.Element{1})
		assert.True(errors.Is(prover.VerifyProof(vk, proof, []fr.Element{StatementOf(in)}), prover.ErrInvalidProof), "input %d", i)
	}
	assert.True(errors.Is(prover.VerifyProof(vk, proof, w.Public.Elements()), prover.ErrMalformed), "the stated values are not the public input")
}

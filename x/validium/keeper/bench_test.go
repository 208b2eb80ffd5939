package keeper_test

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/witness"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/x/validium/types"
)

// BenchmarkSubmitUpdate compares, in one run, a whole MsgSubmitUpdate through the msg server
// (every DESIGN §5 check, key parsing, verification and the state writes, on a discarded cache
// branch) with gnark's bare groth16.Verify of the same proof. Issue target: ratio ≤ 1.3.
func BenchmarkSubmitUpdate(b *testing.B) {
	t := &testing.T{}
	s := new(KeeperTestSuite)
	s.SetT(t)
	s.SetupTest()
	c := s.setupUpdates()
	msg := s.update(c, 1, nil, 5, c.deposit("alice", 40))

	vk, err := keys.CheckVerifyingKey(s.ledgerKeys().vk, types.UpdatePublicInputs)
	if err != nil {
		b.Fatal(err)
	}
	proof, err := prover.DecodeProof(msg.Batches[0].Proof)
	if err != nil {
		b.Fatal(err)
	}
	public := benchPublicWitness(b, s, c, msg)

	b.Run("bare_groth16_verify", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := groth16.Verify(proof, vk, public); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("msg_server_submit_update", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			branch, _ := s.env.Ctx.CacheContext()
			if _, err := s.msgs.SubmitUpdate(branch, msg); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchPublicWitness rebuilds the public witness gnark verifies for msg's one batch.
func benchPublicWitness(b *testing.B, s *KeeperTestSuite, c *childLedger, msg *types.MsgSubmitUpdate) witness.Witness {
	child, err := s.keeper.GetChild(s.env.Ctx, 1)
	if err != nil {
		b.Fatal(err)
	}
	dec := func(bz []byte) fr.Element {
		if len(bz) == 0 {
			return fr.Element{}
		}
		e, err := hash.DecodeElement(bz)
		if err != nil {
			b.Fatal(err)
		}
		return e
	}
	newInbox := dec(nil)
	for _, e := range msg.InboxEntries {
		newInbox = ledger.InboxLink(newInbox, dec(e.MessageHash), ledger.Source(e.Source))
	}
	nc := msg.NewCommitment
	in := []fr.Element{
		c.vid, dec(child.LedgerRoot), dec(nc.LedgerRoot), dec(child.InboxHead), newInbox,
		dec(child.OutboxRoot), dec(nc.OutboxRoot), dec(child.ReceiptRoot), dec(nc.ReceiptRoot),
		hash.Uint64(nc.AnchorHeight), dec(nc.AnchorCommitment),
	}
	w, err := witness.New(ecc.BN254.ScalarField())
	if err != nil {
		b.Fatal(err)
	}
	values := make(chan any, len(in))
	for _, e := range in {
		values <- e
	}
	close(values)
	if err := w.Fill(len(in), 0, values); err != nil {
		b.Fatal(err)
	}
	return w
}

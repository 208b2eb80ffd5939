package keeper_test

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/x/bridge/types"
)

// BenchmarkClaim compares, in one run, a whole MsgClaim through the msg server (decoding, the
// destination/deadline/nullifier checks, the root lookup, verification, the mint, receipt and
// nullifier writes, on a discarded cache branch) with gnark's bare Groth16 verification of the
// same proof (issue 6: claim verification cost against bare Groth16 verify).
func BenchmarkClaim(b *testing.B) {
	f := newClaimFixture(b, destinationPath, true)
	vk, err := keys.CheckVerifyingKey(inclusionKeys(b).vk, types.InclusionPublicInputs)
	if err != nil {
		b.Fatal(err)
	}
	proof, err := prover.DecodeProof(f.msg.Proof)
	if err != nil {
		b.Fatal(err)
	}
	st := inclusion.Statement{RootCommitment: f.w.Root.Hash(), RootHeight: f.msg.RootHeight, LeafHash: f.w.Leaf.Hash(),
		DstVid: f.w.Leaf.DstVid, Kind: inclusion.KindMessage}
	public := fr.Vector(st.PublicInputs())
	bare := vk.(*groth16bn254.VerifyingKey)

	b.Run("bare_groth16_verify", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := groth16bn254.Verify(proof, bare, public); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("msg_server_claim", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			branch, _ := f.env.Ctx.CacheContext()
			if _, err := f.msgs.Claim(branch, &f.msg); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Package inclusion is the bridge inclusion circuit of DESIGN §7 step 2: an
// item (message or receipt) in a validium's outbox or receipt accumulator,
// that validium's commitment, its parent's finalized-children SMT, ... up to
// the root commitment, for any depth up to MaxDepth (shorter paths are padded
// with an in-circuit selector). Only states final along the whole path are
// reachable this way, so an exit or a re-election's rollback can never undo a
// proven item (DESIGN §7.2, §7.4).
//
// Public inputs, in this order: RootCommitment, RootHeight, LeafHash, DstVid,
// Kind. RootHeight is bound to the AnchorHeight field of the root commitment
// record (for the root validium that field is its own height).
package inclusion

import (
	"github.com/consensys/gnark/frontend"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
)

// DefaultMaxDepth is the default maximal depth of the source validium.
const DefaultMaxDepth = 8

// AccumulatorDepth is the depth of outbox and receipt accumulators.
const AccumulatorDepth = smt.DefaultAccumulatorDepth

// NbPublicInputs is the number of public inputs of the circuit.
const NbPublicInputs = 5

// Circuit is the inclusion circuit. Create it with New.
type Circuit struct {
	// RootCommitment is the hash of the root validium's commitment.
	RootCommitment frontend.Variable `gnark:",public"`
	// RootHeight equals the root commitment's AnchorHeight (< 2^64).
	RootHeight frontend.Variable `gnark:",public"`
	// LeafHash is the message or receipt hash.
	LeafHash frontend.Variable `gnark:",public"`
	// DstVid is the item's destination vid.
	DstVid frontend.Variable `gnark:",public"`
	// Kind is 0 (message, outbox) or 1 (receipt, receipt tree).
	Kind frontend.Variable `gnark:",public"`

	// SrcVid and Body complete the leaf preimage (see Leaf).
	SrcVid frontend.Variable
	Body   [BodySize]frontend.Variable
	// Path leads from the root record to the item.
	Path
}

// New returns a circuit (for compilation or assignment) for paths of up to maxDepth hops.
func New(maxDepth int) *Circuit {
	return &Circuit{Path: NewPath(maxDepth)}
}

// Define declares the constraints.
func (c *Circuit) Define(api frontend.API) error {
	// Public inputs. Kind is boolean-constrained by api.Select below.
	api.ToBinary(c.RootHeight, 64)

	// Leaf preimage: SrcVid/DstVid/Body hash to LeafHash under the domain of Kind.
	msg := hash.HashGadget(api, hash.DomainMessage, c.SrcVid, c.DstVid, c.Body[0], c.Body[1], c.Body[2], c.Body[3], c.Body[4])
	rcpt := hash.HashGadget(api, hash.DomainReceipt, c.SrcVid, c.DstVid, c.Body[0])
	api.AssertIsEqual(api.Select(c.Kind, rcpt, msg), c.LeafHash)

	root, src := c.Path.Verify(api, c.LeafHash, c.Kind, 1)
	api.AssertIsEqual(root, c.RootCommitment)
	api.AssertIsEqual(c.Records[0].AnchorHeight, c.RootHeight)
	// The source validium is the one that issued the item: nobody issues in another's name.
	api.AssertIsEqual(c.SrcVid, src)
	return nil
}

// Package testutil builds real subtrees of validium commitments natively (commitments, children
// SMTs, histograms, operator keys) and the signed reports and votes their operators would file,
// for x/election's tests.
package testutil

import (
	"fmt"
	"slices"

	slushtypes "github.com/slush-tree/slush/types"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/election/types"
)

// Node is one validium of a test subtree with its operator key and committed state.
type Node struct {
	// Path is the node's tree path.
	Path []uint8
	// Key is the node's operator key.
	Key *eddsa.PrivateKey
	// Histogram is the node's acceptance histogram (bound in its commitment).
	Histogram acceptancetypes.Histogram
	// Commitment is the node's commitment.
	Commitment commitment.Commitment
	// Children are the node's children, by ascending index.
	Children []*Node

	tree *commitment.ChildrenTree
}

// Tree is a subtree rooted at the child v the election is about.
type Tree struct {
	// Root is v.
	Root  *Node
	nodes map[string]*Node
}

// NewTree builds the subtree of root (path rootPath) with the given descendants, each a path
// relative to root whose parent is root or listed before it. Root updated at rootHeight, every
// node one root height after its children; ledgerSeed varies the ledger roots, so two trees of the
// same shape have different commitments.
func NewTree(rootPath []uint8, descendants [][]uint8, rootHeight, ledgerSeed uint64) (*Tree, error) {
	root := &Node{Path: slices.Clone(rootPath)}
	t := &Tree{Root: root, nodes: map[string]*Node{string(rootPath): root}}
	for _, rel := range descendants {
		if len(rel) == 0 {
			return nil, fmt.Errorf("empty relative path")
		}
		path := append(slices.Clone(rootPath), rel...)
		parent, ok := t.nodes[string(path[:len(path)-1])]
		if !ok {
			return nil, fmt.Errorf("parent of %v not listed before it", path)
		}
		n := &Node{Path: path}
		parent.Children = append(parent.Children, n)
		t.nodes[string(path)] = n
	}
	if err := t.build(root, rootHeight, ledgerSeed); err != nil {
		return nil, err
	}
	return t, nil
}

// build commits a node after its children: height is the node's own update height.
func (t *Tree) build(n *Node, height, ledgerSeed uint64) error {
	slices.SortFunc(n.Children, func(a, b *Node) int { return int(a.Path[len(a.Path)-1]) - int(b.Path[len(b.Path)-1]) })
	n.Key = ledger.KeyFromSeed(append([]byte("operator"), n.Path...))
	var err error
	if n.tree, err = commitment.NewChildrenTree(smt.NewMemStore()); err != nil {
		return err
	}
	hists := make([]acceptancetypes.Histogram, 0, len(n.Children))
	for _, c := range n.Children {
		if err := t.build(c, height-1, ledgerSeed); err != nil {
			return err
		}
		if err := n.tree.SetChild(c.Path[len(c.Path)-1], c.Commitment.Hash()); err != nil {
			return err
		}
		hists = append(hists, c.Histogram)
	}
	n.Histogram = acceptancetypes.SubtreeHistogram(height, hists)
	childrenRoot, err := n.tree.Root()
	if err != nil {
		return err
	}
	// the children's finalized commitments are older ones: FinalizedChildrenRoot is a root distinct
	// from the latest, bound in the commitment but never opened by a descendant proof
	n.Commitment = commitment.Commitment{
		Vid: commitment.MustPackVid(n.Path), LedgerRoot: hash.Uint64(1000 + ledgerSeed), OutboxRoot: hash.Uint64(2000),
		ReceiptRoot: hash.Uint64(3000), ChildrenRoot: childrenRoot, FinalizedChildrenRoot: hash.Uint64(5000 + height),
		AnchorHeight: height, AnchorCommitment: hash.Uint64(4000 + height), AcceptanceDigest: n.Histogram.Digest(),
		OperatorKeyHash: types.OperatorKeyHash(n.Key.PublicKey),
	}
	return nil
}

// Node returns the node at an absolute path (nil if none).
func (t *Tree) Node(path ...uint8) *Node { return t.nodes[string(path)] }

// RootHash is v's commitment as bytes (what v's parent records).
func (t *Tree) RootHash() []byte { return hash.EncodeElement(t.Root.Commitment.Hash()) }

// Subtree is b_v: the number of nodes in the tree.
func (t *Tree) Subtree() uint64 { return uint64(len(t.nodes)) }

// Proof is the descendant proof of the node at path: v's preimage, then one hop per level.
func (t *Tree) Proof(path ...uint8) (types.DescendantProof, error) {
	p := types.DescendantProof{Child: slushtypes.NewCommitmentFields(t.Root.Commitment)}
	parent := t.Root
	for depth := len(t.Root.Path) + 1; depth <= len(path); depth++ {
		n := t.nodes[string(path[:depth])]
		if n == nil {
			return types.DescendantProof{}, fmt.Errorf("no node at %v", path[:depth])
		}
		proof, err := parent.tree.Prove(n.Path[len(n.Path)-1])
		if err != nil {
			return types.DescendantProof{}, err
		}
		siblings := make([][]byte, len(proof.Siblings))
		for i, s := range proof.Siblings {
			siblings[i] = hash.EncodeElement(s)
		}
		p.Hops = append(p.Hops, types.Hop{Commitment: slushtypes.NewCommitmentFields(n.Commitment), Siblings: siblings})
		parent = n
	}
	return p, nil
}

// Report is the withholding report of the node at path, signed with its operator key for v's
// vid, epoch and finalized commitment (v's commitment in this tree).
func (t *Tree) Report(submitter string, childIndex uint32, epoch uint64, path ...uint8) (*types.MsgReportWithholding, error) {
	proof, err := t.Proof(path...)
	if err != nil {
		return nil, err
	}
	n := t.nodes[string(path)]
	msg := types.ReportMessage(t.Root.Commitment.Vid, epoch, t.Root.Commitment.Hash())
	sig, err := types.SignMessage(n.Key, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgReportWithholding{
		Submitter: submitter, ChildIndex: childIndex, Proof: proof, PublicKey: n.Key.PublicKey.Bytes(), Signature: sig,
	}, nil
}

// Vote is the node at path's vote in round roundID for the candidate (operator with address
// bytes addr), signed with its operator key.
func (t *Tree) Vote(submitter string, roundID, epoch uint64, candidate types.Candidate, addr []byte, path ...uint8) (*types.MsgEmergencyVote, error) {
	proof, err := t.Proof(path...)
	if err != nil {
		return nil, err
	}
	n := t.nodes[string(path)]
	key, err := hash.DecodeElement(candidate.OperatorKeyHash)
	if err != nil {
		return nil, err
	}
	msg, err := types.VoteMessage(roundID, t.Root.Commitment.Vid, epoch, addr, key)
	if err != nil {
		return nil, err
	}
	sig, err := types.SignMessage(n.Key, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgEmergencyVote{
		Submitter: submitter, RoundId: roundID, Candidate: candidate, Proof: proof,
		Histogram: acceptancetypes.HistogramToProto(n.Histogram), PublicKey: n.Key.PublicKey.Bytes(), Signature: sig,
	}, nil
}

// KeyHash is the 32-byte operator key hash of a key derived from seed (candidates in tests).
func KeyHash(seed string) ([]byte, *eddsa.PrivateKey) {
	k := ledger.KeyFromSeed([]byte(seed))
	return hash.EncodeElement(types.OperatorKeyHash(k.PublicKey)), k
}

// Element is a small field element as 32 bytes.
func Element(v uint64) []byte { return hash.EncodeElement(hash.Uint64(v)) }

// Resign replaces a message's signature with one by key over msg (wrong-key tests).
func Resign(key *eddsa.PrivateKey, msg fr.Element) ([]byte, error) {
	return types.SignMessage(key, msg)
}

// RootVote is the node at path's vote in a root re-election (DESIGN §10) for candidate c, signed
// with its operator key for the root epoch and the base: this tree's root commitment at root
// height baseHeight (the tree's root is the root of the whole tree).
func (t *Tree) RootVote(submitter string, epoch, baseHeight uint64, c types.RootCandidate, path ...uint8) (*types.MsgRootVote, error) {
	proof, err := t.Proof(path...)
	if err != nil {
		return nil, err
	}
	n := t.nodes[string(path)]
	key, err := hash.DecodeElement(c.OperatorKeyHash)
	if err != nil {
		return nil, err
	}
	msg, err := types.RootVoteMessage(epoch, baseHeight, t.Root.Commitment.Hash(), key, c.ConsensusPubkey)
	if err != nil {
		return nil, err
	}
	sig, err := types.SignMessage(n.Key, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgRootVote{
		Submitter: submitter, Epoch: epoch, BaseRootHeight: baseHeight, Candidate: c, Proof: proof,
		Histogram: acceptancetypes.HistogramToProto(n.Histogram), PublicKey: n.Key.PublicKey.Bytes(), Signature: sig,
	}, nil
}

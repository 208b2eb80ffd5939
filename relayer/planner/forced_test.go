package planner

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/relayer/tree"
)

// TestIsRoutedMintBelow: only a message the chain's parent did not send, on a chain two or more
// levels down, is a routed mint the chain must take as a claim under RECURSIVE subtree proofs.
func TestIsRoutedMintBelow(t *testing.T) {
	node := func(path ...uint8) *tree.Node {
		n := &tree.Node{Path: path, Vid: commitment.MustPackVid(path)}
		if len(path) > 0 {
			n.Parent = &tree.Node{Path: path[:len(path)-1], Vid: commitment.MustPackVid(path[:len(path)-1])}
		}
		return n
	}
	from := func(path ...uint8) inclusion.Message { return inclusion.Message{SrcVid: commitment.MustPackVid(path)} }
	for _, tc := range []struct {
		name string
		c    *tree.Node
		m    inclusion.Message
		want bool
	}{
		{"a routed mint two levels down", node(1, 1), from(2), true},
		{"a routed mint three levels down", node(1, 1, 1), from(1, 2), true},
		{"the parent's deposit", node(1, 1), from(1), false},
		{"a routed mint on a child of the root", node(1), from(2), false},
		{"the root", node(), from(2), false},
	} {
		t.Run(tc.name, func(t *testing.T) { require.Equal(t, tc.want, isRoutedMintBelow(tc.c, tc.m)) })
	}
}

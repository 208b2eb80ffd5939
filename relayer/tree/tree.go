package tree

import (
	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/config"
	"github.com/slush-tree/slush/relayer/replay"
	"github.com/slush-tree/slush/relayer/witness"
)

// Tree is the served chains by path, parents before children.
type Tree struct {
	nodes map[string]*Node
	names []string // top-down
	root  *Node
}

// New places each chain by its name, a tree path ("root", "1-2"); every non-root chain's parent
// must be among them (config.Validate checks it).
func New(chains []*chainclient.Client) (*Tree, error) {
	t := &Tree{nodes: map[string]*Node{}}
	for _, ch := range chains {
		path, err := config.ParsePath(ch.Name)
		if err != nil {
			return nil, err
		}
		vid, err := commitment.PackVid(path)
		if err != nil {
			return nil, err
		}
		t.nodes[ch.Name] = &Node{Client: ch, Path: path, Vid: vid, Replica: &replay.Replica{}, Mints: &replay.MintIndex{}}
		t.names = append(t.names, ch.Name)
	}
	t.names = config.TopDown(t.names)
	for _, name := range t.names {
		n := t.nodes[name]
		if len(n.Path) == 0 {
			t.root = n
			continue
		}
		n.Parent = t.nodes[config.ParentPath(name)]
		n.Index = uint32(n.Path[len(n.Path)-1])
	}
	return t, nil
}

// Names are the chains' paths, parents first.
func (t *Tree) Names() []string { return t.names }

// Node is the chain named name (its path string), nil if the tree does not have it.
func (t *Tree) Node(name string) *Node { return t.nodes[name] }

// At is the chain at a path, nil if the tree does not have it.
func (t *Tree) At(path []uint8) *Node { return t.nodes[config.FormatPath(path)] }

// Root is the root chain.
func (t *Tree) Root() *Node { return t.root }

// Depth is the deepest served chain's depth.
func (t *Tree) Depth() int {
	d := 0
	for _, name := range t.names {
		d = max(d, len(t.nodes[name].Path))
	}
	return d
}

// Lookup is the witness.Lookup over the served chains.
func (t *Tree) Lookup(path []uint8) witness.Chain {
	if n := t.At(path); n != nil {
		return n.Client
	}
	return nil
}

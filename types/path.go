package types

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
)

// Tree-path limits (DESIGN §3: a vid packs at most 16 levels of 8-bit child indices).
const (
	// MaxChildIndex is the largest child index a path may contain.
	MaxChildIndex = 255
	// MaxDepth is the deepest path a vid can hold.
	MaxDepth = commitment.MaxPathDepth
	// RootPathName is how the root's (empty) path is written.
	RootPathName = "root"
)

// Path is a chain's place in the tree: the child indices from the root, each 1..255; the root's
// path is empty (DESIGN §3). It is the one form every module, the relayer and the CLI use.
type Path []uint8

// ParsePath reads "root" (or "") as the root and "1-2-3" as child indices.
func ParsePath(s string) (Path, error) {
	if s == "" || s == RootPathName {
		return Path{}, nil
	}
	parts := strings.Split(s, "-")
	if len(parts) > MaxDepth {
		return nil, errorsmod.Wrapf(ErrInvalidPath, "%q is deeper than %d", s, MaxDepth)
	}
	p := make(Path, len(parts))
	for i, part := range parts {
		v, err := strconv.ParseUint(part, 10, 8)
		if err != nil || v == 0 || part[0] == '0' {
			return nil, errorsmod.Wrapf(ErrInvalidPath, "%q: index %q is not in 1..%d", s, part, MaxChildIndex)
		}
		p[i] = uint8(v)
	}
	return p, nil
}

// PathFromIndices checks indices as they appear in messages and genesis (uint32) and narrows them.
func PathFromIndices(indices []uint32) (Path, error) {
	if len(indices) > MaxDepth {
		return nil, errorsmod.Wrapf(ErrInvalidPath, "depth %d > %d", len(indices), MaxDepth)
	}
	p := make(Path, len(indices))
	for i, idx := range indices {
		if idx == 0 || idx > MaxChildIndex {
			return nil, errorsmod.Wrapf(ErrInvalidPath, "index %d at level %d is not in 1..%d", idx, i, MaxChildIndex)
		}
		p[i] = uint8(idx)
	}
	return p, nil
}

// NewParentPath checks the path of a chain another one moves under (issue 20): a valid path with
// room for a child below it (shallower than MaxDepth).
func NewParentPath(indices []uint32) (Path, error) {
	p, err := PathFromIndices(indices)
	if err != nil {
		return nil, err
	}
	if len(p) >= MaxDepth {
		return nil, errorsmod.Wrapf(ErrInvalidPath, "new parent at depth %d leaves no room below it", len(p))
	}
	return p, nil
}

// PathOfVid unpacks a vid (a message's source or destination) into its path.
func PathOfVid(vid fr.Element) (Path, error) {
	p, err := commitment.UnpackVid(vid)
	if err != nil {
		return nil, errorsmod.Wrap(ErrInvalidPath, err.Error())
	}
	return Path(p), nil
}

// VidName is how events and tools name a vid for people: its path ("root", "1-2"), or "vid <hex>"
// for an element that packs no path.
func VidName(vid fr.Element) string {
	if p, err := PathOfVid(vid); err == nil {
		return p.String()
	}
	return fmt.Sprintf("vid %x", hash.EncodeElement(vid))
}

// String writes the path as ParsePath reads it ("root", "1-2").
func (p Path) String() string {
	if len(p) == 0 {
		return RootPathName
	}
	parts := make([]string, len(p))
	for i, idx := range p {
		parts[i] = strconv.Itoa(int(idx))
	}
	return strings.Join(parts, "-")
}

// Indices is the path in the uint32 form messages and genesis carry.
func (p Path) Indices() []uint32 {
	out := make([]uint32, len(p))
	for i, idx := range p {
		out[i] = uint32(idx)
	}
	return out
}

// Vid packs the path into the vid bound into commitments and messages (DESIGN §3).
func (p Path) Vid() (fr.Element, error) { return commitment.PackVid(p) }

// IsRoot reports whether the path is the root's.
func (p Path) IsRoot() bool { return len(p) == 0 }

// Child is the path of child index under p (a new slice: p is never aliased).
func (p Path) Child(index uint8) Path {
	return append(append(make(Path, 0, len(p)+1), p...), index)
}

// Equal reports whether both paths name the same chain.
func (p Path) Equal(q Path) bool { return bytes.Equal(p, q) }

// IsAncestorOf reports whether p is a strict ancestor of q.
func (p Path) IsAncestorOf(q Path) bool { return len(p) < len(q) && bytes.Equal(p, q[:len(p)]) }

// NextHop is the child of p on the way down to its descendant q (q must be a descendant).
func (p Path) NextHop(q Path) uint8 { return q[len(p)] }

package planner

import (
	"fmt"

	slushtypes "github.com/slush-tree/slush/types"

	"github.com/slush-tree/slush/relayer/tree"
)

// isDestination tells whether c is the destination of a wire message.
func isDestination(c *tree.Node, bm slushtypes.BridgeMessage) bool {
	m, err := bm.Decode()
	return err == nil && m.DstVid.Equal(&c.Vid)
}

// short is a hash's first bytes in hex, for logs.
func short(b []byte) string {
	if len(b) > 6 {
		b = b[:6]
	}
	return fmt.Sprintf("%X", b)
}

// isZero tells whether a stored commitment is unset (empty or all zero bytes).
func isZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

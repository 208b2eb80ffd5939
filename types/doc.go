// Package types holds the wire types and concepts every Slush module shares: the commitment
// preimage, the bridge message and its life cycle, the routed message (proto package
// slush.types.v1) and the tree path. It imports no module, so any module may import it.
package types

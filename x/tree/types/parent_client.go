package types

import "github.com/slush-tree/slush/internal/parentsync"

// MaxParentClientBytes bounds the parent client a governance recovery may install, checked
// before it is decoded (the bound genesis and the store decoder apply to parent_client).
const MaxParentClientBytes = parentsync.MaxStateBytes

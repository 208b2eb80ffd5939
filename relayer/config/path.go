package config

import (
	"errors"
	"sort"

	slushtypes "github.com/slush-tree/slush/types"
)

// ParsePath parses a configured path: "root" or "1-2-3" (slushtypes.ParsePath; the config must
// name the root explicitly, so an empty path is refused).
func ParsePath(s string) (slushtypes.Path, error) {
	if s == "" {
		return nil, errors.New("empty path")
	}
	return slushtypes.ParsePath(s)
}

// FormatPath is ParsePath's inverse.
func FormatPath(p []uint8) string { return slushtypes.Path(p).String() }

// ParentPath is the parent's path of a non-root path ("" for the root).
func ParentPath(s string) string {
	p, err := ParsePath(s)
	if err != nil || len(p) == 0 {
		return ""
	}
	return FormatPath(p[:len(p)-1])
}

// TopDown orders paths parents first (by depth, then lexically); BottomUp is its reverse.
func TopDown(paths []string) []string {
	out := append([]string(nil), paths...)
	sort.SliceStable(out, func(i, j int) bool {
		pi, _ := ParsePath(out[i])
		pj, _ := ParsePath(out[j])
		if len(pi) != len(pj) {
			return len(pi) < len(pj)
		}
		return out[i] < out[j]
	})
	return out
}

// BottomUp orders paths children first.
func BottomUp(paths []string) []string {
	out := TopDown(paths)
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

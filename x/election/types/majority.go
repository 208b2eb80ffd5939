package types

// Majority reports whether a candidate's counted votes exceed half of b_v − 1, the child's
// descendants (DESIGN §9: "when votes exceed half of b_v − 1"): 2·votes > b_v − 1, computed
// without overflow. A subtree of 0 (no record) never has a majority.
func Majority(votes, subtree uint64) bool {
	if subtree == 0 {
		return false
	}
	return votes > (subtree-1)/2
}

package planner

import "errors"

// IsStalled tells whether an Update error is the edge's stall (every commitment with a new anchor
// holds more unproven operations than one update's batches can prove): the scheduler reports it
// per edge (metrics edge_stalled, /healthz).
func IsStalled(err error) bool { return errors.Is(err, errStalled) }

package chainclient

import (
	"errors"
	"fmt"
	"strings"

	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	slushtypes "github.com/slush-tree/slush/types"
)

// QueryError is a query the application refused (e.g. a record that does not exist).
type QueryError struct {
	// Chain and Path say which query failed.
	Chain, Path string
	// Codespace and Code are the registered error; Log is its message.
	Codespace, Log string
	// Code is the error's ABCI code in Codespace.
	Code uint32
}

// Error implements error.
func (e *QueryError) Error() string {
	return fmt.Sprintf("%s %s: %s code %d: %s", e.Chain, e.Path, e.Codespace, e.Code, e.Log)
}

// IsNotFound tells whether err is a chain's answer that the record asked for does not exist
// (issue 19: every Slush query answers a missing record with gRPC NotFound, which abci_query
// carries as the SDK's ErrKeyNotFound, codespace sdk code 22), as opposed to a transport error or
// another refusal.
func IsNotFound(err error) bool {
	var qe *QueryError
	if errors.As(err, &qe) {
		return qe.Codespace == sdkerrors.RootCodespace && qe.Code == sdkerrors.ErrKeyNotFound.ABCICode()
	}
	return slushtypes.IsNotFound(err)
}

// isWrongSequence tells whether a simulation failed on the account sequence.
func isWrongSequence(err error) bool {
	var qe *QueryError
	return errors.As(err, &qe) && strings.Contains(qe.Log, "account sequence mismatch")
}

// isUnknownQuery tells whether the node does not serve a query path at all (e.g. the tx
// simulation service with gRPC and the API disabled).
func isUnknownQuery(err error) bool {
	var qe *QueryError
	return errors.As(err, &qe) && qe.Codespace == sdkerrors.RootCodespace && qe.Code == sdkerrors.ErrUnknownRequest.ABCICode() &&
		strings.Contains(qe.Log, "unknown query path")
}

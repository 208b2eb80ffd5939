package chainclient

import (
	"errors"
	"fmt"
	"strings"

	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
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

// isRefusal tells whether err is the application's refusal with a registered error's code.
func isRefusal(err error, codespace string, code uint32) bool {
	var qe *QueryError
	return errors.As(err, &qe) && qe.Codespace == codespace && qe.Code == code
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

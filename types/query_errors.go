package types

import (
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/slush-tree/slush/circuits/hash"
)

// NotFound marks err as the answer to a query for a record the chain does not hold (issue 19):
// gRPC clients get status NotFound (code 5) with err's message, REST clients HTTP 404, abci_query
// clients (the CLI, the relayer) the SDK's ErrKeyNotFound (codespace sdk, code 22) with the same
// message; errors.Is still finds err's registered error in-process.
func NotFound(err error) error { return coded{code: codes.NotFound, err: err} }

// NotFoundf is NotFound of a formatted message.
func NotFoundf(format string, args ...any) error { return NotFound(fmt.Errorf(format, args...)) }

// FailedPrecondition marks err as the answer to a query this chain cannot serve in its place in
// the tree (e.g. root finality asked of a non-root chain): gRPC status FailedPrecondition with
// err's message; errors.Is still finds err.
func FailedPrecondition(err error) error { return coded{code: codes.FailedPrecondition, err: err} }

// coded is an error with the gRPC status code queries answer it with.
type coded struct {
	code codes.Code
	err  error
}

// Error is the wrapped error's message.
func (e coded) Error() string { return e.err.Error() }

// Unwrap exposes the wrapped error to errors.Is and errors.As.
func (e coded) Unwrap() error { return e.err }

// GRPCStatus is what gRPC, the gateway and baseapp's abci_query read.
func (e coded) GRPCStatus() *status.Status { return status.New(e.code, e.err.Error()) }

// IsNotFound tells whether err answers a query for a missing record: in-process (NotFound), over
// gRPC (status NotFound) or over abci_query (sdk ErrKeyNotFound, which ABCI carries as code 22
// of codespace sdk: see relayer/chainclient for the remote form).
func IsNotFound(err error) bool {
	if errors.Is(err, sdkerrors.ErrKeyNotFound) {
		return true
	}
	s, ok := status.FromError(err)
	return ok && s.Code() == codes.NotFound
}

// InvalidArgument is the answer to a query whose argument can never name a record (gRPC status
// InvalidArgument; over abci_query the SDK's ErrInvalidRequest, codespace sdk, code 18).
func InvalidArgument(format string, args ...any) error {
	return coded{code: codes.InvalidArgument, err: fmt.Errorf(format, args...)}
}

// CheckHashArg refuses a hash argument that is not 32 canonical bytes, naming what was given:
// how a user who typed a short or mistyped hash learns so, instead of "not found".
func CheckHashArg(name string, b []byte) error {
	if len(b) != hash.ElementSize {
		return InvalidArgument("%s must be 32 bytes (64 hex digits, or base64), got %d bytes", name, len(b))
	}
	if _, err := hash.DecodeElement(b); err != nil {
		return InvalidArgument("%s %x is not a canonical field element (>= the BN254 modulus)", name, b)
	}
	return nil
}

// Package querytest checks query answers for records that do not exist, the same way in every
// module's query tests (issue 19): the gRPC status code and a message naming the problem.
package querytest

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Case is one query that must be refused: Query runs it; Code is the gRPC code it must carry
// (NotFound for a missing record, InvalidArgument for an argument that can never name one) and
// Text a part of its message.
type Case struct {
	Name  string
	Query func() error
	Code  codes.Code
	Text  string
}

// Run runs every case as a subtest.
func Run(t *testing.T, cases []Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			err := c.Query()
			require.Error(t, err)
			require.Equal(t, c.Code, status.Code(err), "gRPC code of %v", err)
			require.Contains(t, err.Error(), c.Text)
		})
	}
}

package keeper_test

import (
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/testutil/querytest"
	"github.com/slush-tree/slush/x/bridge/types"
)

// TestQueryMissingRecords: x/bridge queries of a message the chain never sent or minted answer
// NotFound naming where it was looked for (message-status answered {}); a hash argument that can
// never name a message (the issue's `message-status 27fa`) is InvalidArgument naming its length.
func TestQueryMissingRecords(t *testing.T) {
	c := newChain(t, destinationPath)
	unknown := hash.EncodeElement(hash.Uint64(0x27fa))
	querytest.Run(t, []querytest.Case{
		{Name: "status of an unknown message", Query: func() error {
			_, err := c.q.MessageStatus(c.env.Ctx, &types.QueryMessageStatusRequest{MessageHash: unknown})
			return err
		}, Code: codes.NotFound, Text: "was neither sent from nor minted on this chain"},
		{Name: "status by a 2-byte hash", Query: func() error {
			_, err := c.q.MessageStatus(c.env.Ctx, &types.QueryMessageStatusRequest{MessageHash: []byte{0x27, 0xfa}})
			return err
		}, Code: codes.InvalidArgument, Text: "message hash must be 32 bytes (64 hex digits, or base64), got 2 bytes"},
		{Name: "record of a message not sent from here", Query: func() error {
			_, err := c.q.Message(c.env.Ctx, &types.QueryMessageRequest{MessageHash: unknown})
			return err
		}, Code: codes.NotFound, Text: "was not sent from this chain"},
		{Name: "nullifier by a 31-byte hash", Query: func() error {
			_, err := c.q.Nullifier(c.env.Ctx, &types.QueryNullifierRequest{MessageHash: unknown[1:]})
			return err
		}, Code: codes.InvalidArgument, Text: "got 31 bytes"},
	})
}

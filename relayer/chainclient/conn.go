package chainclient

import (
	"context"
	"fmt"
	"strconv"

	abci "github.com/cometbft/cometbft/abci/types"
	gogogrpc "github.com/cosmos/gogoproto/grpc"
	gogoproto "github.com/cosmos/gogoproto/proto"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/cosmos/cosmos-sdk/client"
	grpctypes "github.com/cosmos/cosmos-sdk/types/grpc"
)

// ABCIQueryFunc runs one ABCI query (a gRPC method or a store path) at req.Height (0: the
// latest state): over a node's CometBFT RPC, or against an in-process app in tests.
type ABCIQueryFunc func(ctx context.Context, req abci.RequestQuery) (abci.ResponseQuery, error)

// Conn is a gRPC client connection whose calls are ABCI queries, as client.Context.Invoke sends
// them: the generated query clients (types.NewQueryClient) read a chain through it at the
// height the call's context carries (AtHeight), over nothing but CometBFT RPC.
type Conn struct {
	name  string
	query ABCIQueryFunc
}

var _ gogogrpc.ClientConn = Conn{}

// NewConn is the connection to the chain query answers; name names the chain in errors.
func NewConn(name string, query ABCIQueryFunc) Conn { return Conn{name: name, query: query} }

// AtHeight makes the gRPC calls made with ctx read the state at height (0: the latest), in the
// SDK's block-height header, which client.Context.Invoke reads too.
func AtHeight(ctx context.Context, height int64) context.Context {
	md, _ := metadata.FromOutgoingContext(ctx)
	md = md.Copy()
	md.Set(grpctypes.GRPCBlockHeightHeader, strconv.FormatInt(height, 10))
	return metadata.NewOutgoingContext(ctx, md)
}

// Invoke implements gogogrpc.ClientConn: one ABCI query of method at the context's height.
func (c Conn) Invoke(ctx context.Context, method string, req, reply any, _ ...grpc.CallOption) error {
	in, ok := req.(gogoproto.Message)
	if !ok {
		return fmt.Errorf("%s %s: request %T is not a protobuf message", c.name, method, req)
	}
	out, ok := reply.(gogoproto.Message)
	if !ok {
		return fmt.Errorf("%s %s: reply %T is not a protobuf message", c.name, method, reply)
	}
	bz, err := gogoproto.Marshal(in)
	if err != nil {
		return fmt.Errorf("%s %s: %w", c.name, method, err)
	}
	res, err := c.Query(ctx, method, bz, client.GetHeightFromMetadata(ctx), false)
	if err != nil {
		return err
	}
	return gogoproto.Unmarshal(res.Value, out)
}

// NewStream implements gogogrpc.ClientConn: ABCI queries have no streams.
func (c Conn) NewStream(context.Context, *grpc.StreamDesc, string, ...grpc.CallOption) (grpc.ClientStream, error) {
	return nil, fmt.Errorf("%s: streaming calls cannot go over abci_query", c.name)
}

// Query runs one ABCI query; a refusal by the application is a *QueryError.
func (c Conn) Query(ctx context.Context, path string, data []byte, height int64, prove bool) (abci.ResponseQuery, error) {
	res, err := c.query(ctx, abci.RequestQuery{Path: path, Data: data, Height: height, Prove: prove})
	if err != nil {
		return abci.ResponseQuery{}, fmt.Errorf("%s %s: %w", c.name, path, err)
	}
	if !res.IsOK() {
		return res, &QueryError{Chain: c.name, Path: path, Code: res.Code, Codespace: res.Codespace, Log: res.Log}
	}
	return res, nil
}

package chainclient

import (
	"fmt"

	gogoproto "github.com/cosmos/gogoproto/proto"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/cosmos/cosmos-sdk/types/kv"
)

// kvPairsName is the message a store's subspace query answers with; its Go type is internal to
// cosmossdk.io/store, so it is decoded through its registered descriptor.
const kvPairsName = "cosmos.store.internal.kv.v1beta1.Pairs"

// decodeKVPairs decodes a store's subspace answer (Pairs: repeated Pair pairs = 1; Pair: bytes
// key = 1, bytes value = 2).
func decodeKVPairs(bz []byte) ([]kv.Pair, error) {
	d, err := gogoproto.HybridResolver.FindDescriptorByName(kvPairsName)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", kvPairsName, err)
	}
	desc, ok := d.(protoreflect.MessageDescriptor)
	if !ok {
		return nil, fmt.Errorf("%s is not a message", kvPairsName)
	}
	msg := dynamicpb.NewMessage(desc)
	if err := proto.Unmarshal(bz, msg); err != nil {
		return nil, fmt.Errorf("%s: %w", kvPairsName, err)
	}
	list := msg.Get(desc.Fields().ByName("pairs")).List()
	out := make([]kv.Pair, 0, list.Len())
	for i := 0; i < list.Len(); i++ {
		p := list.Get(i).Message()
		fields := p.Descriptor().Fields()
		out = append(out, kv.Pair{Key: p.Get(fields.ByName("key")).Bytes(), Value: p.Get(fields.ByName("value")).Bytes()})
	}
	return out, nil
}

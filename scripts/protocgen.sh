#!/usr/bin/env bash
# Generates the gogoproto Go code for proto/slush/** into x/<module>/types.
# Third-party .proto imports are copied from the Go module cache (the versions
# go.mod pins), so no buf registry access is needed. Tools: make proto-tools.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$(go env GOPATH)/bin:$PATH"

work=$(mktemp -d)
trap "rm -rf \"$work\"" EXIT

moddir() { go mod download "$1" >/dev/null 2>&1 || true; go list -m -f '{{.Dir}}' "$1"; }
sdk=$(moddir github.com/cosmos/cosmos-sdk)
gogo=$(moddir github.com/cosmos/gogoproto)
cproto=$(moddir github.com/cosmos/cosmos-proto)
gw=$(go mod download -json github.com/grpc-ecosystem/grpc-gateway@v1.16.0 | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')

copy() { mkdir -p "$work/$(dirname "$2")"; cp "$1/$2" "$work/$2"; }
copy "$gogo" gogoproto/gogo.proto
copy "$cproto/proto" cosmos_proto/cosmos.proto
copy "$sdk/proto" amino/amino.proto
copy "$sdk/proto" cosmos/msg/v1/msg.proto
copy "$sdk/proto" cosmos/base/v1beta1/coin.proto
copy "$sdk/proto" cosmos/base/query/v1beta1/pagination.proto
copy "$gw/third_party/googleapis" google/api/annotations.proto
copy "$gw/third_party/googleapis" google/api/http.proto
cp -r proto/slush "$work/slush"
cp proto/buf.yaml "$work/buf.yaml"
chmod -R u+w "$work"

(cd "$work" && buf generate --template "$root/proto/buf.gen.gogo.yaml" --path slush -o out)
cp -r "$work/out/github.com/slush-tree/slush/"* "$root/"
echo "generated: $(cd "$root" && ls x/*/types/*.pb*.go | wc -l) files"

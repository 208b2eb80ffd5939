#!/usr/bin/env bash
# Slush localnet: every node of the tree is its own single-validator CometBFT chain on
# loopback ports, with its data under .localnet/ (owned by this script).
#
#   scripts/localnet.sh up [--tree SPEC]   init (first time) and start the chains
#   scripts/localnet.sh down               stop every chain (data is kept)
#   scripts/localnet.sh status             height and tree identity of every chain
#   scripts/localnet.sh logs [CHAIN]       tail a chain's log (default: root)
#   scripts/localnet.sh clean              stop and delete .localnet/
#
# SPEC is a comma-separated list of paths, e.g. "root,1,2,1-1,1-2" (default: "root").
# Environment: SLUSH_LOCALNET_DIR (default .localnet), SLUSH_LOCALNET_PORT (base port,
# default 26600; chain i uses base+10i .. base+10i+2), SLUSHCHAIND (binary, default build/slushchaind).
set -euo pipefail

root_dir=$(cd "$(dirname "$0")/.." && pwd)
net_dir=${SLUSH_LOCALNET_DIR:-$root_dir/.localnet}
base_port=${SLUSH_LOCALNET_PORT:-26600}
bin=${SLUSHCHAIND:-$root_dir/build/slushchaind}
denom=stake

die() { echo "localnet: $*" >&2; exit 1; }

chain_id() { [ "$1" = root ] && echo slush-root || echo "slush-$1"; }
parent_of() { case "$1" in root) echo "";; *-*) echo "${1%-*}";; *) echo root;; esac; }
home_of() { echo "$net_dir/$(chain_id "$1")"; }
rpc_port() { echo $((base_port + 10 * $2)); }
p2p_port() { echo $((base_port + 10 * $2 + 1)); }
grpc_port() { echo $((base_port + 10 * $2 + 2)); }
chains() { cat "$net_dir/tree" 2>/dev/null || die "no localnet in $net_dir (run: $0 up)"; }
node_of() { echo "tcp://127.0.0.1:$(rpc_port "$1" "$2")"; }

init_chain() { # path index
  local path=$1 i=$2 home cid parent
  home=$(home_of "$path"); cid=$(chain_id "$path"); parent=$(parent_of "$path")
  "$bin" init "$cid" --chain-id "$cid" --home "$home" --default-denom "$denom" >/dev/null 2>&1
  "$bin" keys add validator --keyring-backend test --home "$home" >/dev/null 2>&1
  "$bin" keys add user --keyring-backend test --home "$home" >/dev/null 2>&1
  for key in validator user; do
    "$bin" genesis add-genesis-account "$key" 1000000000000$denom --keyring-backend test --home "$home" >/dev/null
  done
  "$bin" genesis gentx validator 100000000$denom --chain-id "$cid" --keyring-backend test --home "$home" >/dev/null 2>&1
  "$bin" genesis collect-gentxs --home "$home" >/dev/null 2>&1
  if [ "$path" = root ]; then
    "$bin" genesis set-tree-identity root --home "$home" >/dev/null
  else
    "$bin" genesis set-tree-identity "$path" --parent-chain-id "$(chain_id "$parent")" --home "$home" >/dev/null
  fi
  "$bin" genesis validate --home "$home" >/dev/null
  # 1 s blocks (DESIGN §12 localnet), client defaults pointing at this chain
  sed -i 's/^timeout_commit = .*/timeout_commit = "1s"/' "$home/config/config.toml"
  sed -i "s|^node = .*|node = \"$(node_of "$path" "$i")\"|; s|^chain-id = .*|chain-id = \"$cid\"|; s|^keyring-backend = .*|keyring-backend = \"test\"|" \
    "$home/config/client.toml"
}

start_chain() { # path index
  local path=$1 i=$2 home
  home=$(home_of "$path")
  if [ -f "$home/pid" ] && kill -0 "$(cat "$home/pid")" 2>/dev/null; then return 0; fi
  nohup "$bin" start --home "$home" \
    --rpc.laddr "tcp://127.0.0.1:$(rpc_port "$path" "$i")" \
    --p2p.laddr "tcp://127.0.0.1:$(p2p_port "$path" "$i")" \
    --grpc.address "127.0.0.1:$(grpc_port "$path" "$i")" \
    --rpc.pprof_laddr "" --api.enable=false --minimum-gas-prices "0$denom" \
    >"$home/node.log" 2>&1 &
  echo $! >"$home/pid"
}

height_of() { # path index
  "$bin" status --node "$(node_of "$1" "$2")" 2>/dev/null | jq -r '.sync_info.latest_block_height // empty' 2>/dev/null || true
}

cmd_up() {
  local spec=root
  while [ $# -gt 0 ]; do
    case "$1" in
      --tree) spec=$2; shift 2;;
      *) die "unknown flag $1";;
    esac
  done
  [ -x "$bin" ] || die "$bin not found: run make build"
  command -v jq >/dev/null || die "jq is required (apt-get install jq)"
  mkdir -p "$net_dir"
  if [ -f "$net_dir/tree" ] && [ "$(cat "$net_dir/tree")" != "$(echo "$spec" | tr ',' '\n')" ]; then
    die "a localnet with another tree exists in $net_dir: run '$0 clean' first"
  fi
  echo "$spec" | tr ',' '\n' >"$net_dir/tree"
  local i=0 path
  while read -r path; do
    [ -d "$(home_of "$path")/config" ] || init_chain "$path" "$i"
    start_chain "$path" "$i"
    echo "started $(chain_id "$path") rpc=$(node_of "$path" "$i") home=$(home_of "$path")"
    i=$((i + 1))
  done < <(chains)
}

cmd_down() {
  local path pid
  while read -r path; do
    local home; home=$(home_of "$path")
    [ -f "$home/pid" ] || continue
    pid=$(cat "$home/pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
      echo "stopped $(chain_id "$path")"
    fi
    rm -f "$home/pid"
  done < <(chains)
}

cmd_status() {
  local i=0 path h id
  printf '%-14s %-8s %-8s %s\n' CHAIN HEIGHT PATH PARENT
  while read -r path; do
    h=$(height_of "$path" "$i")
    id=$("$bin" query validium tree-identity --node "$(node_of "$path" "$i")" -o json 2>/dev/null || true)
    printf '%-14s %-8s %-8s %s\n' "$(chain_id "$path")" "${h:-down}" \
      "$(echo "$id" | jq -r '(.identity.path // []) | map(tostring) | join("-") | if . == "" then "root" else . end' 2>/dev/null)" \
      "$(echo "$id" | jq -r '.identity.parent_chain_id // "-"' 2>/dev/null)"
    i=$((i + 1))
  done < <(chains)
}

cmd_wait() { # wait until every chain reaches height H (default 3), timeout T seconds (default 60)
  local target=${1:-3} timeout=${2:-60} deadline i path h ok
  deadline=$((SECONDS + timeout))
  while [ $SECONDS -lt $deadline ]; do
    ok=1; i=0
    while read -r path; do
      h=$(height_of "$path" "$i"); i=$((i + 1))
      [ -n "$h" ] && [ "$h" -ge "$target" ] || ok=0
    done < <(chains)
    [ $ok = 1 ] && return 0
    sleep 1
  done
  die "timed out waiting for height $target"
}

case "${1:-}" in
  up) shift; cmd_up "$@";;
  down) cmd_down;;
  status) cmd_status;;
  wait) shift; cmd_wait "$@";;
  logs) tail -n 50 -f "$(home_of "${2:-root}")/node.log";;
  clean) [ -f "$net_dir/tree" ] && cmd_down; rm -rf "$net_dir";;
  *) sed -n '2,14p' "$0"; exit 2;;
esac

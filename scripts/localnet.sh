#!/usr/bin/env bash
# Slush localnet: every node of the tree is its own single-validator CometBFT chain on
# loopback ports (1 s blocks), with its data under .localnet/ (owned by this script), and one
# relayer process (`slushchaind relayer start`) serves the whole tree.
#
#   scripts/localnet.sh up [--tree SPEC] [--recursive] [--validators N]
#                                          make keys, init (first time), start the chains top-down
#                                          (a child trusts its parent's header at genesis),
#                                          register children, start the relayer. --recursive (first
#                                          up only): every chain runs RECURSIVE subtree proofs (issue
#                                          16: a parent verifies its grandchildren's moves by leaf
#                                          step proofs the relayer makes; the leaf step's setup takes
#                                          ~4 min once, then comes from the key cache); no chain but
#                                          the root may have genesis deposits, and no chain may have
#                                          grandchildren with children of their own (node steps are
#                                          not built). --validators N (first up only, default 1,
#                                          kept by later ups): every chain gets N validators, each
#                                          its own process and home (validator 0: the chain's home,
#                                          validator k >= 1: <home>-v<k>), equal power, one genesis
#                                          with N gentxs, persistent peers between them
#   scripts/localnet.sh down               stop the relayer and every chain (data is kept; `up` restarts)
#   scripts/localnet.sh status             tree view: height, own commitment, finality, children; relayer
#   scripts/localnet.sh wait [H] [T]       wait until every chain reaches height H (3) within T s (60)
#   scripts/localnet.sh logs [PATH|relayer] tail a chain's log (default: root) or the relayer's
#   scripts/localnet.sh stop PATH [--kill] stop one chain's validator 0 (SIGTERM; --kill: SIGKILL)
#   scripts/localnet.sh start PATH         start one chain's stopped validator 0 again
#   scripts/localnet.sh stop PATH --validator K [--kill] / start PATH --validator K
#                                          stop / start validator K of a chain (K = all: every one)
#   scripts/localnet.sh validators PATH    list a chain's validator processes and the comet set
#   scripts/localnet.sh add-validator PATH add a validator to a running chain by a staking tx
#                                          (the steps: below); it runs until down, restarts by up
#   scripts/localnet.sh relayer-stop [--kill] / relayer-start / relayer-restart
#   scripts/localnet.sh withhold PATH      the relayer stops serving PATH's children: every chain
#                                          below PATH leaves tree.toml (a parent withholding data,
#                                          DESIGN §9); the relayer restarts if it runs
#   scripts/localnet.sh serve PATH         undo withhold PATH
#   scripts/localnet.sh operator-key PATH  print the file of a chain's operator EdDSA key
#   scripts/localnet.sh node PATH / home PATH  print a chain's RPC address / home directory
#   scripts/localnet.sh reset              stop and delete the chains, keep the keys
#   scripts/localnet.sh clean              stop and delete .localnet/
#
# SPEC is a comma-separated list of paths (default "root,1,2,1-1,1-2"): it must hold root and
# every listed chain's parent, and the children of a chain must be numbered 1, 2, ... (the
# parent assigns indices in registration order). Environment: SLUSH_LOCALNET_DIR (default
# .localnet), SLUSH_LOCALNET_PORT (base port, default 26600; chain i of SPEC uses base+10i ..
# base+10i+5 (+5: Go pprof), the explorer base+8, the relayer's metrics base+9; validator k >= 1 of chain i
# uses base+1000k+10i .. base+1000k+10i+5, so with --validators N > 1 the tree holds at most 100
# chains (i <= 99 keeps validator 0's ports below base+1000) and base+1000N <= 65535),
# SLUSHCHAIND (binary, default build/slushchaind),
# SLUSH_LEDGER_ACCOUNT_DEPTH (8) and SLUSH_LEDGER_BATCH_SIZE (4): the ledger shape of every
# chain. Read only when a chain is first initialized: SLUSH_DEPOSITS, space-separated
# PATH:OWNER:ASSET:AMOUNT genesis ledger deposits (OWNER from `slushchaind ledger owner`), and
# SLUSH_FORCED_OP_DEADLINE, x/validium's forced_op_deadline (root heights) on every chain, and
# SLUSH_ROOT_LIVENESS_TIMEOUT, x/election's root_liveness_timeout_seconds (default 3600) on every
# chain: how long a child of the root waits for a new root header before it may report the root
# silent (scripts/root-failover.sh).
# SLUSH_RELAYER_NO_CLAIMS=1: the relayer started next claims and confirms nothing (messages
# travel by the fallback route once their deadline passes). SLUSH_STEP_ANCHOR_INTERVAL: the
# relayer's step_anchor_interval (root heights between anchor-only updates that a leaf step
# proves; relayer default 20). SLUSH_LOCALNET_VALIDATORS: the default of up --validators (so
# scripts/demo.sh, which resets and ups, runs N validators per chain).
# SLUSH_RELAYER_LOG_LEVEL (debug, info, warn, error; default info): the relayer's --log-level.
#
# The relayer, status, the demo and e2e talk to validator 0 of every chain only (its home and
# ports are the same whatever N). Adding a validator to a running chain by a staking tx
# (`add-validator PATH` does this, as the next validator k): init a new home with the chain's chain-id, copy validator 0's
# config/genesis.json, set persistent_peers to validator 0's node (`slushchaind comet
# show-node-id --home <home>`@127.0.0.1:<p2p port>) with allow_duplicate_ip and
# addr_book_strict = false, start it on free ports, fund a new key of it from the chain's `user`
# key (`tx bank send user <addr> ...`), then from the new home `slushchaind tx staking
# create-validator validator.json --from <key> --node <validator 0's rpc>` (validator.json:
# pubkey from `slushchaind comet show-validator --home <new home>`, amount, moniker, commission
# rates, min-self-delegation). Children follow the parent's validator-set change through the
# relayer's MsgSyncParent (internal/parentsync).
set -euo pipefail

root_dir=$(cd "$(dirname "$0")/.." && pwd)
net_dir=${SLUSH_LOCALNET_DIR:-$root_dir/.localnet}
case $net_dir in /*) ;; *) net_dir=$PWD/$net_dir;; esac # tree.toml carries absolute paths
base_port=${SLUSH_LOCALNET_PORT:-26600}
bin=${SLUSHCHAIND:-$root_dir/build/slushchaind}
account_depth=${SLUSH_LEDGER_ACCOUNT_DEPTH:-8}
batch_size=${SLUSH_LEDGER_BATCH_SIZE:-4}
claim_slots=${SLUSH_LEDGER_CLAIM_SLOTS:-2}
default_tree=root,1,2,1-1,1-2
max_children=3 # x/validium's default (the seed's narrow tree)
denom=stake
keys_dir=$net_dir/keys
relayer_pid=$net_dir/relayer.pid
relayer_log=$net_dir/relayer.log       # the relayer's log (tree.toml log_file: rotated at 20 MB, 3 kept)
relayer_stderr=$net_dir/relayer.stderr # what it prints before its log is open (start-up errors)
# relayer_key is the relayer's own account on every chain (issue 19): it registers the chain's
# children, so it is their operator, and signs every transaction the relayer sends; people use
# `operator` (and `user`) for their own transactions, which then never race its sequence.
relayer_key=relayer
explorer_pid=$net_dir/explorer.pid
explorer_log=$net_dir/explorer.log
withheld_file=$net_dir/withheld # paths whose children the relayer does not serve
mode_file=$net_dir/subtree-proofs # "recursive" when made with up --recursive (else attested)
validators_file=$net_dir/validators # N of up --validators N (validators per chain), kept by later ups

die() { echo "localnet: $*" >&2; exit 1; }

# shellcheck source=scripts/lib.sh
. "$root_dir/scripts/lib.sh"
last_index() { echo "${1##*-}"; }
depth_of() { [ "$1" = root ] && echo 0 || echo $(($(tr -cd - <<<"$1" | wc -c) + 1)); }
home_of() { echo "$net_dir/$(chain_id "$1")"; }
# vhome_of is validator k's home of a chain: validator 0's is the chain's home.
vhome_of() { if [ "${2:-0}" = 0 ]; then home_of "$1"; else echo "$(home_of "$1")-v$2"; fi; }
num_validators() { cat "$validators_file" 2>/dev/null || echo 1; }
# vcount_of counts a chain's validator homes: N of up, plus those add-validator made.
vcount_of() { local k=1; while [ -d "$(vhome_of "$1" "$k")" ]; do k=$((k + 1)); done; echo "$k"; }
# ports of chain index i (SPEC position), validator k (default 0): base+1000k+10i+offset
rpc_port() { echo $((base_port + 1000 * ${2:-0} + 10 * $1)); }
p2p_port() { echo $((base_port + 1000 * ${2:-0} + 10 * $1 + 1)); }
grpc_port() { echo $((base_port + 1000 * ${2:-0} + 10 * $1 + 2)); }
rest_port() { echo $((base_port + 1000 * ${2:-0} + 10 * $1 + 3)); }       # REST API (+ app telemetry at /metrics?format=prometheus)
prometheus_port() { echo $((base_port + 1000 * ${2:-0} + 10 * $1 + 4)); } # CometBFT's Prometheus metrics
pprof_port() { echo $((base_port + 1000 * ${2:-0} + 10 * $1 + 5)); }      # Go pprof (heap profiles: the soak reads them)
metrics_port() { echo $((base_port + 9)); }
explorer_port() { echo $((base_port + 8)); }
chains() { cat "$net_dir/tree" 2>/dev/null || die "no localnet in $net_dir (run: $0 up)"; }
# operator_key_file is a chain's operator EdDSA key (DESIGN §3, §9): a random seed made at init,
# whose hash the chain's commitments carry and its parent's child record holds; it signs the
# chain's withholding reports and emergency votes (scripts/failover.sh).
operator_key_file() { echo "$keys_dir/operator-$1.key"; }
operator_key_hash() { "$bin" operator-key show --key-file "$(operator_key_file "$1")" --hash-only; }
# withheld tells whether the relayer withholds path: one of its strict ancestors is withheld.
# moved_path is a chain's path in the tree after a move (scripts/reparent.sh, issue 20): the
# localnet keeps naming a moved chain by its first path (its chain-id, home and ports), the
# relayer's config places it where it is now.
moved_path() { # path
  local m
  m=$(awk -v p="$1" '$1 == p { print $2 }' "$net_dir/moved" 2>/dev/null)
  echo "${m:-$1}"
}
withheld() { # path
  local w
  [ -f "$withheld_file" ] || return 1
  while read -r w; do
    [ -n "$w" ] || continue
    if [ "$w" = root ]; then [ "$1" != root ] && return 0; else [[ $1 == "$w"-* ]] && return 0; fi
  done <"$withheld_file"
  return 1
}
index_of() { # position of a path in SPEC (fixes its ports)
  local n; n=$(grep -nx -- "$1" "$net_dir/tree" | cut -d: -f1)
  [ -n "$n" ] || die "$1 is not in the tree"
  echo $((n - 1))
}
node_of() { echo "tcp://127.0.0.1:$(rpc_port "$(index_of "$1")")"; }
# tree_order lists the chains depth-first, children by index (root, 1, 1-1, 1-2, 2, ...).
tree_order() {
  chains | awk '{ if ($0 == "root") { print "0\troot"; next }
                  n = split($0, a, "-"); k = "1"; for (i = 1; i <= n; i++) k = k sprintf(".%03d", a[i]);
                  print k "\t" $0 }' | sort | cut -f2
}
# level_order lists the chains by depth (parents before children), then as in SPEC.
level_order() {
  local path
  while read -r path; do printf '%s\t%s\n' "$(depth_of "$path")" "$path"; done < <(chains) | sort -s -n -k1,1 | cut -f2
}
# q runs a query against a chain's node and prints its JSON (nothing if the node is down).
q() { local path=$1; shift; "$bin" query "$@" --node "$(node_of "$path")" -o json 2>/dev/null || true; }
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# stop_pid stops the process of a pid file: SIGTERM (SIGKILL with --kill, or after 10 s).
stop_pid() { # pidfile name [--kill]
  local file=$1 name=$2 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    if [ "${3:-}" = --kill ]; then
      kill -9 "$pid"
    else
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "stopped $name${3:+ (killed)}"
  fi
  rm -f "$file"
}

# check_spec enforces what registration needs: root, parents present, indices 1..k in order.
check_spec() { # newline-separated paths on stdin
  local seen=" " path parent idx
  mapfile -t paths
  for path in "${paths[@]}"; do
    if [ "$path" != root ] && ! [[ $path =~ ^[1-9][0-9]*(-[1-9][0-9]*)*$ ]]; then
      die "bad path '$path' in --tree (want root or dash-separated child indices like 1-2)"
    fi
    [[ $seen == *" $path "* ]] && die "path $path appears twice in --tree"
    seen="$seen$path "
  done
  [[ $seen == *" root "* ]] || die "--tree must contain root"
  for path in "${paths[@]}"; do
    [ "$path" = root ] && continue
    parent=$(parent_of "$path"); idx=$(last_index "$path")
    [[ $seen == *" $parent "* ]] || die "$path needs its parent $parent in --tree"
    [ "$idx" -le $max_children ] || die "$path: child index $idx > max_children $max_children"
    [ "$(depth_of "$path")" -le 16 ] || die "$path: deeper than max_depth 16"
    if [ "$idx" -gt 1 ]; then
      local sib; [ "$parent" = root ] && sib=$((idx - 1)) || sib="$parent-$((idx - 1))"
      [[ $seen == *" $sib "* ]] || die "$path needs its sibling $sib in --tree: a parent assigns child indices 1, 2, ... in order"
    fi
  done
}

# recursive tells whether this localnet runs RECURSIVE subtree proofs (up --recursive).
recursive() { [ "$(cat "$mode_file" 2>/dev/null)" = recursive ]; }

# check_deposits checks SLUSH_DEPOSITS' shape (the genesis command checks the values); under
# RECURSIVE subtree proofs only the root may start funded (a parent registers only children with
# empty genesis roots: value below the root arrives by the bridge).
check_deposits() {
  local d
  for d in ${SLUSH_DEPOSITS:-}; do
    [[ $d =~ ^(root|[1-9][0-9]*(-[1-9][0-9]*)*):[0-9a-fA-Fx]+:[0-9a-fA-Fx]+:[0-9]+$ ]] ||
      die "SLUSH_DEPOSITS: '$d' is not PATH:OWNER:ASSET:AMOUNT"
    if recursive && [ "${d%%:*}" != root ]; then
      die "SLUSH_DEPOSITS: '$d': with --recursive only the root has genesis deposits (children register empty)"
    fi
  done
  [ -z "${SLUSH_FORCED_OP_DEADLINE:-}" ] || [[ $SLUSH_FORCED_OP_DEADLINE =~ ^[1-9][0-9]*$ ]] ||
    die "SLUSH_FORCED_OP_DEADLINE must be a positive number of root heights"
  [ -z "${SLUSH_ROOT_LIVENESS_TIMEOUT:-}" ] || [[ $SLUSH_ROOT_LIVENESS_TIMEOUT =~ ^[0-9]+$ ]] ||
    die "SLUSH_ROOT_LIVENESS_TIMEOUT must be a number of seconds (0: off)"
}

# make_keys writes the tree's development keys once: the inclusion circuit deep enough for the
# deepest chain and the ledger batch circuit at the localnet's shape. Random single-party
# setups: fast, and NOT for production (see `slushchaind circuits setup --help`). Keys made
# for another shape or a shallower tree are refused rather than silently mismatched.
make_keys() {
  local depth=1 path d shape
  while read -r path; do d=$(depth_of "$path"); [ "$d" -gt "$depth" ] && depth=$d; done < <(chains)
  mkdir -p "$keys_dir"
  if [ -f "$keys_dir/inclusion.depth" ] && [ "$(cat "$keys_dir/inclusion.depth")" -lt "$depth" ]; then
    die "$keys_dir: inclusion key for depth $(cat "$keys_dir/inclusion.depth") < tree depth $depth (run '$0 clean')"
  fi
  if [ ! -f "$keys_dir/inclusion.vk" ]; then
    echo "keys: inclusion circuit, max depth $depth (random setup, NOT for production)..."
    "$bin" circuits setup --circuit inclusion --max-depth "$depth" --random --out "$keys_dir"
    echo "$depth" >"$keys_dir/inclusion.depth"
  fi
  # the ledger's claim sections reach as deep as the inclusion key (genesis checks they agree)
  shape="account-depth=$account_depth outbox-depth=20 batch-size=$batch_size claim-slots=$claim_slots claim-depth=$(cat "$keys_dir/inclusion.depth")"
  if [ -f "$keys_dir/ledger.shape" ] && [ "$(cat "$keys_dir/ledger.shape")" != "$shape" ]; then
    die "$keys_dir: ledger key for '$(cat "$keys_dir/ledger.shape")', not '$shape' (run '$0 clean')"
  fi
  if [ ! -f "$keys_dir/ledger.vk" ]; then
    echo "keys: ledger circuit, $shape (random setup, NOT for production)..."
    "$bin" circuits setup --circuit ledger --account-depth "$account_depth" --outbox-depth 20 \
      --batch-size "$batch_size" --claim-slots "$claim_slots" --claim-depth "$(cat "$keys_dir/inclusion.depth")" \
      --random --out "$keys_dir"
    echo "$shape" >"$keys_dir/ledger.shape"
  fi
  # RECURSIVE: the leaf step around the ledger key (issue 16), ~1M constraints: minutes of setup
  # the first time, then the development key cache's copy (by circuit digest)
  if recursive && [ ! -f "$keys_dir/leaf-step.vk" ]; then
    echo "keys: leaf step around ledger.vk (random setup, NOT for production; ~4 min and ~2.5 GiB the first time, then cached)..."
    "$bin" circuits setup --circuit leaf-step --inner-key "$keys_dir/ledger.vk" --account-depth "$account_depth" --outbox-depth 20 \
      --batch-size "$batch_size" --claim-slots "$claim_slots" --claim-depth "$(cat "$keys_dir/inclusion.depth")" \
      --random --out "$keys_dir"
  fi
  # RECURSIVE: the forced leaf step (kind 9), a grandchild's batch that minted forced deposits of
  # its parent: the leaf step and at most 8 outbox openings, ~1.02M constraints, as long to set up
  if recursive && [ ! -f "$keys_dir/leaf-forced-step.vk" ]; then
    echo "keys: forced leaf step around ledger.vk (random setup, NOT for production; ~4 min and ~2.5 GiB the first time, then cached)..."
    "$bin" circuits setup --circuit leaf-forced-step --inner-key "$keys_dir/ledger.vk" --account-depth "$account_depth" --outbox-depth 20 \
      --batch-size "$batch_size" --claim-slots "$claim_slots" --claim-depth "$(cat "$keys_dir/inclusion.depth")" \
      --random --out "$keys_dir"
  fi
  # RECURSIVE with grandchildren that have children (a tree deeper than two levels): the node
  # steps (issue 16) around the ledger and leaf step keys, ~1M (three times: plain, forced and
  # exit) and ~1.46M constraints (twice): about 6, 6, 6, 10 and 10 min and ~3 GiB of setup the
  # first time, then the key cache's copies
  if recursive && [ "$depth" -ge 3 ]; then
    if [ ! -f "$keys_dir/node-ledger-step.vk" ]; then
      echo "keys: node ledger step around ledger.vk (random setup, NOT for production; ~6 min and ~2.5 GiB the first time, then cached)..."
      "$bin" circuits setup --circuit node-ledger-step --inner-key "$keys_dir/ledger.vk" --account-depth "$account_depth" --outbox-depth 20 \
        --batch-size "$batch_size" --claim-slots "$claim_slots" --claim-depth "$(cat "$keys_dir/inclusion.depth")" \
        --max-children $max_children --random --out "$keys_dir"
    fi
    if [ ! -f "$keys_dir/node-ledger-forced-step.vk" ]; then
      echo "keys: forced node ledger step around ledger.vk (random setup, NOT for production; ~6 min and ~2.5 GiB the first time, then cached)..."
      "$bin" circuits setup --circuit node-ledger-forced-step --inner-key "$keys_dir/ledger.vk" --account-depth "$account_depth" --outbox-depth 20 \
        --batch-size "$batch_size" --claim-slots "$claim_slots" --claim-depth "$(cat "$keys_dir/inclusion.depth")" \
        --max-children $max_children --random --out "$keys_dir"
    fi
    if [ ! -f "$keys_dir/node-child-step.vk" ]; then
      echo "keys: node child step around leaf-step.vk (random setup, NOT for production; ~10 min and ~3 GiB the first time, then cached)..."
      "$bin" circuits setup --circuit node-child-step --inner-key "$keys_dir/leaf-step.vk" --max-children $max_children --random --out "$keys_dir"
    fi
    # a grandchild's batch that paid exits of its own frozen children (kind 12)
    if [ ! -f "$keys_dir/node-ledger-exit-step.vk" ]; then
      echo "keys: node ledger exit step around ledger.vk (random setup, NOT for production; ~6 min and ~2.5 GiB the first time, then cached)..."
      "$bin" circuits setup --circuit node-ledger-exit-step --inner-key "$keys_dir/ledger.vk" --account-depth "$account_depth" --outbox-depth 20 \
        --batch-size "$batch_size" --claim-slots "$claim_slots" --claim-depth "$(cat "$keys_dir/inclusion.depth")" \
        --max-children $max_children --random --out "$keys_dir"
    fi
    # a great-grandchild's batch that minted forced deposits of its parent (kind 11 over kind 9)
    if [ ! -f "$keys_dir/node-child-forced-step.vk" ]; then
      echo "keys: forced node child step around leaf-forced-step.vk (random setup, NOT for production; ~10 min and ~3 GiB the first time, then cached)..."
      "$bin" circuits setup --circuit node-child-forced-step --inner-key "$keys_dir/leaf-forced-step.vk" --account-depth "$account_depth" --outbox-depth 20 \
        --batch-size "$batch_size" --claim-slots "$claim_slots" --claim-depth "$(cat "$keys_dir/inclusion.depth")" \
        --max-children $max_children --random --out "$keys_dir"
    fi
  fi
  # the same ledger circuit without claim sections proves the batches that claim nothing
  if [ ! -f "$keys_dir/ledger-transfer.vk" ]; then
    echo "keys: ledger transfer circuit (no claim sections), $shape (random setup, NOT for production)..."
    "$bin" circuits setup --circuit ledger-transfer --account-depth "$account_depth" --outbox-depth 20 \
      --batch-size "$batch_size" --claim-slots "$claim_slots" --claim-depth "$(cat "$keys_dir/inclusion.depth")" \
      --random --out "$keys_dir"
  fi
}

# init_chain initializes a chain's home in a scratch directory and moves it in place when
# complete, so an interrupted init never leaves a half-made chain behind. A non-root chain's
# parent light client is set later, from the running parent (start_tree).
init_chain() { # path
  local path=$1 home cid parent d dpath owner asset amount
  home=$(home_of "$path").init; cid=$(chain_id "$path"); parent=$(parent_of "$path")
  rm -rf "$home"
  "$bin" init "$cid" --chain-id "$cid" --home "$home" --default-denom "$denom" >/dev/null 2>&1
  # validator: the chain's only validator; relayer: the relayer's own key (registers this chain's
  # children and signs their updates, its syncs, claims, confirmations); operator: the chain
  # operator's manual transactions (e.g. post-bond after a failover); user: a plain account
  for key in validator operator user "$relayer_key"; do
    "$bin" keys add "$key" --keyring-backend test --home "$home" >/dev/null 2>&1
    "$bin" genesis add-genesis-account "$key" 1000000000000$denom --keyring-backend test --home "$home" >/dev/null
  done
  # validators k >= 1 (up --validators N): own homes, accounts in validator 0's genesis, their
  # gentxs made on a copy of it and collected in validator 0's home
  local k nv vh addr
  nv=$(num_validators)
  for ((k = 1; k < nv; k++)); do
    vh=$(vhome_of "$path" "$k").init
    rm -rf "$vh"
    "$bin" init "$cid-v$k" --chain-id "$cid" --home "$vh" --default-denom "$denom" >/dev/null 2>&1
    "$bin" keys add validator --keyring-backend test --home "$vh" >/dev/null 2>&1
    addr=$("$bin" keys show validator -a --keyring-backend test --home "$vh")
    "$bin" genesis add-genesis-account "$addr" 1000000000000$denom --home "$home" >/dev/null
  done
  mkdir -p "$home/config/gentx"
  for ((k = 1; k < nv; k++)); do
    vh=$(vhome_of "$path" "$k").init
    cp "$home/config/genesis.json" "$vh/config/genesis.json"
    "$bin" genesis gentx validator 100000000$denom --chain-id "$cid" --keyring-backend test --home "$vh" \
      --output-document "$home/config/gentx/gentx-v$k.json" >/dev/null 2>&1
  done
  "$bin" genesis gentx validator 100000000$denom --chain-id "$cid" --keyring-backend test --home "$home" >/dev/null 2>&1
  "$bin" genesis collect-gentxs --home "$home" >/dev/null 2>&1
  mkdir -p "$keys_dir"
  [ -f "$(operator_key_file "$path")" ] || new_operator_key "$(operator_key_file "$path")"
  if [ "$path" = root ]; then
    "$bin" genesis set-tree-identity root --max-children $max_children \
      --operator-key-hash "$(operator_key_hash "$path")" --home "$home" >/dev/null
  else
    "$bin" genesis set-tree-identity "$path" --parent-chain-id "$(chain_id "$parent")" \
      --max-children $max_children --operator-key-hash "$(operator_key_hash "$path")" --home "$home" >/dev/null
  fi
  # short governance rounds: a child's governance replaces its parent client after a failover
  # (scripts/failover.sh); the validator alone decides on a localnet
  jq '.app_state.gov.params.voting_period = "8s" | .app_state.gov.params.expedited_voting_period = "4s"' \
    "$home/config/genesis.json" >"$home/config/genesis.json.new"
  mv "$home/config/genesis.json.new" "$home/config/genesis.json"
  local claim_depth=0 # a single-chain tree has no inclusion key: its ledger is never proven
  [ -f "$keys_dir/inclusion.depth" ] && claim_depth=$(cat "$keys_dir/inclusion.depth")
  "$bin" genesis set-ledger-params --account-depth "$account_depth" --outbox-depth 20 \
    --batch-size "$batch_size" --claim-slots "$claim_slots" --claim-depth "$claim_depth" --home "$home"
  if [ -f "$keys_dir/inclusion.vk" ]; then
    "$bin" genesis set-inclusion-key "$keys_dir/inclusion.vk" --max-depth "$(cat "$keys_dir/inclusion.depth")" --home "$home"
  fi
  if [ -f "$keys_dir/ledger.vk" ]; then # children register only with the tree's ledger keys
    "$bin" genesis set-ledger-keys "$keys_dir/ledger.vk" "$keys_dir/ledger-transfer.vk" --home "$home"
  fi
  if recursive; then # issue 16: grandchildren's moves proven by leaf (and node) steps; empty genesis below the root
    local node_keys=(--leaf-forced-key "$keys_dir/leaf-forced-step.vk")
    if [ -f "$keys_dir/node-child-step.vk" ]; then
      node_keys+=(--node-ledger-key "$keys_dir/node-ledger-step.vk" --node-child-key "$keys_dir/node-child-step.vk"
        --node-ledger-forced-key "$keys_dir/node-ledger-forced-step.vk" --node-child-forced-key "$keys_dir/node-child-forced-step.vk"
        --node-ledger-exit-key "$keys_dir/node-ledger-exit-step.vk")
    fi
    "$bin" genesis set-subtree-proofs recursive "$keys_dir/leaf-step.vk" "${node_keys[@]}" --home "$home"
  fi
  for d in ${SLUSH_DEPOSITS:-}; do # PATH:OWNER:ASSET:AMOUNT
    IFS=: read -r dpath owner asset amount <<<"$d"
    [ "$dpath" = "$path" ] || continue
    "$bin" genesis add-ledger-deposit --owner "$owner" --asset "$asset" --amount "$amount" --home "$home"
  done
  if [ -n "${SLUSH_FORCED_OP_DEADLINE:-}" ]; then
    jq --arg d "$SLUSH_FORCED_OP_DEADLINE" '.app_state.validium.params.forced_op_deadline = $d' \
      "$home/config/genesis.json" >"$home/config/genesis.json.new"
    mv "$home/config/genesis.json.new" "$home/config/genesis.json"
  fi
  if [ -n "${SLUSH_ROOT_LIVENESS_TIMEOUT:-}" ]; then # x/election: how long the root may be silent (DESIGN §10)
    jq --arg d "$SLUSH_ROOT_LIVENESS_TIMEOUT" '.app_state.election.params.root_liveness_timeout_seconds = $d' \
      "$home/config/genesis.json" >"$home/config/genesis.json.new"
    mv "$home/config/genesis.json.new" "$home/config/genesis.json"
  fi
  "$bin" genesis validate --home "$home" >/dev/null
  # 1 s blocks (DESIGN §12 localnet), bounded memory and disk, client defaults pointing at this chain
  tune_node "$home"
  sed -i "s|^node = .*|node = \"$(node_of "$path")\"|; s|^chain-id = .*|chain-id = \"$cid\"|; s|^keyring-backend = .*|keyring-backend = \"test\"|" \
    "$home/config/client.toml"
  if [ "$nv" -gt 1 ]; then # one genesis everywhere; every validator peers with all the others
    local i peers="" id
    i=$(index_of "$path")
    for ((k = 0; k < nv; k++)); do
      vh=$(vhome_of "$path" "$k").init
      id=$("$bin" comet show-node-id --home "$vh")
      peers="$peers${peers:+,}$id@127.0.0.1:$(p2p_port "$i" "$k")"
    done
    for ((k = 0; k < nv; k++)); do
      vh=$(vhome_of "$path" "$k").init
      [ "$k" = 0 ] || cp "$home/config/genesis.json" "$vh/config/genesis.json"
      [ "$k" = 0 ] || cp "$home/config/client.toml" "$vh/config/client.toml"
      tune_node "$vh"
      sed -i 's/^allow_duplicate_ip = .*/allow_duplicate_ip = true/; s/^addr_book_strict = .*/addr_book_strict = false/' "$vh/config/config.toml"
      sed -i "s|^persistent_peers = .*|persistent_peers = \"$peers\"|" "$vh/config/config.toml"
    done
    for ((k = 1; k < nv; k++)); do mv "$(vhome_of "$path" "$k").init" "$(vhome_of "$path" "$k")"; done
  fi
  mv "$home" "$(home_of "$path")" # last: validator 0's home marks a complete init
}

# enable_metrics turns on a chain's Prometheus metrics on the port scheme (each chain its own
# port): CometBFT's on prometheus_port, the application's telemetry on the REST API
# (/metrics?format=prometheus). Idempotent: run before every start.
enable_metrics() { # home index [validator]
  sed -i "s|^prometheus = .*|prometheus = true|; s|^prometheus_listen_addr = .*|prometheus_listen_addr = \"127.0.0.1:$(prometheus_port "$2" "${3:-0}")\"|" \
    "$1/config/config.toml"
  sed -i '/^\[telemetry\]/,/^\[/ { s|^enabled = .*|enabled = true|; s|^prometheus-retention-time = .*|prometheus-retention-time = 600| }' \
    "$1/config/app.toml"
}

# port_busy tells whether something listens on a loopback port.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_chain starts every validator of a chain (start_validator: one of them).
start_chain() { # path
  local k nv
  nv=$(vcount_of "$1")
  for ((k = 0; k < nv; k++)); do start_validator "$1" "$k"; done
}

start_validator() { # path k
  local path=$1 k=$2 i home port name
  i=$(index_of "$path"); home=$(vhome_of "$path" "$k")
  name=$(chain_id "$path"); [ "$k" = 0 ] || name="$name validator $k"
  [ -d "$home" ] || die "$name: no home $home"
  if pid_alive "$home/pid"; then return 0; fi
  for port in $(rpc_port "$i" "$k") $(p2p_port "$i" "$k") $(grpc_port "$i" "$k") $(rest_port "$i" "$k") $(prometheus_port "$i" "$k") $(pprof_port "$i" "$k"); do # never talk to another localnet's chain
    port_busy "$port" && die "port $port (for $name) is in use by another process: set SLUSH_LOCALNET_PORT"
  done
  enable_metrics "$home" "$i" "$k"
  nohup "$bin" start --home "$home" \
    --rpc.laddr "tcp://127.0.0.1:$(rpc_port "$i" "$k")" \
    --p2p.laddr "tcp://127.0.0.1:$(p2p_port "$i" "$k")" \
    --grpc.address "127.0.0.1:$(grpc_port "$i" "$k")" \
    --api.enable=true --api.address "tcp://127.0.0.1:$(rest_port "$i" "$k")" \
    --rpc.pprof_laddr "127.0.0.1:$(pprof_port "$i" "$k")" --minimum-gas-prices "0$denom" --log_no_color \
    >>"$home/node.log" 2>&1 &
  echo $! >"$home/pid"
  echo "started $name rpc=tcp://127.0.0.1:$(rpc_port "$i" "$k") home=$home"
}

# stop_validators stops validator K of a chain (K = all: every validator, 0 last).
stop_validators() { # path K [--kill]
  local path=$1 k nv name
  nv=$(vcount_of "$path")
  if [ "$2" = all ]; then
    for ((k = nv - 1; k >= 0; k--)); do stop_validators "$path" "$k" "${3:-}"; done
    return 0
  fi
  [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -lt "$nv" ] || die "--validator must be 0..$((nv - 1)) or all"
  name=$(chain_id "$path"); [ "$2" = 0 ] || name="$name validator $2"
  stop_pid "$(vhome_of "$path" "$2")/pid" "$name" "${3:-}"
}

# tune_node sets a node's 1 s blocks and what bounds its memory and disk on a long run (README,
# "Memory, disk and pruning"): the SDK's default iavl-cache-size (781250 nodes per store) keeps
# every node a block writes until that many are cached, so RSS grows for hours on a small state;
# pruning keeps the last 100000 heights (~1 day at 1 s blocks), far more than any deadline or
# finality lag the relayer and exits read back.
tune_node() { # home
  sed -i 's/^timeout_commit = .*/timeout_commit = "1s"/' "$1/config/config.toml"
  sed -i 's/^iavl-cache-size = .*/iavl-cache-size = 5000/; s/^pruning = .*/pruning = "custom"/;
    s/^pruning-keep-recent = .*/pruning-keep-recent = "100000"/; s/^pruning-interval = .*/pruning-interval = "100"/' \
    "$1/config/app.toml"
}

# cmd_add_validator adds a validator to a running chain by a staking tx: a new home (the next
# k) with the chain's genesis, peered with the running validators, started, its key funded from
# the chain's `user` key, then `tx staking create-validator` (equal power: 100000000stake).
cmd_add_validator() { # path
  local path=$1 i k cid home0 vh peers="" j id addr pk
  i=$(index_of "$path"); k=$(vcount_of "$path"); cid=$(chain_id "$path"); home0=$(home_of "$path")
  pid_alive "$home0/pid" || die "$cid validator 0 is not running"
  [ $((base_port + 1000 * k)) -le 65535 ] || die "validator $k: ports beyond 65535"
  vh=$(vhome_of "$path" "$k")
  rm -rf "$vh.init"
  "$bin" init "$cid-v$k" --chain-id "$cid" --home "$vh.init" --default-denom "$denom" >/dev/null 2>&1
  "$bin" keys add validator --keyring-backend test --home "$vh.init" >/dev/null 2>&1
  cp "$home0/config/genesis.json" "$home0/config/client.toml" "$vh.init/config/"
  for ((j = 0; j < k; j++)); do
    id=$("$bin" comet show-node-id --home "$(vhome_of "$path" "$j")")
    peers="$peers${peers:+,}$id@127.0.0.1:$(p2p_port "$i" "$j")"
  done
  tune_node "$vh.init"
  sed -i 's/^allow_duplicate_ip = .*/allow_duplicate_ip = true/; s/^addr_book_strict = .*/addr_book_strict = false/' "$vh.init/config/config.toml"
  sed -i "s|^persistent_peers = .*|persistent_peers = \"$peers\"|" "$vh.init/config/config.toml"
  mv "$vh.init" "$vh"
  start_validator "$path" "$k"
  addr=$("$bin" keys show validator -a --keyring-backend test --home "$vh")
  tx_submit "$(node_of "$path")" "fund validator $k of $cid" "$bin" tx bank send user "$addr" 1000000000$denom \
    --from user --home "$home0" --keyring-backend test --chain-id "$cid" --node "$(node_of "$path")" >/dev/null ||
    die "funding validator $k failed"
  pk=$("$bin" comet show-validator --home "$vh")
  jq -n --argjson pk "$pk" --arg m "$cid-v$k" --arg a "100000000$denom" \
    '{pubkey: $pk, amount: $a, moniker: $m, "commission-rate": "0.1", "commission-max-rate": "0.2", "commission-max-change-rate": "0.01", "min-self-delegation": "1"}' \
    >"$vh/config/create-validator.json"
  tx_submit "$(node_of "$path")" "create-validator $k on $cid" "$bin" tx staking create-validator "$vh/config/create-validator.json" \
    --from validator --home "$vh" --keyring-backend test --chain-id "$cid" --node "$(node_of "$path")" --gas 400000 >/dev/null ||
    die "create-validator failed (validator $k runs as a full node: stop it with 'stop $path --validator $k')"
  echo "validator $k of $cid bonded (home $vh); a new peer of the others only once they restart (persistent_peers)"
}

# cmd_validators lists a chain's validator processes and the CometBFT validator set it signs with.
cmd_validators() { # path
  local path=$1 i k nv home
  i=$(index_of "$path"); nv=$(vcount_of "$path")
  for ((k = 0; k < nv; k++)); do
    home=$(vhome_of "$path" "$k")
    printf 'validator %d: %s rpc=tcp://127.0.0.1:%s home=%s\n' "$k" \
      "$(pid_alive "$home/pid" && echo "running (pid $(cat "$home/pid"))" || echo stopped)" "$(rpc_port "$i" "$k")" "$home"
  done
  q "$path" consensus comet validator-set | jq -r '.validators[] | "  \(.address) power \(.voting_power)"' 2>/dev/null || true
}

height_of() { # path
  "$bin" status --node "$(node_of "$1")" 2>/dev/null | jq -r '.sync_info.latest_block_height // empty' 2>/dev/null || true
}

wait_height() { # path height timeout
  local deadline=$((SECONDS + $3)) h
  while [ $SECONDS -lt $deadline ]; do
    h=$(height_of "$1")
    [ -n "$h" ] && [ "$h" -ge "$2" ] && return 0
    pid_alive "$(home_of "$1")/pid" || die "$(chain_id "$1") exited: see $(home_of "$1")/node.log"
    sleep 0.5
  done
  die "$(chain_id "$1") did not reach height $2 in $3 s: see $(home_of "$1")/node.log"
}

# trust_parent writes a never-started child's parent light client into its genesis (DESIGN §5
# downward flow): the running parent's latest signed header and validator set, fetched over
# its RPC by `genesis set-parent-client`. A chain that has run keeps its genesis as it is.
trust_parent() { # path
  local path=$1 home parent info
  home=$(home_of "$path"); parent=$(parent_of "$path")
  if [ -n "$(jq -r '.app_state.tree.parent_client // empty' "$home/config/genesis.json")" ]; then
    return 0
  fi
  [ -e "$home/data/blockstore.db" ] && die "$(chain_id "$path") has run without a parent client (made by an older localnet.sh): run '$0 clean'"
  wait_height "$parent" 2 60
  info=$("$bin" genesis set-parent-client --parent-node "$(node_of "$parent")" --home "$home") ||
    die "set-parent-client for $(chain_id "$path") failed"
  local k # every validator starts from the same genesis
  for ((k = 1; k < $(num_validators); k++)); do cp "$home/config/genesis.json" "$(vhome_of "$path" "$k")/config/genesis.json"; done
  echo "$(chain_id "$path") trusts $(chain_id "$parent") at height $(jq -r .height <<<"$info") (app hash $(jq -r .app_hash <<<"$info" | cut -c1-12))"
}

# start_tree starts the chains top-down, one depth at a time: a child's genesis needs its
# running parent's header, so a level starts once every parent above it produces blocks.
start_tree() {
  local path
  while read -r path; do
    [ "$path" = root ] || pid_alive "$(home_of "$path")/pid" || trust_parent "$path"
    start_chain "$path"
  done < <(level_order)
}

# same_child tells whether a parent's child record (JSON) is the registration register_child
# makes: same operator, operator key, ledger verifying keys and genesis ledger root. (The empty
# ledger's root does not depend on the vid: a child is identified by its index, which its path
# fixes.)
same_child() { # child-json operator-address genesis-ledger-root operator-key-hash
  [ "$(jq -r .child.operator <<<"$1")" = "$2" ] &&
    [ "$(jq -r .child.verifying_key <<<"$1")" = "$(base64 -w0 "$keys_dir/ledger.vk")" ] &&
    [ "$(jq -r .child.transfer_verifying_key <<<"$1")" = "$(base64 -w0 "$keys_dir/ledger-transfer.vk")" ] &&
    [ "$(jq -r .child.genesis_ledger_root <<<"$1" | b64hex)" = "$3" ] &&
    [ "$(jq -r '.child.operator_key_hash // ""' <<<"$1" | b64hex)" = "$4" ]
}

# register_child registers path on its parent (DESIGN §5: bonded, signed by the parent's
# relayer account, which becomes the child's operator) with the ledger verifying keys and its
# genesis roots, waits for the block and checks the parent's record. A child already registered
# the same way is kept.
register_child() { # path
  local path=$1 parent pcid home phome info idx lroot oroot rroot child operator bond res code hash okh
  parent=$(parent_of "$path"); pcid=$(chain_id "$parent"); home=$(home_of "$path"); phome=$(home_of "$parent")
  info=$("$bin" genesis registration-info --home "$home")
  idx=$(jq -r .child_index <<<"$info"); lroot=$(jq -r .genesis_ledger_root <<<"$info"); oroot=$(jq -r .genesis_outbox_root <<<"$info")
  rroot=$(jq -r .genesis_receipt_root <<<"$info")
  [ "$idx" = "$(last_index "$path")" ] || die "$path: genesis child index $idx"
  operator=$("$bin" keys show "$relayer_key" -a --keyring-backend test --home "$phome") ||
    die "$pcid has no '$relayer_key' key (a localnet made before issue 19: run '$0 clean')"
  okh=$(operator_key_hash "$path")
  child=$(q "$parent" validium child "$idx")
  if [ -n "$child" ]; then
    same_child "$child" "$operator" "$lroot" "$okh" || die "$pcid has another child at index $idx (run '$0 clean')"
    echo "registered $(chain_id "$path") on $pcid as child $idx (already)"
    return 0
  fi
  bond=$(q "$parent" validium params | jq -r '.params.min_child_bond | "\(.amount)\(.denom)"')
  [ -n "$bond" ] || die "cannot read x/validium params of $pcid"
  res=$(tx_submit "$(node_of "$parent")" "register $path on $pcid" \
    "$bin" tx validium register-child "$keys_dir/ledger.vk" "$bond" "$lroot" "$oroot" "$rroot" \
    --transfer-verifying-key "$keys_dir/ledger-transfer.vk" --operator-key-hash "$okh" --from "$relayer_key" --home "$phome" --keyring-backend test --chain-id "$pcid" \
    --node "$(node_of "$parent")" --gas 600000) || die "registering $path failed (see above)"
  hash=$(jq -r .txhash <<<"$res")
  child=$(q "$parent" validium child "$idx")
  same_child "$child" "$operator" "$lroot" "$okh" || die "register $path: $pcid recorded another child at index $idx"
  echo "registered $(chain_id "$path") on $pcid as child $idx (bond $bond, tx $hash)"
}

# write_tree_toml writes the relayer's config (tree.toml: relayer/config, relayer/README.md): the keys, and per chain
# its RPC, gRPC and the keyring key that signs its transactions (the relayer's own key, which is
# also the registered operator of its children on it).
write_tree_toml() {
  local path i
  {
    echo "# written by scripts/localnet.sh: the relayer's view of this localnet"
    echo "keys_dir = \"$keys_dir\""
    echo "poll_interval = \"1s\""
    echo "metrics_listen = \"127.0.0.1:$(metrics_port)\""
    echo "log_file = \"$relayer_log\""
    echo "log_max_mb = 20"
    echo "log_keep = 3"
    if [ "${SLUSH_RELAYER_NO_CLAIMS:-0}" = 1 ]; then echo "no_claims = true"; fi # claims and confirmations left to nobody
    if [ -n "${SLUSH_STEP_ANCHOR_INTERVAL:-}" ]; then echo "step_anchor_interval = $SLUSH_STEP_ANCHOR_INTERVAL"; fi
    while read -r path; do
      withheld "$path" && continue
      i=$(index_of "$path")
      echo
      echo "[[chain]]"
      echo "path = \"$(moved_path "$path")\""
      echo "chain_id = \"$(chain_id "$path")\""
      echo "rpc = \"$(node_of "$path")\""
      echo "grpc = \"127.0.0.1:$(grpc_port "$i")\""
      echo "home = \"$(home_of "$path")\""
      echo "key = \"$relayer_key\""
    done < <(tree_order)
  } >"$net_dir/tree.toml"
}

# relayer_available tells whether the binary has the relayer (issue 7; written concurrently).
# (The help is read whole first: `grep -q` closing the pipe early would fail it under pipefail.)
relayer_available() { local help; help=$("$bin" relayer start --help 2>/dev/null) && grep -q -- '--config' <<<"$help"; }

# start_relayer starts the tree's one relayer process in the background; its log is appended
# to relayer.log. Without the command in the binary it says so and starts nothing.
start_relayer() {
  if pid_alive "$relayer_pid"; then
    echo "relayer: running (pid $(cat "$relayer_pid"))"
    return 0
  fi
  write_tree_toml
  port_busy "$(metrics_port)" && die "port $(metrics_port) (relayer metrics) is in use by another process: set SLUSH_LOCALNET_PORT"
  if ! relayer_available; then
    echo "relayer: NOT STARTED: $bin has no 'relayer start' command; the chains run but nothing moves between them"
    return 0
  fi
  echo "=== relayer start $(date -u +%FT%TZ) ===" >>"$relayer_stderr"
  nohup "$bin" relayer start --config "$net_dir/tree.toml" --log-level "${SLUSH_RELAYER_LOG_LEVEL:-info}" >>"$relayer_stderr" 2>&1 &
  echo $! >"$relayer_pid"
  sleep 1
  pid_alive "$relayer_pid" || { tail -n 20 "$relayer_stderr" "$relayer_log" >&2; rm -f "$relayer_pid"; die "the relayer exited at once: see $relayer_stderr"; }
  echo "relayer: started (pid $(cat "$relayer_pid"), config $net_dir/tree.toml, log $relayer_log)"
}

# start_explorer serves the tree explorer page (slushchaind explorer) on explorer_port, in the
# background, once tree.toml exists; a binary without the command starts nothing.
start_explorer() {
  pid_alive "$explorer_pid" && return 0
  [ -f "$net_dir/tree.toml" ] || return 0
  "$bin" explorer --help >/dev/null 2>&1 || return 0
  port_busy "$(explorer_port)" && { echo "explorer: NOT STARTED: port $(explorer_port) is in use"; return 0; }
  nohup "$bin" explorer --config "$net_dir/tree.toml" --listen "127.0.0.1:$(explorer_port)" >>"$explorer_log" 2>&1 &
  echo $! >"$explorer_pid"
  echo "explorer: http://127.0.0.1:$(explorer_port)/"
}

relayer_state() {
  if pid_alive "$relayer_pid"; then
    echo "relayer: running (pid $(cat "$relayer_pid"), log $relayer_log)$([ -f "$withheld_file" ] && echo ", withholding the children of: $(tr '\n' ' ' <"$withheld_file")")"
  elif relayer_available; then
    echo "relayer: stopped"
  else
    echo "relayer: not in this binary ($bin has no 'relayer start')"
  fi
}

cmd_up() {
  local spec=$default_tree mode=attested nval=${SLUSH_LOCALNET_VALIDATORS:-}
  while [ $# -gt 0 ]; do
    case "$1" in
      --tree) [ $# -ge 2 ] || die "--tree needs a value"; spec=$2; shift 2;;
      --validators) [ $# -ge 2 ] || die "--validators needs a value"; nval=$2; shift 2;;
      --recursive) mode=recursive; shift;;
      *) die "unknown flag $1";;
    esac
  done
  tr ',' '\n' <<<"$spec" | check_spec
  mkdir -p "$net_dir"
  if [ -f "$net_dir/tree" ]; then # an existing localnet keeps the mode it was made with
    [ "$mode" = attested ] || recursive || die "the localnet in $net_dir was made without --recursive: run '$0 clean' first"
  else
    echo "$mode" >"$mode_file"
  fi
  if [ -n "$nval" ]; then
    [[ $nval =~ ^[1-9][0-9]*$ ]] || die "--validators needs a number >= 1"
    if [ "$nval" -gt 1 ]; then
      [ "$(tr ',' '\n' <<<"$spec" | wc -l)" -le 100 ] || die "--validators $nval: at most 100 chains (the port scheme)"
      [ $((base_port + 1000 * nval)) -le 65535 ] || die "--validators $nval: ports beyond 65535 (lower SLUSH_LOCALNET_PORT or N)"
    fi
  fi
  if [ -f "$net_dir/tree" ]; then # an existing localnet keeps its validator count
    [ -z "$nval" ] || [ "$nval" = "$(num_validators)" ] ||
      die "the localnet in $net_dir has $(num_validators) validator(s) per chain, not $nval: run '$0 clean' first"
  elif [ -n "$nval" ]; then
    echo "$nval" >"$validators_file"
  else
    rm -f "$validators_file"
  fi
  check_deposits
  [ -x "$bin" ] || die "$bin not found: run make build"
  command -v jq >/dev/null || die "jq is required (apt-get install jq)"
  mkdir -p "$net_dir"
  if [ -f "$net_dir/tree" ] && [ "$(cat "$net_dir/tree")" != "$(tr ',' '\n' <<<"$spec")" ]; then
    die "a localnet with another tree exists in $net_dir: run '$0 clean' first"
  fi
  tr ',' '\n' <<<"$spec" >"$net_dir/tree"
  local path n
  n=$(chains | wc -l)
  # keys: a single-chain tree has no child to register and no claim to verify, so none
  [ "$n" -gt 1 ] && make_keys
  local pids=() pid
  while read -r path; do # init in parallel: it is a dozen CLI calls per chain
    [ -d "$(home_of "$path")" ] && continue
    init_chain "$path" >"$net_dir/init-$(chain_id "$path").log" 2>&1 &
    pids+=($!)
  done < <(chains)
  for pid in "${pids[@]}"; do wait "$pid" || { cat "$net_dir"/init-*.log >&2; die "init failed: see $net_dir/init-*.log"; }; done
  rm -f "$net_dir"/init-*.log
  start_tree
  [ "$n" -gt 1 ] || return 0
  cmd_wait 2 60
  # children are registered depth-first, so siblings get indices 1, 2, ... in order
  while read -r path; do
    [ "$path" = root ] || register_child "$path"
  done < <(tree_order)
  start_relayer
  start_explorer
}

cmd_down() {
  local path
  stop_pid "$explorer_pid" explorer
  stop_pid "$relayer_pid" relayer
  while read -r path; do
    stop_validators "$path" all
  done < <(chains)
}

# cmd_status prints one line per chain, depth-first. COMMITMENT is the chain's latest own
# commitment (x/bridge); FINALIZED is, at the root, the tree's finalized root height
# (x/acceptance finality) and, elsewhere, the root height of the chain's latest commitment its
# parent finalized (the parent's x/acceptance finalized <index>); CHILDREN counts the chain's
# registered children (x/validium). The last line tells whether the relayer runs.
# subtree_mode prints the subtree-proof mode the root logged at its first block (issue 16: the
# attested mode proves less than the protocol requires and says so wherever it is on).
subtree_mode() {
  local line
  line=$(grep -m1 -o 'subtree proofs: [^)]*)' "$(home_of root)/node.log" 2>/dev/null || true)
  echo "${line:-subtree proofs: unknown (the root has not logged its first block)}"
}

cmd_status() {
  local path h c fin kids res indent
  if [ -f "$net_dir/tree.toml" ] && "$bin" relayer status --help >/dev/null 2>&1; then
    # one process reads the whole tree (relayer/inspect): heights, finality, stalled edges
    "$bin" relayer status --config "$net_dir/tree.toml" || true
    subtree_mode
    relayer_state
    pid_alive "$explorer_pid" && echo "explorer: http://127.0.0.1:$(explorer_port)/"
    return 0
  fi
  printf '%-14s %-12s %-7s %-14s %-18s %s\n' PATH CHAIN-ID HEIGHT COMMITMENT FINALIZED CHILDREN
  while read -r path; do
    indent=$(printf '%*s' $((2 * $(depth_of "$path"))) '')
    h=$(height_of "$path")
    if [ -z "$h" ]; then
      printf '%-14s %-12s %-7s\n' "$indent$path" "$(chain_id "$path")" down
      continue
    fi
    c=$(q "$path" tree commitment 0 | jq -r '.commitment.commitment // empty' | b64hex | cut -c1-12)
    if [ "$path" = root ]; then
      res=$(q root acceptance finality); [ -n "$res" ] || res='{}'
      fin=$(jq -r 'if .found then "root h\(.height)" else "-" end' <<<"$res")
    else
      res=$(q "$(parent_of "$path")" acceptance finalized "$(last_index "$path")"); [ -n "$res" ] || res='{}'
      fin=$(jq -r 'if .found then "h\(.hash.height) \(.hash.commitment)" else "-" end' <<<"$res")
      [ "$fin" = - ] || fin="${fin%% *} $(cut -d' ' -f2 <<<"$fin" | b64hex | cut -c1-8)"
    fi
    kids=$(q "$path" validium children | jq -r '.children // [] | length')
    printf '%-14s %-12s %-7s %-14s %-18s %s\n' "$indent$path" "$(chain_id "$path")" "$h" "${c:--}" "$fin" "${kids:-?}"
  done < <(tree_order)
  subtree_mode
  [ "$(chains | wc -l)" -gt 1 ] && relayer_state
  pid_alive "$explorer_pid" && echo "explorer: http://127.0.0.1:$(explorer_port)/"
  return 0
}

cmd_wait() { # wait until every chain reaches height H (default 3), timeout T seconds (default 60)
  local target=${1:-3} timeout=${2:-60} deadline path h ok
  deadline=$((SECONDS + timeout))
  while [ $SECONDS -lt $deadline ]; do
    ok=1
    while read -r path; do
      h=$(height_of "$path")
      [ -n "$h" ] && [ "$h" -ge "$target" ] || ok=0
    done < <(chains)
    [ $ok = 1 ] && return 0
    sleep 1
  done
  die "timed out waiting for height $target"
}

# cmd_withhold makes the relayer stop (withhold) or resume (serve) serving path's children: the
# chains below path leave the relayer's config, so nothing moves on the edges under path (no
# parent syncs, no updates, no claims or confirmations there). A running relayer restarts.
cmd_withhold() { # withhold|serve path
  local rest=""
  [ -f "$withheld_file" ] && rest=$(grep -vx -- "$2" "$withheld_file" || true)
  { [ -z "$rest" ] || echo "$rest"; [ "$1" = withhold ] && echo "$2"; } >"$withheld_file.new"
  mv "$withheld_file.new" "$withheld_file"
  [ -s "$withheld_file" ] || rm -f "$withheld_file"
  echo "relayer: $1 $2's children$( [ "$1" = withhold ] && echo " (withheld: $(tr '\n' ' ' <"$withheld_file"))")"
  if pid_alive "$relayer_pid"; then
    stop_pid "$relayer_pid" relayer
    start_relayer
  else
    write_tree_toml
  fi
}

cmd_reset() { # everything but the keys
  [ -f "$net_dir/tree" ] || return 0
  cmd_down
  local path
  while read -r path; do rm -rf "$(home_of "$path")" "$(home_of "$path")"-v*; done < <(chains)
  rm -f "$net_dir/tree" "$mode_file" "$validators_file" "$net_dir/tree.toml" "$relayer_log" "$relayer_log".* "$relayer_stderr" "$explorer_log" "$withheld_file" "$net_dir/moved"
}

case "${1:-}" in
  up) shift; cmd_up "$@";;
  down) cmd_down;;
  status) cmd_status;;
  wait) shift; cmd_wait "$@";;
  logs)
    if [ "${2:-}" = relayer ]; then tail -n 50 -f "$relayer_log"; else tail -n 50 -f "$(home_of "${2:-root}")/node.log"; fi;;
  stop) # stop PATH [--validator K] [--kill]
    [ -n "${2:-}" ] || die "stop needs a path"; index_of "$2" >/dev/null
    vk=0 kill_flag=""
    for a in "${@:3}"; do
      case "$a" in --kill) kill_flag=--kill;; --validator) vk=next;; *) [ "$vk" = next ] && vk=$a || die "unknown flag $a";; esac
    done
    [ "$vk" != next ] || die "--validator needs K"
    stop_validators "$2" "$vk" "$kill_flag";;
  start) # start PATH [--validator K]
    [ -n "${2:-}" ] || die "start needs a path"; index_of "$2" >/dev/null
    if [ "${3:-}" = --validator ]; then
      [[ ${4:-} =~ ^[0-9]+$ ]] && [ "$4" -lt "$(vcount_of "$2")" ] || die "--validator must be 0..$(($(vcount_of "$2") - 1))"
      start_validator "$2" "$4"
    else
      start_validator "$2" 0
    fi;;
  add-validator) [ -n "${2:-}" ] || die "add-validator needs a path"; index_of "$2" >/dev/null; cmd_add_validator "$2";;
  validators) [ -n "${2:-}" ] || die "validators needs a path"; cmd_validators "$2";;
  relayer-stop) stop_pid "$relayer_pid" relayer "${2:-}";;
  relayer-start) chains >/dev/null; start_relayer;;
  relayer-restart) stop_pid "$relayer_pid" relayer; start_relayer;;
  withhold|serve) [ -n "${2:-}" ] || die "$1 needs a path"; index_of "$2" >/dev/null; cmd_withhold "$1" "$2";;
  operator-key) [ -n "${2:-}" ] || die "operator-key needs a path"; index_of "$2" >/dev/null; operator_key_file "$2";;
  node) [ -n "${2:-}" ] || die "node needs a path"; node_of "$2";;
  home) [ -n "${2:-}" ] || die "home needs a path"; index_of "$2" >/dev/null; home_of "$2";;
  reset) cmd_reset;;
  clean) if [ -f "$net_dir/tree" ]; then cmd_down; fi; rm -rf "$net_dir";;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 2;;
esac

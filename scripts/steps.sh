# shellcheck shell=bash
# Step helpers of the scripts that drive a running localnet (demo.sh, failover.sh,
# root-failover.sh). Sourced; they need $script_name (the script's name in failure messages),
# $start (`date +%s.%N` when the script began), $localnet (scripts/localnet.sh), $bin (the
# slushchaind binary), $step_timeout (seconds a wait_for may take) and jq.

# die fails the script, saying how long it ran.
die() { echo "$script_name: FAILED after $(elapsed) s: $*" >&2; exit 1; }
# elapsed is the seconds since the script began, to 0.1 s.
elapsed() { awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
# say prints a line stamped with the elapsed seconds.
say() { printf '[%6s s] %s\n' "$(elapsed)" "$*"; }
# node and home are a chain's RPC address and home directory on the localnet.
node() { $localnet node "$1"; }
home() { $localnet home "$1"; }
# q runs `slushchaind query ...` on a chain and prints its JSON (nothing when it fails).
q() { local path=$1; shift; "$bin" query "$@" --node "$(node "$path")" -o json 2>/dev/null || true; }
# height is a chain's latest block height (empty when its node does not answer).
height() { "$bin" status --node "$(node "$1")" 2>/dev/null | jq -r '.sync_info.latest_block_height // empty' || true; }
# wait_for runs a check until it succeeds, failing after the step timeout.
wait_for() { # description check-function [args...]
  local what=$1 deadline=$((SECONDS + step_timeout)); shift
  until "$@"; do
    [ $SECONDS -lt $deadline ] || die "timed out after $step_timeout s waiting for: $what"
    sleep 1
  done
}

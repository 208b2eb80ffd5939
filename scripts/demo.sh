#!/usr/bin/env bash
# The Slush demo (the README's main command). It brings up the default tree
#
#   root -> {1, 2}, 1 -> {1-1, 1-2}    (five chains, one validator each, 1 s blocks)
#
# with alice funded on 1-2's ledger at genesis and one relayer for the whole tree, then:
# alice bridges 30 tokens from 1-2 to bob on 2 (across branches: the message climbs 1-2 -> 1 ->
# root inside proven updates, 2 claims it with an inclusion proof, and the receipt comes back
# to 1-2 as a confirmation). It waits for the claim and the confirmation, shows root finality
# advancing and prints a summary with timings. Any step that does not happen within the
# timeout fails the demo (exit status 1). It always starts from fresh chains (`localnet.sh
# reset`: a localnet already in the directory is stopped and deleted, its development keys
# kept), and the localnet keeps running afterwards.
#
# --full-validity runs the same transfer with RECURSIVE subtree proofs on every chain (issue 16):
# the root verifies the moves of 1-1 and 1-2 inside chain 1's updates by leaf step proofs the
# relayer makes, so it believes nothing of chain 1 about its children. Children then start
# empty, so alice is funded on the root and first bridges her tokens down to 1-2. The leaf
# step's setup takes ~4 min and ~2.5 GiB the first time (then the key cache has it), each step
# proof ~12 s on 2 cores. Without the flag the tree runs ATTESTED (labelled so below).
#
# --deep uses the depth-3 tree root -> 1 -> 1-1 -> 1-1-1 instead, and alice (funded on 1-1-1, or
# on the root with --full-validity) sends to bob on the root: the message climbs three levels and
# the root claims it through three finalized children roots. With --full-validity the root then
# verifies the moves of 1-1 — a chain with a child — by node steps (issue 16): the chains need the
# node step keys (their setups take ~6 and ~10 min the first time, ~3 GiB).
#
# Environment: SLUSHCHAIND (binary, default build/slushchaind), SLUSH_LOCALNET_DIR and
# SLUSH_LOCALNET_PORT (as scripts/localnet.sh), SLUSH_DEMO_TIMEOUT (seconds per step, 900),
# SLUSH_DEPOSITS (extra genesis deposits, added to alice's), SLUSH_DEMO_SUMMARY (also write the
# summary as JSON to this file).
set -euo pipefail
cd "$(dirname "$0")/.."
localnet=./scripts/localnet.sh
bin=${SLUSHCHAIND:-build/slushchaind}
export SLUSHCHAIND=$bin
net_dir=${SLUSH_LOCALNET_DIR:-.localnet}
step_timeout=${SLUSH_DEMO_TIMEOUT:-900}
asset=7 funded=1000 amount=30 deadline=1000000 # deadline: a root height far ahead (no routing)

full_validity=0 deep=0
for arg in "$@"; do
  case "$arg" in
    --full-validity) full_validity=1;;
    --deep) deep=1;;
    *) echo "usage: $0 [--full-validity] [--deep]" >&2; exit 2;;
  esac
done
# the tree, the transfer's source and destination, and the child whose moves the root proves
if [ $deep = 1 ]; then
  tree=root,1,1-1,1-1-1 tree_text="root -> 1 -> 1-1 -> 1-1-1 (depth 3)" src=1-1-1 dst=root
else
  tree=root,1,2,1-1,1-2 tree_text="root -> {1, 2}, 1 -> {1-1, 1-2} (depth 2)" src=1-2 dst=2
fi
paths=${tree//,/ }
children=${paths#root }
grandchild=$(cut -d- -f1-2 <<<"$src") # the root's grandchild on the source's branch

start=$(date +%s.%N) script_name=demo
# shellcheck source=scripts/steps.sh
. scripts/steps.sh # die, elapsed, say, node, q, height (wait_for is the demo's own, below)
seconds_between() { awk -v a="$(date -d "$1" +%s.%N)" -v b="$(date -d "$2" +%s.%N)" 'BEGIN { printf "%.0f", b - a }'; }
balance() { # path owner -> balance (0 without an account)
  "$bin" ledger balance --owner "$2" --asset $asset --node "$(node "$1")" 2>/dev/null | jq -r 'if .found then .balance else 0 end' || true
}
relayer_alive() { [ -f "$net_dir/relayer.pid" ] && kill -0 "$(cat "$net_dir/relayer.pid")" 2>/dev/null; }
# wait_for runs a check until it succeeds, failing the demo after the step timeout; the relayer
# must stay up meanwhile.
wait_for() { # description check-function
  local deadline=$((SECONDS + step_timeout))
  until "$2"; do
    relayer_alive || { tail -n 30 "$net_dir/relayer.log" >&2 || true; die "the relayer died while waiting for: $1"; }
    [ $SECONDS -lt $deadline ] || die "timed out after $step_timeout s waiting for: $1 (see $net_dir/relayer.log)"
    sleep 1
  done
}
# finality prints the root's finalized height (empty if none).
finality() { q root acceptance finality | jq -r 'if .found then .height else empty end'; }
# tx_time prints the block time of the first successful tx with a message type on a chain.
tx_time() { # path msg-type-url
  q "$1" txs --query "message.action='$2'" | jq -r '[.txs[]? | select(.code == 0)][0].timestamp // empty'
}
rss_mib() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"; }

[ -x "$bin" ] || die "$bin not found: run 'make build' first"
command -v jq >/dev/null || die "jq is required (apt-get install jq)"
alice=$("$bin" ledger owner --seed alice)
bob=$("$bin" ledger owner --seed bob)

say "fresh chains (development keys are kept between runs): $localnet reset"
$localnet reset
if [ $full_validity = 1 ]; then
  $localnet clean >/dev/null 2>&1 || true # the subtree-proof mode is fixed when a localnet is made
  say "bringing up the tree $tree_text with RECURSIVE subtree proofs, alice funded with $funded of asset $asset on the root"
  SLUSH_DEPOSITS="root:$alice:$asset:$funded ${SLUSH_DEPOSITS:-}" $localnet up --tree "$tree" --recursive
else
  say "bringing up the tree $tree_text, alice funded with $funded of asset $asset on $src"
  SLUSH_DEPOSITS="$src:$alice:$asset:$funded ${SLUSH_DEPOSITS:-}" $localnet up --tree "$tree"
fi
relayer_alive || die "the relayer is not running (see the 'relayer:' line above): nothing can carry the transfer"
say "tree up; relayer pid $(cat "$net_dir/relayer.pid")"

# the relayer is live once every child's first proven update is accepted by its parent
live() {
  local path parent
  for path in $children; do
    case $path in *-*) parent=${path%-*};; *) parent=root;; esac
    [ -n "$(q "$parent" validium child "${path##*-}" | jq -r '.child.latest_commitment // empty')" ] || return 1
  done
}
wait_for "every child's first update accepted by its parent (the relayer at work)" live
say "relayer live: every chain's first proven update is accepted"

if [ $full_validity = 1 ]; then
  # alice's tokens come down from the root: a claim on the source, which its next batch proves and
  # the root then verifies inside chain 1's update by a step of the source's branch
  [ "$(balance root "$alice")" = $funded ] || die "alice does not hold $funded on the root"
  down=$("$bin" ledger bridge-out --seed alice --path root --account 0 --nonce 0 --asset $asset --amount $funded \
    --dst $src --recipient "$alice" --deadline $deadline)
  res=$("$bin" tx bridge bridge-out "$down" --from user --home "$($localnet home root)" --keyring-backend test \
    --chain-id slush-root --node "$(node root)" --yes -o json 2>&1) || die "bridge-out on the root: $res"
  [ "$(jq -r '.code // 1' <<<"$res" 2>/dev/null)" = 0 ] || die "bridge-out on the root failed: $res"
  say "alice bridges her $funded from the root down to $src (message $(jq -r '.message_hash // empty' <<<"$res"))"
  funded_below() { [ "$(balance $src "$alice")" = $funded ]; }
  wait_for "alice's $funded on $src (a claim of the root's message)" funded_below
  say "alice holds $funded on $src"
  # the claim is in the source's ledger once its update climbs to chain 1 and chain 1's, with
  # the steps of the root's grandchild on that branch, is accepted by the root
  stepped() { [ -n "$(q root validium proven-leaves 1 "${grandchild##*-}" | jq -r '.leaves[0] // empty')" ]; }
  wait_for "the root to accept a step of $grandchild (inside chain 1's update)" stepped
  say "the root verified $grandchild's moves by step proofs: $(q root validium proven-leaves 1 "${grandchild##*-}" | jq -r '.leaves | length') proven commitments of $grandchild held"
fi
[ "$(balance $src "$alice")" = $funded ] || die "alice does not hold $funded on $src"

fin_before=$(finality)
root_before=$(height root)
say "root finality before: ${fin_before:-none} (root height $root_before)"

# alice's bridge-out: signed with her EdDSA key for the source's ledger, sent by its 'user' account
op=$("$bin" ledger bridge-out --seed alice --path $src --account 0 --nonce 0 --asset $asset --amount $amount \
  --dst $dst --recipient "$bob" --deadline $deadline)
# (tx bridge bridge-out waits for the block and prints the message hash; its default gas is 400000,
# or pass --gas auto --gas-adjustment 1.5)
res=$("$bin" tx bridge bridge-out "$op" --from user --home "$($localnet home $src)" --keyring-backend test \
  --chain-id slush-$src --node "$(node $src)" --yes -o json 2>&1) || die "bridge-out: $res"
[ "$(jq -r '.code // 1' <<<"$res" 2>/dev/null)" = 0 ] || die "bridge-out failed: $res"
sent_at=$(jq -r .timestamp <<<"$res")
sent_height=$(jq -r .height <<<"$res")
root_at_send=$(height root)
sent_wall=$(date +%s.%N)
msg=$(jq -r '.message_hash // empty' <<<"$res")
[ ${#msg} = 64 ] || die "the bridge-out printed no message hash: $res"
[ "$(q $src bridge message-status "$msg" | jq -r .status)" = MESSAGE_STATUS_SENT ] || die "$src has no outgoing record of $msg"
say "alice -> bob: $amount burnt on $src at height $sent_height ($sent_at), message $msg"
say "follow it: $bin bridge track $msg --config $net_dir/tree.toml"
[ "$(balance $src "$alice")" = $((funded - amount)) ] || die "alice's balance on $src is not $((funded - amount))"

claimed() { [ "$(balance $dst "$bob")" = $amount ]; }
wait_for "bob's $amount on $dst (the claim)" claimed
claim_wall=$(awk -v a="$sent_wall" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
claim_at=$(tx_time $dst /slush.bridge.v1.MsgClaim)
[ -n "$claim_at" ] || die "bob is paid on $dst but no successful MsgClaim is indexed there"
[ "$(q $dst bridge nullifier "$msg" | jq -r .claimed)" = true ] || die "the message's nullifier is not set on $dst"
say "claimed on $dst at $claim_at: bob holds $amount"

confirmed() { [ "$(q $src bridge message-status "$msg" | jq -r .status)" = MESSAGE_STATUS_CONFIRMED ]; }
wait_for "the confirmation on $src" confirmed
confirm_wall=$(awk -v a="$sent_wall" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
confirm_at=$(tx_time $src /slush.bridge.v1.MsgConfirm)
[ -n "$confirm_at" ] || die "the message is CONFIRMED on $src but no successful MsgConfirm is indexed there"
say "confirmed on $src at $confirm_at: alice's account may bridge again"

advanced() { local f; f=$(finality); [ -n "$f" ] && [ "$f" -ge "$root_at_send" ]; }
wait_for "root finality to reach root height $root_at_send (the bridge-out's)" advanced
fin_after=$(finality)
root_after=$(height root)
lag=$((root_after - fin_after))
say "root finality after: $fin_after (root height $root_after)"

# supply: 1000 on the source (minted at genesis there, or moved down from the root), 30 burnt
# there and minted once on the destination
[ "$(balance $src "$alice")" = $((funded - amount)) ] || die "alice's balance on $src changed"
[ "$(balance $dst "$bob")" = $amount ] || die "bob's balance on $dst changed"

claim_s=$(seconds_between "$sent_at" "$claim_at")
confirm_s=$(seconds_between "$sent_at" "$confirm_at")
echo
echo "=== Slush demo summary ==="
printf '%-44s %s\n' "tree" "$tree_text"
printf '%-44s %s\n' "transfer" "$amount of asset $asset, alice on $src -> bob on $dst"
printf '%-44s %s\n' "message" "$msg"
printf '%-44s %s\n' "bridge-out -> claim on $dst" "$claim_s s (block times; seen by polling after $claim_wall s)"
printf '%-44s %s\n' "bridge-out -> confirmation on $src" "$confirm_s s (block times; seen after $confirm_wall s)"
printf '%-44s %s\n' "root finality before / after" "${fin_before:-none} / $fin_after (root heights)"
printf '%-44s %s\n' "root finality lag now" "$lag root blocks (root height $root_after)"
printf '%-44s %s\n' "balances" "alice $((funded - amount)) on $src, bob $amount on $dst"
printf '%-44s %s\n' "total demo time (incl. start-up)" "$(elapsed) s"
if [ $full_validity = 1 ]; then
  for kind in leaf-step leaf-forced-step node-ledger-step node-ledger-forced-step node-ledger-exit-step node-child-step node-child-forced-step; do
    steps=$(grep -c "msg=proof kind=$kind" "$net_dir/relayer.log" 2>/dev/null || true)
    [ "$kind" = leaf-step ] || [ "${steps:-0}" != 0 ] || continue
    step_s=$(grep -o "msg=proof kind=$kind seconds=[0-9.]*" "$net_dir/relayer.log" 2>/dev/null | awk -F= '{ s += $NF; n++ } END { if (n) printf "%.1f", s / n }')
    printf '%-44s %s\n' "$kind proofs (relayer)" "$steps, ${step_s:-?} s each on average"
  done
fi
grep -m1 -o 'subtree proofs: [^)]*)' "$($localnet home root)/node.log" || echo "subtree proofs: not logged by the root"
echo "memory (VmRSS):"
mem_json="{"
for path in $paths; do
  pid=$(cat "$($localnet home "$path")/pid")
  printf '  %-12s %s MiB\n' "$path" "$(rss_mib "$pid")"
  mem_json="$mem_json\"$path\": \"$(rss_mib "$pid")\", "
done
printf '  %-12s %s MiB\n' relayer "$(rss_mib "$(cat "$net_dir/relayer.pid")")"
mem_json="$mem_json\"relayer\": \"$(rss_mib "$(cat "$net_dir/relayer.pid")")\"}"
if [ -n "${SLUSH_DEMO_SUMMARY:-}" ]; then
  jq -n --arg msg "$msg" --argjson claim "$claim_s" --argjson confirm "$confirm_s" --argjson claim_wall "$claim_wall" --argjson confirm_wall "$confirm_wall" \
    --arg fin_before "${fin_before:-}" --argjson fin_after "$fin_after" --argjson root_after "$root_after" \
    --argjson lag "$lag" --argjson sent_height "$sent_height" --argjson mem "$mem_json" \
    '{message: $msg, bridge_out_to_claim_s: $claim, bridge_out_to_confirm_s: $confirm, claim_seen_after_s: $claim_wall, confirm_seen_after_s: $confirm_wall,
      finality_before: $fin_before, finality_after: $fin_after, root_height_after: $root_after,
      finality_lag_root_blocks: $lag, sent_height: $sent_height, rss_mib: $mem}' >"$SLUSH_DEMO_SUMMARY"
fi
echo
echo "The tree keeps running: scripts/localnet.sh status | logs [PATH|relayer] | down"
echo "Explorer: http://127.0.0.1:$(( ${SLUSH_LOCALNET_PORT:-26600} + 8 ))/ ; transfers: $bin bridge track <hash> --config $net_dir/tree.toml"

#!/usr/bin/env bash
# Root failover on the localnet (DESIGN §10 "Replacing L1 PoS", issue 17): the root's operator
# goes silent and the root's descendants elect its successor on the "virtual L0", the replicas of
# the root election every child of the root keeps. On a running localnet whose chains were made
# with SLUSH_ROOT_LIVENESS_TIMEOUT short (e.g. 30: x/election's root_liveness_timeout_seconds, read
# at genesis) and whose 1-2 holds alice's funds (scripts/demo.sh does both with that variable set):
#
#   scripts/root-failover.sh
#
#  1. the validium-consensus upgrade, live: the root restarts on the previous release
#     (build/slushchaind-previous, `make build-previous`: this source without the plan's handler,
#     since x/upgrade halts a binary that has the handler while the plan is pending), a governance
#     software-upgrade proposal names the root's validator key as the operator's consensus key,
#     the validator votes it through (8 s voting on the localnet), the root halts at the plan
#     height (UPGRADE NEEDED) and restarts on the current binary, which applies it: the root's
#     validator set is its operator alone, at power 1 (skipped if the root is already upgraded);
#     the root's operator account then posts the root operator's bond for epoch 0;
#  2. the base: the newest root height every child of the root has verified; every descendant of
#     the root saves its witness against it while the root answers (`election witness
#     --root-height`: its descendant proof, its histogram, the root's preimage and histogram);
#  3. the root operator stops (its node is stopped; its home stays, as a full node's would);
#  4. once the liveness timeout has passed on a child of the root, the root is reported silent on
#     every child of the root (`election report-root-silent`): each opens its replica;
#  5. the descendants vote on every replica (`election root-vote`) for a candidate: a fresh
#     operator key and a fresh consensus key (a new node home), deepest voters first, so the
#     children of the root's votes settle the majority and take over those below them;
#  6. the elected operator restarts the root from an export of its last state in the new home
#     (`slushchaind export`, `genesis adopt-export` against a replica's result): epoch 1, the
#     elected key hash, the elected consensus key as the one validator; the old home is kept as
#     <home>.epoch0;
#  7. every child of the root adopts the restarted root by the election result
#     (`election adopt-root`), no governance; the relayer syncs the restarted root again;
#     the root operator's bond for epoch 0 (posted in step 1 by the root's operator account, `tx
#     validium post-root-bond`) is slashed in that genesis: the script checks adopt-export's
#     root_bond line, that the restarted root holds no bond and that the owner got the rest back;
#  8. the restarted root accepts a child update, and a bridge transfer 1-2 -> 2 (alice to frank)
#     is claimed on 2 and confirmed on 1-2 across the restarted root.
#
# Prints a timeline in seconds since the root stopped (detection, majority, restart, adoption,
# first accepted update, claim, confirmation). Environment: SLUSHCHAIND (default
# build/slushchaind), SLUSHCHAIND_PREVIOUS (default build/slushchaind-previous),
# SLUSH_LOCALNET_DIR and SLUSH_LOCALNET_PORT (as scripts/localnet.sh), SLUSH_ROOT_FAILOVER_TIMEOUT
# (seconds per step, 600), SLUSH_ROOT_FAILOVER_SUMMARY (also write the summary as JSON there).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
localnet=./scripts/localnet.sh
bin=${SLUSHCHAIND:-build/slushchaind}
case $bin in /*) ;; *) bin=$PWD/$bin;; esac
export SLUSHCHAIND=$bin
previous=${SLUSHCHAIND_PREVIOUS:-build/slushchaind-previous}
case $previous in /*) ;; *) previous=$PWD/$previous;; esac
net_dir=${SLUSH_LOCALNET_DIR:-.localnet}
case $net_dir in /*) ;; *) net_dir=$PWD/$net_dir;; esac
export SLUSH_LOCALNET_DIR=$net_dir
step_timeout=${SLUSH_ROOT_FAILOVER_TIMEOUT:-600}
denom=stake asset=7 amount=5 plan=validium-consensus

start=$(date +%s.%N) script_name=root-failover
t_stop=""
# shellcheck source=scripts/steps.sh
. scripts/steps.sh # die, elapsed, say, node, home, q, height, wait_for
since_stop() { awk -v a="$t_stop" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
submit() { # path what command...: broadcast on a chain, wait for the block, fail unless it succeeded
  local path=$1 what=$2
  shift 2
  tx_submit "$(node "$path")" "$what" "$@" || die "$what (see above)"
}
tx_flags() { echo --from user --home "$(home "$1")" --keyring-backend test --chain-id "$(chain_id "$1")"; }
balance() { # path owner
  "$bin" ledger balance --owner "$2" --asset $asset --node "$(node "$1")" 2>/dev/null | jq -r 'if .found then .balance else 0 end' || true
}
root_log() { echo "$(home root)/node.log"; }

[ -x "$bin" ] || die "$bin not found: run 'make build' first"
command -v jq >/dev/null || die "jq is required (apt-get install jq)"
[ -f "$net_dir/tree" ] || die "no localnet in $net_dir (run SLUSH_ROOT_LIVENESS_TIMEOUT=30 scripts/demo.sh)"
mapfile -t kids < <(grep -vx root "$net_dir/tree" | grep -v -- - | sort -n)       # children of the root: the replicas
mapfile -t voters < <(grep -vx root "$net_dir/tree" | awk -F- '{ print NF "\t" $0 }' | sort -k1,1nr -k2r | cut -f2) # deepest first
[ ${#kids[@]} -gt 0 ] || die "the root has no children: nobody keeps a replica of its election"
for path in root "${voters[@]}"; do
  [ -n "$(height "$path")" ] || die "$(chain_id "$path") does not answer: start it (scripts/localnet.sh up)"
done
[ -f "$net_dir/relayer.pid" ] && kill -0 "$(cat "$net_dir/relayer.pid")" 2>/dev/null ||
  die "the relayer is not running (scripts/localnet.sh relayer-start)"
timeout_s=$(q "${kids[0]}" election params | jq -r '.params.root_liveness_timeout_seconds // "0"')
[ "$timeout_s" -gt 0 ] || die "root_liveness_timeout_seconds is 0 on $(chain_id "${kids[0]}"): the liveness check is off"
[ "$timeout_s" -lt $((step_timeout - 30)) ] ||
  die "root_liveness_timeout_seconds is $timeout_s: make the localnet with SLUSH_ROOT_LIVENESS_TIMEOUT=30 (read at genesis)"
alice=$("$bin" ledger owner --seed alice)
frank=$("$bin" ledger owner --seed frank)
grep -qx 1-2 "$net_dir/tree" && grep -qx 2 "$net_dir/tree" || die "the transfer needs chains 1-2 and 2 (the default tree)"
[ "$("$bin" ledger balance --owner "$alice" --asset $asset --node "$(node 1-2)" | jq -r .balance)" -ge $amount ] ||
  die "alice holds less than $amount of asset $asset on 1-2 (run scripts/demo.sh first)"
work=$net_dir/root-failover
rm -rf "$work" && mkdir -p "$work"
rhome=$(home root)
say "root-failover: replicas on ${kids[*]}, voters ${voters[*]}, liveness timeout ${timeout_s} s"

# 1. the validium-consensus upgrade, live
upgraded() { [ -n "$(q root upgrade applied $plan | jq -r '.height // empty' | grep -v '^0$')" ]; }
t_up_start=$(elapsed) t_up_done=$(elapsed)
if upgraded; then
  say "the root is under validium consensus already (plan applied at $(q root upgrade applied $plan | jq -r .height))"
else
  [ -x "$previous" ] || die "$previous not found: run 'make build-previous' (the release before the plan's handler)"
  $localnet stop root >/dev/null
  SLUSHCHAIND=$previous $localnet start root >/dev/null
  wait_for "the root on the previous release" eval '[ -n "$(height root)" ]'
  h0=$(height root)
  say "the root runs the previous release (no handler for $plan) from height $h0"
  pk=$("$bin" comet show-validator --home "$rhome")
  info=$(jq -cn --argjson pk "$pk" '{operator_consensus_pubkey: $pk}')
  gov=$(q root auth module-account gov | jq -r '.account.value.address // .account.base_account.address // .account.address // empty')
  [ -n "$gov" ] || die "no gov module account on the root"
  mindep=$(q root gov params | jq -r '.params.min_deposit[0] | "\(.amount)\(.denom)"')
  plan_height=$(($(height root) + 30)) # the voting period (8 s on the localnet) and margin, at ~1 s blocks
  jq -n --arg gov "$gov" --arg h "$plan_height" --arg info "$info" --arg dep "$mindep" '{
    messages: [{"@type": "/cosmos.upgrade.v1beta1.MsgSoftwareUpgrade", authority: $gov,
                plan: {name: "validium-consensus", height: $h, info: $info}}],
    metadata: "", deposit: $dep, title: "validium-consensus",
    summary: "the root run by its operator alone (DESIGN §10)"}' >"$work/upgrade-proposal.json"
  res=$(submit root "upgrade proposal" "$bin" tx gov submit-proposal "$work/upgrade-proposal.json" --from validator \
    --home "$rhome" --keyring-backend test --chain-id slush-root --gas 400000)
  pid=$(jq -r '[.events[] | select(.type == "submit_proposal") | .attributes[] | select(.key == "proposal_id") | .value][0]' <<<"$res")
  submit root "vote on the upgrade" "$bin" tx gov vote "$pid" yes --from validator --home "$rhome" \
    --keyring-backend test --chain-id slush-root >/dev/null
  say "proposal $pid: $plan at root height $plan_height, operator key $(jq -r .key <<<"$pk"); the validator voted yes"
  halted() { grep -Eq "UPGRADE .{0,2}$plan.{0,2} NEEDED" "$(root_log)"; }
  wait_for "the root to halt at height $plan_height (UPGRADE NEEDED)" halted
  [ "$(q root gov proposal "$pid" | jq -r .proposal.status)" = PROPOSAL_STATUS_PASSED ] || true
  $localnet stop root --kill >/dev/null 2>&1 || true
  $localnet start root >/dev/null
  applied_above() { upgraded && [ "$(height root)" -ge $((plan_height + 3)) ]; }
  wait_for "the root to apply $plan on the current binary" applied_above
  t_up_done=$(elapsed)
  say "the root applied $plan at height $(q root upgrade applied $plan | jq -r .height): its validator set is $(q root consensus comet validator-set | jq -c '[.validators[] | .voting_power]')"
fi
sets=$(q root consensus comet validator-set | jq -r '[.validators[] | .voting_power] | join(",")')
[ "$sets" = 1 ] || die "the root's validator set is not its operator alone at power 1: $sets"

# 1b. the root operator's bond for the root's current epoch (DESIGN §10), by its operator account
bond_owner=$("$bin" keys show operator -a --keyring-backend test --home "$rhome")
rid=$(q root tree identity)
r_epoch=$(jq -r '.identity.epoch // "0"' <<<"$rid")
r_okh=$(jq -r '.identity.operator_key_hash // empty' <<<"$rid")
[ -n "$r_okh" ] || die "the root's identity has no operator key hash: no bond can name it"
if [ "$(q root validium root-bond | jq -r '.bond.epoch // "0"')" = "$r_epoch" ] && [ -n "$(q root validium root-bond | jq -r '.bond.owner // empty')" ]; then
  say "the root bond of epoch $r_epoch is posted already ($(q root validium root-bond | jq -c .bond.amount))"
else
  bond_amount=$(q root validium params | jq -r '.params.min_child_bond | "\(.amount)\(.denom)"')
  submit root "the root operator's bond" "$bin" tx validium post-root-bond "$r_epoch" "$r_okh" "$bond_amount" --from operator \
    --home "$rhome" --keyring-backend test --chain-id slush-root >/dev/null
  say "the root operator's account $bond_owner bonded $bond_amount for root epoch $r_epoch ($(q root validium root-bond | jq -c '.bond | {epoch: (.epoch // "0"), owner, amount}'))"
fi
bond_posted=$(q root validium root-bond | jq -r '.bond.amount // empty | "\(.amount)\(.denom)"')
[ -n "$bond_posted" ] || die "no root bond on the root after posting it"
owner_before=$(q root bank balance "$bond_owner" $denom | jq -r '.balance.amount // "0"')

# 2. the base every replica knows, and every voter's witness against it while the root answers
newest_known() { q "$1" tree root-commitment 0 | jq -r '.root_height // empty'; }
base=""
for k in "${kids[@]}"; do
  h=$(newest_known "$k")
  [ -n "$h" ] || die "$(chain_id "$k") knows no root commitment"
  if [ -z "$base" ] || [ "$h" -lt "$base" ]; then base=$h; fi
done
hops() { # voter: --node-hop from the root down to the voter's parent
  local path=$1 out=() a
  a=$(parent_of "$path")
  while [ -n "$a" ]; do out=(--node-hop "$(node "$a")" "${out[@]}"); a=$(parent_of "$a"); done
  echo "${out[@]}"
}
witnessed() {
  local v
  for v in "${voters[@]}"; do
    [ -s "$work/witness-$v.json" ] && continue
    # shellcheck disable=SC2046
    "$bin" election witness --node-p "$(node "${kids[0]}")" --root-height "$base" $(hops "$v") --node-voter "$(node "$v")" \
      --out "$work/witness-$v.json" >/dev/null 2>"$work/witness-$v.err" || return 1
  done
}
if ! witnessed; then
  # a voter whose newest update the root's commitment at the base does not hold yet: a newer base
  say "not every voter is in the root's commitment at $base yet ($(cat "$work"/witness-*.err | tail -n 1)); waiting"
  retry_base() {
    local k h b=""
    for k in "${kids[@]}"; do h=$(newest_known "$k"); if [ -z "$b" ] || [ "$h" -lt "$b" ]; then b=$h; fi; done
    base=$b; rm -f "$work"/witness-*.json; witnessed
  }
  wait_for "every voter's witness against a root commitment every replica knows" retry_base
fi
b_root=$(jq -r '[.root_histogram[]?.count | tonumber] | add' "$work/witness-${voters[0]}.json")
say "base: root height $base (b_root $b_root), witnesses of ${voters[*]} saved"

# 3. the root operator stops
$localnet stop root >/dev/null
t_stop=$(date +%s.%N)
root_last=$(jq -r '.height // empty' "$rhome/data/priv_validator_state.json" 2>/dev/null || true) # its last signed height
say "the root operator stops after root height ${root_last:-?} (t = 0)"

# 4. silence reported on every replica once the liveness timeout has passed
t_detect=""
for k in "${kids[@]}"; do
  report() {
    "$bin" election report-root-silent --node-p "$(node "$k")" --witness-file "$work/witness-${voters[0]}.json" \
      $(tx_flags "$k") -y -o json >"$work/report-$k.json" 2>"$work/report-$k.err" &&
      [ "$(jq -r '.code // 1' "$work/report-$k.json")" = 0 ]
  }
  open_on() { [ -n "$(q "$k" election open-root-election | jq -r '.election.base_root_height // empty' | grep -vx 0)" ]; }
  reported() { open_on || { report && sleep 1 && open_on; }; }
  wait_for "the report of a silent root on $(chain_id "$k") (root_liveness_timeout_seconds $timeout_s)" reported
  [ -n "$t_detect" ] || t_detect=$(since_stop)
  say "t+$(since_stop) s: $(chain_id "$k") opened its replica: $(q "$k" election open-root-election | jq -c '.election | {id, epoch, reason, base_root_height, subtree, deadline_unix}')"
done

# 5. the candidate: a fresh consensus key (the new root home) and operator key; votes on every replica
ehome=$rhome.elected
rm -rf "$ehome"
"$bin" init slush-root --chain-id slush-root --home "$ehome" --default-denom "$denom" >/dev/null 2>&1
cand_cons=$("$bin" comet show-validator --home "$ehome")
cand_key=$(dirname "$($localnet operator-key root)")/operator-root.candidate.key
[ -f "$cand_key" ] || new_operator_key "$cand_key"
cand_hash=$("$bin" operator-key show --key-file "$cand_key" --hash-only)
result_on() { q "$1" election root-result 0 | jq -r '.result.elected.operator_key_hash // empty'; }
for k in "${kids[@]}"; do
  for v in "${voters[@]}"; do
    [ -z "$(result_on "$k")" ] || break
    res=$(submit "$k" "root vote by $v on $k" "$bin" election root-vote --node-p "$(node "$k")" \
      --witness-file "$work/witness-$v.json" --key-file "$($localnet operator-key "$v")" \
      --candidate-key-hash "$cand_hash" --candidate-consensus-key "$cand_cons" $(tx_flags "$k"))
    ev=$(jq -c '[.events[]? | select(.type == "slush.election.v1.EventRootVote") | .attributes | map({(.key): (.value | tostring | ltrimstr("\"") | rtrimstr("\""))}) | add][0] // {}' <<<"$res" 2>/dev/null || echo '{}')
    say "t+$(since_stop) s: $v voted on $(chain_id "$k"): $(jq -c '{weight, counted, overridden, tally, settled}' <<<"$ev" 2>/dev/null || true)"
  done
  [ -n "$(result_on "$k")" ] || die "no majority on $(chain_id "$k"): $(q "$k" election open-root-election)"
done
t_majority=$(since_stop)
say "t+$t_majority s: every replica elected operator key ${cand_hash:0:12}… ($(q "${kids[0]}" election root-result 0 | jq -c '.result | {votes, settled, base_root_height}'))"

# 6. the elected operator restarts the root from the export of its last state
"$bin" export --home "$rhome" --output-document "$work/export.json" >"$work/export.log" 2>&1 ||
  die "export of the root: $(tail -n 5 "$work/export.log")"
cp "$rhome/config/config.toml" "$rhome/config/app.toml" "$rhome/config/client.toml" "$ehome/config/"
cp -r "$rhome/keyring-test" "$ehome/"
"$bin" genesis adopt-export "$work/export.json" --node-p "$(node "${kids[0]}")" --home "$ehome" >"$work/adopt.json" ||
  die "adopt-export refused the root's export"
retired=$rhome.epoch0
[ -e "$retired" ] && die "$retired exists: a root failover ran on this localnet before"
mv "$rhome" "$retired"
mv "$ehome" "$rhome"
okey=$($localnet operator-key root)
mv "$okey" "${okey%.key}.epoch0.key"
mv "$cand_key" "$okey"
$localnet start root >/dev/null
say "adopt-export: $(jq -r '.root_bond.note // "no root bond line"' "$work/adopt.json")"
slashed=$(jq -r '.root_bond.slashed // empty' "$work/adopt.json")
refunded=$(jq -r '.root_bond.refunded // empty' "$work/adopt.json")
[ -n "$slashed" ] && [ "$(jq -r .root_bond.bond "$work/adopt.json")" = "$bond_posted" ] ||
  die "adopt-export did not slash the root bond $bond_posted: $(jq -c .root_bond "$work/adopt.json")"
initial=$(jq -r .initial_height "$work/adopt.json")
root_last=$((initial - 1)) # the export's: the root's last committed state
restarted() { local h; h=$(height root); [ -n "$h" ] && [ "$h" -ge $((initial + 1)) ]; }
wait_for "the restarted root to produce blocks from height $initial" restarted
t_restart=$(since_stop)
[ -z "$(q root validium root-bond | jq -r '.bond.owner // empty')" ] || die "the restarted root still holds a root bond"
owner_after=$(q root bank balance "$bond_owner" $denom | jq -r '.balance.amount // "0"')
[ "$owner_after" = $((owner_before + ${refunded%"$denom"})) ] ||
  die "the bond owner holds $owner_after$denom on the restarted root, not $owner_before + $refunded"
say "the old root bond is slashed on the restarted root: $slashed burnt, $refunded refunded to $bond_owner (balance $owner_before -> $owner_after$denom), no bond for epoch 1 yet"
say "t+$t_restart s: the root restarted from its state at height $((initial - 1)) under the elected operator ($(jq -c '{epoch, operator_key_hash, validator_cons_address}' "$work/adopt.json"))"

# 7. every replica adopts the restarted root by the election result
records_before=$(for k in "${kids[@]}"; do q root validium child "$k" | jq -r '.child.latest_commitment // ""'; done)
for k in "${kids[@]}"; do
  submit "$k" "adoption of the restarted root on $k" "$bin" election adopt-root --node-p "$(node "$k")" --node-root "$(node root)" \
    --epoch 0 $(tx_flags "$k") >/dev/null
  say "t+$(since_stop) s: $(chain_id "$k") trusts the restarted root ($(q "$k" election root-result 0 | jq -c '.result | {adopted, adopted_parent_height}'))"
done
t_adopt=$(since_stop)

# 8. the restarted root accepts a child update; a transfer 1-2 -> 2 across it
accepted() { [ "$(for k in "${kids[@]}"; do q root validium child "$k" | jq -r '.child.latest_commitment // ""'; done)" != "$records_before" ]; }
wait_for "the restarted root to accept an update of a child" accepted
t_update=$(since_stop)
say "t+$t_update s: the restarted root accepted a child update"
a=$("$bin" ledger balance --owner "$alice" --asset $asset --node "$(node 1-2)")
f0=$(balance 2 "$frank")
op=$("$bin" ledger bridge-out --seed alice --path 1-2 --account "$(jq -r .index <<<"$a")" --nonce "$(jq -r .nonce <<<"$a")" \
  --asset $asset --amount $amount --dst 2 --recipient "$frank" --deadline 1000000)
res=$("$bin" tx bridge bridge-out "$op" $(tx_flags 1-2) --node "$(node 1-2)" --yes -o json 2>&1) || die "bridge-out: $res"
[ "$(jq -r '.code // 1' <<<"$res" 2>/dev/null)" = 0 ] || die "bridge-out failed: $res"
msg=$(jq -r '.message_hash // empty' <<<"$res")
t_sent=$(since_stop)
say "t+$t_sent s: alice -> frank: $amount burnt on 1-2, message $msg"
claimed() { [ "$(balance 2 "$frank")" = $((f0 + amount)) ]; }
wait_for "frank's $amount on 2 (the claim, across the restarted root)" claimed
t_claim=$(since_stop)
say "t+$t_claim s: claimed on 2"
confirmed() { [ "$(q 1-2 bridge message-status "$msg" | jq -r .status)" = MESSAGE_STATUS_CONFIRMED ]; }
wait_for "the confirmation on 1-2" confirmed
t_confirm=$(since_stop)
say "t+$t_confirm s: confirmed on 1-2"
own_epoch=$(q root tree commitment 0 | jq -r '.commitment.fields.epoch // "0"')
[ "$own_epoch" = 1 ] || die "the restarted root commits under epoch $own_epoch, not 1"

load=$(cut -d' ' -f1-3 /proc/loadavg)
summary=$(jq -n --arg base "$base" --arg b_root "$b_root" --arg last "$root_last" --arg initial "$initial" \
  --arg key "$cand_hash" --arg msg "$msg" --arg timeout "$timeout_s" --arg load "$load" \
  --arg detect "$t_detect" --arg majority "$t_majority" --arg restart "$t_restart" --arg adopt "$t_adopt" \
  --arg update "$t_update" --arg sent "$t_sent" --arg claim "$t_claim" --arg confirm "$t_confirm" \
  --arg bond "$bond_posted" --arg slashed "$slashed" --arg refunded "$refunded" \
  --arg up "$(awk -v a="$t_up_start" -v b="$t_up_done" 'BEGIN { printf "%.1f", b - a }')" \
  '{base_root_height: ($base | tonumber), b_root: ($b_root | tonumber), root_last_height: ($last | tonumber),
    initial_height: ($initial | tonumber), epoch: 1, operator_key_hash: $key, message: $msg,
    liveness_timeout_s: ($timeout | tonumber), loadavg: $load, upgrade_s: ($up | tonumber),
    root_bond: {bond: $bond, slashed: $slashed, refunded: $refunded},
    seconds_since_root_stopped: {detection: ($detect | tonumber), majority: ($majority | tonumber),
      restart: ($restart | tonumber), adoption: ($adopt | tonumber), first_accepted_update: ($update | tonumber),
      bridge_out: ($sent | tonumber), claim: ($claim | tonumber), confirmation: ($confirm | tonumber)}}')
echo
echo "=== Slush root failover timeline (seconds since the root operator stopped) ==="
printf '%-48s %s\n' "upgrade (previous release to plan applied)" "$(jq -r .upgrade_s <<<"$summary") s before the stop"
printf '%-48s %s\n' "liveness timeout (root_liveness_timeout_seconds)" "$timeout_s"
printf '%-48s %s\n' "detection (first replica opened)" "$t_detect"
printf '%-48s %s\n' "majority (every replica elected)" "$t_majority"
printf '%-48s %s\n' "restart (restarted root's 2nd block)" "$t_restart"
printf '%-48s %s\n' "adoption (every replica re-pointed)" "$t_adopt"
printf '%-48s %s\n' "first accepted update (restarted root)" "$t_update"
printf '%-48s %s\n' "transfer 1-2 -> 2: bridge-out / claim / confirm" "$t_sent / $t_claim / $t_confirm"
printf '%-48s %s\n' "old root bond: bond / slashed / refunded" "$bond_posted / $slashed / $refunded"
printf '%-48s %s\n' "load average (1, 5, 15 min)" "$load"
jq . <<<"$summary"
[ -z "${SLUSH_ROOT_FAILOVER_SUMMARY:-}" ] || echo "$summary" >"$SLUSH_ROOT_FAILOVER_SUMMARY"

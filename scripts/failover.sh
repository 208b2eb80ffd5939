#!/usr/bin/env bash
# Emergency re-election on the localnet (DESIGN §9, the seed's "Liquid consensus"). On a running
# localnet (scripts/localnet.sh up, or after scripts/demo.sh):
#
#   scripts/failover.sh [V]          V: a chain with children and a parent P (default 1)
#
#  1. waits until V's finalized commitment on P holds every child of V;
#  2. V withholds: the relayer stops serving V's children (localnet.sh withhold V), so they learn
#     nothing more from V and V accepts nothing more from them;
#  3. V's first child reports the withholding on P (MsgReportWithholding, signed with its
#     operator key, proving it descends from V in V's finalized commitment);
#  4. every child of V votes on P (MsgEmergencyVote) for a candidate: a fresh operator key, with
#     the relayer's account on P submitting V's updates. Their subtrees are all of V's
#     descendants, a majority: P rolls V back to its finalized commitment, installs the
#     candidate, bumps V's epoch and slashes the old operator's bond;
#  5. the elected operator restarts V from an export of V's state at the height of that
#     finalized commitment (`slushchaind export --height`), with a new validator key, the new
#     epoch and operator key (`slushchaind genesis adopt-export`, which checks the export
#     against P's record); the old home is kept as <home>.epoch<N>;
#  6. each child of V replaces its parent light client through its own governance (a proposal
#     of `slushchaind parent-client proposal`, voted by its validator; like IBC client recovery):
#     its old client trusts the old validator and a history the new chain does not have;
#  7. the relayer serves V's children again, and the script waits until P accepts an update of
#     V made for the new epoch and V accepts an update of each child.
#
# A rerun after an interrupted report or vote resumes the open round (same candidate, voters that
# voted are skipped); once P has switched, finish steps 5-7 by hand (docs/PROTOCOL.md, "Failover").
#
# Environment: SLUSHCHAIND (binary, default build/slushchaind), SLUSH_LOCALNET_DIR and
# SLUSH_LOCALNET_PORT (as scripts/localnet.sh), SLUSH_FAILOVER_TIMEOUT (seconds per step, 600),
# SLUSH_FAILOVER_SUMMARY (also write the summary as JSON to this file).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
localnet=./scripts/localnet.sh
bin=${SLUSHCHAIND:-build/slushchaind}
export SLUSHCHAIND=$bin
net_dir=${SLUSH_LOCALNET_DIR:-.localnet}
case $net_dir in /*) ;; *) net_dir=$PWD/$net_dir;; esac
export SLUSH_LOCALNET_DIR=$net_dir
step_timeout=${SLUSH_FAILOVER_TIMEOUT:-600}
denom=stake
v=${1:-1}

start=$(date +%s.%N) script_name=failover
# shellcheck source=scripts/steps.sh
. scripts/steps.sh # die, elapsed, say, node, home, q, height, wait_for
# hops prints the --node-hop flags from v down to the parent of a descendant of v.
hops() { # descendant
  local path=$1 out=() a
  a=$(parent_of "$path")
  while :; do
    out=(--node-hop "$(node "$a")" "${out[@]}")
    [ "$a" = "$v" ] && break
    a=$(parent_of "$a")
  done
  echo "${out[@]}"
}
# submit broadcasts a transaction command to a chain, waits for its block and fails unless it
# succeeded. It prints the included tx's JSON.
submit() { # path what command...
  local path=$1 what=$2
  shift 2
  tx_submit "$(node "$path")" "$what" "$@" || die "$what (see above)"
}

[ -x "$bin" ] || die "$bin not found: run 'make build' first"
command -v jq >/dev/null || die "jq is required (apt-get install jq)"
[ -f "$net_dir/tree" ] || die "no localnet in $net_dir (run scripts/localnet.sh up or scripts/demo.sh)"
[ "$v" != root ] || die "the root has no parent to re-elect it (DESIGN §9: a parent re-elects its child)"
grep -qx -- "$v" "$net_dir/tree" || die "$v is not in the localnet's tree"
p=$(parent_of "$v"); idx=${v##*-}
mapfile -t kids < <(grep -x -- "$v-[0-9]*" "$net_dir/tree" | sort -t- -k1,1 -n)
[ ${#kids[@]} -gt 0 ] || die "$v has no children in the tree: nobody can report it"
for path in "$p" "$v" "${kids[@]}"; do
  [ -n "$(height "$path")" ] || die "$(chain_id "$path") does not answer: start it (scripts/localnet.sh up)"
done
[ -f "$net_dir/relayer.pid" ] && kill -0 "$(cat "$net_dir/relayer.pid")" 2>/dev/null ||
  die "the relayer is not running (scripts/localnet.sh relayer-start)"
vhome=$(home "$v"); vcid=$(chain_id "$v"); pcid=$(chain_id "$p")
work=$net_dir/failover-$v
rm -rf "$work" && mkdir -p "$work"

child_record() { q "$p" validium child "$idx"; }
old=$(child_record)
old_epoch=$(jq -r '.child.epoch // "0"' <<<"$old")
old_bond=$(jq -r '.child.bond.amount // "0"' <<<"$old")
say "$vcid is child $idx of $pcid at epoch $old_epoch (bond $old_bond$denom); its children: ${kids[*]}"

# 1. every child of v must be in v's finalized commitment on p: its witness builds
covered() {
  local c
  for c in "${kids[@]}"; do
    # shellcheck disable=SC2046
    "$bin" election witness --node-p "$(node "$p")" --child "$idx" $(hops "$c") --node-voter "$(node "$c")" \
      --out "$work/witness-$c.json" >/dev/null 2>"$work/witness-$c.err" || return 1
  done
}
wait_for "$vcid's finalized commitment on $pcid to hold ${kids[*]} (see $work/witness-*.err)" covered
say "$vcid's finalized commitment on $pcid holds ${kids[*]}"

# 2. v withholds
$localnet withhold "$v" >/dev/null
t_withhold=$(elapsed)
say "$vcid withholds: the relayer no longer serves ${kids[*]}"

# 3. the first child reports v on p (a round a report opened before is kept)
reporter=${kids[0]}
open_round() { q "$p" election open-round "$idx" | jq -r '.round.id // empty'; }
round=$(open_round)
if [ -n "$round" ]; then
  say "round $round for $vcid is already open on $pcid"
else
  # shellcheck disable=SC2046
  submit "$p" "report by $reporter" "$bin" election report --node-p "$(node "$p")" --child "$idx" \
    $(hops "$reporter") --node-voter "$(node "$reporter")" --key-file "$($localnet operator-key "$reporter")" \
    --from user --home "$(home "$p")" --keyring-backend test --chain-id "$pcid" >/dev/null
  round=$(open_round)
  [ -n "$round" ] || die "no open round for child $idx on $pcid after the report"
  say "$reporter reported $vcid on $pcid: emergency round $round"
fi

# 4. every child votes for the candidate: a fresh operator key; the relayer's account on p
#    keeps submitting v's updates there (one relayer serves the localnet)
# (kept beside the keys until it is installed, so a rerun after an interrupted vote votes for
# the same candidate)
cand_key=$(dirname "$($localnet operator-key "$v")")/operator-$v.candidate.key
[ -f "$cand_key" ] || new_operator_key "$cand_key"
cand_hash=$("$bin" operator-key show --key-file "$cand_key" --hash-only)
cand_operator=$("$bin" keys show relayer -a --keyring-backend test --home "$(home "$p")")
voted() { # child: its vote is in the round already (a rerun of the script)
  local vid; vid=$(q "$1" tree commitment 0 | jq -r '.commitment.fields.vid // empty')
  [ -n "$vid" ] && q "$p" election votes "$round" | jq -e --arg vid "$vid" '[.votes[]? | select(.voter_vid == $vid)] | length > 0' >/dev/null
}
replaced="" # the deciding vote's EventOperatorReplaced: what was slashed and refunded
for c in "${kids[@]}"; do
  [ "$(jq -r '.child.epoch // "0"' <<<"$(child_record)")" = "$old_epoch" ] || break # elected already
  if voted "$c"; then say "$c voted in round $round already"; continue; fi
  # shellcheck disable=SC2046
  res=$(submit "$p" "vote by $c" "$bin" election vote --node-p "$(node "$p")" --round "$round" \
    --candidate-operator "$cand_operator" --candidate-key-hash "$cand_hash" \
    $(hops "$c") --node-voter "$(node "$c")" --key-file "$($localnet operator-key "$c")" \
    --from user --home "$(home "$p")" --keyring-backend test --chain-id "$pcid")
  replaced=$(jq -c '[.events[]? | select(.type == "slush.election.v1.EventOperatorReplaced")][0] // empty' <<<"$res" 2>/dev/null || true)
  say "$c voted in round $round for operator key ${cand_hash:0:12}…"
done
# event attribute (typed events carry JSON values: strip the quotes)
replaced_attr() { jq -r --arg k "$1" '.attributes[]? | select(.key == $k) | .value' <<<"$replaced" 2>/dev/null | tr -d '"'; }
rec=$(child_record)
new_epoch=$(jq -r '.child.epoch // "0"' <<<"$rec")
[ "$new_epoch" = $((old_epoch + 1)) ] || die "no majority: $pcid's child $idx is at epoch $new_epoch (round: $(q "$p" election round "$round"))"
[ "$(jq -r .child.operator_key_hash <<<"$rec" | b64hex)" = "$cand_hash" ] || die "$pcid installed another operator key"
finalized=$(jq -r .child.latest_commitment <<<"$rec" | b64hex)
t_elected=$(elapsed)
if [ -n "$replaced" ]; then
  bond_note="the old operator's bond of $old_bond$denom: $(replaced_attr slashed) slashed (burnt), $(replaced_attr refunded) refunded"
else
  bond_note="the old operator's bond of $old_bond$denom slashed and refunded by params.slash_bps"
fi
say "majority: $pcid rolled $vcid back to its finalized commitment ${finalized:0:12}…, epoch $new_epoch; $bond_note; the elected operator starts with no bond"

# 5. the elected operator restarts v from its state at that commitment
export_height=$(q "$v" tree commitment-by-hash "$finalized" | jq -r '.commitment.height // empty')
[ -n "$export_height" ] || die "$vcid has no commitment ${finalized:0:12}… in its history"
$localnet relayer-stop >/dev/null
# the elected operator bonds itself (its account on p is the relayer's, idle while it is stopped)
bond=$(q "$p" validium params | jq -r '.params.min_child_bond | "\(.amount)\(.denom)"')
submit "$p" "bond of the elected operator" "$bin" tx validium post-bond "$idx" "$bond" --from relayer \
  --home "$(home "$p")" --keyring-backend test --chain-id "$pcid" --gas 300000 >/dev/null
say "the elected operator bonded $bond on $pcid for $vcid"
$localnet stop "$v" >/dev/null
"$bin" export --height "$export_height" --home "$vhome" --output-document "$work/export.json" >"$work/export.log" 2>&1 ||
  die "export of $vcid at height $export_height: $(tail -n 5 "$work/export.log")"
retired=$vhome.epoch$old_epoch
[ -e "$retired" ] && die "$retired exists: a failover of $vcid at epoch $old_epoch ran before"
mv "$vhome" "$retired"
"$bin" init "$vcid" --chain-id "$vcid" --home "$vhome.init" --default-denom "$denom" >/dev/null 2>&1
# the node's settings and the keyring of the relayer's accounts carry over; the validator key
# (priv_validator_key.json) and node key are the new operator's own
cp "$retired/config/config.toml" "$retired/config/app.toml" "$retired/config/client.toml" "$vhome.init/config/"
cp -r "$retired/keyring-test" "$vhome.init/"
"$bin" genesis adopt-export "$work/export.json" --node-p "$(node "$p")" --home "$vhome.init" >"$work/adopt.json" ||
  die "adopt-export refused the export of $vcid at height $export_height"
mv "$vhome.init" "$vhome"
okey=$($localnet operator-key "$v")
mv "$okey" "${okey%.key}.epoch$old_epoch.key"
mv "$cand_key" "$okey"
$localnet start "$v" >/dev/null
initial=$(jq -r .initial_height <<<"$(cat "$work/adopt.json")")
restarted() { local h; h=$(height "$v"); [ -n "$h" ] && [ "$h" -ge $((initial + 1)) ]; }
wait_for "$vcid to produce blocks from height $initial" restarted
t_restarted=$(elapsed)
say "$vcid restarted from its state at height $export_height (initial height $initial) under the elected operator"

# 6. the children trust the new chain: a governance proposal each, voted by their validator
for c in "${kids[@]}"; do
  "$bin" parent-client proposal --parent-node "$(node "$v")" --node "$(node "$c")" \
    --title "Follow $vcid after its re-election (epoch $new_epoch)" \
    --summary "$pcid re-elected $vcid's operator (round $round); trust the restarted chain's header" >"$work/proposal-$c.json" ||
    die "parent-client proposal for $c"
  res=$(submit "$c" "proposal on $c" "$bin" tx gov submit-proposal "$work/proposal-$c.json" --from validator \
    --home "$(home "$c")" --keyring-backend test --chain-id "$(chain_id "$c")" --gas 400000)
  id=$(jq -r '[.events[] | select(.type == "submit_proposal") | .attributes[] | select(.key == "proposal_id") | .value][0]' <<<"$res")
  submit "$c" "vote on $c" "$bin" tx gov vote "$id" yes --from validator --home "$(home "$c")" \
    --keyring-backend test --chain-id "$(chain_id "$c")" >/dev/null
  echo "$id" >"$work/proposal-$c.id"
done
passed() {
  local c
  for c in "${kids[@]}"; do
    [ "$(q "$c" gov proposal "$(cat "$work/proposal-$c.id")" | jq -r '.proposal.status')" = PROPOSAL_STATUS_PASSED ] || return 1
  done
}
wait_for "the parent-client proposals of ${kids[*]} to pass" passed
say "${kids[*]} now trust $vcid's new validator (their governance passed the proposals)"

# 7. serve the children again; p accepts v's updates of the new epoch, v its children's
for c in "${kids[@]}"; do q "$v" validium child "${c##*-}" >"$work/kid-$c.json"; done
$localnet serve "$v" >/dev/null
$localnet relayer-start >/dev/null
accepted_on_p() {
  local r; r=$(child_record)
  [ "$(jq -r '.child.latest_commitment' <<<"$r" | b64hex)" != "$finalized" ] && [ "$(jq -r '.child.epoch' <<<"$r")" = "$new_epoch" ]
}
wait_for "$pcid to accept an update of $vcid for epoch $new_epoch" accepted_on_p
t_accepted=$(elapsed)
say "$pcid accepted $vcid's update made under the elected operator: commitment $(child_record | jq -r .child.latest_commitment | b64hex | cut -c1-12)…"
kids_follow() {
  local c
  for c in "${kids[@]}"; do
    [ "$(q "$v" validium child "${c##*-}" | jq -r '.child.anchor_height // "0"')" -gt "$(jq -r '.child.anchor_height // "0"' "$work/kid-$c.json")" ] || return 1
  done
}
wait_for "$vcid to accept an update of each of ${kids[*]}" kids_follow
t_done=$(elapsed)
say "$vcid accepted new updates of ${kids[*]}"

summary=$(jq -n --arg v "$v" --arg p "$p" --argjson round "$round" --argjson old_epoch "$old_epoch" \
  --argjson new_epoch "$new_epoch" --arg key "$cand_hash" --arg finalized "$finalized" \
  --argjson export_height "$export_height" --argjson initial "$initial" \
  --argjson withhold "$t_withhold" --argjson elected "$t_elected" --argjson restarted "$t_restarted" \
  --argjson accepted "$t_accepted" --argjson done "$t_done" \
  '{chain: $v, parent: $p, round: $round, old_epoch: $old_epoch, new_epoch: $new_epoch,
    operator_key_hash: $key, finalized_commitment: $finalized, export_height: $export_height,
    initial_height: $initial, seconds: {withheld: $withhold, elected: $elected,
    restarted: $restarted, parent_accepted: $accepted, children_accepted: $done}}')
echo "=== Slush failover summary ==="
jq . <<<"$summary"
[ -z "${SLUSH_FAILOVER_SUMMARY:-}" ] || echo "$summary" >"$SLUSH_FAILOVER_SUMMARY"

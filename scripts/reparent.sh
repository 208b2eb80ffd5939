#!/usr/bin/env bash
# scripts/reparent.sh [--from-frozen-parent] V Q: move chain V of the running localnet, with its
# state, under chain Q (issue 20, the seed's "Rollup quitting rollups"; docs/PROTOCOL.md
# "Re-parenting").
# Through its parent P (P active):
#  1. V's governance prepares the departure (x/tree MsgPrepareDeparture): V's ledger freezes; each
#     descendant of V follows (its governance's MsgPrepareFollow: its ledger freezes too);
#  2. once V's parent P holds V's whole ledger, V's governance marks it (MsgMarkDeparture): V's
#     commitments carry the departure mark, and the relayer's updates of V to P are departing;
#  3. when a departing commitment of V is final at P and that finality reached the root,
#     `slushchaind validium arrival-proof` reads the proof, and Q registers V with it (signed by the
#     relayer's account on Q, the new operator the departure named);
#  4. V's governance moves its path under Q with a client of Q (MsgMovePath), then each
#     descendant's its own below V's new one (same parent, same index): the ledgers thaw;
# --from-frozen-parent (P frozen by its parent G, "Re-parenting" 8.): V leaves with the commitment
# C_v that P's finalized commitment at G holds for it, the last state of V the root's history has:
#  1. `slushchaind validium leave-frozen-parent` records the departure on G (signed with V's
#     operator key, sent by G's user account: anyone may);
#  3. once a root commitment Q knows holds G's commitment with the departure, the arrival proof is
#     read and Q registers V with it, as above;
#  4. V's chain restarts from its state at C_v: `slushchaind export --height` of the block that made
#     C_v and `genesis adopt-export --arrived-at Q` (V's new path, Q's chain-id and a client of Q;
#     the same validator key); what V did after C_v is dropped (nothing above V ever held it);
# then, either way:
#  5. the relayer restarts with the new tree, Q accepts V's first update under its new vid;
#  6. a transfer from and one to the moved chain, claimed: an account funded on V before the move
#     (SLUSH_REPARENT_SEED, default alice, asset SLUSH_REPARENT_ASSET, default 7: the demo's) sends
#     to bob on SLUSH_REPARENT_PEER (default 1-1) with an op signed for V's new path, and bob sends
#     part of it back to V's new vid.
#  7. with SLUSH_REPARENT_FOLLOWER (a descendant of V), SLUSH_REPARENT_FOLLOWER_SEED (default alice)
#     sends from it, at its new path, to bob on the peer, claimed.
# Before V is marked, every descendant's parent holds its whole frozen ledger: after the paths
# move its parent checks its batches under the new vid. With --from-frozen-parent V must be a leaf
# (a restarted V would need a new client in each child: not scripted). The localnet keeps naming V by its first path
# (scripts/localnet.sh node/home V); $net_dir/moved gives the relayer its new one. Environment: as
# scripts/localnet.sh; SLUSH_REPARENT_TIMEOUT (seconds per step, 600); SLUSH_REPARENT_SUMMARY
# (write the summary as JSON).
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
step_timeout=${SLUSH_REPARENT_TIMEOUT:-600}
frozen=""
[ "${1:-}" != --from-frozen-parent ] || { frozen=1; shift; }
v=${1:-}
dest=${2:-}

start=$(date +%s.%N) script_name=reparent
# shellcheck source=scripts/steps.sh
. scripts/steps.sh # die, elapsed, say, node, home, q, height, wait_for
submit() { # path what command...
  local path=$1 what=$2
  shift 2
  tx_submit "$(node "$path")" "$what" "$@" || die "$what (see above)"
}

[ -n "$v" ] && [ -n "$dest" ] || die "usage: scripts/reparent.sh [--from-frozen-parent] V Q (e.g. 1-2 2)"
[ -x "$bin" ] || die "$bin not found: run 'make build' first"
command -v jq >/dev/null || die "jq is required (apt-get install jq)"
[ -f "$net_dir/tree" ] || die "no localnet in $net_dir (run scripts/localnet.sh up or scripts/demo.sh)"
[ "$v" != root ] || die "the root has no parent to leave"
grep -qx -- "$v" "$net_dir/tree" || die "$v is not in the localnet's tree"
grep -qx -- "$dest" "$net_dir/tree" || die "$dest is not in the localnet's tree"
# V's descendants follow it (top-down): each freezes its ledger (MsgPrepareFollow) until its own
# MsgMovePath, so nothing is logged under its old vid that its parent could not prove after
mapfile -t followers < <(grep -- "^$v-" "$net_dir/tree" | awk -F- '{ print NF, $0 }' | sort -n -s | cut -d' ' -f2-)
[ -z "$frozen" ] || [ ${#followers[@]} -eq 0 ] ||
  die "$v has descendants (${followers[*]}): leaving a frozen parent restarts $v, which its children would each have to re-trust (not scripted)"
! awk -v p="$v" '$1 == p { found = 1 } END { exit !found }' "$net_dir/moved" 2>/dev/null || die "$v moved already ($net_dir/moved)"
p=$(parent_of "$v"); idx=${v##*-}
[ "$dest" != "$p" ] || die "$v is already under $dest"
seed=${SLUSH_REPARENT_SEED:-alice} asset=${SLUSH_REPARENT_ASSET:-7} peer=${SLUSH_REPARENT_PEER:-1-1}
amount=30 back=10 deadline=1000000 # deadline: a root height far ahead (no routing)
grep -qx -- "$peer" "$net_dir/tree" || die "$peer (SLUSH_REPARENT_PEER) is not in the localnet's tree"
case $peer in "$v" | "$v"-*) die "$peer (SLUSH_REPARENT_PEER) moves with $v: name a chain outside its subtree";; esac
follower=${SLUSH_REPARENT_FOLLOWER:-} follower_seed=${SLUSH_REPARENT_FOLLOWER_SEED:-alice}
[ -z "$follower" ] || printf '%s\n' "${followers[@]}" | grep -qx -- "$follower" ||
  die "$follower (SLUSH_REPARENT_FOLLOWER) is not a descendant of $v"
owner=$("$bin" ledger owner --seed "$seed"); bob=$("$bin" ledger owner --seed bob)
account() { # path owner -> {"found","index","balance","nonce"}
  "$bin" ledger balance --owner "$2" --asset "$asset" --node "$(node "$1")" 2>/dev/null || echo '{"found":false}'
}
balance() { account "$1" "$2" | jq -r 'if .found then .balance else 0 end'; }
[ "$(balance "$v" "$owner")" -ge $amount ] ||
  die "$seed holds less than $amount of asset $asset on $v: fund it (scripts/demo.sh does, or SLUSH_DEPOSITS at the first up)"
vcid=$(chain_id "$v"); dcid=$(chain_id "$dest"); pcid=$(chain_id "$p")
if [ -n "$frozen" ]; then
  [ "$p" != root ] || die "$v is a child of the root, which is never frozen"
  g=$(parent_of "$p"); pidx=${p##*-}; gcid=$(chain_id "$g")
  status=$(q "$g" validium child "$pidx" | jq -r '.child.status // empty')
  [ "$status" = CHILD_STATUS_FROZEN ] || die "$pcid is ${status:-unknown} at $gcid, not frozen: move $v through it (without --from-frozen-parent)"
fi
[ -f "$net_dir/relayer.pid" ] && kill -0 "$(cat "$net_dir/relayer.pid")" 2>/dev/null ||
  die "the relayer is not running (scripts/localnet.sh relayer-start)"
work=$net_dir/reparent-$v
rm -rf "$work" && mkdir -p "$work"
indices() { tr '-' ',' <<<"$1"; } # 2-1 -> 2,1 (a JSON array body)
[ "$dest" = root ] && dest_json="[]" || dest_json="[$(indices "$dest")]"

# proposal: a gov proposal of one x/tree message on V, voted by V's validator, until it passes
gov=$(q "$v" auth module-account gov | jq -r '.account.value.address // .account.base_account.address // .account.address // empty')
[ -n "$gov" ] || die "cannot read $vcid's gov module account"
govern() { # what message-json: on V
  govern_on "$v" "$@"
}
govern_on() { # path what message-json
  local path=$1 what=$2 msg=$3 cid file res id
  cid=$(chain_id "$path")
  file=$work/proposal-$(date +%s%N).json
  jq -n --argjson msg "$msg" --arg title "$what" \
    '{messages: [$msg], metadata: "", deposit: "10000000stake", title: $title, summary: ("issue 20, docs/PROTOCOL.md Re-parenting: " + $title)}' >"$file"
  res=$(submit "$path" "proposal on $cid: $what" "$bin" tx gov submit-proposal "$file" --from validator \
    --home "$(home "$path")" --keyring-backend test --chain-id "$cid" --gas 600000)
  id=$(jq -r '[.events[] | select(.type == "submit_proposal") | .attributes[] | select(.key == "proposal_id") | .value][0]' <<<"$res")
  submit "$path" "vote on $cid" "$bin" tx gov vote "$id" yes --from validator --home "$(home "$path")" \
    --keyring-backend test --chain-id "$cid" >/dev/null
  passed() { [ "$(q "$path" gov proposal "$id" | jq -r '.proposal.status')" = PROPOSAL_STATUS_PASSED ]; }
  wait_for "proposal $id on $cid ($what) to pass" passed
  say "$cid's governance passed: $what (proposal $id)"
}

# the relayer's account on Q registers V there: the departure names it
new_operator=$("$bin" keys show relayer -a --keyring-backend test --home "$(home "$dest")") ||
  die "$dcid has no 'relayer' key"
say "moving $vcid (child $idx of $pcid) under $dcid, to be registered there by $new_operator"

# held tells whether a chain's parent holds its whole ledger (the relayer proves its logged tail)
held() { # path
  local mine theirs
  mine=$(q "$1" tree commitment 0 | jq -r '.commitment.fields.ledger_root // empty')
  theirs=$(q "$(parent_of "$1")" validium child "${1##*-}" | jq -r '.child.ledger_root // empty')
  [ -n "$mine" ] && [ "$mine" = "$theirs" ]
}

# 1.-2. (through P) prepare the departure (V's ledger freezes), then mark it once P holds V's whole
# ledger (the relayer proves its logged tail in normal updates)
depart_through_parent() {
  # departure prints V's departure as its tree identity holds it (empty: none); a rerun resumes
  departure() { q "$v" tree identity | jq -c '.identity.departure // empty'; }

  if [ -z "$(departure)" ]; then
    govern "prepare the departure of $vcid for $dcid" "$(jq -n --arg a "$gov" --argjson np "$dest_json" --arg op "$new_operator" \
      '{"@type": "/slush.tree.v1.MsgPrepareDeparture", authority: $a, new_parent: $np, new_operator: $op}')"
  else
    say "$vcid is departing already: $(departure)"
  fi
  local d
  for d in "${followers[@]}"; do
    if [ -z "$(q "$d" tree identity | jq -c '.identity.departure // empty')" ]; then
      govern_on "$d" "$(chain_id "$d") follows $vcid's move" "$(jq -n --arg a "$gov" '{"@type": "/slush.tree.v1.MsgPrepareFollow", authority: $a}')"
    fi
  done
  t_prepared=$(elapsed)
  if [ "$(departure | jq -r '.marked // false')" != true ]; then
    for d in "${followers[@]}"; do
      wait_for "$(chain_id "$(parent_of "$d")") to hold $(chain_id "$d")'s whole (frozen) ledger" held "$d"
    done
    wait_for "$pcid to hold $vcid's whole (frozen) ledger" held "$v"
    govern "mark the departure of $vcid" "$(jq -n --arg a "$gov" '{"@type": "/slush.tree.v1.MsgMarkDeparture", authority: $a}')"
  fi
  t_marked=$(elapsed)
}

# 1. (P frozen) record the departure on G: V's operator key signs it, G's user account sends it (anyone may);
# a rerun finds it recorded
frozen_departure() { q "$g" validium frozen-departure "$pidx" "$idx" | jq -c '.departure // empty'; }
leave_frozen_parent() {
  local nodes="$g=$(node "$g"),$p=$(node "$p"),$v=$(node "$v")"
  if [ -z "$(frozen_departure)" ]; then
    submit "$g" "leave frozen $pcid: the departure of $vcid on $gcid" "$bin" validium leave-frozen-parent "$v" "$dest" --nodes "$nodes" \
      --new-operator "$new_operator" --key-file "$($localnet operator-key "$v")" --from user --home "$(home "$g")" \
      --keyring-backend test --chain-id "$gcid" --gas 400000 >/dev/null
  fi
  [ -n "$(frozen_departure)" ] || die "$gcid recorded no departure of $vcid"
  departed=$(frozen_departure | jq -r .commitment | b64hex)
  say "$gcid recorded the departure of $vcid from the frozen $pcid with its commitment ${departed:0:12}…"
  t_prepared=$(elapsed) t_marked=$t_prepared
}

if [ -n "$frozen" ]; then leave_frozen_parent; else depart_through_parent; fi

# 3. the arrival proof, once a departing commitment is final at P and at the root (P frozen: once
# a root commitment Q knows holds G's commitment with the departure)
nodes="root=$(node root)"
a=""
for part in $(tr '-' ' ' <<<"$v"); do
  a=${a:+$a-}$part
  nodes="$nodes,$a=$(node "$a")"
done
[ "$dest" = root ] || nodes="$nodes,$dest=$(node "$dest")"
proof() { "$bin" validium arrival-proof "$v" --nodes "$nodes" >"$work/arrival.json" 2>"$work/register.json"; }
if [ -n "$frozen" ]; then
  wait_for "a root commitment $dcid knows to hold $gcid's record of the departure (arrival-proof)" proof
else
  wait_for "a departing commitment of $vcid to be final at $pcid and at the root (arrival-proof)" proof
fi
t_final=$(elapsed)
reg=$(tail -n 1 "$work/register.json")
say "arrival proof of $vcid read at root height $(jq -r .root_height <<<"$reg")"

# register V at Q with its state
bond=$(q "$dest" validium params | jq -r '.params.min_child_bond | "\(.amount)\(.denom)"')
keys_dir=$net_dir/keys
res=$(submit "$dest" "register $vcid on $dcid (arrival)" "$bin" tx validium register-child "$keys_dir/ledger.vk" "$bond" \
  "$(jq -r .genesis_ledger_root <<<"$reg")" "$(jq -r .genesis_outbox_root <<<"$reg")" "$(jq -r .genesis_receipt_root <<<"$reg")" \
  --transfer-verifying-key "$keys_dir/ledger-transfer.vk" --operator-key-hash "$(jq -r .operator_key_hash <<<"$reg")" \
  --arrival "$work/arrival.json" --from relayer --home "$(home "$dest")" --keyring-backend test --chain-id "$dcid" --gas 800000)
k=$(jq -r '[.events[] | select(.type == "slush.validium.v1.EventChildArrived") | .attributes[] | select(.key == "index") | .value][0]' <<<"$res" | tr -d '"')
[ -n "$k" ] && [ "$k" != null ] || die "no EventChildArrived in the registration"
[ "$dest" = root ] && new_path=$k || new_path=$dest-$k
say "$dcid registered $vcid as its child $k: $vcid's path becomes $new_path"
t_arrived=$(elapsed)

# 4. (through P) V moves its path and trusts Q
move_path() {
  "$bin" parent-client proposal --parent-node "$(node "$dest")" --node "$(node "$v")" --parent-chain-id "$dcid" >"$work/client.json" ||
    die "reading a client of $dcid"
  client=$(jq -r '.messages[0].client' "$work/client.json")
  govern "move $vcid to path $new_path under $dcid" "$(jq -n --arg a "$gov" --argjson path "[$(indices "$new_path")]" --arg cid "$dcid" --arg c "$client" \
    '{"@type": "/slush.tree.v1.MsgMovePath", authority: $a, path: $path, parent_chain_id: $cid, client: $c}')"
}

# 4. (P frozen) V restarts from its state at the commitment it left with: exported at the block
# that made it, adopted under its new path and a client of Q (genesis adopt-export --arrived-at),
# with its own validator key; the old home is kept as $home.left-$P
restart_from_departed() {
  local h vhome retired initial
  h=$(q "$v" tree commitment-by-hash "$departed" | jq -r '.commitment.height // empty')
  [ -n "$h" ] || die "$vcid has no commitment ${departed:0:12}… in its history (pruned?)"
  vhome=$(home "$v") retired=$(home "$v").left-$p
  [ ! -e "$retired" ] || die "$retired exists: $vcid left $pcid before"
  $localnet relayer-stop >/dev/null
  $localnet stop "$v" >/dev/null
  "$bin" export --height "$h" --home "$vhome" --output-document "$work/export.json" >"$work/export.log" 2>&1 ||
    die "export of $vcid at height $h: $(tail -n 5 "$work/export.log")"
  mv "$vhome" "$retired"
  "$bin" init "$vcid" --chain-id "$vcid" --home "$vhome.init" --default-denom stake >/dev/null 2>&1
  # the same operator: its node settings, keyring, validator and node keys carry over; the blocks
  # it made after height $h do not (the new chain continues from $h + 1)
  cp "$retired"/config/{config.toml,app.toml,client.toml,priv_validator_key.json,node_key.json} "$vhome.init/config/"
  cp -r "$retired/keyring-test" "$vhome.init/"
  "$bin" genesis adopt-export "$work/export.json" --arrived-at "$(node "$dest")" --home "$vhome.init" >"$work/adopt.json" ||
    die "adopt-export refused the export of $vcid at height $h"
  mv "$vhome.init" "$vhome"
  $localnet start "$v" >/dev/null
  initial=$(jq -r .initial_height "$work/adopt.json")
  restarted() { local ht; ht=$(height "$v"); [ -n "$ht" ] && [ "$ht" -ge $((initial + 1)) ]; }
  wait_for "$vcid to produce blocks from height $initial" restarted
  say "$vcid restarted from its state at height $h (the commitment it left with) as $new_path under $dcid"
}

if [ -n "$frozen" ]; then restart_from_departed; else move_path; fi
# each descendant takes its path under V's new one (the same parent and index): its ledger thaws
for d in "${followers[@]}"; do
  govern_on "$d" "move $(chain_id "$d") to path $new_path${d#"$v"}" "$(jq -n --arg a "$gov" --argjson path "[$(indices "$new_path${d#"$v"}")]" \
    '{"@type": "/slush.tree.v1.MsgMovePath", authority: $a, path: $path}')"
done
t_moved=$(elapsed)

# 5. the relayer serves the new tree; Q accepts V's first update under its new vid
echo "$v $new_path" >>"$net_dir/moved"
declare -A anchors
for d in "${followers[@]}"; do
  echo "$d $new_path${d#"$v"}" >>"$net_dir/moved"
  anchors[$d]=$(q "$(parent_of "$d")" validium child "${d##*-}" | jq -r '.child.anchor_height // "0"')
done
$localnet relayer-restart >/dev/null
accepted() { [ -n "$(q "$dest" validium child "$k" | jq -r '.child.latest_commitment // empty' | grep -v '^0*$')" ]; }
wait_for "$dcid to accept $vcid's first update under its new path $new_path" accepted
say "$dcid accepted an update of $vcid at $new_path"
followed() { # path: its parent accepted an update of it after the move (under its new vid)
  [ "$(q "$(parent_of "$1")" validium child "${1##*-}" | jq -r '.child.anchor_height // "0"')" -gt "${anchors[$1]}" ]
}
for d in "${followers[@]}"; do
  wait_for "$(chain_id "$(parent_of "$d")") to accept an update of $(chain_id "$d") at $new_path${d#"$v"}" followed "$d"
  say "$(chain_id "$(parent_of "$d")") accepted an update of $(chain_id "$d") at $new_path${d#"$v"}"
done
t_updated=$(elapsed)

# 6. a transfer from the moved chain (an op signed for its new path) and one to its new vid
send() { # from-path ledger-path seed owner dst-path recipient amount -> message hash
  local from=$1 lpath=$2 sd=$3 who=$4 dst=$5 rcpt=$6 amt=$7 acc op res
  acc=$(account "$from" "$who")
  op=$("$bin" ledger bridge-out --seed "$sd" --path "$lpath" --account "$(jq -r .index <<<"$acc")" --nonce "$(jq -r .nonce <<<"$acc")" \
    --asset "$asset" --amount "$amt" --dst "$dst" --recipient "$rcpt" --deadline $deadline) || die "signing $sd's bridge-out on $lpath"
  res=$(submit "$from" "bridge-out of $amt from $lpath to $dst" "$bin" tx bridge bridge-out "$op" --from user --home "$(home "$from")" \
    --keyring-backend test --chain-id "$(chain_id "$from")")
  jq -r '[.events[]?.attributes[]? | select(.key == "message_hash_hex") | .value][0] // empty' <<<"$res" | tr -d '"'
}
# transfer sends amt from a chain (localnet name, ledger path) to a recipient on dst and waits
# until the recipient's balance there grew by it (the message claimed)
transfer() { # from-path ledger-path seed owner dst-path dst-ledger-path recipient amount
  local from=$1 lpath=$2 sd=$3 who=$4 dst=$5 dpath=$6 rcpt=$7 amt=$8 before msg
  before=$(balance "$dst" "$rcpt")
  msg=$(send "$from" "$lpath" "$sd" "$who" "$dpath" "$rcpt" "$amt")
  say "$sd sends $amt from $lpath (signed for its vid there) to $dpath (message ${msg:0:12}…)"
  claimed() { [ "$(balance "$dst" "$rcpt")" -ge $((before + amt)) ]; }
  wait_for "$amt on $dpath (a claim of $lpath's message)" claimed
}
transfer "$v" "$new_path" "$seed" "$owner" "$peer" "$peer" "$bob" $amount
t_out=$(elapsed)
say "claimed on $peer: the moved chain's message proves from the root down its new path"
transfer "$peer" "$peer" bob "$bob" "$v" "$new_path" "$owner" $back
t_in=$(elapsed)
say "claimed on $new_path: a message to its new vid; $seed holds $(balance "$v" "$owner") of asset $asset"

# 7. a descendant that followed (SLUSH_REPARENT_FOLLOWER) spends what it held before the move
t_follower=null
if [ -n "$follower" ]; then
  transfer "$follower" "$new_path${follower#"$v"}" "$follower_seed" "$("$bin" ledger owner --seed "$follower_seed")" "$peer" "$peer" "$bob" $amount
  t_follower=$(elapsed)
  say "claimed on $peer: the follower's message proves from the root down its new path"
fi

route=through_parent
[ -z "$frozen" ] || route=from_frozen_parent
summary=$(jq -n --arg chain "$vcid" --arg from "$v" --arg to "$new_path" --arg parent "$dcid" --arg route "$route" \
  --argjson prepared "$t_prepared" --argjson marked "$t_marked" --argjson final "$t_final" --argjson arrived "$t_arrived" \
  --argjson moved "$t_moved" --argjson updated "$t_updated" --argjson out "$t_out" --argjson in "$t_in" \
  --argjson follower "$t_follower" --arg followers "${followers[*]}" \
  '{chain: $chain, old_path: $from, new_path: $to, new_parent: $parent, route: $route,
    seconds: {prepared: $prepared, marked: $marked, final_at_root: $final, arrived: $arrived, moved: $moved, first_update: $updated,
      transfer_out_claimed: $out, transfer_in_claimed: $in, follower_transfer_claimed: $follower},
    followers: ($followers | split(" ") | map(select(. != "")))}')
echo "=== Slush re-parenting summary ==="
jq . <<<"$summary"
[ -z "${SLUSH_REPARENT_SUMMARY:-}" ] || echo "$summary" >"$SLUSH_REPARENT_SUMMARY"

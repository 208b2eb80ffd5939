# shellcheck shell=bash
# Helpers shared by scripts/localnet.sh and scripts/failover.sh (sourced; they need $bin, the
# slushchaind binary, and jq).

# chain_id is a tree path's chain-id on the localnet.
chain_id() { [ "$1" = root ] && echo slush-root || echo "slush-$1"; }
# parent_of is a path's parent path (empty for the root).
parent_of() { case "$1" in root) echo "";; *-*) echo "${1%-*}";; *) echo root;; esac; }
# b64hex turns base64 (how JSON carries bytes) on stdin into hex.
b64hex() { base64 -d | od -An -tx1 -v | tr -d ' \n'; }

# new_operator_key writes a fresh random operator key seed to a file (mode 600).
new_operator_key() { # file
  (umask 077; head -c 32 /dev/urandom | od -An -tx1 -v | tr -d ' \n' >"$1.new") && mv "$1.new" "$1"
}

# tx_submit runs a transaction command (with -y -o json added), waits up to 30 s for its block
# on the node and prints the included transaction (JSON). A refusal for the account's sequence
# (another signer of the account, such as the relayer, took it first) is signed again, up to 5
# times. On another refusal at CheckTx, a failure in the block or a timeout it says why on stderr
# and returns 1.
tx_submit() { # node what command...
  local node=$1 what=$2 res err code hash attempt
  shift 2
  err=$(mktemp)
  for attempt in 1 2 3 4 5; do
    if ! res=$("$@" -y -o json 2>"$err"); then
      if [ $attempt -lt 5 ] && grep -q "account sequence mismatch" "$err"; then sleep 2; continue; fi
      echo "$what: $(cat "$err") $res" >&2
      rm -f "$err"
      return 1
    fi
    code=$(jq -r '.code // 1' <<<"$res" 2>/dev/null || echo 1)
    # sdk code 32: wrong sequence
    if [ $attempt -lt 5 ] && [ "$code" = 32 ] && [ "$(jq -r '.codespace // ""' <<<"$res")" = sdk ]; then sleep 2; continue; fi
    break
  done
  rm -f "$err"
  [ "$code" = 0 ] || { echo "$what rejected at CheckTx: $res" >&2; return 1; }
  hash=$(jq -r .txhash <<<"$res")
  res=""
  for _ in $(seq 1 60); do
    res=$("$bin" query tx "$hash" --node "$node" -o json 2>/dev/null) && break
    res=""
    sleep 0.5
  done
  [ -n "$res" ] || { echo "$what: tx $hash not included after 30 s" >&2; return 1; }
  [ "$(jq -r '.code // 0' <<<"$res")" = 0 ] || { echo "$what failed: $(jq -r .raw_log <<<"$res")" >&2; return 1; }
  echo "$res"
}

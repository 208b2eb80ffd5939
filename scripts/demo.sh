#!/usr/bin/env bash
# The Slush demo (README's main command). Today it brings up the root chain of the
# localnet, waits for blocks and shows the chain's place in the tree. The tree of five
# chains, the cross-branch bridge transfer and finality join it as the relayer lands.
set -euo pipefail
cd "$(dirname "$0")/.."
local=./scripts/localnet.sh
bin=${SLUSHCHAIND:-build/slushchaind}

start=$SECONDS
$local up --tree "${SLUSH_TREE:-root}"
$local wait 3 90
echo
$local status
echo
echo "tree identity of the root (slushchaind query validium tree-identity):"
"$bin" query validium tree-identity --home .localnet/slush-root -o json | jq .
echo
echo "root finality (slushchaind query acceptance finality):"
"$bin" query acceptance finality --home .localnet/slush-root -o json | jq -c .
echo
echo "demo: root chain producing blocks after $((SECONDS - start)) s; stop it with: scripts/localnet.sh down"

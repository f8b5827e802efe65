#!/usr/bin/env bash
# The main demo (`make demo`): validate the HoodCloud manifest for every environment, then
# start a local OpenBao dev server on a free loopback port, show that vaultform reaches it,
# apply the HoodCloud manifest to it with the dev variables, plan again to show nothing is left
# to do, show what the server holds, and stop it again, even when a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."

vaultform="$(swift build --show-bin-path)/vaultform"
manifest=manifests/hoodcloud

step() { printf '\n==> %s\n' "$*"; }

step "vaultform validate $manifest (variable defaults)"
"$vaultform" validate "$manifest"
for env in dev prod; do
    step "vaultform validate $manifest --var-file $manifest/env/$env.yaml"
    "$vaultform" validate "$manifest" --var-file "$manifest/env/$env.yaml"
done

state="$(mktemp -d "${TMPDIR:-/tmp}/vaultform-demo.XXXXXX")"
cleanup() {
    bash scripts/dev-server.sh stop "$state" >/dev/null 2>&1 || true
    rm -rf "$state"
}
trap cleanup EXIT

step "starting a local OpenBao dev server"
bash scripts/dev-server.sh start "$state"
address="$(cat "$state/address")"

# The dev server's token, as an operator would export it; vaultform never prints it.
export VAULT_TOKEN="$(cat "$state/token")"

step "vaultform status --address $address"
"$vaultform" status --address "$address"
vars=(--var-file "$manifest/env/dev.yaml" --var "audit_log_path=$state/audit.log")

step "vaultform apply $manifest --var-file $manifest/env/dev.yaml --auto-approve"
"$vaultform" apply "$manifest" --address "$address" "${vars[@]}" --auto-approve

step "vaultform plan $manifest --detailed-exitcode (a second plan: nothing left to do)"
"$vaultform" plan "$manifest" --address "$address" "${vars[@]}" --detailed-exitcode

step "vaultform credentials --all (the dev sidecar: role-id and secret-id files for every role but the admin's)"
"$vaultform" credentials --all --output-dir "$state/approle" --mode 0644 --manifest "$manifest" --address "$address"
find "$state/approle" -type f -printf '  mode %m  %P\n' | sort

step "what the server holds now (bao CLI)"
export BAO_ADDR="$address" BAO_TOKEN="$VAULT_TOKEN"
bao secrets list
bao auth list
bao policy list
bao list auth/approle/role
bao read transit/keys/hoodcloud-master | grep -E '^(name|type|exportable|deletion_allowed) '
# Secrets by field name only: the values stay in the server.
for secret in $(bao kv list -format=json -mount=secret hoodcloud | python3 -c 'import json,sys; print(" ".join(k for k in json.load(sys.stdin) if not k.endswith("/")))'); do
    printf 'secret/hoodcloud/%s: ' "$secret"
    bao kv get -format=json -mount=secret "hoodcloud/$secret" \
        | python3 -c 'import json,sys; print(", ".join(sorted(json.load(sys.stdin)["data"]["data"])))'
done

step "stopping the dev server"
bash scripts/dev-server.sh stop "$state"
echo "Demo complete."

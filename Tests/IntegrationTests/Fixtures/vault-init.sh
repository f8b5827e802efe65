#!/usr/bin/env bash
# HoodCloud's vault-init.sh as the runbook describes it (step 6), written with the bao CLI:
# what vaultform replaces. It runs against the server in BAO_ADDR with BAO_TOKEN, and
# writes the audit log to AUDIT_LOG. Like the original, it writes broad policies and
# roles without CIDR bindings or token limits; the test records which of these differences
# the HoodCloud manifest intends to change.
set -euo pipefail

bao secrets enable -path=secret -version=2 -description="HoodCloud application secrets (KV v2)" kv
bao secrets enable -path=transit -description="HoodCloud DEK wrapping (key hoodcloud-master)" transit
bao write -f transit/keys/hoodcloud-master type=aes256-gcm96

bao auth enable approle

bao policy write hoodcloud-control-plane - <<'HCL'
path "secret/data/hoodcloud/*" {
  capabilities = ["read"]
}
path "transit/encrypt/hoodcloud-master" {
  capabilities = ["update"]
}
path "transit/decrypt/hoodcloud-master" {
  capabilities = ["update"]
}
HCL

bao policy write hoodcloud-auth-server - <<'HCL'
path "secret/data/hoodcloud/app-credentials" {
  capabilities = ["read"]
}
HCL

bao policy write hoodcloud-payment-service - <<'HCL'
path "secret/data/payment-service/*" {
  capabilities = ["read"]
}
HCL

bao policy write hoodcloud-admin - <<'HCL'
path "*" {
  capabilities = ["create", "read", "update", "delete", "list", "sudo"]
}
HCL

for role in control-plane auth-server payment-service admin; do
    bao write "auth/approle/role/hoodcloud-$role" \
        token_policies="hoodcloud-$role" \
        secret_id_num_uses=0 secret_id_ttl=0 \
        token_ttl=1h token_max_ttl=4h
done

bao audit enable file file_path="$AUDIT_LOG"

# hoodcloud-control-plane: api-server, orchestrator, health-evaluator, agent-gateway.
#
# Least privilege: read-only access to exactly the three secrets the control plane
# loads (VAULT_APP_CREDENTIALS_PATH, VAULT_MASTER_KEY_PATH, the provider credentials),
# use of one Transit key for DEK wrapping, and its own token. No list, no write, no
# metadata, no other mount. KV v2 serves reads under secret/data/.

# Application secrets (step 10): DB and Redis passwords, JWT public key, NATS seeds,
# Clerk keys, sealed box keypair (api-server and orchestrator fail fast without it),
# incident notification settings, terraform/provider env vars.
path "secret/data/hoodcloud/app-credentials" {
  capabilities = ["read"]
}

# Master encryption key (VAULT_MASTER_KEY_PATH=hoodcloud/master-key).
path "secret/data/hoodcloud/master-key" {
  capabilities = ["read"]
}

# Cloud provider credentials (providers/hetzner, providers/ovh) for provisioning.
# Read only: the paths are known, so no list on secret/metadata/ is granted.
path "secret/data/hoodcloud/providers/*" {
  capabilities = ["read"]
}

# DEK wrapping with hoodcloud-master ("DEK encryption without exposing master key").
# Only this key, and only encrypt/decrypt: no key reads, config, rotation or export.
path "transit/encrypt/hoodcloud-master" {
  capabilities = ["update"]
}
path "transit/decrypt/hoodcloud-master" {
  capabilities = ["update"]
}
# New DEKs minted by Transit (plaintext + wrapped copy, or wrapped only). Remove this
# block if the services generate DEKs locally and only call encrypt.
path "transit/datakey/+/hoodcloud-master" {
  capabilities = ["update"]
}

# Own token only ("Token Renewal": renew at 75% of the TTL). The role sets
# token_no_default_policy, so these come from here rather than the default policy.
path "auth/token/lookup-self" {
  capabilities = ["read"]
}
path "auth/token/renew-self" {
  capabilities = ["update"]
}
path "auth/token/revoke-self" {
  capabilities = ["update"]
}

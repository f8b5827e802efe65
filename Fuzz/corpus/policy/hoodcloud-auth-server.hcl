# hoodcloud-auth-server: issues and verifies JWTs.
#
# Least privilege: one secret, read only, plus its own token. It holds
# jwt_private_key ("auth-server only"), but it never needs the master key, the
# provider credentials or Transit.
#
# Note: KV v2 grants whole secrets, not fields. app-credentials mixes the JWT private key
# with fields the control plane needs, so the control plane can read the private key
# too; keeping it to the auth-server alone would need a separate secret (for example
# secret/hoodcloud/auth-server) and a change in the services.

path "secret/data/hoodcloud/app-credentials" {
  capabilities = ["read"]
}

# Own token only. The role sets token_no_default_policy.
path "auth/token/lookup-self" {
  capabilities = ["read"]
}
path "auth/token/renew-self" {
  capabilities = ["update"]
}
path "auth/token/revoke-self" {
  capabilities = ["update"]
}

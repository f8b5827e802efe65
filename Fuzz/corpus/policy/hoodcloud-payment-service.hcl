# hoodcloud-payment-service: the payment service.
#
# Least privilege: its own secret only, read only, plus its own token. It gets nothing
# under secret/hoodcloud/ (its NATS CTRL signing seed is a copy in its own secret) and
# no Transit. nats_ctrl_account_pub is not a secret and is not in Vault at all (it comes
# from NATS_CTRL_ACCOUNT_PUB or YAML config).

path "secret/data/payment-service/credentials" {
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

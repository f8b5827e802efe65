# Admin policy
path "sys/mounts/*" {
  capabilities = ["create", "read"
}

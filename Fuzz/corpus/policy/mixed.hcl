# comment
path "secret/data/*" {
  capabilities = ["read", "list"]   // trailing
  allowed_parameters = { "key" = ["a", "b"] }
  min_wrapping_ttl = "1s"
  max_wrapping_ttl = "90m"
}
path "sys/*" { capabilities = ["deny"] }
path "+/kv/+/x" { capabilities = ["create", "update", "patch"] required_parameters = ["a"] }

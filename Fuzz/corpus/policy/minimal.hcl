path "a" {
 capabilities = ["read"]
}

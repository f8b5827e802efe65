// The wire's value types (JSON values, HTTP methods) live in the leaf target VaultWire, so
// that pure targets (VaultformSecrets) can use them without the HTTP client and libcurl.
// Everything that talks to the server sees them through VaultAPI, as before.
@_exported import VaultWire

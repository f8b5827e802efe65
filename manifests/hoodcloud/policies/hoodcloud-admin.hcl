# hoodcloud-admin: day-to-day management instead of the root token (step 7: "The admin
# AppRole replaces the root token"), and the identity vaultform applies this manifest
# with.
#
# Least privilege: manage what HoodCloud configures (mounts, auth methods, hoodcloud-*
# policies, audit devices, AppRole roles, KV secrets, Transit key settings), but no
# storage-level, seal or key-recovery operations, no way to take Transit key material
# out, and no irreversible destruction of data.
#
# Honest limit: an identity that may write policies and AppRole roles can grant itself
# more by writing a new hoodcloud-* policy and a role that carries it. The guard rails
# below stop mistakes and force any escalation through policy writes, which the audit
# device records; they do not make this role weaker than its own policy administration.

# ---------------------------------------------------------------------------------------
# Secrets engines: enable, read and tune mounts (step 6 creates secret/ and transit/).
path "sys/mounts" {
  capabilities = ["read"]
}
path "sys/mounts/*" {
  capabilities = ["create", "read", "update", "delete"]
}
# Disabling secret/ deletes every secret; disabling transit/ deletes hoodcloud-master
# and with it every wrapped DEK (bypassing deletion_allowed = false). Both mounts may
# be tuned (sys/mounts/<path>/tune matches the glob above) but not disabled; that takes
# a root token.
path "sys/mounts/secret" {
  capabilities = ["create", "read", "update"]
}
path "sys/mounts/transit" {
  capabilities = ["create", "read", "update"]
}
# Not granted: sys/remount (sudo), which would move secret/ or transit/ away from the
# paths every service reads.

# ---------------------------------------------------------------------------------------
# Auth methods. Enabling and disabling auth methods needs sudo.
path "sys/auth" {
  capabilities = ["read"]
}
path "sys/auth/*" {
  capabilities = ["create", "read", "update", "delete", "sudo"]
}
# Disabling approle/ would log out every service and this admin too; leave that to a
# root token.
path "sys/auth/approle" {
  capabilities = ["create", "read", "update", "sudo"]
}

# AppRole roles, role IDs and SecretIDs (steps 11 and "Rotate AppRole Secret ID"),
# tidy of expired SecretIDs.
path "auth/approle/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}

# Incident response: look up and revoke a service token by accessor without holding
# the token itself. (Listing all accessors needs sudo and is not granted.)
path "auth/token/lookup-accessor" {
  capabilities = ["update"]
}
path "auth/token/revoke-accessor" {
  capabilities = ["update"]
}

# ---------------------------------------------------------------------------------------
# ACL policies: read every policy (to plan), write only the hoodcloud-* ones this
# manifest owns. The built-in default policy, which every token carries, stays out of
# reach.
path "sys/policies/acl" {
  capabilities = ["list"]
}
path "sys/policies/acl/*" {
  capabilities = ["read"]
}
path "sys/policies/acl/hoodcloud-*" {
  capabilities = ["create", "read", "update", "delete"]
}

# ---------------------------------------------------------------------------------------
# Audit devices ("Audit Logging: Complete access audit trail"). Listing and enabling
# need sudo. No delete: disabling the audit trail would hide everything that follows,
# so it takes a root token.
path "sys/audit" {
  capabilities = ["read", "sudo"]
}
path "sys/audit/*" {
  capabilities = ["create", "update", "sudo"]
}

# ---------------------------------------------------------------------------------------
# KV v2 secrets on secret/ (step 10 "Populate Secrets", "Rotate Secrets", "Verify
# Secret Storage", `vault kv list secret/hoodcloud/`).
path "secret/data/*" {
  capabilities = ["create", "read", "update", "patch", "delete"]
}
# List, read and update metadata (custom metadata, per-secret max_versions). No delete:
# deleting metadata destroys every version of a secret at once.
path "secret/metadata/*" {
  capabilities = ["read", "list", "update"]
}
path "secret/subkeys/*" {
  capabilities = ["read"]
}
# Soft delete and undelete of versions are reversible.
path "secret/delete/*" {
  capabilities = ["update"]
}
path "secret/undelete/*" {
  capabilities = ["update"]
}
# Engine settings (kv_config: max_versions, cas_required, delete_version_after).
path "secret/config" {
  capabilities = ["read", "update"]
}
# Permanent destruction of versions cannot be undone; a bad rotation is rolled back by
# reading an older version, which destroy would make impossible.
path "secret/destroy/*" {
  capabilities = ["deny"]
}

# ---------------------------------------------------------------------------------------
# Transit key settings: create keys, read them, change their config (deletion_allowed,
# min versions, auto rotation) and rotate them. Keys cannot be deleted (no delete
# capability; hoodcloud-master also has deletion_allowed = false).
path "transit/keys" {
  capabilities = ["list"]
}
path "transit/keys/*" {
  capabilities = ["create", "read", "update", "list"]
}
# Trimming drops old key versions and makes data wrapped under them unreadable.
path "transit/keys/+/trim" {
  capabilities = ["deny"]
}
# "Without exposing master key": key material never leaves the server, even if someone
# turns exportable or allow_plaintext_backup on.
path "transit/export/*" {
  capabilities = ["deny"]
}
path "transit/backup/*" {
  capabilities = ["deny"]
}
path "transit/restore" {
  capabilities = ["deny"]
}
path "transit/restore/*" {
  capabilities = ["deny"]
}
# Not granted: transit/encrypt, decrypt, datakey, rewrap. Using the key on data is the
# control plane's job; the admin manages the key but cannot unwrap DEKs with it.

# ---------------------------------------------------------------------------------------
# vaultform's own state, so this role can run `vaultform apply` (docs/permissions.md): the
# apply lock (vaultform-lock/apply: created, read, renewed) and the key plans fingerprint
# secret values with (vaultform-lock/fingerprint-key: created once, read by every plan),
# in the KV v2 mount vaultform-lock/ that the first apply (bootstrap's, as root) creates.
# Nothing else lives there. With --lock-path elsewhere, grant the same on that path.
path "vaultform-lock/data/*" {
  capabilities = ["create", "read", "update"]
}
path "vaultform-lock/metadata/*" {
  capabilities = ["read"]
}

# ---------------------------------------------------------------------------------------
# Never for this role:
# - sys/raw reads and writes the storage barrier directly, bypassing every ACL, the
#   audit trail's meaning and every engine's checks. Denied outright.
path "sys/raw" {
  capabilities = ["deny"]
}
path "sys/raw/*" {
  capabilities = ["deny"]
}
# - sys/generate-root and sys/rekey are gated by the unseal key shares, not by a token
#   policy; root generation stays an emergency procedure for the key holders (step 7).
#   The denies below state the intent; the key shares are the real control.
path "sys/generate-root/*" {
  capabilities = ["deny"]
}
path "sys/rekey/*" {
  capabilities = ["deny"]
}
# - Not granted (all need sudo or are not day-to-day work): sys/seal and sys/step-down
#   (an outage for every service; sealing in an emergency is for the key holders),
#   sys/rotate (barrier key), sys/config/* (CORS, UI headers, audited request headers),
#   sys/plugins/*, sys/leases/revoke-prefix and revoke-force, auth/token/create-orphan
#   and auth/token/accessors, sys/audit-hash.

import Foundation
import VaultAPI

/// The table of `EquivalentSpellingTests`: for each managed field of the fixture's objects,
/// the same value written again out of band in the spellings the server accepts for it.
extension EquivalentSpellingTests {
    static func spellings(_ f: Fixture) -> [Spelling] {
        let mount = "mount:\(f.kv)/", zeroMount = "mount:\(f.kz)/", auth = "auth:\(f.ar)/"
        let config = "kv-config:\(f.kv)/", zeroConfig = "kv-config:\(f.kz)/"
        let key = "transit-key:\(f.tr)/k", role = "approle-role:\(f.ar)/app", zero = "approle-role:\(f.ar)/zero"
        let policy = "policy:\(f.policy)"
        let kvTune = "sys/mounts/\(f.kv)/tune", kzTune = "sys/mounts/\(f.kz)/tune", arTune = "sys/auth/\(f.ar)/tune"
        let keyConfig = "\(f.tr)/keys/k/config", app = "auth/\(f.ar)/role/app", zeroRole = "auth/\(f.ar)/role/zero"
        var rows: [Spelling] = []
        func row(_ address: String, _ field: String, _ spelling: String, _ requests: [Request]) {
            rows.append(Spelling(address: address, field: field, spelling: spelling, requests: requests))
        }
        // Tuning, the same for a secrets engine and an auth method.
        for (address, tune) in [(mount, kvTune), (auth, arTune)] {
            for value: JSONValue in ["60m", 3600, "3600", "3600s"] {
                row(address, "default_lease_ttl", Self.json(value), post(tune, ["default_lease_ttl": value]))
            }
            for value: JSONValue in ["120m", 7200, "2h0m0s"] {
                row(address, "max_lease_ttl", Self.json(value), post(tune, ["max_lease_ttl": value]))
            }
            row(address, "description", "the same text", post(tune, ["description": address == mount ? "app secrets" : "machines"]))
            row(address, "listing_visibility", "the same word", post(tune, ["listing_visibility": "unauth"]))
            for (field, names) in [("passthrough_request_headers", ["X-Req-A", "X-Req-B"]), ("allowed_response_headers", ["X-Res-A", "X-Res-B"]),
                                   ("audit_non_hmac_request_keys", ["ka", "kb"]), ("audit_non_hmac_response_keys", ["kc", "kd"])] {
                row(address, field, "reordered", post(tune, [field: .array(names.reversed().map(JSONValue.string))]))
                row(address, field, "a comma-separated string", post(tune, [field: .string(names.reversed().joined(separator: ","))]))
                row(address, field, "repeated", post(tune, [field: .array((names + names).map(JSONValue.string))]))
                row(address, field, "a string with spaces", post(tune, [field: .string(" \(names[1]) , \(names[0]) ")]))
            }
            for field in ["passthrough_request_headers", "allowed_response_headers"] {
                let names = field == "passthrough_request_headers" ? "x-req-a,X-REQ-B" : "x-res-a,X-RES-B"
                row(address, field, "in another case (the server matches header names in any case)", post(tune, [field: .string(names)]))
                row(address, field, "with an empty name (`a,,b`; it matches no header)", post(tune, [field: .string(names.replacingOccurrences(of: ",", with: ",,"))]))
            }
        }
        row(auth, "token_type", "\"\" (the server reads it as default-service)", post(arTune, ["token_type": ""]))
        row(auth, "token_type", "default-service", post(arTune, ["token_type": "default-service"]))
        row(mount, "options", "version as a JSON number", post(kvTune, ["options": ["version": 2]]))
        // Fresh values spelled out.
        for value: JSONValue in ["system", "0", 0, "0s"] {
            row(zeroMount, "default_lease_ttl", Self.json(value), post(kzTune, ["default_lease_ttl": value]))
            row(zeroMount, "max_lease_ttl", Self.json(value), post(kzTune, ["max_lease_ttl": value]))
        }
        row(zeroMount, "description", "\"\"", post(kzTune, ["description": ""]))
        row(zeroMount, "listing_visibility", "\"\"", post(kzTune, ["listing_visibility": ""]))
        row(zeroMount, "listing_visibility", "hidden (the server's help: the empty default behaves like it)", post(kzTune, ["listing_visibility": "hidden"]))
        for field in ["passthrough_request_headers", "allowed_response_headers", "audit_non_hmac_request_keys", "audit_non_hmac_response_keys"] {
            row(zeroMount, field, "[]", post(kzTune, [field: []]))
        }
        // Created again out of band with the creation-time fields in other spellings.
        row("mount:\(f.kl)/", "local, seal_wrap, external_entropy_access, force_no_cache, type, options", "re-created as kv with version 2, flags as 0 and \"false\"", [
            Request(method: .delete, path: "sys/mounts/\(f.kl)"),
            Request(method: .post, path: "sys/mounts/\(f.kl)", body: [
                "type": "kv", "options": ["version": 2], "local": "false", "seal_wrap": 0, "external_entropy_access": "f",
                "config": ["force_no_cache": false],
            ]),
        ])
        row("auth:\(f.al)/", "local, seal_wrap, force_no_cache, type", "re-created with flags as 0 and \"false\"", [
            Request(method: .delete, path: "sys/auth/\(f.al)"),
            Request(method: .post, path: "sys/auth/\(f.al)", body: ["type": "approle", "local": "0", "seal_wrap": "false", "config": ["force_no_cache": false]]),
        ])

        // KV v2 config.
        let kvConfig = "\(f.kv)/config", kzConfig = "\(f.kz)/config"
        row(config, "max_versions", "\"5\"", post(kvConfig, ["max_versions": "5"]))
        for value: JSONValue in ["1", "t", 1, "TRUE"] {
            row(config, "cas_required", Self.json(value), post(kvConfig, ["cas_required": value]))
        }
        for value: JSONValue in ["60m", 3600, "3600", "3600s"] {
            row(config, "delete_version_after", Self.json(value), post(kvConfig, ["delete_version_after": value]))
        }
        row(zeroConfig, "max_versions", "\"0\"", post(kzConfig, ["max_versions": "0"]))
        for value: JSONValue in ["0", "f", 0, "False"] {
            row(zeroConfig, "cas_required", Self.json(value), post(kzConfig, ["cas_required": value]))
        }
        for value: JSONValue in ["0s", 0, "0"] {
            row(zeroConfig, "delete_version_after", Self.json(value), post(kzConfig, ["delete_version_after": value]))
        }

        // Transit keys.
        for value: JSONValue in ["1", "t", 1, "TRUE"] {
            row(key, "deletion_allowed", Self.json(value), post(keyConfig, ["deletion_allowed": value]))
        }
        row(key, "exportable", "\"1\"", post(keyConfig, ["exportable": "1"]))
        row(key, "allow_plaintext_backup", "\"t\"", post(keyConfig, ["allow_plaintext_backup": "t"]))
        for value: JSONValue in ["1440m", 86400, "86400", "24h0m0s"] {
            row(key, "auto_rotate_period", Self.json(value), post(keyConfig, ["auto_rotate_period": value]))
        }
        row(key, "min_decryption_version", "\"1\"", post(keyConfig, ["min_decryption_version": "1"]))
        row(key, "min_decryption_version", "0 (the server forces 1)", post(keyConfig, ["min_decryption_version": 0]))
        row(key, "min_encryption_version", "\"0\"", post(keyConfig, ["min_encryption_version": "0"]))
        row(key, "soft_deleted", "restored while live", post("\(f.tr)/keys/k/soft-delete-restore", [:]))
        let hmac = "transit-key:\(f.tr)/h", hmacConfig = "\(f.tr)/keys/h/config"
        row(hmac, "exportable", "\"0\"", post(hmacConfig, ["exportable": "0"]))
        row(hmac, "allow_plaintext_backup", "\"f\"", post(hmacConfig, ["allow_plaintext_backup": "f"]))
        for value: JSONValue in ["0s", "0", 0] {
            row(hmac, "auto_rotate_period", Self.json(value), post(hmacConfig, ["auto_rotate_period": value]))
        }
        row(hmac, "min_encryption_version", "0 as \"0\"", post(hmacConfig, ["min_encryption_version": "0"]))
        row(key, "auto_rotate_period", "\"1d\"", post(keyConfig, ["auto_rotate_period": "1d"]))
        row("transit-key:\(f.tr)/h", "type, key_size", "re-created with key_size \"32\"", [
            Request(method: .delete, path: "\(f.tr)/keys/h"),
            Request(method: .post, path: "\(f.tr)/keys/h", body: ["type": "hmac", "key_size": "32"]),
            Request(method: .post, path: "\(f.tr)/keys/h/config", body: ["deletion_allowed": "1"]),
        ])
        row("transit-key:\(f.tr)/d", "derived, convergent_encryption, type", "re-created with the flags as \"1\" and \"t\"", [
            Request(method: .delete, path: "\(f.tr)/keys/d"),
            Request(method: .post, path: "\(f.tr)/keys/d", body: ["type": "aes256-gcm96", "derived": "1", "convergent_encryption": "t"]),
            Request(method: .post, path: "\(f.tr)/keys/d/config", body: ["deletion_allowed": "true"]),
        ])

        // The policy, re-formatted.
        let policyPath = "sys/policies/acl/\(f.policy)"
        let rules = [
            ("blocks reordered, commented, re-indented", "# by hand\npath \"b/*\" {\n  capabilities = [\"create\"] // why\n}\n\n\npath \"a/*\" {\n\tcapabilities = [ \"list\", \"read\" ]\n}"),
            ("one path split into repeated blocks", "path \"a/*\" { capabilities = [\"read\"] }\npath \"b/*\" { capabilities = [\"create\"] }\npath \"a/*\" { capabilities = [\"list\"] }\n"),
            ("JSON syntax", #"{"path": {"b/*": {"capabilities": ["create"]}, "a/*": {"capabilities": ["list", "read", "read"]}}}"#),
            ("CRLF line ends", "path \"a/*\" { capabilities = [\"read\", \"list\"] }\r\npath \"b/*\" { capabilities = [\"create\"] }\r\n"),
            ("JSON with the paths as a list of objects", #"{"path": [{"a/*": {"capabilities": ["read", "list"]}}, {"b/*": {"capabilities": ["create"]}}]}"#),
            ("a quoted key and an empty repeated block", "path \"a/*\" { \"capabilities\" = [\"read\", \"list\",] }\npath \"a/*\" { capabilities = [] }\npath \"b/*\" { capabilities = [\"create\"] }"),
            ("the old `policy = \"read\"` form", "path \"a/*\" { policy = \"read\" }\npath \"b/*\" { capabilities = [\"create\"] }\n"),
            ("parameters at their empty values", """
                path "a/*" { capabilities = ["read", "list"] }
                path "b/*" {
                  capabilities = ["create"]
                  required_parameters = []
                  allowed_parameters = {}
                  denied_parameters = {}
                  min_wrapping_ttl = "0s"
                  max_wrapping_ttl = 0
                }
                """),
        ]
        for (spelling, text) in rules { row(policy, "policy", spelling, post(policyPath, ["policy": .string(text)])) }
        row(policy, "policy", "base64, at the name in upper case", post("sys/policies/acl/\(f.policy.uppercased())", [
            "policy": .string(Data("path \"b/*\" { capabilities = [\"create\"] }\npath \"a/*\" { capabilities = [\"list\", \"read\"] }".utf8).base64EncodedString()),
        ]))

        // The AppRole role with every field set, and the one at fresh values.
        row(role, "role_id", "the same ID through the role", post(app, ["role_id": .string(f.roleID)]))
        row(role, "role_id", "the same ID through role-id", post("\(app)/role-id", ["role_id": .string(f.roleID)]))
        for value: JSONValue in ["1", "t", 1, "TRUE"] {
            row(role, "bind_secret_id", Self.json(value), post(app, ["bind_secret_id": value]))
            row(role, "token_no_default_policy", Self.json(value), post(app, ["token_no_default_policy": value]))
        }
        row(role, "secret_id_bound_cidrs", "reordered", post(app, ["secret_id_bound_cidrs": ["2001:db8::/32", "10.0.0.0/8"]]))
        row(role, "secret_id_bound_cidrs", "a comma-separated string", post(app, ["secret_id_bound_cidrs": "2001:db8::/32, 10.0.0.0/8"]))
        row(role, "secret_id_bound_cidrs", "IPv6 upper-case with a leading zero", post(app, ["secret_id_bound_cidrs": ["10.0.0.0/8", "2001:0DB8::/32"]]))
        row(role, "secret_id_num_uses", "\"5\"", post(app, ["secret_id_num_uses": "5"]))
        row(role, "token_num_uses", "\"3\"", post(app, ["token_num_uses": "3"]))
        for (field, values) in [
            ("secret_id_ttl", ["60m", 3600, "3600", "3600s"] as [JSONValue]), ("token_ttl", ["60m", 3600, "1h0m0s"]),
            ("token_max_ttl", ["120m", 7200, "7200s"]), ("token_explicit_max_ttl", ["180m", 10800, "3h"]), ("token_period", ["0.5h", 1800, "1800"]),
        ] {
            for value in values { row(role, field, Self.json(value), post(app, [field: value])) }
        }
        row(role, "token_policies", "reordered", post(app, ["token_policies": [.string(f.policy), "default"]]))
        row(role, "token_policies", "a comma-separated string with spaces", post(app, ["token_policies": .string(" \(f.policy) , default")]))
        row(role, "token_policies", "repeated", post(app, ["token_policies": ["default", .string(f.policy), "default"]]))
        row(role, "token_policies", "upper-case, with a blank entry (logins lower-case them and drop blanks)",
            post(app, ["token_policies": ["DEFAULT", .string(f.policy.uppercased()), ""]]))
        row(role, "secret_id_bound_cidrs", "networks with host bits set", post(app, ["secret_id_bound_cidrs": ["10.1.2.3/8", "2001:db8:ffff::1/32"]]))
        row(role, "secret_id_bound_cidrs", "IPv4 as an IPv4-mapped IPv6 network", post(app, ["secret_id_bound_cidrs": ["::ffff:10.0.0.0/104", "2001:db8::/32"]]))
        row(zero, "token_type", "\"\" (the server stores default)", post(zeroRole, ["token_type": ""]))
        row(role, "token_bound_cidrs", "a network with host bits set", post(app, ["token_bound_cidrs": ["10.0.0.5", "2001:db8::1:2/64"]]))
        row(role, "token_type", "default-service (the server stores service)", post(app, ["token_type": "default-service"]))
        row(role, "token_bound_cidrs", "hosts with their prefix, reordered, as a string", post(app, ["token_bound_cidrs": "2001:db8::/64,10.0.0.5/32"]))
        row(role, "token_bound_cidrs", "IPv6 upper-case and expanded", post(app, ["token_bound_cidrs": ["10.0.0.5", "2001:DB8:0:0::/64"]]))
        row(role, "token_bound_cidrs", "an IPv4-mapped IPv6 host", post(app, ["token_bound_cidrs": ["::ffff:10.0.0.5/128", "2001:db8::/64"]]))
        for field in ["secret_id_ttl", "token_ttl", "token_max_ttl", "token_explicit_max_ttl", "token_period"] {
            row(zero, field, "\"0s\"", post(zeroRole, [field: "0s"]))
            row(zero, field, "\"0\"", post(zeroRole, [field: "0"]))
        }
        row(zero, "secret_id_num_uses", "\"0\"", post(zeroRole, ["secret_id_num_uses": "0"]))
        row(zero, "token_num_uses", "\"0\"", post(zeroRole, ["token_num_uses": "0"]))
        row(zero, "bind_secret_id", "\"true\"", post(zeroRole, ["bind_secret_id": "true"]))
        row(zero, "token_no_default_policy", "\"f\"", post(zeroRole, ["token_no_default_policy": "f"]))
        row(zero, "token_policies", "[]", post(zeroRole, ["token_policies": []]))
        row(zero, "token_policies", "[default] (a login adds it anyway)", post(zeroRole, ["token_policies": ["default"]]))
        row(zero, "token_bound_cidrs", "\"\"", post(zeroRole, ["token_bound_cidrs": ""]))
        row(zero, "secret_id_bound_cidrs", "[]", post(zeroRole, ["secret_id_bound_cidrs": []]))
        row(zero, "token_type", "default", post(zeroRole, ["token_type": "default"]))
        row(zero, "token_ttl", "at the role's name in upper case", post("auth/\(f.ar)/role/ZERO", ["token_ttl": "0s"]))
        row(zero, "local_secret_ids", "re-created with it as \"f\"", [
            Request(method: .delete, path: zeroRole),
            Request(method: .post, path: zeroRole, body: ["local_secret_ids": "f"]),
        ])
        return rows
    }
}

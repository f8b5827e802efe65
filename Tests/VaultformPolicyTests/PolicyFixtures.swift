import VaultformPolicy

/// Policies shared by several test files.
enum PolicyFixtures {
    /// A realistic policy using every common feature and all three comment styles.
    static let controlPlane = """
        # Policy for the hoodcloud control plane.
        path "secret/data/app/*" {
          capabilities = ["read", "list"]
        }

        // Write access to its own configuration.
        path "secret/data/app/config" {
          capabilities = ["create", "update", "patch", "read"]
          required_parameters = ["version"]
          allowed_parameters = {
            "version" = []
            "data"    = ["*"]
          }
          denied_parameters = {
            "admin" = []
          }
        }

        /* Response wrapping for secret IDs. */
        path "auth/approle/role/app/secret-id" {
          capabilities = ["update"]
          min_wrapping_ttl = "1m"
          max_wrapping_ttl = "1h"
        }

        path "sys/policies/acl/*" {
          capabilities = ["deny"]
        }
        """

    /// `controlPlane` as structured rules.
    static let controlPlaneDocument = PolicyDocument(rules: [
        PathRule(path: "secret/data/app/*", capabilities: [.read, .list]),
        PathRule(
            path: "secret/data/app/config",
            capabilities: [.create, .read, .update, .patch],
            requiredParameters: ["version"],
            allowedParameters: ["version": [], "data": ["*"]],
            deniedParameters: ["admin": []]
        ),
        PathRule(
            path: "auth/approle/role/app/secret-id", capabilities: [.update], minWrappingTTL: 60, maxWrappingTTL: 3600
        ),
        PathRule(path: "sys/policies/acl/*", capabilities: [.deny]),
    ])

    /// The parsed document, or a test failure naming the error.
    static func parsed(_ text: String) -> PolicyDocument? {
        switch PolicyParser.parse(text) {
        case let .success(document): document
        case .failure: nil
        }
    }
}

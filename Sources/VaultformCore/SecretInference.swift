import VaultformManifest

/// One live secret's fields as export describes them (names and inferred types, never values).
public struct InferredSecret: Sendable, Equatable {
    /// The KV v2 mount, with its trailing slash.
    public var mount: String
    /// The path inside the mount.
    public var path: String
    public var fields: [InferredField]

    /// Describes a secret.
    public init(mount: String, path: String, fields: [InferredField]) {
        self.mount = mount
        self.path = path
        self.fields = fields
    }
}

/// A field's name and what its value looks like.
public struct InferredField: Sendable, Equatable {
    public var name: String
    public var inference: SecretInference

    /// Describes a field.
    public init(name: String, inference: SecretInference) {
        self.name = name
        self.inference = inference
    }
}

/// A field type inferred from a value, with the constraints that can be read off it.
public struct SecretInference: Sendable, Equatable {
    public var type: SecretFieldType
    /// base64: the decoded length.
    public var bytes: Int?
    /// pem-private-key: rsa or ec.
    public var keyType: String?

    /// An inference.
    public init(type: SecretFieldType, bytes: Int? = nil, keyType: String? = nil) {
        self.type = type
        self.bytes = bytes
        self.keyType = keyType
    }
}

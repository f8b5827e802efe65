/// What one `path "…" { … }` block grants, in a form where equal meaning gives equal values.
///
/// The stored fields are normalised by `normalized()` (and by the initialiser), so two rules
/// that the server would treat alike compare equal however they were written.
public struct PathRule: Sendable, Equatable, Hashable {
    /// The path pattern without a leading `/`, which the server strips before matching.
    public var path: String
    /// Granted capabilities, sorted in canonical order and unique. `deny` is kept next to
    /// others as written; the server lets it win over them.
    public var capabilities: [Capability]
    /// Parameters a request must carry, lower-cased (the server compares them so), sorted, unique.
    public var requiredParameters: [String]
    /// Parameter name (lower-cased, `"*"` allowed) to the values allowed, as their text,
    /// sorted and unique; an empty list allows any value.
    public var allowedParameters: [String: [String]]
    /// Parameter name to the values denied, as for `allowedParameters`; an empty list denies
    /// the parameter whatever its value.
    public var deniedParameters: [String: [String]]
    /// The shortest response-wrapping TTL allowed, in seconds; `nil` when unrestricted.
    public var minWrappingTTL: Int?
    /// The longest response-wrapping TTL allowed, in seconds; `nil` when unrestricted.
    public var maxWrappingTTL: Int?
    /// Login MFA methods the server enforces on this path, sorted and unique.
    public var mfaMethods: [String]
    /// The largest page a list or scan may return here; `nil` when unlimited.
    public var paginationLimit: Int?
    /// The `list_scan_response_keys_filter_path` template that filters listed keys.
    public var responseKeysFilterPath: String?
    /// The `expiration` time as written; the server ignores the block after it. Blocks with
    /// different expirations never merge, because they stop applying at different times.
    public var expiration: String?

    /// Builds a rule and normalises it, so hand-built rules compare equal to parsed ones.
    public init(
        path: String,
        capabilities: [Capability],
        requiredParameters: [String] = [],
        allowedParameters: [String: [String]] = [:],
        deniedParameters: [String: [String]] = [:],
        minWrappingTTL: Int? = nil,
        maxWrappingTTL: Int? = nil,
        mfaMethods: [String] = [],
        paginationLimit: Int? = nil,
        responseKeysFilterPath: String? = nil,
        expiration: String? = nil
    ) {
        self.path = path
        self.capabilities = capabilities
        self.requiredParameters = requiredParameters
        self.allowedParameters = allowedParameters
        self.deniedParameters = deniedParameters
        self.minWrappingTTL = minWrappingTTL
        self.maxWrappingTTL = maxWrappingTTL
        self.mfaMethods = mfaMethods
        self.paginationLimit = paginationLimit
        self.responseKeysFilterPath = responseKeysFilterPath
        self.expiration = expiration
        self = normalized()
    }

    /// The rule with every field in canonical form; idempotent. Needed after mutating the
    /// public fields directly, since comparisons rely on the canonical form.
    public func normalized() -> PathRule {
        var rule = self
        if rule.path.hasPrefix("/") {
            rule.path.removeFirst()
        }
        // Sorted, then adjacent repeats dropped: a handful of capabilities, where hashing
        // them into a set cost more than the sort.
        var unique: [Capability] = []
        unique.reserveCapacity(capabilities.count)
        for capability in capabilities.sorted() where unique.last != capability { unique.append(capability) }
        rule.capabilities = unique
        // Most rules set none of these: an empty field is already canonical.
        if !requiredParameters.isEmpty {
            rule.requiredParameters = requiredParameters.map { $0.lowercased() }.byteSortedUnique()
        }
        if !allowedParameters.isEmpty { rule.allowedParameters = Self.normalizedParameters(allowedParameters) }
        if !deniedParameters.isEmpty { rule.deniedParameters = Self.normalizedParameters(deniedParameters) }
        rule.minWrappingTTL = Self.positive(minWrappingTTL)
        rule.maxWrappingTTL = Self.positive(maxWrappingTTL)
        if !mfaMethods.isEmpty { rule.mfaMethods = mfaMethods.byteSortedUnique() }
        rule.paginationLimit = Self.positive(paginationLimit)
        rule.responseKeysFilterPath = Self.nonEmpty(responseKeysFilterPath)
        rule.expiration = Self.nonEmpty(expiration)
        return rule
    }

    /// Combines two blocks for the same path the way the server's ACL does: capabilities,
    /// parameters and MFA methods are united, an empty parameter list (any value) wins over
    /// a list of values, the smaller wrapping TTLs and pagination limit win, and the first
    /// keys filter wins.
    func merging(_ other: PathRule) -> PathRule {
        var merged = self
        merged.capabilities += other.capabilities
        merged.requiredParameters += other.requiredParameters
        merged.allowedParameters = Self.mergedParameters(allowedParameters, other.allowedParameters)
        merged.deniedParameters = Self.mergedParameters(deniedParameters, other.deniedParameters)
        merged.minWrappingTTL = Self.smaller(minWrappingTTL, other.minWrappingTTL)
        merged.maxWrappingTTL = Self.smaller(maxWrappingTTL, other.maxWrappingTTL)
        merged.mfaMethods += other.mfaMethods
        merged.paginationLimit = Self.smaller(paginationLimit, other.paginationLimit)
        merged.responseKeysFilterPath = responseKeysFilterPath ?? other.responseKeysFilterPath
        return merged.normalized()
    }

    private static func normalizedParameters(_ parameters: [String: [String]]) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for (name, values) in parameters {
            result = mergedParameters(result, [name.lowercased(): values])
        }
        return result.mapValues { $0.byteSortedUnique() }
    }

    private static func mergedParameters(
        _ first: [String: [String]], _ second: [String: [String]]
    ) -> [String: [String]] {
        first.merging(second) { old, new in
            old.isEmpty || new.isEmpty ? [] : (old + new).byteSortedUnique()
        }
    }

    /// Equal by bytes in every text field, as the server compares paths and parameters.
    public static func == (lhs: PathRule, rhs: PathRule) -> Bool {
        func same(_ lhs: [String: [String]], _ rhs: [String: [String]]) -> Bool {
            guard lhs.count == rhs.count else { return false }
            return lhs.allSatisfy { name, values in
                guard let index = rhs.index(forKey: name), rhs[index].key.hasSameBytes(as: name) else { return false }
                return rhs[index].value.hasSameBytes(as: values)
            }
        }
        func same(_ lhs: String?, _ rhs: String?) -> Bool {
            switch (lhs, rhs) {
            case (nil, nil): true
            case let (lhs?, rhs?): lhs.hasSameBytes(as: rhs)
            default: false
            }
        }
        return lhs.path.hasSameBytes(as: rhs.path) && lhs.capabilities == rhs.capabilities
            && lhs.requiredParameters.hasSameBytes(as: rhs.requiredParameters)
            && same(lhs.allowedParameters, rhs.allowedParameters) && same(lhs.deniedParameters, rhs.deniedParameters)
            && lhs.minWrappingTTL == rhs.minWrappingTTL && lhs.maxWrappingTTL == rhs.maxWrappingTTL
            && lhs.mfaMethods.hasSameBytes(as: rhs.mfaMethods) && lhs.paginationLimit == rhs.paginationLimit
            && same(lhs.responseKeysFilterPath, rhs.responseKeysFilterPath) && same(lhs.expiration, rhs.expiration)
    }

    /// Hashes what `==` compares first (the path's bytes and the capabilities).
    public func hash(into hasher: inout Hasher) {
        path.hashBytes(into: &hasher)
        hasher.combine(capabilities)
    }

    private static func smaller(_ first: Int?, _ second: Int?) -> Int? {
        switch (first, second) {
        case let (first?, second?): min(first, second)
        default: first ?? second
        }
    }

    private static func positive(_ value: Int?) -> Int? {
        guard let value, value > 0 else { return nil }
        return value
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}

import VaultformManifest
import VaultformPolicy

/// The server's own normalisations, written once and applied to both sides of a comparison:
/// the manifest's values when they are resolved, and the server's answers when they are read.
public enum Canonical {
    /// A CIDR as `token_bound_cidrs` reads it back: a single host loses its `/32` or `/128`,
    /// an IPv4-mapped IPv6 host becomes plain IPv4, IPv6 is lower-case and compressed.
    /// An IPv4-mapped IPv6 network of prefix 96 or more becomes the IPv4 network it maps
    /// (`::ffff:10.0.0.0/104` reads back as `10.0.0.0/8`).
    public static func tokenBoundCIDR(_ cidr: CIDR) -> String {
        if cidr.family == .ipv6, cidr.prefixLength >= 96, cidr.bytes[0..<10].allSatisfy({ $0 == 0 }),
           cidr.bytes[10] == 0xff, cidr.bytes[11] == 0xff {
            let address = cidr.bytes[12...].map(String.init).joined(separator: ".")
            return cidr.prefixLength == 128 ? address : "\(address)/\(cidr.prefixLength - 96)"
        }
        return cidr.isHost ? cidr.addressText : cidr.description
    }

    /// A CIDR as `secret_id_bound_cidrs` reads it back: always with its prefix (the server
    /// refuses a bare address there, so vaultform sends a host as `/32` or `/128`).
    public static func secretIDBoundCIDR(_ cidr: CIDR) -> String { cidr.description }

    /// Server text in either binding, normalised as `form` does; text that is not a CIDR is kept
    /// as it is, so a value vaultform cannot parse still shows as a difference rather than vanishing.
    public static func cidrText(_ text: String, form: (CIDR) -> String) -> String {
        switch CIDR.parse(text) {
        case .success(let cidr): return form(cidr)
        case .failure: return text
        }
    }

    /// Parses Go's duration text (`3h0m0s`, `1h30m0s`, `-1s`, `0s`), which KV v2 config returns.
    public static func goDurationSeconds(_ text: String) -> Int? {
        var trimmed = Substring(text)
        let negative = trimmed.hasPrefix("-")
        if negative { trimmed = trimmed.dropFirst() }
        if trimmed.allSatisfy(\.isNumber), let value = Int(trimmed) { return negative ? -value : value }
        guard case .success(let span) = TimeSpan.parse(String(trimmed)) else { return nil }
        return negative ? -span.seconds : span.seconds
    }

    /// Header names as a mount's `passthrough_request_headers` and `allowed_response_headers`
    /// are matched (OpenBao's `routing.filteredHeaders` lower-cases both sides): ASCII letters
    /// in one case, as a set, without the empty name (the server keeps one from `a,,b`; no
    /// header has it). Names are ASCII tokens in HTTP, so a name that differs only in the case
    /// of a non-ASCII letter matches no header either way and is kept as written.
    public static func headerNames(_ names: [String]) -> [String] {
        names.filter { !$0.isEmpty }.map { name in
            String(decoding: name.utf8.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
        }.byteSortedUnique()
    }

    /// A role's `token_policies` as a login hands them to the token (OpenBao's
    /// `policyutil.SanitizePolicies`): each name trimmed of white space and lower-cased (Go's
    /// `strings.ToLower`, a letter at a time; a letter whose lower case is more than one
    /// scalar is kept), blank names dropped, as a set.
    public static func tokenPolicyNames(_ names: [String]) -> [String] {
        names.compactMap { name -> String? in
            if let ascii = asciiPolicyName(name) { return ascii.isEmpty ? nil : ascii }
            return unicodePolicyName(name)
        }.byteSortedUnique()
    }

    /// One name as `tokenPolicyNames` reads it, by Unicode's tables: trimmed of white space
    /// and lower-cased scalar by scalar; nil when nothing is left.
    static func unicodePolicyName(_ name: String) -> String? {
        var scalars = Array(name.unicodeScalars)
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        guard !scalars.isEmpty else { return nil }
        var lowered = String.UnicodeScalarView()
        for scalar in scalars {
            let mapped = scalar.properties.lowercaseMapping.unicodeScalars
            if mapped.count == 1, let single = mapped.first { lowered.append(single) } else { lowered.append(scalar) }
        }
        return String(lowered)
    }

    /// `tokenPolicyNames`' reading of one ASCII name, on the bytes (the Unicode tables give
    /// the same answers for ASCII: white space is tab to carriage return and space, and only
    /// A–Z lower-case); nil for a name that is not all ASCII.
    static func asciiPolicyName(_ name: String) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.utf8.count)
        for byte in name.utf8 {
            guard byte < 0x80 else { return nil }
            bytes.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte)
        }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    /// CIDR bindings as the server matches an address against them (`net.ParseCIDR` and
    /// go-sockaddr mask the address, and Go's `IPNet.Contains` reads an IPv4-mapped IPv6
    /// network of prefix 96 or more as the IPv4 network it maps): a network's host bits do not
    /// matter, so `10.1.2.3/8` and `::ffff:10.0.0.0/104` admit what `10.0.0.0/8` does. Each
    /// becomes its network with the prefix written; text that is not a CIDR is kept as it is.
    public static func cidrNetworks(_ texts: [String]) -> [String] {
        texts.map { text in
            guard case .success(var cidr) = CIDR.parse(text) else { return text }
            if cidr.family == .ipv6, cidr.prefixLength >= 96, cidr.bytes[0..<10].allSatisfy({ $0 == 0 }),
               cidr.bytes[10] == 0xff, cidr.bytes[11] == 0xff {
                cidr.family = .ipv4
                cidr.bytes = Array(cidr.bytes[12...])
                cidr.prefixLength -= 96
            }
            cidr.bytes = cidr.bytes.enumerated().map { index, byte in
                let kept = min(8, max(0, cidr.prefixLength - index * 8))
                return kept == 8 ? byte : byte & ~(0xFF >> UInt8(kept))
            }
            return cidr.description
        }.byteSortedUnique()
    }

    /// A mount's `plugin_version` as the server reads it: `v` and the version as
    /// hashicorp/go-version writes it (`NewVersion`, then `String`): at least three numeric
    /// segments, each without leading zeros, then `-PRERELEASE` and `+METADATA`, so `2.7.2`,
    /// `v2.7.2` and `v02.7.2` are one version. A built-in plugin's version (metadata `builtin`
    /// or `builtin.…`, as `v2.7.2+builtin.bao`) is the empty one: OpenBao stores it as empty
    /// when it enables a mount ("don't put the builtin version in storage"), and accepts only
    /// the running built-in's version when a tune pins one. Text outside the forms read here
    /// (a prerelease without its hyphen) is kept as written.
    public static func pluginVersion(_ text: String) -> String {
        var rest = Substring(text)
        if rest.first == "v" { rest = rest.dropFirst() }
        let identifier = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-~".utf8)
        func dottedIdentifiers(_ part: Substring) -> Bool {
            part.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy(identifier.contains) }
        }
        var metadata: Substring?
        if let plus = rest.firstIndex(of: "+") {
            metadata = rest[rest.index(after: plus)...]
            rest = rest[..<plus]
        }
        var prerelease: Substring?
        if let hyphen = rest.firstIndex(of: "-") {
            prerelease = rest[rest.index(after: hyphen)...]
            rest = rest[..<hyphen]
        }
        let digits = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard !digits.isEmpty, digits.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { (48...57).contains($0) } }) else { return text }
        var segments = digits.compactMap { Int64($0) }
        guard segments.count == digits.count else { return text }
        while segments.count < 3 { segments.append(0) }
        if let prerelease, !dottedIdentifiers(prerelease) { return text }
        if let metadata, !dottedIdentifiers(metadata) { return text }
        if let metadata, metadata == "builtin" || metadata.hasPrefix("builtin.") { return "" }
        return "v" + segments.map(String.init).joined(separator: ".")
            + (prerelease.map { "-\($0)" } ?? "") + (metadata.map { "+\($0)" } ?? "")
    }
}

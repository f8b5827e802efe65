/// The one comparison for text the server holds: by bytes, as the server compares.
///
/// Swift's `String ==`, `<`, `hasPrefix`, `Set<String>` and `[String: …]` treat canonically
/// equivalent Unicode as equal (a precomposed `é` and `e` + combining acute accent), but
/// Vault and OpenBao compare bytes: two policy paths spelled that way grant different things,
/// two mount paths name different mounts. Every comparison of server-facing text in a plan
/// goes through these, so no such change can pass as "no change".
extension String {
    /// Whether the two strings have the same UTF-8 bytes.
    @inlinable
    public func hasSameBytes(as other: String) -> Bool {
        utf8.elementsEqual(other.utf8)
    }

    /// Whether this string's UTF-8 bytes begin with `prefix`'s.
    @inlinable
    public func hasBytePrefix(_ prefix: String) -> Bool {
        utf8.starts(with: prefix.utf8)
    }

    /// Order by UTF-8 bytes (the same as `<` for ASCII); total, unlike `<`, on text that
    /// differs only in its Unicode normalisation.
    @inlinable
    public static func byteOrder(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    /// Feeds the UTF-8 bytes to a hasher: the hash that goes with `hasSameBytes`.
    @inlinable
    public func hashBytes(into hasher: inout Hasher) {
        hasher.combine(utf8.count)
        for byte in utf8 { hasher.combine(byte) }
    }
}

extension Array where Element == String {
    /// Element by element, by bytes.
    @inlinable
    public func hasSameBytes(as other: [String]) -> Bool {
        count == other.count && zip(self, other).allSatisfy { $0.hasSameBytes(as: $1) }
    }

    /// Sorted by bytes with byte-equal duplicates removed: a set as the server keeps one.
    public func byteSortedUnique() -> [String] {
        var result: [String] = []
        result.reserveCapacity(count)
        for text in sorted(by: String.byteOrder) where !(result.last?.hasSameBytes(as: text) ?? false) {
            result.append(text)
        }
        return result
    }
}

extension Dictionary where Key == String, Value == String {
    /// Same keys and values, by bytes.
    public func hasSameBytes(as other: [String: String]) -> Bool {
        guard count == other.count else { return false }
        let mine = sorted { String.byteOrder($0.key, $1.key) }
        let theirs = other.sorted { String.byteOrder($0.key, $1.key) }
        return zip(mine, theirs).allSatisfy { $0.key.hasSameBytes(as: $1.key) && $0.value.hasSameBytes(as: $1.value) }
    }

    /// The value whose key has `key`'s bytes.
    /// (A dictionary cannot hold two canonically equivalent keys, so the one it finds is the
    /// only candidate.)
    public func valueWithSameBytes(_ key: String) -> String? {
        guard let index = index(forKey: key), self[index].key.hasSameBytes(as: key) else { return nil }
        return self[index].value
    }
}

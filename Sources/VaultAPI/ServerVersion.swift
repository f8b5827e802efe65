import Foundation

/// A server version, `major.minor.patch` with any pre-release or build suffix kept apart, so
/// versions compare numerically (`2.10.0` after `2.9.1`) and `1.15.2+ent` is still 1.15.2
/// (equality and ordering ignore the suffix).
public struct ServerVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The major version.
    public let major: Int
    /// The minor version.
    public let minor: Int
    /// The patch version.
    public let patch: Int
    /// What followed the numbers, with its `+` or `-` (`+ent`, `+ent.hsm`, `-beta1`); empty
    /// for a bare version.
    public let suffix: String

    /// Creates a version from its parts.
    public init(major: Int, minor: Int, patch: Int, suffix: String = "") {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.suffix = suffix
    }

    /// Parses `2.7.2`, `v1.15.2+ent`, `2.5.0-beta20251125`; nil when there is no `major.minor`.
    public init?(_ text: String) {
        var text = Substring(text.trimmingCharacters(in: .whitespaces))
        if text.first == "v" { text = text.dropFirst() }
        let numbers = text.prefix { $0.isNumber || $0 == "." }
        let parts = numbers.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count >= 2, parts.count <= 3, let major = parts[0], let minor = parts[1] else { return nil }
        let patch: Int? = parts.count == 3 ? parts[2] : 0
        guard let patch else { return nil }
        self.init(major: major, minor: minor, patch: patch, suffix: String(text.dropFirst(numbers.count)))
    }

    public static func < (lhs: ServerVersion, rhs: ServerVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    public static func == (lhs: ServerVersion, rhs: ServerVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) == (rhs.major, rhs.minor, rhs.patch)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(major)
        hasher.combine(minor)
        hasher.combine(patch)
    }

    public var description: String { "\(major).\(minor).\(patch)\(suffix)" }
}

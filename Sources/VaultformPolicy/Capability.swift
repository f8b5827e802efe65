/// One permission a path rule grants, spelled exactly as the server accepts it.
///
/// The list was checked against OpenBao 2.7.2 (see `PolicyParser.swift`): `scan` is
/// accepted, `subscribe` and `root` are not. Declaration order is the canonical order used
/// when rendering, so a rendered policy reads the way people write one.
public enum Capability: String, Sendable, CaseIterable, Comparable {
    case create
    case read
    case update
    case patch
    case delete
    case list
    case scan
    case sudo
    case deny

    /// Capabilities compare by declaration order so sorting gives the canonical order
    /// (`create, read, update, …, deny`) rather than an alphabetical one.
    public static func < (lhs: Capability, rhs: Capability) -> Bool {
        lhs.order < rhs.order
    }

    /// The place in declaration order (a switch: `allCases` builds an array on each call).
    private var order: Int {
        switch self {
        case .create: 0
        case .read: 1
        case .update: 2
        case .patch: 3
        case .delete: 4
        case .list: 5
        case .scan: 6
        case .sudo: 7
        case .deny: 8
        }
    }

    /// The names as a comma-separated list in canonical order, for error messages.
    static var spelledOut: String {
        allCases.map(\.rawValue).joined(separator: ", ")
    }
}

/// The one normalisation of a mount path (a secrets engine's, an auth method's, an audit
/// device's): the server keys mounts with exactly one trailing slash and no leading one
/// (`secret/`) and takes them without one in `sys/mounts/PATH`. Manifests, flags, addresses,
/// requests and exports all go through these, so `secret`, `secret/`, `/secret` and
/// `secret//` can never name two things, and "inside a mount" is decided in one place.
public enum MountPath {
    /// With exactly one trailing slash and no leading one: `secret` → `secret/`.
    public static func withSlash(_ path: some StringProtocol) -> String {
        withoutSlash(path) + "/"
    }

    /// Without leading or trailing slashes: `secret/` → `secret`, `/approle/` → `approle`.
    public static func withoutSlash(_ path: some StringProtocol) -> String {
        var trimmed = Substring(path)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        while trimmed.hasPrefix("/") { trimmed = trimmed.dropFirst() }
        return String(trimmed)
    }

    /// An object under a mount split from its address name at the last slash: `transit/k` is
    /// `("transit/", "k")`, `team/approle/ci` is `("team/approle/", "ci")`. A name without a
    /// slash has no mount: `("", name)`.
    public static func split(_ name: some StringProtocol) -> (mount: String, name: String) {
        guard let slash = name.lastIndex(of: "/") else { return ("", String(name)) }
        return (String(name[...slash]), String(name[name.index(after: slash)...]))
    }

    /// The part of `path` below the mount `mount`, compared by bytes: `secret/app/x` below
    /// `secret` is `app/x`. Nil when `path` is not below it: `secretive/x`, and `secret` or
    /// `secret/` itself. A nested mount (`a/b` below `a`) is below in this sense.
    public static func relative(_ path: some StringProtocol, to mount: some StringProtocol) -> String? {
        let prefix = withSlash(mount).utf8
        let path = withoutSlash(path).utf8
        guard path.count > prefix.count, path.starts(with: prefix) else { return nil }
        return String(decoding: path.dropFirst(prefix.count), as: UTF8.self)
    }
}

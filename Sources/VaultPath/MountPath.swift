/// The one normalisation of a mount path (a secrets engine's, an auth method's, an audit
/// device's): the server keys mounts with exactly one trailing slash (`secret/`) and takes
/// them without one in `sys/mounts/PATH`. Manifests, addresses, requests and exports all go
/// through these two, so `secret`, `secret/` and `secret//` can never name two things.
public enum MountPath {
    /// With exactly one trailing slash: `secret` → `secret/`.
    public static func withSlash(_ path: some StringProtocol) -> String {
        withoutSlash(path) + "/"
    }

    /// Without trailing slashes: `secret/` → `secret`.
    public static func withoutSlash(_ path: some StringProtocol) -> String {
        var trimmed = Substring(path)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }
}

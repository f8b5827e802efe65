/// What `--version` says about the build. `scripts/release.sh` writes the commit here for the
/// build of a release and puts this file back afterwards; every other build says it is a
/// development build.
enum BuildInfo {
    /// The commit a release was built from (`git rev-parse`, `-dirty` when the tree had
    /// changes), nil for a development build.
    static let commit: String? = nil

    /// The version line: `0.1.0 (commit 0123456789ab)`.
    static func versionLine(_ version: String) -> String {
        "\(version) (\(commit.map { "commit \($0)" } ?? "development build, commit not recorded"))"
    }
}

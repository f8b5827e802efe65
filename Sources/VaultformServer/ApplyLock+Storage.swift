import Foundation
import VaultAPI
import VaultPath

/// Where the lock lives: a KV v2 entry, because check-and-set on a KV v2 version is the one
/// compare-and-swap Vault and OpenBao offer on every server.
///
/// By default the lock lives in a mount of its own, `vaultform-lock/` (KV v2, description
/// "vaultform apply lock"), at `vaultform-lock/apply`, and the first acquirer creates that
/// mount when it is absent. Why not `secret/`, which most manifests declare? Every process
/// must agree on the place without looking at the manifest or at what apply has built so
/// far: a fallback ("use `secret/` when it exists, else a dedicated mount") lets an apply
/// that started on an empty server lock one place and, once that apply has created
/// `secret/`, a second apply lock the other. A mount of its own is always the same place,
/// is there on an empty server from the first apply on, and is never one the manifest
/// configures differently. Creating it twice at once is harmless: the server creates a
/// mount once and answers "path is already in use" to the second.
///
/// `--lock-path MOUNT/PATH` puts the lock elsewhere, on a KV v2 mount that must already
/// exist: vaultform creates only its own mount, never one a manifest may declare.
public struct LockLocation: Sendable, Hashable, CustomStringConvertible {
    /// The mount, without slashes (`vaultform-lock`); the server's answer may show that the
    /// mount is a nested one, which `resolved` handles.
    public var mount: String
    /// The key within the mount (`apply`).
    public var key: String

    /// The name of the mount vaultform creates for its lock.
    public static let dedicatedMount = "vaultform-lock"
    /// `vaultform-lock/apply`.
    public static let standard = LockLocation(mount: dedicatedMount, key: "apply")

    /// A location from its parts.
    public init(mount: String, key: String) {
        self.mount = mount
        self.key = key
    }

    /// Parses `MOUNT/PATH` (the first segment is the mount; `kv/team/vaultform/lock` is also
    /// found when `kv/team/` is the mount). Nil without both a mount and a key.
    public init?(parsing text: String) {
        let segments = text.split(separator: "/").map(String.init)
        guard segments.count >= 2, !segments.contains(where: { $0 == "." || $0 == ".." }) else { return nil }
        self.init(mount: segments[0], key: segments.dropFirst().joined(separator: "/"))
    }

    /// Whether vaultform may create the mount when it is absent: only its own.
    public var createsMount: Bool { mount == Self.dedicatedMount }

    /// `vaultform-lock/apply`.
    public var description: String { "\(mount)/\(key)" }

    var dataPath: String { "\(mount)/data/\(key)" }
    var metadataPath: String { "\(mount)/metadata/\(key)" }

    /// The location with the mount the server named (`data.path` of `sys/internal/ui/mounts`),
    /// when it is a prefix of this one.
    func resolved(mountPath: String) -> LockLocation {
        let mountPath = MountPath.withoutSlash(mountPath)
        guard !mountPath.isEmpty, let key = MountPath.relative(description, to: mountPath) else { return self }
        return LockLocation(mount: mountPath, key: key)
    }
}

/// Reads and writes the lock's entry. Knows KV v2's answers (see the API notes, §7), and
/// nothing of what they mean for the lock.
struct LockStore: Sendable {
    let location: LockLocation

    /// The outcome of a check-and-set write.
    enum WriteResult: Sendable, Equatable {
        /// Written as `version`, stamped `createdTime` by the server.
        case written(version: Int, createdTime: Date)
        /// Someone else wrote first.
        case casMismatch
    }

    /// Makes sure the lock's mount exists and is KV v2, creating the dedicated mount when it
    /// is absent (unless `creating` is false: then the server's error for an absent mount is
    /// thrown as it is). Returns the store with the mount the server named.
    func prepared(_ client: VaultClient, creating: Bool = true) async throws -> LockStore {
        for attempt in 1...2 {
            do {
                let response = try await client.request(.get, "sys/internal/ui/mounts/\(location.description)")
                let type = response.data?["type"]?.stringValue ?? "?"
                let version = response.data?["options"]?["version"]?.stringValue ?? "1"
                let mountPath = response.data?["path"]?.stringValue ?? location.mount
                guard type == "kv", version == "2" else {
                    throw ApplyLockError.unusableLocation(
                        location,
                        "\(mountPath) is a \(type == "kv" ? "KV version \(version)" : "\(type)") mount, and the lock needs KV v2 (for check-and-set)",
                        fix: "choose a KV v2 mount with --lock-path MOUNT/PATH, or leave --lock-path out to use \(LockLocation.standard)")
                }
                return LockStore(location: location.resolved(mountPath: mountPath))
            } catch let error as VaultError where Self.isAbsentMount(error) {
                guard creating else { throw error }
                guard location.createsMount else {
                    throw ApplyLockError.unusableLocation(
                        location, "the mount \(location.mount)/ does not exist, or the token may not see it",
                        fix: "create it (bao secrets enable -path=\(location.mount) kv-v2), or leave --lock-path out to use "
                            + "\(LockLocation.standard), whose mount vaultform creates")
                }
                guard attempt == 1 else { throw error }
                try await createMount(client)
            }
        }
        return self
    }

    /// Creates the dedicated mount; another process creating it at the same moment is fine.
    private func createMount(_ client: VaultClient) async throws {
        do {
            _ = try await client.request(
                .post, "sys/mounts/\(location.mount)",
                body: ["type": "kv", "options": ["version": "2"], "description": "vaultform apply lock"])
        } catch let error as VaultError where error.status == 400 && error.messages.contains(where: { $0.contains("already in use") }) {
            return
        } catch let error as VaultError where error.isPermissionDenied {
            throw ApplyLockError.unusableLocation(
                location, "the mount \(location.mount)/ does not exist, and the token may not create it (\(error))",
                fix: "create it once with a token that may (bao secrets enable -path=\(location.mount) "
                    + "-description=\"vaultform apply lock\" kv-v2), or choose an existing KV v2 mount with --lock-path MOUNT/PATH")
        }
    }

    /// `sys/internal/ui/mounts/X` answers 403 "preflight capability check" for a mount that
    /// does not exist (and for one the token may not use at all).
    static func isAbsentMount(_ error: VaultError) -> Bool {
        (error.status == 403 && error.messages.contains { $0.contains("preflight capability check") })
            || (error.status == 404 && error.messages.contains { $0.contains("no handler for route") })
    }

    /// Reads the entry, with the server's time of the read when it sent a `Date` header (and
    /// `withTime` is true: parsing it is most of the client's cost of a read).
    func read(_ client: VaultClient, withTime: Bool = true) async throws -> (LockObservation, serverTime: Date?) {
        // A soft-deleted latest version answers 404, and the error does not carry the body that
        // names the version; the metadata names it. Between the two reads someone may write:
        // then the metadata's current version is live, and the data is read again.
        for _ in 1...5 {
            do {
                let response = try await client.request(.get, location.dataPath)
                let serverTime = withTime ? response.headers["Date"].flatMap(LockTime.parseHTTP) : nil
                return (try observation(response.data), serverTime)
            } catch let error as VaultError where error.isNotFound {
                if Self.isAbsentMount(error) { throw mountVanished(error) }
            }
            do {
                let metadata = try await client.request(.get, location.metadataPath)
                let current = metadata.data?["current_version"]?.intValue ?? 0
                let state = metadata.data?["versions"]?[String(current)]
                let deleted = state?["destroyed"]?.boolValue == true
                    || !(state?["deletion_time"]?.stringValue ?? "").isEmpty
                if current == 0 { return (.absent, nil) }
                if deleted { return (.deleted(version: current), nil) }
            } catch let error as VaultError where error.isNotFound {
                return (.absent, nil)
            }
        }
        throw ApplyLockError.unusableLocation(
            location, "the entry kept changing while it was read", fix: "check what else writes \(location)")
    }

    private func observation(_ data: JSONValue?) throws -> LockObservation {
        guard let metadata = data?["metadata"], let version = metadata["version"]?.intValue,
              let created = metadata["created_time"]?.stringValue.flatMap(LockTime.parse)
        else {
            throw VaultError(
                code: .invalidResponse, method: .get, path: location.dataPath,
                messages: ["the answer has no metadata.version and metadata.created_time; is \(location.mount)/ KV v2?"])
        }
        let deleted = metadata["destroyed"]?.boolValue == true || !(metadata["deletion_time"]?.stringValue ?? "").isEmpty
        if deleted { return .deleted(version: version) }
        return .present(version: version, createdTime: created, entry: LockEntry(data: data?["data"]))
    }

    /// Writes `entry` if the current version is still `cas`. Marked idempotent so a timeout
    /// is retried: if the first attempt went through, the retry's check-and-set fails, and
    /// the caller's next read finds its own claim.
    func write(_ entry: LockEntry, cas: Int, now: Date, client: VaultClient) async throws -> WriteResult {
        do {
            let response = try await client.request(
                .post, location.dataPath, body: ["data": entry.data(now: now), "options": ["cas": .number(Double(cas))]],
                idempotent: true)
            guard let version = response.data?["version"]?.intValue,
                  let created = response.data?["created_time"]?.stringValue.flatMap(LockTime.parse)
            else {
                throw VaultError(
                    code: .invalidResponse, method: .post, path: location.dataPath,
                    messages: ["the answer has no version and created_time"])
            }
            return .written(version: version, createdTime: created)
        } catch let error as VaultError where error.status == 400 && error.messages.contains(where: { $0.contains("check-and-set") }) {
            return .casMismatch
        } catch let error as VaultError where Self.isAbsentMount(error) {
            throw mountVanished(error)
        }
    }

    private func mountVanished(_ error: VaultError) -> ApplyLockError {
        ApplyLockError.unusableLocation(
            location, "the mount \(location.mount)/ is gone (\(error))",
            fix: "if the manifest owns every secrets engine, exclude \(location.mount)/ or choose --lock-path on a declared KV v2 mount")
    }
}

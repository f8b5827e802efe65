import Foundation
import Testing
import TestSupport
import VaultAPI

#if canImport(Glibc)
    import Glibc
#endif

/// Files that hold secrets are private from their first byte: created with their final mode
/// (never wider, then narrowed with chmod), whatever the umask. A directory watch records
/// every file's creation and every change of its attributes: a file whose mode is never
/// changed between its creation and the end has had its final mode all along.
@Suite("secret files: the final mode from the first byte, under umask 000 and 022")
struct SecretFileModeTests {
    /// Runs vaultform with `umask` set (through /bin/sh, as a user's shell sets it).
    static func run(umask: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> StatusCommandTests.Run {
        let home = try scratchDirectory("vf-modes-home")
        defer { try? FileManager.default.removeItem(at: home) }
        let result = try await ProcessRunner.run(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "umask $1; shift; exec \"$@\"", "sh", umask, ProcessRunner.vaultform.path] + arguments,
            environment: ProcessRunner.cleanEnvironment.merging(["HOME": home.path]) { $1 }.merging(environment) { $1 })
        return StatusCommandTests.Run(code: result.exitCode, output: result.standardOutput, error: result.standardError)
    }

    static func mode(_ path: String) -> Int {
        var status = stat()
        guard lstat(path, &status) == 0 else { return -1 }
        return Int(status.st_mode & 0o7777)
    }

    @Test("credentials, --all, --check --output, plan -out and drift --output", arguments: ["000", "022"])
    func commandsWriteFilesPrivateFromTheStart(umask: String) async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-modes")
        defer { try? FileManager.default.removeItem(at: directory) }
        let mount = "approle-modes-\(UUID().uuidString.prefix(8).lowercased())"
        let client = try server.client()
        _ = try await client.request(.post, "sys/auth/\(mount)", body: ["type": "approle"])
        _ = try await client.request(.post, "auth/\(mount)/role/svc", body: ["token_ttl": "1h"])
        let token = ["VAULT_TOKEN": server.rootToken]
        let address = ["--address", server.address.absoluteString]
        let path = { (name: String) in directory.appendingPathComponent(name).path }

        let watch = try DirectoryWatch(directory.path)
        var runs: [StatusCommandTests.Run] = []
        runs.append(try await Self.run(
            umask: umask, ["credentials", "svc", "--mount", mount, "--role-id-file", path("role-id"), "--secret-id-file", path("secret-id")] + address,
            environment: token))
        runs.append(try await Self.run(umask: umask, ["credentials", "--check", "--mount", mount, "--output", path("check.prom")] + address, environment: token))
        let manifest = ProcessRunner.repositoryRoot.appendingPathComponent("examples/kv-and-policy.yaml").path
        runs.append(try await Self.run(umask: umask, ["plan", manifest, "-out", path("saved.plan")] + address, environment: token))
        runs.append(try await Self.run(umask: umask, ["drift", manifest, "--output", path("drift.txt"), "--address", "http://127.0.0.1:1"]))
        runs.append(try await Self.run(umask: umask, ["credentials", "--all", "--mount", mount, "--output-dir", path("all")] + address, environment: token))
        let events = try watch.drain()

        for (index, run) in runs.enumerated() where index != 3 { #expect(run.code == 0 || run.code == 2, "\(run.all)") }
        for (file, expected) in [("role-id", 0o600), ("secret-id", 0o600), ("saved.plan", 0o600), ("check.prom", 0o644), ("drift.txt", 0o644)] {
            #expect(Self.mode(path(file)) == expected, "\(file): \(String(Self.mode(path(file)), radix: 8)) under umask \(umask)")
        }
        #expect(Self.mode(path("all")) == 0o700 && Self.mode(path("all/svc")) == 0o700, "a credentials directory is not 0700 under umask \(umask)")
        #expect(Self.mode(path("all/svc/secret-id")) == 0o600)

        // Every name a file appeared under (created, or renamed to), then any change of its mode.
        let created = Set(events.filter { $0.mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 }.map(\.name))
        #expect(created.count >= 10, "the watch saw no file being created: \(events)")
        // (Directories are left to the mode checks above: a new entry changes their link count.)
        let changed = events.filter { $0.mask & UInt32(IN_ATTRIB) != 0 && $0.mask & UInt32(IN_ISDIR) == 0 && created.contains($0.name) }.map(\.name)
        #expect(changed.isEmpty, "created with another mode, then chmod-ed (readable by others in between under umask \(umask)): \(Set(changed).sorted())")
    }

    @Test("a pre-planted symlink is never written through, and a world-writable directory is warned about")
    func refusesSymlinkedDirectories() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-modes-link")
        defer { try? FileManager.default.removeItem(at: directory) }
        let mount = "approle-link-\(UUID().uuidString.prefix(8).lowercased())"
        let client = try server.client()
        _ = try await client.request(.post, "sys/auth/\(mount)", body: ["type": "approle"])
        _ = try await client.request(.post, "auth/\(mount)/role/svc", body: ["token_ttl": "1h"])
        let output = directory.appendingPathComponent("sidecar"), elsewhere = directory.appendingPathComponent("attacker")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: output.appendingPathComponent("svc"), withDestinationURL: elsewhere)

        let run = try await server.vaultform(["credentials", "--all", "--mount", mount, "--output-dir", output.path])
        #expect(run.code == 1, "\(run.all)")
        #expect(run.error.contains("\(output.path)/svc is a symlink: refusing to write credentials through it"), "\(run.all)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty, "a file was written through the symlink")
        // Nothing was left behind on the server either (no secret ID was made for a file that could not be written).
        let left = try? await client.request(.list, "auth/\(mount)/role/svc/secret-id")
        #expect(left?.data?["keys"]?.arrayValue?.isEmpty ?? true)

        chmod(output.path, 0o777)
        try FileManager.default.removeItem(at: output.appendingPathComponent("svc"))
        let open = try await server.vaultform(["credentials", "--all", "--mount", mount, "--output-dir", output.path])
        #expect(open.code == 0, "\(open.all)")
        #expect(open.error.contains("warning: \(output.path) is writable by every user"), "\(open.all)")
    }
}

/// An inotify watch on one directory; the kernel queues the events until `drain()` reads them.
final class DirectoryWatch {
    struct Event: CustomStringConvertible {
        var mask: UInt32
        var name: String
        var description: String { "\(name) 0x\(String(mask, radix: 16))" }
    }

    private let descriptor: Int32

    init(_ path: String) throws {
        descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { throw DevServerError(message: "inotify_init1: \(String(cString: strerror(errno)))") }
        let mask = UInt32(IN_CREATE | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO)
        guard inotify_add_watch(descriptor, path, mask) >= 0 else {
            close(descriptor)
            throw DevServerError(message: "inotify_add_watch \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(descriptor) }

    /// Every event queued so far, in order.
    func drain() throws -> [Event] {
        var events: [Event] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EAGAIN { return events }
            guard count > 0 else { throw DevServerError(message: "reading inotify events: \(String(cString: strerror(errno)))") }
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= count {
                let (mask, length) = buffer.withUnsafeBytes { bytes in
                    (bytes.load(fromByteOffset: offset + 4, as: UInt32.self), Int(bytes.load(fromByteOffset: offset + 12, as: UInt32.self)))
                }
                let nameBytes = buffer[(offset + header)..<(offset + header + length)].prefix { $0 != 0 }
                events.append(Event(mask: mask, name: String(decoding: nameBytes, as: UTF8.self)))
                offset += header + length
            }
        }
    }
}

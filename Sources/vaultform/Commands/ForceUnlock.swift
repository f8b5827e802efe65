import ArgumentParser
import Foundation
import VaultAPI
import VaultformManifest
import VaultformServer

/// `vaultform force-unlock [OWNER-ID]`: shows who holds the apply lock, and removes the
/// claim of an apply that is gone, like `terraform force-unlock LOCK_ID`. The owner ID must
/// match, so a claim taken by another apply in the meantime is never removed by mistake.
struct ForceUnlock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "force-unlock",
        abstract: "Show who holds the apply lock, or remove the lock of an apply that is gone.",
        discussion: """
            vaultform apply holds a lock in the server while it works (a KV v2 entry, by default \
            vaultform-lock/apply), renews it every 40 seconds, and removes it at the end. If an \
            apply is killed, its lock lapses by itself 2 minutes after its last renewal; \
            force-unlock removes it sooner. (Ctrl-C on an apply releases its lock.)

            Without OWNER-ID, shows the holder (owner ID, command, host, PID, since when, until \
            when) and changes nothing. With OWNER-ID, removes the lock if, and only if, that owner \
            still holds it; asks for confirmation on a terminal unless --force. If the apply \
            holding it is in fact still running, it reads the lock before each write, so it \
            stops before its next write (at most the writes already past that check land: one, \
            or up to its --parallelism when it writes objects side by side) \
            and lists what it did and did not do; still, check that the process is gone first.

            Exits 0 when the lock was shown, removed, or not held; 1 when the owner ID does not \
            match, confirmation was refused, or the server could not be asked.

            An apply was killed on host ci-7, and the next one said "error: the server is \
            locked by vaultform apply on host ci-7 (pid 4242), since …, until …; wait, or run \
            vaultform force-unlock 0f1e2d3c-… if that process is gone". The first example shows \
            the holder, the second removes its lock, the third a lock kept elsewhere (apply's \
            --lock-path).

            Examples:
              vaultform force-unlock --address https://vault.example:8200
              vaultform force-unlock 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 --force
              vaultform force-unlock 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 \\
                --lock-path kv/ops/vaultform-lock
            """
    )

    @Argument(help: ArgumentHelp("The owner ID of the lock to remove, as apply's lock message names it. Without it, only shows the holder.", valueName: "owner-id"))
    var ownerID: String?

    @OptionGroup(title: "Connection options") var connection: ConnectionOptions

    @Option(name: .customLong("lock-path"), help: ArgumentHelp("Where the lock lives: a KV v2 mount and key, as given to apply.", valueName: "mount/path"))
    var lockPath: LockPathArgument = LockPathArgument(location: .standard)

    @Flag(help: "Remove the lock without asking for confirmation (needed when not on a terminal).")
    var force = false

    func run() async throws {
        let server = try await ServerConnection.open(connection, manifest: Manifest())
        let location = lockPath.location
        try await server.whileOpen { client in
            guard let holder = try await ServerConnection.report(server.configuration, {
                try await ApplyLock.holder(at: location, client: client)
            }) else {
                Terminal.write("The server is not locked (no apply holds \(location)).\n")
                return
            }
            Terminal.write(Self.describe(holder, at: location))
            guard let ownerID else {
                if !holder.owner.isEmpty {
                    let path = location == .standard ? "" : " --lock-path \(location)"
                    Terminal.write("\nIf that process is gone, remove the lock with:\n  vaultform force-unlock \(holder.owner)\(path)\n")
                } else {
                    Terminal.write("\nvaultform did not write this entry; it lapses at the time above, or remove it with:\n"
                        + "  bao kv metadata delete -mount=\(location.mount) \(location.key)\n")
                }
                return
            }
            guard holder.owner == ownerID else {
                throw CommandFailure.error(
                    "the lock is held by owner \(holder.owner.isEmpty ? "(none: an entry vaultform did not write)" : holder.owner), not \(ownerID); nothing was changed")
            }
            try confirm(holder)
            let releasedBy = "vaultform force-unlock on host \(ApplyLock.hostName()) (pid \(ProcessInfo.processInfo.processIdentifier))"
            let outcome = try await ServerConnection.report(server.configuration) {
                try await ApplyLock.forceUnlock(owner: ownerID, at: location, client: client, releasedBy: releasedBy)
            }
            switch outcome {
            case .released:
                Terminal.write("\nLock \(ownerID) removed; the next apply can take it.\n")
            case .notLocked:
                Terminal.write("\nThe lock was released in the meantime; nothing to do.\n")
            case .ownerMismatch(let other):
                throw CommandFailure.error("the lock was taken by owner \(other.owner) in the meantime; nothing was changed")
            }
        }
    }

    /// The holder, one field a line.
    static func describe(_ holder: LockHolder, at location: LockLocation) -> String {
        let now = Date()
        let remaining = holder.expiresAt.timeIntervalSince(now)
        let state = remaining > 0
            ? "renewed \(LockTime.format(holder.renewedAt)); lapses \(LockTime.format(holder.expiresAt)) unless renewed (in \(LockTime.describe(.seconds(remaining))))"
            : "lapsed at \(LockTime.format(holder.expiresAt)): the holder stopped renewing it, and the next apply takes it over"
        var lines = ["Lock \(location) is held:"]
        if let claim = holder.claim {
            lines += [
                "  owner:      \(claim.owner)", "  command:    \(claim.operation)", "  host:       \(claim.host) (pid \(claim.pid))",
                "  since:      \(LockTime.format(holder.since))",
            ]
        } else {
            lines.append("  entry:      not written by vaultform (version \(holder.version))")
        }
        lines.append("  state:      \(state)")
        return lines.joined(separator: "\n") + "\n"
    }

    private func confirm(_ holder: LockHolder) throws {
        if force { return }
        guard isatty(STDIN_FILENO) == 1 else {
            throw CommandFailure.error("force-unlock needs confirmation: run it on a terminal, or pass --force", notes: ["Nothing was changed."])
        }
        let live = holder.expiresAt > Date()
        Terminal.write(
            "\nDo you really want to remove this lock?\n"
                + (live ? "  It is still being renewed: if that apply is running, removing the lock lets another apply interleave with it.\n" : "")
                + "  Only 'yes' will be accepted to confirm.\n\n  Enter a value: ")
        guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
            throw CommandFailure(lines: ["Force-unlock cancelled. Nothing was changed."], reasons: ["force-unlock cancelled"])
        }
    }
}

/// `--lock-path MOUNT/PATH` on the command line.
struct LockPathArgument: ExpressibleByArgument, Sendable {
    let location: LockLocation

    init(location: LockLocation) { self.location = location }

    init?(argument: String) {
        guard let location = LockLocation(parsing: argument) else { return nil }
        self.location = location
    }

    var defaultValueDescription: String { location.description }
}

/// `--lock-timeout`: like other durations, but zero (fail at once) is allowed.
struct LockTimeoutArgument: ExpressibleByArgument, Sendable {
    let duration: Duration

    init(duration: Duration) { self.duration = duration }

    init?(argument: String) {
        guard case .success(let span) = TimeSpan.parse(argument) else { return nil }
        duration = .seconds(span.seconds)
    }

    var defaultValueDescription: String { TimeSpan.format(Int(duration.components.seconds)) }
}

/// The lock flags of commands that write (`apply`): where the lock lives and how long to
/// wait for another apply. Kept beside force-unlock, which reads the same lock.
struct LockOptions: ParsableArguments {
    @Option(name: .customLong("lock-path"), help: ArgumentHelp("Where the apply lock lives: a KV v2 mount and key; vaultform creates only its own mount, vaultform-lock/.", valueName: "mount/path"))
    var lockPath: LockPathArgument = LockPathArgument(location: .standard)

    @Option(name: .customLong("lock-timeout"), help: ArgumentHelp("How long to wait while another apply holds the lock (0: fail at once).", valueName: "duration"))
    var lockTimeout: LockTimeoutArgument = LockTimeoutArgument(duration: ApplyLock.defaultTimeout)

    /// The lock for this invocation, with a new owner ID.
    func lock(operation: String = "vaultform apply") -> ApplyLock {
        ApplyLock(location: lockPath.location, operation: operation, timeout: lockTimeout.duration)
    }
}

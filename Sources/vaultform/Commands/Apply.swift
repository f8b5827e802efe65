import ArgumentParser
import Foundation
import Synchronization
import VaultAPI
import VaultformCore
import VaultformManifest
import VaultformRender
import VaultformServer

/// `vaultform apply`: converge the server, from a manifest or from a saved plan.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Change the server to match the manifest, or carry out a saved plan.",
        discussion: """
            From a manifest: plans, shows the plan, and asks for confirmation on a terminal \
            (--auto-approve skips it; without a terminal and without the flag, apply refuses). \
            From a plan file (vaultform plan -out FILE): checks the file's digest (keyed with the \
            server's fingerprint key when it has one) and refuses an edited file, then re-reads \
            every object the plan touches and refuses the plan if any of them changed since it \
            was made.

            Operations run in dependency order; creates and updates of independent objects of \
            one kind (policies, roles, mounts, …) run up to --parallelism at a time (default 32). \
            Each write is read back and checked. On a failure apply starts nothing new, lets the \
            writes in flight finish, says what was done and what was not, and exits 1; running it \
            again converges from there. The lock is read before each write: if it was removed \
            (force-unlock) or taken over, apply stops the same way. Ctrl-C (or SIGTERM) stops it \
            after the operations in flight, with the same summary, releases the lock and \
            exits 130 (143 for SIGTERM); a second Ctrl-C aborts at once. Deleting or replacing mounts, Transit keys, \
            auth methods and audit devices needs --allow-destroy. A server that already matches \
            gets no write at all, not even the lock's.

            Secrets: missing fields are filled from their generator or source and written with \
            check-and-set on the version plan read, keeping every field that is there; a value \
            is replaced only by --rotate or a changed rotate: marker. A plan with blockers (a \
            required field with no value to fill it) is refused.

            Examples:
              vaultform apply manifests/hoodcloud \\
                --var-file manifests/hoodcloud/env/dev.yaml
              vaultform apply manifests/hoodcloud --auto-approve
              vaultform plan manifests/hoodcloud -out hood.plan
              vaultform apply hood.plan
              vaultform apply manifests/hoodcloud \\
                --rotate kv-secret:secret/hoodcloud/app-credentials.db_password
            """
    )

    @OptionGroup var manifest: ManifestOptions
    @OptionGroup(title: "Connection options") var connection: ConnectionOptions
    @OptionGroup var color: ColorOptions

    @Flag(help: "Apply without asking for confirmation (for CI).")
    var autoApprove = false

    @OptionGroup(title: "Lock options") var lock: LockOptions

    @Flag(help: "Allow deleting or replacing mounts, Transit keys, auth methods and audit devices.")
    var allowDestroy = false

    @Flag(help: "Allow changes that take away the applying token's own access (a policy it holds, the role or auth method it logged in with).")
    var allowSelfLockout = false

    @OptionGroup(title: "Secret options") var rotation: RotateOptions

    @Option(help: ArgumentHelp("Apply only this object (KIND:NAME, e.g. mount:secret); repeatable. Not with a plan file.", valueName: "address"))
    var target: [String] = []

    /// The default chosen by measurement (docs/performance.md, issue 19's fifth session): the
    /// lock is read before each write, and writes waiting together share one read, so more
    /// side by side means fewer reads of it (about 930 at 8, 260 at 32 for 2,201 writes) and
    /// less of each operation spent waiting for one. At N=1000 on two cores, 8 took 1.42×
    /// the sequential write floor, 16 took 1.30×, 24 and 32 about 1.2×; a remote server,
    /// where each write waits out a network round trip, gains more. It is also the plan's read
    /// window (`LiveReader.concurrently`).
    static let defaultParallelism = 32

    @Option(help: ArgumentHelp(
        "How many independent objects of one kind to write at once (1 to 64); the order between kinds stays. Default \(Self.defaultParallelism).",
        valueName: "n"))
    var parallelism: Int = Self.defaultParallelism

    func validate() throws {
        guard (1...64).contains(parallelism) else { throw ValidationError("--parallelism must be 1 to 64, not \(parallelism)") }
    }

    func run() async throws {
        if let planFile = try Self.planFile(at: manifest.path) {
            guard target.isEmpty, rotation.rotate.isEmpty else {
                throw ValidationError("--target and --rotate shape a new plan; a saved plan is applied as it was made")
            }
            try await applySaved(planFile)
        } else {
            try await applyManifest()
        }
    }

    /// A saved plan at `path`, or nil when the path is a manifest.
    static func planFile(at path: String) throws -> PlanFile? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              !path.hasSuffix(".yaml"), !path.hasSuffix(".yml")
        else { return nil }
        let data = try ShowCommand.bytes(of: path)
        guard data.first == UInt8(ascii: "{") else { return nil }
        do {
            return try PlanFile.decode(data)
        } catch {
            throw CommandFailure.error("\(path): \(error)")
        }
    }

    /// Applies the manifest. `token`, when given, is the applying token (bootstrap's root
    /// token), used instead of the one the environment holds.
    func applyManifest(token: String? = nil) async throws {
        let useColor = color.useColor(forStandardError: false)
        try await ReconcileRun.start(manifest, connection: connection, color: color, token: token, options: { desired in
            PlanOptions(targets: try Set(target.map(PlanCommand.address)), rotations: try rotation.rotations(in: desired))
        }) { run in
            let reconciler = run.reconciler
            // A server that already matches is left without a single write, not even the
            // lock's: the first plan runs unlocked, and only a plan with work takes the lock
            // and is made again under it (another apply may have run in between).
            let unlocked = try await run.plan()
            try PlanCommand.refuseUnmatched(run.options.targets, desired: reconciler.desired, live: unlocked.live)
            if unlocked.plan.isEmpty, unlocked.plan.findings.isEmpty {
                Terminal.write(PlanText.render(unlocked.plan, color: useColor))
                return
            }
            if unlocked.plan.isEmpty {
                Terminal.write(PlanText.render(unlocked.plan, color: useColor))
                try refuseIfUnsafe(unlocked, reconciler: reconciler)
                return
            }
            // A plan apply would refuse takes no lock either: nothing at all is written.
            if !reconciler.refusals(unlocked, options: applyOptions).isEmpty {
                Terminal.write(PlanText.render(unlocked.plan, color: useColor))
                try refuseIfUnsafe(unlocked, reconciler: reconciler)
            }
            try await withApplyLock(run.server) { lease, trap in
                let locked = try await run.plan()
                Terminal.write(PlanText.render(locked.plan, color: useColor))
                try refuseIfUnsafe(locked, reconciler: reconciler)
                guard !locked.plan.isEmpty else { return }
                try confirm()
                try await ServerConnection.report(run.server.configuration) { try await reconciler.prepareSecrets(client: run.client) }
                try await execute(locked, reconciler: reconciler, client: run.client, lease: lease, trap: trap)
            }
        }
    }

    /// Holds the server-side apply lock around `body`: another apply waits (up to
    /// --lock-timeout) or fails naming the holder; the lock is released on every path, and a
    /// release that fails (the server sealed or gone) is reported with the way to free it.
    /// While the lock is held, SIGINT and SIGTERM go through a `SignalTrap`: before the writes
    /// the lock is released and the process exits at once; during them apply stops after the
    /// operation in flight and reports (see `execute`).
    func withApplyLock(_ server: ServerConnection, _ body: (LockLease, SignalTrap) async throws -> Void) async throws {
        let lease = try await ServerConnection.report(server.configuration) {
            try await lock.lock().acquire(client: { try await server.session.client() }, onWait: { holder in
                Terminal.writeError("Waiting for the apply lock, held by \(holder)…\n")
            })
        }
        let trap = SignalTrap(beforeWrites: { try? await lease.release() })
        trap.install()
        defer { trap.uninstall() }
        let outcome: Result<Void, any Error>
        do {
            try await body(lease, trap)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        do {
            try await lease.release()
        } catch {
            let path = lease.location == .standard ? "" : " --lock-path \(lease.location)"
            Terminal.writeError("warning: \(error)\nhint: once the server answers, free it sooner with: vaultform force-unlock \(lease.owner)\(path) --force\n")
        }
        try outcome.get()
    }

    func applySaved(_ file: PlanFile) async throws {
        let saved = try ServerConnection.reportPlain { try SavedPlan(file) }
        let server = try await ServerConnection.open(connection, manifest: Manifest())
        let address = server.configuration.address.value.absoluteString
        try await server.whileOpen { client in
            guard address == file.server.address else {
                throw CommandFailure.error("the plan was made against \(file.server.address), not \(address)", notes: [Self.nothingWritten])
            }
            // The file must be as plan saved it: its digest (keyed with the server's
            // fingerprint key when it has one) is checked before anything is written.
            do {
                try await saved.checkDigest(client: client)
            } catch {
                throw CommandFailure.error("\(manifest.path): \(error)", notes: [Self.nothingWritten])
            }
            let lockouts = saved.selfLockoutRefusals(options: applyOptions)
            guard lockouts.isEmpty else {
                throw CommandFailure.error(lockouts, notes: [Self.nothingWritten])
            }
            // Under the lock, re-read every object the plan touches: any change since the plan
            // makes it stale, and no other apply can change them between this check and the writes.
            try await withApplyLock(server) { lease, trap in
                let staleness = try await ServerConnection.report(server.configuration) { try await saved.staleness(client: client) }
                guard staleness.stale.isEmpty else {
                    throw CommandFailure.error(
                        "the saved plan is stale: these objects changed on the server since it was made:",
                        notes: staleness.stale.map { "  \($0)" } + ["hint: run vaultform plan again and review the new plan", Self.nothingWritten])
                }
                Terminal.write(PlanText.render(saved.plan, color: color.useColor(forStandardError: false)))
                try refuseIfUnsafe(staleness.current, reconciler: saved.reconciler)
                try await execute(staleness.current, reconciler: saved.reconciler, client: client, lease: lease, trap: trap)
            }
        }
    }

    /// The last line of every refusal: nothing was sent.
    static let nothingWritten = "Nothing was written."
    /// The last line after a failed or stopped apply.
    static let convergeAgain = "Run apply again to converge from here."

    var applyOptions: ApplyOptions { ApplyOptions(allowDestroy: allowDestroy, allowSelfLockout: allowSelfLockout) }

    func refuseIfUnsafe(_ reconciliation: Reconciliation, reconciler: Reconciler) throws {
        let refusals = reconciler.refusals(reconciliation, options: applyOptions)
        guard !refusals.isEmpty else { return }
        throw CommandFailure.error(refusals, notes: [Self.nothingWritten])
    }

    func confirm() throws {
        if autoApprove { return }
        guard isatty(STDIN_FILENO) == 1 else {
            throw CommandFailure.error("apply needs confirmation: run it on a terminal, or pass --auto-approve", notes: [Self.nothingWritten])
        }
        Terminal.write("\nDo you want to perform these actions?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ")
        guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
            throw CommandFailure(lines: ["Apply cancelled. " + Self.nothingWritten], reasons: ["apply cancelled"])
        }
    }

    /// Carries out the plan, each write checked, independent objects of a kind up to
    /// `parallelism` at a time, checking the lock (a read of its entry) before each write. The first SIGINT or SIGTERM stops it after the operation in
    /// flight; it then reports like a failure and exits with `128 + signal` (130 for Ctrl-C).
    func execute(_ reconciliation: Reconciliation, reconciler: Reconciler, client: VaultClient, lease: LockLease, trap: SignalTrap) async throws {
        let plan = reconciliation.plan
        guard trap.armWrites() else {
            // A signal came just now: its handler releases the lock and exits.
            try await Task.sleep(for: .seconds(30))
            throw ExitCode(SignalTrap.exitCode(SIGINT))
        }
        Terminal.write("\n")
        // On a terminal, a bar on the last line of stderr under the [k/n] lines; elsewhere
        // (CI logs, files) the lines alone.
        let bar = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        // Operations finish out of order when they run side by side: the bar counts them.
        let finished = Mutex(0)
        let report = await reconciler.apply(reconciliation, client: client, parallelism: parallelism, progress: { event in
            switch event {
            case .started(let index, let total, let operation):
                let line = "[\(index)/\(total)] \(operation.action.name) \(operation.address)…"
                if bar {
                    finished.withLock { Terminal.writeError(ProgressBar.started(done: $0, total: total, line: line)) }
                } else {
                    Terminal.writeError(line + "\n")
                }
            case .finished(_, let total, _):
                guard bar else { return }
                finished.withLock { done in
                    done += 1
                    Terminal.writeError(ProgressBar.finished(done: done, total: total) + (done == total ? "\n" : ""))
                }
            case .failed:
                if bar { Terminal.writeError(ProgressBar.clearLine) }
            }
        }, beforeWrite: { try await lease.verify() }, afterWrites: { lease.prefetch() }, stop: trap.stop, beforeSelfLockout: {
            // Allowed self-lockouts come last; once done, this token could not release the lock.
            do { try await lease.release() } catch { Terminal.writeError("warning: \(error)\n") }
        })
        let (added, changed, destroyed) = report.counts
        let list = { (operations: [VaultformCore.Operation]) in
            operations.isEmpty ? "nothing" : operations.map(\.address.description).joined(separator: ", ")
        }
        if let reason = report.stopped {
            if bar { Terminal.writeError(ProgressBar.clearLine) }
            throw CommandFailure.error(
                ["apply stopped: \(reason), after \(report.done.count) of \(plan.operations.count) operations"],
                notes: ["Done before stopping: \(list(report.done)).", "Not done: \(list(report.notDone)).", Self.convergeAgain],
                exitCode: trap.exitCode ?? SignalTrap.exitCode(SIGINT))
        }
        guard let failure = report.failure else {
            Terminal.write("Apply complete: \(added) added, \(changed) changed, \(destroyed) destroyed.\n")
            return
        }
        throw CommandFailure.error(
            "\(failure)",
            notes: (failure.hint.map { ["hint: \($0)"] } ?? [])
                + report.alsoFailed.map { "also failed, beside it: \($0)" + ($0.hint.map { " (hint: \($0))" } ?? "") }
                + ["Done before the failure: \(list(report.done)).", "Not done: \(list([failure.operation] + report.notDone)).", Self.convergeAgain])
    }
}

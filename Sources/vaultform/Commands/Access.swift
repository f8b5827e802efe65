import ArgumentParser
import Foundation
import VaultformAccess
import VaultformManifest
import VaultformRender
import VaultWire

/// `vaultform access`: who can do what, from the manifest's policies and principals, decided
/// as the server decides (VaultformAccess, proved against a real server's sys/capabilities).
struct AccessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access",
        abstract: "Who can do what, from the manifest alone.",
        discussion: """
            Evaluates the manifest's policies for the principals it declares (AppRole, \
            Kubernetes, JWT/OIDC and cert roles, userpass users, identity entities and groups), \
            in the connection's namespace and in every namespace the manifest declares \
            (NAMESPACE::KIND:NAME, paths from that namespace), the way the server does. Sends \
            no request to any server.

            Examples:
              vaultform access can approle-role:approle/hoodcloud-payment-service update \\
                transit/encrypt/hoodcloud-master --manifest manifests/hoodcloud
              vaultform access who-can read secret/data/hoodcloud/master-key \\
                --manifest manifests/hoodcloud --format json
            """,
        subcommands: [Can.self, WhoCan.self, Map.self, Diff.self]
    )

    /// The manifest's access model (or an exit after printing its diagnostics), or the
    /// server's with --live.
    static func model(_ options: AccessManifestOptions) async throws -> AccessModel {
        if options.live { return AccessModel(try await LiveManifest.read(options.connection)) }
        return AccessModel(try manifest(path: options.manifest, varFiles: options.varFiles, assignments: options.assignments))
    }

    static func model(path: String, varFiles: [String], assignments: [String]) throws -> AccessModel {
        AccessModel(try manifest(path: path, varFiles: varFiles, assignments: assignments))
    }

    /// The manifest at `path`, or an exit after printing its diagnostics.
    static func manifest(path: String, varFiles: [String], assignments: [String]) throws -> Manifest {
        let loader = ManifestLoader(inputs: VariableInputs(environment: ProcessInfo.processInfo.environment, varFiles: varFiles, assignments: assignments))
        let result = loader.load(path: path)
        guard let manifest = result.manifest, !result.diagnostics.hasErrors else {
            Terminal.writeError(DiagnosticRendering.text(result.diagnostics, color: false))
            throw ExitCode.failure
        }
        return manifest
    }

    static func decision(_ answer: AccessAnswer) -> JSONValue { decision(answer.decidedBy) }

    static func decision(_ decision: AccessAnswer.Decision?) -> JSONValue {
        guard let decision else { return .null }
        return .object([
            "path": .string(decision.pattern), "policies": .array(decision.policies.map(JSONValue.string)),
            "location": decision.location.map { .string("\($0.file):\($0.line):\($0.column)") } ?? .null,
            "constraints": .array(decision.constraints.map { constraint in
                .object([
                    "policy": .string(constraint.policy),
                    "required_parameters": .array(constraint.requiredParameters.map(JSONValue.string)),
                    "allowed_parameters": .object(constraint.allowedParameters.mapValues { .array($0.map(JSONValue.string)) }),
                    "denied_parameters": .object(constraint.deniedParameters.mapValues { .array($0.map(JSONValue.string)) }),
                    "min_wrapping_ttl": constraint.minWrappingTTL.map { .number(Double($0)) } ?? .null,
                    "max_wrapping_ttl": constraint.maxWrappingTTL.map { .number(Double($0)) } ?? .null,
                ])
            }),
        ])
    }

    static func describe(_ answer: AccessAnswer) -> String {
        guard let decision = answer.decidedBy else { return "no rule matches" }
        let place = decision.location.map { " (\($0.file):\($0.line))" } ?? " (built in)"
        let constraints = decision.constraints.isEmpty
            ? "" : "; request constraints, not evaluated: " + decision.constraints.map(\.summary).joined(separator: "; ")
        return "decided by path \"\(decision.pattern)\" in \(decision.policies.joined(separator: ", "))\(place)\(constraints)"
    }

    static func write(_ value: JSONValue) throws {
        Terminal.write(String(decoding: try value.encoded(), as: UTF8.self) + "\n")
    }
}

/// The manifest and its variables, for the access commands (the manifest is an option there).
struct AccessManifestOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A manifest file, or a directory of .yaml/.yml files merged together.", valueName: "path"))
    var manifest: String = "."

    @Option(name: .customLong("var-file"), help: ArgumentHelp("A YAML file of variable values; repeatable, later files win.", valueName: "file"))
    var varFiles: [String] = []

    @Option(name: .customLong("var"), help: ArgumentHelp("Set a variable; repeatable, wins over var files.", valueName: "name=value"))
    var assignments: [String] = []

    @Flag(help: "Evaluate what the server holds now (read as export reads it: principals, policies, mounts, namespaces) instead of the manifest.")
    var live = false

    @OptionGroup(title: "Connection options (with --live)") var connection: ConnectionOptions

    /// Where the answers come from, for reports.
    var source: String { live ? "the server" : manifest }
}

/// What both access commands ask about: a capability on a path, from a manifest.
struct AccessQuestion: ParsableArguments {
    /// The capabilities a policy rule can grant, as `access` takes them.
    static let capabilities = ["create", "read", "update", "patch", "delete", "list", "scan", "sudo"]

    @Argument(help: "create, read, update, patch, delete, list, scan or sudo.")
    var capability: String
    @Argument(help: "The request path, as the API has it (secret/data/app).")
    var path: String
    @OptionGroup var options: AccessManifestOptions
    @Option(help: "Output format: text for people, json for machines.")
    var format: OutputFormat = .text

    func validate() throws {
        guard Self.capabilities.contains(capability) else {
            throw ValidationError("\(capability) is not a capability; one of \(Self.capabilities.joined(separator: ", "))")
        }
    }
}

extension AccessCommand {
    /// `access can PRINCIPAL CAPABILITY PATH`: exit 0 when allowed, 2 when not.
    struct Can: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Whether a principal may do something on a path: exit 0 when allowed, 2 when not.",
            discussion: """
                PRINCIPAL is its plan address. The capabilities are exactly what the server's \
                sys/capabilities answers for a token of the principal.

                Examples:
                  vaultform access can approle-role:approle/ci-runner \\
                    read ci/data/deploy/token \\
                    --manifest examples/approle-ci-runner.yaml --format json
                """)

        @Argument(help: "The principal's plan address: approle-role:MOUNT/NAME, userpass-user:MOUNT/NAME, identity-group:NAME, NAMESPACE::approle-role:MOUNT/NAME, …")
        var principal: String
        @OptionGroup var question: AccessQuestion

        func run() async throws {
            let model = try await AccessCommand.model(question.options)
            guard let principal = model.principal(principal) else {
                let known = model.principals.map(\.address)
                throw ValidationError("the manifest declares no principal \(principal)"
                    + (known.isEmpty ? "" : "; it declares: " + known.joined(separator: ", ")))
            }
            let (capability, path) = (question.capability, question.path)
            let answer = model.query(principal, path: path)
            let allowed = answer.allows(capability)
            switch question.format {
            case .json:
                try AccessCommand.write(.object([
                    "principal": .string(principal.address), "capability": .string(capability), "path": .string(path),
                    "allowed": .bool(allowed), "capabilities": .array(answer.capabilities.map(JSONValue.string)),
                    "decided_by": AccessCommand.decision(answer), "policies": .array(principal.policies.map(JSONValue.string)),
                    "unknown_policies": .array(answer.unknownPolicies.map(JSONValue.string)),
                ]))
            case .text:
                Terminal.write("\(allowed ? "allowed" : "denied"): \(principal.address) \(allowed ? "may" : "may not") \(capability) \(path)\n")
                Terminal.write("  capabilities: \(answer.capabilities.joined(separator: ", ")); \(AccessCommand.describe(answer))\n")
                if !answer.unknownPolicies.isEmpty {
                    Terminal.write("  not evaluated (not in the manifest): \(answer.unknownPolicies.joined(separator: ", "))\n")
                }
            }
            if !allowed { throw ExitCode(2) }
        }
    }

    /// `access who-can CAPABILITY PATH`: every principal that may.
    struct WhoCan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "who-can",
            abstract: "Every principal the manifest declares that may do something on a path.",
            discussion: """
                Examples:
                  vaultform access who-can read secret/data/hoodcloud/master-key \\
                    --manifest manifests/hoodcloud
                """)

        @OptionGroup var question: AccessQuestion

        func run() async throws {
            let model = try await AccessCommand.model(question.options)
            let (capability, path) = (question.capability, question.path)
            let allowed = model.principals.compactMap { principal -> (Principal, AccessAnswer)? in
                let answer = model.query(principal, path: path)
                return answer.allows(capability) ? (principal, answer) : nil
            }
            switch question.format {
            case .json:
                try AccessCommand.write(.object([
                    "capability": .string(capability), "path": .string(path),
                    "principals": .array(allowed.map { principal, answer in
                        .object([
                            "principal": .string(principal.address), "capabilities": .array(answer.capabilities.map(JSONValue.string)),
                            "decided_by": AccessCommand.decision(answer),
                        ])
                    }),
                ]))
            case .text:
                if allowed.isEmpty { Terminal.write("No principal the manifest declares may \(capability) \(path).\n") }
                for (principal, answer) in allowed {
                    Terminal.write("\(principal.address): \(answer.capabilities.joined(separator: ", ")); \(AccessCommand.describe(answer))\n")
                }
            }
        }
    }
}

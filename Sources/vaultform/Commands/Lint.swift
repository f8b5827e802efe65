import ArgumentParser
import VaultformAccess
import VaultformManifest
import VaultformRender
import VaultWire

/// `vaultform lint`: escalation paths and risky settings in the manifest's policies and
/// principals, each with a stable id the manifest can accept with a reason.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Report escalation paths and risky access settings in a manifest.",
        discussion: """
            Checks: a principal that can grant itself anything (it may rewrite a policy it \
            holds, or write a policy and a role, user or group that carries it); a policy on \
            every path or on all of sys/; sudo on sys/ paths; sudo on auth/token/create; token \
            roles that allow any policy; AppRoles without secret IDs, without CIDR bindings or \
            with secret IDs that never expire; bound CIDRs wider than lint.min_ipv4_prefix \
            (16) or lint.min_ipv6_prefix (48); policies nobody holds.

            Each finding has a stable id. A manifest accepts one with a reason:
              lint:
                accept:
                  - id: escalation:approle-role:approle/admin
                    reason: the admin role administers policies by design

            Exits 0 when no finding that is not accepted reaches --fail-on, 2 otherwise, 1 \
            when the manifest is not valid. Sends no request to any server.

            Examples:
              vaultform lint manifests/hoodcloud \\
                --var-file manifests/hoodcloud/env/prod.yaml
              vaultform lint . --fail-on warning --format json
            """
    )

    enum Threshold: String, ExpressibleByArgument, CaseIterable {
        case error, warning, info, never
    }

    @OptionGroup var manifest: ManifestOptions
    @Option(help: "Output format: text for people, json for machines.")
    var format: OutputFormat = .text
    @Option(name: .customLong("fail-on"), help: "The lowest severity of a finding not accepted that makes the exit code 2: error, warning, info or never.")
    var failOn: Threshold = .warning

    func run() throws {
        let loaded = try AccessCommand.manifest(path: manifest.path, varFiles: manifest.varFiles, assignments: manifest.assignments)
        let lint = Lint(loaded, model: AccessModel(loaded))
        let failing = failOn == .never ? [] : lint.open(atLeast: LintFinding.Severity(rawValue: failOn.rawValue) ?? .warning)
        switch format {
        case .json:
            try AccessCommand.write(.object([
                "findings": .array(lint.findings.map { finding in
                    .object([
                        "id": .string(finding.id), "severity": .string(finding.severity.rawValue), "message": .string(finding.message),
                        "location": AccessCommand.json(finding.location), "chain": .array(finding.chain.map(JSONValue.string)),
                        "accepted": .bool(finding.acceptedBecause != nil),
                        "reason": finding.acceptedBecause.map(JSONValue.string) ?? .null,
                    ])
                }),
                "failing": .number(Double(failing.count)),
            ]))
        case .text:
            for finding in lint.findings {
                let place = finding.location.map { "\($0.file):\($0.line):\($0.column): " } ?? ""
                Terminal.write("\(place)\(finding.severity.rawValue): \(finding.message) [\(finding.id)]\n")
                for (index, step) in finding.chain.enumerated() { Terminal.write("    \(index + 1). \(step)\n") }
                if let reason = finding.acceptedBecause { Terminal.write("    accepted: \(reason)\n") }
            }
            Terminal.write(Self.summary(lint, failing: failing.count) + "\n")
        }
        if !failing.isEmpty { throw ExitCode(2) }
    }

    static func summary(_ lint: Lint, failing: Int) -> String {
        guard !lint.findings.isEmpty else { return "No findings." }
        let counts = LintFinding.Severity.allCases.reversed().compactMap { severity -> String? in
            let count = lint.findings.filter { $0.severity == severity }.count
            return count == 0 ? nil : "\(count) \(severity.rawValue)\(count == 1 || severity == .info ? "" : "s")"
        }
        let accepted = lint.findings.filter { $0.acceptedBecause != nil }.count
        return "\(lint.findings.count) finding\(lint.findings.count == 1 ? "" : "s"): \(counts.joined(separator: ", ")); \(accepted) accepted, \(failing) failing."
    }
}

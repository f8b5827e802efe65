import ArgumentParser
import Foundation
import VaultformCore
import VaultformManifest

/// Where the manifest is and what its variables are set to; shared by every command that reads one.
struct ManifestOptions: ParsableArguments {
    @Argument(help: "A manifest file, or a directory of .yaml/.yml files merged together.")
    var path: String = "."

    @Option(name: .customLong("var-file"), help: ArgumentHelp("A YAML file of variable values; repeatable, later files win.", valueName: "file"))
    var varFiles: [String] = []

    @Option(name: .customLong("var"), help: ArgumentHelp("Set a variable; repeatable, wins over var files.", valueName: "name=value"))
    var assignments: [String] = []

    /// The loader with this invocation's variable inputs and the process environment.
    func loader(environment: [String: String] = ProcessInfo.processInfo.environment) -> ManifestLoader {
        ManifestLoader(inputs: VariableInputs(environment: environment, varFiles: varFiles, assignments: assignments))
    }
}

/// Colour choice for people's output.
struct ColorOptions: ParsableArguments {
    @Flag(name: .customLong("no-color"), help: "Never colour the output (also when NO_COLOR is set).")
    var noColor = false

    /// Colour only on a terminal, and never when NO_COLOR is set or --no-color is given.
    func useColor(forStandardError: Bool) -> Bool {
        Terminal.supportsColor(fileDescriptor: forStandardError ? STDERR_FILENO : STDOUT_FILENO, disabled: noColor)
    }
}

/// The output formats of commands that print reports.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `--rotate ADDRESS.FIELD`: replace a secret field's value although it has one.
struct RotateOptions: ParsableArguments {
    @Option(
        name: .customLong("rotate"),
        help: ArgumentHelp(
            "Regenerate (or re-read from its source) a secret field that already has a value: kv-secret:PATH.FIELD or PATH.FIELD (NAMESPACE::kv-secret:PATH.FIELD inside a namespace); repeatable.",
            valueName: "address.field"))
    var rotate: [String] = []

    /// The requested rotations by secret, each checked against the manifest's schemas.
    func rotations(in desired: DesiredState) throws -> [Address: Set<String>] {
        var rotations: [Address: Set<String>] = [:]
        for text in rotate {
            // A secret inside a namespace: `NAMESPACE::kv-secret:PATH.FIELD`.
            let namespaced = text.range(of: "::")
            let namespace = namespaced.map { String(text[..<$0.lowerBound]) } ?? ""
            let local = namespaced.map { String(text[$0.upperBound...]) } ?? text
            let spec = local.hasPrefix("kv-secret:") ? String(local.dropFirst("kv-secret:".count)) : local
            guard let dot = spec.lastIndex(of: "."), dot != spec.startIndex, spec.index(after: dot) != spec.endIndex else {
                throw ValidationError("--rotate \(text) is not kv-secret:PATH.FIELD (for example kv-secret:secret/app/config.api_key)")
            }
            let path = String(spec[..<dot]), field = String(spec[spec.index(after: dot)...])
            guard let schema = desired.schemas.first(where: { $0.path == path && $0.namespace == namespace }) else {
                throw ValidationError("--rotate \(text): the manifest has no secret schema for \(path)")
            }
            guard let declared = schema.fields.first(where: { $0.name == field }) else {
                throw ValidationError("--rotate \(text): the schema for \(path) has no field \(field)")
            }
            if let owner = schema.fields.first(where: {
                if case .generate(let generator) = $0.source { return generator.publicField?.value == field }
                return false
            }) {
                throw ValidationError("--rotate \(text): \(field) is generated with \(owner.name); rotate \(path).\(owner.name), which replaces both")
            }
            guard declared.source != nil else {
                throw ValidationError("--rotate \(text): \(field) has no generator or source to take a new value from")
            }
            rotations[SecretPlanner.address(schema), default: []].insert(field)
        }
        return rotations
    }
}

import ArgumentParser
import Foundation
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

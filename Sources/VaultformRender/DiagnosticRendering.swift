import Foundation
import VaultformManifest

/// Turns diagnostics into text for people (`FILE:LINE:COL: error: MESSAGE`, optionally
/// coloured) and into versioned JSON for machines.
public enum DiagnosticRendering {
    /// The version of the JSON document `validate --format json` prints.
    public static let jsonFormatVersion = 1

    /// One block per diagnostic, compiler style, ending with a newline when there is any.
    public static func text(_ diagnostics: [Diagnostic], color: Bool) -> String {
        var output = ""
        for diagnostic in diagnostics {
            let style = Style(enabled: color)
            if let location = diagnostic.location { output += style.bold("\(location): ") }
            switch diagnostic.severity {
            case .error: output += style.red("error: ")
            case .warning: output += style.yellow("warning: ")
            case .note: output += style.cyan("note: ")
            }
            output += style.bold(diagnostic.message) + "\n"
            if let hint = diagnostic.hint { output += "  " + style.cyan("hint: ") + hint + "\n" }
            for related in diagnostic.related {
                output += "  \(related.location): " + style.cyan("note: ") + related.message + "\n"
            }
        }
        return output
    }

    /// A closing line such as `2 errors, 1 warning in manifests/hoodcloud.`
    public static func summary(_ diagnostics: [Diagnostic], path: String) -> String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        return "\(plural(errors, "error")), \(plural(warnings, "warning")) in \(path)."
    }

    /// The JSON document: `{"format_version":1,"valid":…,"diagnostics":[…]}`, keys sorted.
    public static func json(_ diagnostics: [Diagnostic], path: String) -> String {
        let document = JSONDiagnostics(
            formatVersion: jsonFormatVersion, path: path, valid: !diagnostics.hasErrors,
            errorCount: diagnostics.filter { $0.severity == .error }.count,
            warningCount: diagnostics.filter { $0.severity == .warning }.count,
            diagnostics: diagnostics.map(JSONDiagnostic.init))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        guard let data = try? encoder.encode(document), let text = String(data: data, encoding: .utf8) else { return "{}\n" }
        return text + "\n"
    }
}

/// The machine form of `validate`'s output; its field names are a public interface.
struct JSONDiagnostics: Encodable {
    var formatVersion: Int
    var path: String
    var valid: Bool
    var errorCount: Int
    var warningCount: Int
    var diagnostics: [JSONDiagnostic]
}

struct JSONDiagnostic: Encodable {
    struct Related: Encodable {
        var message: String
        var file: String
        var line: Int
        var column: Int
    }

    var severity: String
    var message: String
    var file: String?
    var line: Int?
    var column: Int?
    var hint: String?
    var related: [Related]

    init(_ diagnostic: Diagnostic) {
        severity = diagnostic.severity.rawValue
        message = diagnostic.message
        file = diagnostic.location?.file
        line = diagnostic.location?.line
        column = diagnostic.location?.column
        hint = diagnostic.hint
        related = diagnostic.related.map {
            Related(message: $0.message, file: $0.location.file, line: $0.location.line, column: $0.location.column)
        }
    }
}

/// ANSI styling that becomes a no-op when colour is off.
struct Style {
    var enabled: Bool

    private func wrap(_ text: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { wrap(text, "1") }
    func red(_ text: String) -> String { wrap(text, "1;31") }
    func yellow(_ text: String) -> String { wrap(text, "1;33") }
    func cyan(_ text: String) -> String { wrap(text, "36") }
    func green(_ text: String) -> String { wrap(text, "32") }
}

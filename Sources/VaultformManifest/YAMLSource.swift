import Foundation
import Yams

/// Turns YAML text into a located node tree, and Yams's errors into diagnostics that name
/// the file, line and column (never the whole document, which Yams's messages embed).
enum YAMLSource {
    static func compose(_ text: String, file: String) -> Result<Node?, Diagnostic> {
        if text.contains("\t"), let tab = firstTabInIndentation(text) {
            return .failure(.error("tabs cannot indent YAML; use spaces", at: SourceLocation(file: file, line: tab.line, column: tab.column)))
        }
        do {
            return .success(try Yams.compose(yaml: text))
        } catch let error as YamlError {
            return .failure(diagnostic(for: error, text: text, file: file))
        } catch {
            return .failure(.error("cannot read YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1)))
        }
    }

    private static func diagnostic(for error: YamlError, text: String, file: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation {
            SourceLocation(file: file, line: max(1, mark.line), column: max(1, mark.column))
        }
        switch error {
        case let .scanner(context, problem, mark, _),
             let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            var message = "YAML syntax error: \(problem)"
            if let context { message += " \(context.text)" }
            return .error(message, at: at(mark), hint: hint(for: problem))
        case let .reader(problem, offset, _, _):
            let location = offset.map { lineColumn(ofUTF8Offset: $0, in: text, file: file) }
                ?? SourceLocation(file: file, line: 1, column: 1)
            return .error("the file is not valid UTF-8 text: \(problem)", at: location)
        case let .duplicatedKeysInMapping(duplicates, context):
            let first = at(context.mark)
            let key = duplicates.first ?? ""
            if let second = secondOccurrence(of: key, after: context.mark, in: text) {
                return .error("duplicate key `\(key)`", at: SourceLocation(file: file, line: second.line, column: second.column),
                              hint: "a map may hold each key once; merge the two entries",
                              related: [.init("first written here", at: first)])
            }
            return .error("duplicate key `\(key)`", at: first, hint: "a map may hold each key once; merge the two entries")
        default:
            return .error("cannot read YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    private static func hint(for problem: String) -> String? {
        if problem.contains("mapping values are not allowed") {
            return "a value containing `: ` must be quoted, or the indentation is off"
        }
        if problem.contains("did not find expected key") { return "check the indentation of this line and the one above" }
        if problem.contains("found character that cannot start any token") { return "quote values that start with `@`, `` ` `` or `%`" }
        return nil
    }

    /// Yams reports where the first copy of a duplicated key is; find the next line that
    /// writes the same key at the same column, which is the copy a person needs to see.
    private static func secondOccurrence(of key: String, after mark: Mark, in text: String) -> (line: Int, column: Int)? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        for index in mark.line..<lines.count {
            let line = lines[index]
            let columnIndex = line.unicodeScalars.count - line.drop(while: { $0 == " " || $0 == "-" }).unicodeScalars.count
            let rest = line.drop(while: { $0 == " " || $0 == "-" })
            let quotedKeys = [key, "\"\(key)\"", "'\(key)'"]
            if columnIndex + 1 == mark.column, quotedKeys.contains(where: { rest.hasPrefix($0 + ":") }) {
                return (index + 1, columnIndex + 1)
            }
        }
        return nil
    }

    private static func firstTabInIndentation(_ text: String) -> (line: Int, column: Int)? {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            // Only a tab that starts a line: inside a block scalar, tabs after the indentation are text.
            if line.first == "\t" { return (index + 1, 1) }
        }
        return nil
    }

    static func lineColumn(ofUTF8Offset offset: Int, in text: String, file: String) -> SourceLocation {
        var line = 1, column = 1, consumed = 0
        for scalar in text.unicodeScalars {
            if consumed >= offset { break }
            consumed += String(scalar).utf8.count
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return SourceLocation(file: file, line: line, column: column)
    }
}

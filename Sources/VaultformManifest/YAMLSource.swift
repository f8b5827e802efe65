import Foundation
import Yams

/// Turns YAML text into a located node tree, and Yams's errors into diagnostics that name
/// the file, line and column (never the whole document, which Yams's messages embed).
enum YAMLSource {
    static func compose(_ text: String, file: String) -> Result<Node?, Diagnostic> {
        if text.utf8.contains(9), let tab = firstTabInIndentation(text) {
            return .failure(.error("tabs cannot indent YAML; use spaces", at: SourceLocation(file: file, line: tab.line, column: tab.column)))
        }
        if text.utf8.count > ExpansionBudget.maxFileBytes {
            return .failure(.error(
                "the file is \(text.utf8.count >> 20) MiB; vaultform reads files of up to \(ExpansionBudget.maxFileBytes >> 20) MiB",
                at: SourceLocation(file: file, line: 1, column: 1)))
        }
        if let problem = ExpansionBudget.aliasProblem(in: text, file: file) { return .failure(problem) }
        do {
            // The basic resolver tags nothing by regex: vaultform types every scalar itself, per
            // field, and Yams's YAML 1.1 tag resolution was a third of the load time.
            return .success(try Yams.compose(yaml: text, .basic))
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
        // libyaml reports the end of the stream one line past the last one (an unclosed
        // quote, a lone `---`); point at where the construct began, or at the last line.
        let lines = text.manifestLines
        let lastLine = max(1, lines.count - (lines.last?.isEmpty == true ? 1 : 0))
        func place(_ mark: Mark, context: YamlError.Context?) -> SourceLocation {
            if mark.line <= lastLine { return at(mark) }
            if let context, context.mark.line <= lastLine { return at(context.mark) }
            return SourceLocation(file: file, line: lastLine, column: 1)
        }
        switch error {
        case let .scanner(context, problem, mark, _),
             let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            var message = "YAML syntax error: \(problem)"
            if let context { message += " \(context.text)" }
            return .error(message, at: place(mark, context: context), hint: hint(for: problem))
        case let .reader(problem, offset, _, _):
            let location = offset.map { lineColumn(ofCharacterOffset: $0, in: text, file: file) }
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

    /// Yams reports where the first copy of a duplicated key is; find the second copy, which
    /// is the one a person needs to see: in a block map, the next line writing the key at the
    /// same column; in a flow map (`{ a: 1, a: 2 }`), the next `key:` after the first.
    private static func secondOccurrence(of key: String, after mark: Mark, in text: String) -> (line: Int, column: Int)? {
        let lines = text.manifestLines.map { Array($0.unicodeScalars) }
        guard mark.line >= 1, mark.line <= lines.count, !key.isEmpty else { return nil }
        let spellings = [key, "\"\(key)\"", "'\(key)'"].map { Array(($0 + ":").unicodeScalars) }
        func keyStarts(at index: Int, in line: [Unicode.Scalar]) -> Bool {
            if index > 0, ![" ", ",", "{", "-"].contains(line[index - 1]) { return false }
            return spellings.contains { spelling in
                index + spelling.count <= line.count && Array(line[index..<(index + spelling.count)]) == spelling
            }
        }
        let firstLine = lines[mark.line - 1]
        let firstColumn = mark.column - 1
        let isFlow = firstLine[..<min(firstColumn, firstLine.count)].contains("{")
        for lineIndex in (mark.line - 1)..<lines.count {
            let line = lines[lineIndex]
            if isFlow {
                let start = lineIndex == mark.line - 1 ? firstColumn + 1 : 0
                for index in start..<max(start, line.count) where keyStarts(at: index, in: line) {
                    return (lineIndex + 1, index + 1)
                }
            } else if lineIndex > mark.line - 1, firstColumn < line.count, keyStarts(at: firstColumn, in: line),
                      line[..<firstColumn].allSatisfy({ $0 == " " || $0 == "-" }) {
                return (lineIndex + 1, firstColumn + 1)
            }
        }
        return nil
    }

    private static func firstTabInIndentation(_ text: String) -> (line: Int, column: Int)? {
        for (index, line) in text.manifestLines.enumerated() {
            // Only a tab that starts a line: inside a block scalar, tabs after the indentation are text.
            if line.first == "\t" { return (index + 1, 1) }
        }
        return nil
    }

    /// Where the `offset`-th Character is (Yams gives a reader error's place as a distance
    /// in Characters, not bytes), counting line breaks as libyaml and `manifestLines` do.
    static func lineColumn(ofCharacterOffset offset: Int, in text: String, file: String) -> SourceLocation {
        var line = 1, column = 1
        for character in text.prefix(max(0, offset)) {
            switch character {
            case "\n", "\r\n", "\r", "\u{85}", "\u{2028}", "\u{2029}": line += 1; column = 1
            default: column += 1
            }
        }
        return SourceLocation(file: file, line: line, column: column)
    }
}

extension String {
    /// The text's lines as libyaml counts them, without their line breaks: a break is LF,
    /// CRLF, a lone CR, or NEL, LS or PS (YAML 1.1's). A split on the Character "\n" saw one
    /// line in a CRLF or CR file (its "\r\n" is one Character), and every reading that
    /// indexes lines by libyaml's marks went wrong with it (fmt indexed past the end).
    public var manifestLines: [Substring] {
        var lines: [Substring] = []
        let bytes = utf8
        var start = bytes.startIndex
        var index = bytes.startIndex
        func byte(after position: String.Index, by offset: Int) -> UInt8? {
            guard let at = bytes.index(position, offsetBy: offset, limitedBy: bytes.endIndex), at != bytes.endIndex else { return nil }
            return bytes[at]
        }
        while index != bytes.endIndex {
            let length: Int
            switch bytes[index] {
            case 0x0A: length = 1
            case 0x0D: length = byte(after: index, by: 1) == 0x0A ? 2 : 1
            case 0xC2: length = byte(after: index, by: 1) == 0x85 ? 2 : 0
            case 0xE2:
                let third = byte(after: index, by: 2)
                length = byte(after: index, by: 1) == 0x80 && (third == 0xA8 || third == 0xA9) ? 3 : 0
            default: length = 0
            }
            if length == 0 {
                index = bytes.index(after: index)
            } else {
                lines.append(self[start..<index])
                index = bytes.index(index, offsetBy: length)
                start = index
            }
        }
        lines.append(self[start..<bytes.endIndex])
        return lines
    }
}

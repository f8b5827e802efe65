import Foundation
import Yams

/// `vaultform fmt`: one canonical layout for manifest files, keeping every comment and every
/// scalar as written.
///
/// libyaml, under Yams, drops comments, so a file is not re-emitted from its node tree. The
/// tree (with each node's line and column) says where each mapping entry and sequence item
/// begins; the formatter moves whole lines: it re-indents block collections to two spaces
/// per level (a sequence under a key indented by two), puts the keys of every object the
/// manifest language knows in the order its documentation lists them (`ManifestShape`), and
/// trims trailing spaces, repeated blank lines and blank lines at the ends. A comment on
/// the lines above an entry moves with it; text after a key (a scalar, a flow collection, a
/// block scalar) is kept character for character, so quoting, durations and CIDRs stay as
/// written. Flow collections (`{ name: a, type: b }`) are kept as written.
///
/// The result is checked before it is returned: it must compose to the same YAML (mappings
/// compared by key, scalars by their bytes and style) and hold the same lines, indentation
/// aside. A file that cannot be laid out safely (an alias that reordering would put before
/// its anchor, say) is refused, never changed.
public enum ManifestFormatter {
    /// The formatted text of `text`, or an error that names the file.
    public static func format(_ text: String, file: String) -> Result<String, Diagnostic> {
        let original: Node?
        switch YAMLSource.compose(text, file: file) {
        case .failure(let diagnostic): return .failure(diagnostic)
        case .success(let node): original = node
        }
        // Lines as libyaml counts them (its marks index them): a CRLF or CR file is laid out
        // as its LF twin and written with LF line ends, which YAML reads alike.
        let lines = text.manifestLines.map(String.init)
        guard let original else { return .success(normalizedWhitespace(lines)) }
        let layout = Layout(lines: lines)
        let laidOut = layout.render(original, span: 0..<Layout.contentEnd(lines), shape: .object(ManifestShape.root), column: 0)
            + lines[Layout.contentEnd(lines)...]
        // Whitespace normalised if that keeps the meaning (trailing spaces and blank lines can
        // be content inside a block scalar), else only the layout.
        let normalized = normalizedWhitespace(laidOut)
        if difference(original, normalized, lines: lines, file: file) == nil { return .success(normalized) }
        let plain = laidOut.joined(separator: "\n")
        if let problem = difference(original, plain, lines: lines, file: file) { return .failure(problem) }
        return .success(plain)
    }

    /// Why `candidate` is not a safe rewrite of the original; nil when it is.
    static func difference(_ original: Node, _ candidate: String, lines: [String], file: String) -> Diagnostic? {
        let refuse = { (why: String) in
            Diagnostic.error("cannot lay this file out without changing it (\(why)); it was left as it is", at: SourceLocation(file: file, line: 1, column: 1))
        }
        guard case .success(let node?) = YAMLSource.compose(candidate, file: file) else { return refuse("the result does not parse") }
        guard same(original, node) else { return refuse("the result would mean something else") }
        let before = contentLines(lines), after = contentLines(candidate.manifestLines.map(String.init))
        guard before == after else { return refuse("a line would be lost") }
        return nil
    }

    /// The non-blank lines, indentation and a sequence dash aside, sorted: what must survive.
    static func contentLines(_ lines: [String]) -> [String] {
        lines.map { line -> String in
            var text = Substring(line).drop { $0 == " " }
            if text.hasPrefix("- ") { text = text.dropFirst(2).drop { $0 == " " } }
            while text.last == " " { text = text.dropLast() }
            return String(text)
        }.filter { !$0.isEmpty }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Equal as YAML: scalars by bytes and style, sequences in order, mappings by key.
    static func same(_ a: Node, _ b: Node) -> Bool {
        switch (a, b) {
        case (.scalar(let x), .scalar(let y)):
            return x.string.utf8.elementsEqual(y.string.utf8) && x.style == y.style && x.tag == y.tag
        case (.sequence(let x), .sequence(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.mapping(let x), .mapping(let y)):
            guard x.count == y.count else { return false }
            for (key, value) in x {
                guard let match = y.first(where: { same($0.key, key) }), same(match.value, value) else { return false }
            }
            return true
        case (.alias(let x), .alias(let y)):
            return x.anchor.rawValue == y.anchor.rawValue
        default:
            return false
        }
    }

    /// Trailing spaces trimmed, runs of blank lines made one, none at the start or the end,
    /// one final newline.
    static func normalizedWhitespace(_ lines: [String]) -> String {
        var out: [String] = []
        for line in lines {
            var trimmed = Substring(line)
            while trimmed.last == " " { trimmed = trimmed.dropLast() }
            if trimmed.isEmpty, out.last?.isEmpty ?? true { continue }
            out.append(String(trimmed))
        }
        while out.last?.isEmpty == true { out.removeLast() }
        return out.joined(separator: "\n") + "\n"
    }

    /// The line-moving layout of one file.
    struct Layout {
        let lines: [String]

        /// The lines up to the last one that holds anything: trailing blank lines stay outside
        /// every span, so the last entry does not carry them.
        static func contentEnd(_ lines: [String]) -> Int {
            var end = lines.count
            while end > 0, lines[end - 1].allSatisfy({ $0 == " " }) { end -= 1 }
            return end
        }

        static func indentation(_ line: String) -> Int { line.prefix { $0 == " " }.count }

        static func isCommentOrBlank(_ line: String) -> Bool {
            let text = line.drop { $0 == " " }
            return text.isEmpty || text.hasPrefix("#")
        }

        /// `line` moved by `delta` columns: spaces added, or up to `-delta` leading spaces removed.
        static func shifted(_ line: String, by delta: Int) -> String {
            if line.isEmpty { return line }
            if delta >= 0 { return String(repeating: " ", count: delta) + line }
            let removable = min(-delta, indentation(line))
            return String(line.dropFirst(removable))
        }

        func shifted(_ range: Range<Int>, by delta: Int) -> [String] {
            range.map { Self.shifted(lines[$0], by: delta) }
        }

        /// Lines of `node`, which occupies `span`, laid out with its block collection at
        /// `column`: a mapping's keys, or a sequence's dashes, start there.
        func render(_ node: Node, span: Range<Int>, shape: Shape?, column: Int) -> [String] {
            switch node {
            case .mapping(let mapping) where isBlock(node):
                return renderMapping(mapping, span: span, shape: shape, column: column).lines
            case .sequence(let sequence) where isBlock(node):
                return renderSequence(sequence, span: span, shape: shape, column: column)
            default:
                // Scalars, flow collections and aliases: moved, never rewritten.
                let from = node.mark.map { $0.column - 1 } ?? column
                return shifted(span, by: column - from)
            }
        }

        /// Whether a collection is in block style: a flow collection starts with `{` or `[`
        /// (Yams reports both styles as `.any` when composing).
        func isBlock(_ node: Node) -> Bool {
            guard let mark = node.mark, mark.line >= 1, mark.line <= lines.count else { return false }
            let scalars = Array(lines[mark.line - 1].unicodeScalars)
            guard mark.column >= 1, mark.column <= scalars.count else { return false }
            return scalars[mark.column - 1] != "{" && scalars[mark.column - 1] != "["
        }

        /// Starts of `starts`' entries extended upwards over the comments and blank lines
        /// directly above them that sit no deeper than `column`.
        func entrySpans(starts: [Int], span: Range<Int>, column: Int) -> [Range<Int>] {
            var begins = starts
            for index in begins.indices.dropFirst() {
                var begin = begins[index]
                while begin - 1 > starts[index - 1], Self.isCommentOrBlank(lines[begin - 1]),
                      lines[begin - 1].isEmpty || Self.indentation(lines[begin - 1]) <= column || lines[begin - 1].allSatisfy({ $0 == " " }) {
                    begin -= 1
                }
                begins[index] = begin
            }
            return begins.indices.map { begins[$0]..<(($0 + 1 < begins.count) ? begins[$0 + 1] : span.upperBound) }
        }

        /// A block mapping laid out at `column`: its head (lines before its first key), then its
        /// entries, reordered when every key is one the shape knows. `firstKey` is the index
        /// of the first key's line in `lines` (a sequence puts its dash there).
        func renderMapping(_ mapping: Node.Mapping, span: Range<Int>, shape: Shape?, column: Int) -> (lines: [String], firstKey: Int) {
            let pairs = Array(mapping)
            guard let firstMark = pairs.first?.key.mark else { return (shifted(span, by: 0), 0) }
            let keyColumn = firstMark.column - 1
            let starts = pairs.map { ($0.key.mark?.line ?? firstMark.line) - 1 }
            // Keys on one line or out of order (a complex key): moved as one block.
            guard zip(starts, starts.dropFirst()).allSatisfy({ $0 < $1 }), pairs.allSatisfy({ $0.key.mark?.column == firstMark.column }),
                  let first = starts.first, span.contains(first)
            else { return (shifted(span, by: column - keyColumn), 0) }
            let object: ObjectShape? = { if case .object(let object)? = shape { return object } else { return nil } }()
            let valueShapes: [Shape?] = pairs.map { pair in
                let key = pair.key.scalar?.string ?? ""
                if let object { return object.field(key)?.shape }
                if case .map(let value)? = shape { return value }
                return nil
            }
            var order = Array(pairs.indices)
            if let object {
                let positions = pairs.map { pair in object.fields.firstIndex { $0.key == pair.key.scalar?.string } }
                if positions.allSatisfy({ $0 != nil }) {
                    order.sort { (positions[$0] ?? 0, $0) < (positions[$1] ?? 0, $1) }
                }
            }
            var out = shifted(span.lowerBound..<first, by: column - keyColumn)
            var firstKey = out.count
            let spans = entrySpans(starts: starts, span: span, column: keyColumn)
            for (rank, index) in order.enumerated() {
                let entry = spans[index], keyLine = starts[index]
                out += shifted(entry.lowerBound..<keyLine, by: column - keyColumn)
                if rank == 0 { firstKey = out.count }
                out.append(String(repeating: " ", count: column) + String(lines[keyLine].dropFirst(keyColumn)))
                let value = pairs[index].value
                let rest = (keyLine + 1)..<entry.upperBound
                let valueLine = (value.mark?.line ?? 0) - 1
                switch value {
                case .mapping(let nested) where isBlock(value) && valueLine > keyLine:
                    out += renderMapping(nested, span: rest, shape: valueShapes[index], column: column + 2).lines
                case .sequence(let nested) where isBlock(value) && valueLine > keyLine:
                    out += renderSequence(nested, span: rest, shape: valueShapes[index], column: column + 2)
                default:
                    out += shifted(rest, by: column - keyColumn)
                }
            }
            return (out, firstKey)
        }

        /// A block sequence laid out with its dashes at `column`.
        func renderSequence(_ sequence: Node.Sequence, span: Range<Int>, shape: Shape?, column: Int) -> [String] {
            let items = Array(sequence)
            let itemShape: Shape? = { if case .list(let item, _)? = shape { return item } else { return nil } }()
            // Each item's dash: the last `-` before its content on the content's line.
            var starts: [Int] = [], dashes: [Int] = []
            for item in items {
                guard let mark = item.mark else { return shifted(span, by: 0) }
                let line = mark.line - 1
                let prefix = Array(lines[line].unicodeScalars.prefix(mark.column - 1))
                guard let dash = prefix.lastIndex(of: "-"), prefix[..<dash].allSatisfy({ $0 == " " }) else {
                    // Content below its dash, or a nested `- - x`: moved as one block.
                    return shifted(span, by: column - (Self.firstDash(lines[span], default: column)))
                }
                starts.append(line)
                dashes.append(dash)
            }
            guard let dash = dashes.first, dashes.allSatisfy({ $0 == dash }), zip(starts, starts.dropFirst()).allSatisfy({ $0 < $1 }),
                  let first = starts.first, span.contains(first)
            else { return shifted(span, by: column - Self.firstDash(lines[span], default: column)) }
            var out = shifted(span.lowerBound..<first, by: column - dash)
            let spans = entrySpans(starts: starts, span: span, column: dash)
            for (index, item) in items.enumerated() {
                let entry = spans[index], line = starts[index]
                out += shifted(entry.lowerBound..<line, by: column - dash)
                let itemSpan = line..<entry.upperBound
                if case .mapping(let mapping) = item, isBlock(item) {
                    var (laid, firstKey) = renderMapping(mapping, span: itemSpan, shape: itemShape, column: column + 2)
                    // Lines the new first key carries above it go above the dash, at its column.
                    out += laid[..<firstKey].map { Self.shifted($0, by: -2) }
                    laid[firstKey] = String(repeating: " ", count: column) + "- " + laid[firstKey].dropFirst(column + 2)
                    out += laid[firstKey...]
                } else {
                    out += shifted(itemSpan, by: column - dash)
                }
            }
            return out
        }

        static func firstDash(_ lines: ArraySlice<String>, default fallback: Int) -> Int {
            for line in lines where !isCommentOrBlank(line) { return indentation(line) }
            return fallback
        }
    }
}

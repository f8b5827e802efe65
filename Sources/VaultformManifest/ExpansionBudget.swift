import CYaml  // Yams's libyaml, for its event stream (a module of the Yams package, built with it)

/// Limits on how much a manifest may grow beyond the text written, so a small hostile file
/// (a pull request, a var file) cannot exhaust a CI runner's memory or time.
///
/// The cost arises where YAML aliases are expanded: Yams shares an aliased node, but every
/// later stage (variable substitution, checking, hashing a mapping's keys) walks or copies it
/// once per use, so nine nested aliases of nine items make 387 million nodes from 300 bytes.
/// Variable references multiply the same way: a list variable used a thousand times.
public enum ExpansionBudget {
    /// The largest manifest, var or policy file vaultform reads.
    public static let maxFileBytes = 8 << 20
    /// Nodes that aliases (or variable references) may add beyond those written.
    public static let maxExpandedNodes = 100_000
    /// Bytes of text that aliases (or variable references) may add beyond those written.
    public static let maxExpandedBytes = 4 << 20

    /// The problem with `text`'s aliases, located at the alias that crosses the budget, or
    /// nil when they fit. Runs libyaml's parser over the events only, before anything is
    /// composed: linear in the text, whatever the aliases would expand to. A syntax error
    /// ends the scan quietly; composing reports it.
    static func aliasProblem(in text: String, file: String) -> Diagnostic? {
        // An alias needs an anchor (`&name`) to expand to anything: with no `&` in the text
        // there is none (an alias of no anchor is a composing error), and the scan is skipped.
        // Policies' `path "kv/*"` make `*` common; `&` is rare.
        guard text.utf8.contains(UInt8(ascii: "&")), text.utf8.contains(UInt8(ascii: "*")) else { return nil }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer -> Diagnostic? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var scan = Scan()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_SCALAR_EVENT:
                    scan.add(Size(nodes: 1, bytes: Int(event.data.scalar.length)), anchor: event.data.scalar.anchor)
                case YAML_SEQUENCE_START_EVENT:
                    scan.open(anchor: event.data.sequence_start.anchor)
                case YAML_MAPPING_START_EVENT:
                    scan.open(anchor: event.data.mapping_start.anchor)
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    scan.close()
                case YAML_ALIAS_EVENT:
                    guard let anchor = event.data.alias.anchor else { continue }
                    let size = scan.anchors[String(cString: anchor)] ?? Size(nodes: 1, bytes: 0)
                    scan.aliased.nodes += size.nodes
                    scan.aliased.bytes += size.bytes
                    scan.add(size, anchor: nil)
                    if scan.aliased.nodes > maxExpandedNodes || scan.aliased.bytes > maxExpandedBytes {
                        let mark = event.start_mark
                        return .error(
                            "YAML aliases expand this file past \(maxExpandedNodes) nodes or \(maxExpandedBytes >> 20) MiB beyond what is written; vaultform refuses it (an alias bomb?)",
                            at: SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1),
                            hint: "write the repeated values out, or alias smaller parts")
                    }
                default:
                    continue
                }
            }
        }
    }

    /// The size a node expands to: itself and everything under it, aliases followed.
    struct Size {
        var nodes = 0
        var bytes = 0
    }

    /// The collections being read and the expanded size of every anchor seen so far.
    private struct Scan {
        var anchors: [String: Size] = [:]
        var open: [(anchor: String?, size: Size)] = []
        var aliased = Size()

        mutating func open(anchor: UnsafeMutablePointer<yaml_char_t>?) {
            open.append((anchor.map { String(cString: $0) }, Size(nodes: 1, bytes: 0)))
        }

        mutating func close() {
            guard let last = open.popLast() else { return }
            record(last.size, anchor: last.anchor)
        }

        mutating func add(_ size: Size, anchor: UnsafeMutablePointer<yaml_char_t>?) {
            record(size, anchor: anchor.map { String(cString: $0) })
        }

        private mutating func record(_ size: Size, anchor: String?) {
            if let anchor { anchors[anchor] = size }
            if !open.isEmpty {
                open[open.count - 1].size.nodes += size.nodes
                open[open.count - 1].size.bytes += size.bytes
            }
        }
    }
}

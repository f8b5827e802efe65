import Foundation
import Yams

/// A YAML value after it has been checked against its `Shape`: typed, and located.
indirect enum Checked: Sendable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case duration(TimeSpan)
    case cidr(CIDR)
    case list([Located<Checked>])
    case object(CheckedObject)
    /// Any value, typed as JSON would be (`Shape.anyData`).
    case data(DataValue)
}

/// A checked map: each present, well-typed key with its value and where the key was written.
struct CheckedObject: Sendable {
    var location: SourceLocation
    var values: [String: Located<Checked>] = [:]
    var keyLocations: [String: SourceLocation] = [:]
    /// Keys in the order written (maps with free keys keep their order).
    var order: [String] = []

    func has(_ key: String) -> Bool { keyLocations[key] != nil }
    func location(of key: String) -> SourceLocation { keyLocations[key] ?? location }

    func string(_ key: String) -> String? {
        if case .string(let text)? = values[key]?.value { return text }
        return nil
    }
    func locatedString(_ key: String) -> Located<String>? {
        guard let value = values[key], case .string(let text) = value.value else { return nil }
        return Located(text, at: value.location)
    }
    func integer(_ key: String) -> Int? {
        if case .integer(let number)? = values[key]?.value { return number }
        return nil
    }
    func boolean(_ key: String) -> Bool? {
        if case .boolean(let flag)? = values[key]?.value { return flag }
        return nil
    }
    func duration(_ key: String) -> TimeSpan? {
        if case .duration(let duration)? = values[key]?.value { return duration }
        return nil
    }
    func object(_ key: String) -> CheckedObject? {
        if case .object(let object)? = values[key]?.value { return object }
        return nil
    }
    func list(_ key: String) -> [Located<Checked>]? {
        if case .list(let items)? = values[key]?.value { return items }
        return nil
    }
    func strings(_ key: String) -> [Located<String>]? {
        list(key)?.compactMap { item in
            if case .string(let text) = item.value { return Located(text, at: item.location) }
            return nil
        }
    }
    func cidrs(_ key: String) -> [Located<CIDR>]? {
        list(key)?.compactMap { item in
            if case .cidr(let cidr) = item.value { return Located(cidr, at: item.location) }
            return nil
        }
    }
    /// A map of scalars kept as text (options).
    func textMap(_ key: String) -> [String: String]? {
        guard let map = object(key) else { return nil }
        var result: [String: String] = [:]
        for (name, value) in map.values {
            if case .string(let text) = value.value { result[name] = text }
        }
        return result
    }
    /// The objects of a free-key map, in the order written.
    func namedObjects(_ key: String) -> [(name: Located<String>, object: CheckedObject)] {
        guard let map = object(key) else { return [] }
        return map.order.compactMap { name in
            guard case .object(let object)? = map.values[name]?.value else { return nil }
            return (Located(name, at: map.location(of: name)), object)
        }
    }
}

/// Walks a composed YAML node against a shape, collecting every problem instead of stopping
/// at the first, and returns the typed value of whatever was well-formed.
struct Checker {
    let file: String
    /// Positions where a `${var.NAME}` reference was replaced, with a note on the value's origin.
    var substitutions: [Position: String] = [:]
    /// Positions of references that already failed (undefined variable, bad value): their
    /// raw `${var.NAME}` text is not checked again, so one mistake gives one error.
    var suppressed: Set<Position> = []
    private(set) var diagnostics: [Diagnostic] = []
    /// Whether a long list of objects may be checked on several threads; false inside one of
    /// its parts, so only the outermost such list is split.
    var splitsLongLists = true

    struct Position: Hashable { var line: Int; var column: Int }

    /// A list of objects at least this long is checked in parts on several threads.
    static let splitListLength = 128

    init(file: String, substitutions: [Position: String] = [:]) {
        self.file = file
        self.substitutions = substitutions
    }

    func location(of node: Node) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    mutating func report(_ message: String, at node: Node, hint: String? = nil) {
        report(message, at: location(of: node), hint: hint)
    }

    mutating func report(_ message: String, at location: SourceLocation, hint: String? = nil) {
        if suppressed.contains(Position(line: location.line, column: location.column)) { return }
        var related: [Diagnostic.RelatedLocation] = []
        if let origin = substitutions[Position(line: location.line, column: location.column)] {
            related.append(.init(origin, at: location))
        }
        diagnostics.append(.error(message, at: location, hint: hint, related: related))
    }

    /// Checks `node` against `shape`; `context` names the key for messages ("`token_ttl`").
    mutating func check(_ node: Node, against shape: Shape, context: String) -> Located<Checked>? {
        let here = location(of: node)
        if case .alias = node {
            report("YAML aliases are not supported in manifests", at: node)
            return nil
        }
        switch shape {
        case .string(let rule):
            guard let text = scalarText(node, expecting: shape, context: context) else { return nil }
            if let problem = rule.problem(with: text) {
                report("\(context) \(problem)", at: node)
                return nil
            }
            return Located(.string(text), at: here)

        case .scalarText:
            guard let text = scalarText(node, expecting: shape, context: context) else { return nil }
            return Located(.string(text), at: here)

        case .integer(let min, let max):
            guard let text = scalarText(node, expecting: shape, context: context) else { return nil }
            guard let number = Checker.integer(text) else {
                report("\(context) must be \(shape.expectation), not `\(text)`", at: node)
                return nil
            }
            if let min, number < min {
                report("\(context) must be \(shape.expectation), not \(number)", at: node)
                return nil
            }
            if let max, number > max {
                report("\(context) must be \(shape.expectation), not \(number)", at: node)
                return nil
            }
            return Located(.integer(number), at: here)

        case .boolean:
            guard let text = scalarText(node, expecting: shape, context: context) else { return nil }
            switch text {
            case "true": return Located(.boolean(true), at: here)
            case "false": return Located(.boolean(false), at: here)
            default:
                let lower = text.lowercased()
                let hint: String? =
                    ["yes", "on", "y", "True", "TRUE"].contains(text) || lower == "true" ? "write `true`"
                    : ["no", "off", "n", "False", "FALSE"].contains(text) || lower == "false" ? "write `false`" : nil
                report("\(context) must be `true` or `false`, not `\(text)`", at: node, hint: hint)
                return nil
            }

        case .duration:
            guard let text = scalarText(node, expecting: shape, context: context) else { return nil }
            switch TimeSpan.parse(text) {
            case .success(let duration): return Located(.duration(duration), at: here)
            case .failure(let error):
                report("\(context): `\(text)` is not a duration: \(error)", at: node,
                       hint: "write a duration such as `30m`, `1h30m`, `720h`, `7d` or a number of seconds")
                return nil
            }

        case .cidr:
            guard let text = scalarText(node, expecting: shape, context: context) else { return nil }
            switch CIDR.parse(text) {
            case .success(let cidr): return Located(.cidr(cidr), at: here)
            case .failure(let error):
                report("\(context): `\(text)` is not a valid CIDR: \(error)", at: node)
                return nil
            }

        case .oneOf(let words):
            guard let text = scalarText(node, expecting: shape, context: context) else { return nil }
            guard words.contains(text) else {
                report("\(context) must be \(shape.expectation), not `\(text)`", at: node,
                       hint: Suggestion.hint(for: text, in: words))
                return nil
            }
            return Located(.string(text), at: here)

        case .list(let itemShape, let unique):
            guard case .sequence(let sequence) = node else {
                report("\(context) must be \(shape.expectation)", at: node, hint: listHint(node))
                return nil
            }
            if !unique, case .object = itemShape, splitsLongLists, sequence.count >= Self.splitListLength {
                // A list of objects keeps its good objects whether or not some failed (below).
                return Located(.list(checkInParts(Array(sequence), against: itemShape, context: "an item of \(context)")), at: here)
            }
            var items: [Located<Checked>] = []
            var seen: [String: SourceLocation] = [:]
            var failed = false
            for child in sequence {
                if unique, case .scalar(let scalar) = child {
                    if let first = seen[scalar.string] {
                        diagnostics.append(.error(
                            "\(context) lists `\(scalar.string)` twice", at: location(of: child),
                            related: [.init("first listed here", at: first)]))
                        failed = true
                        continue
                    }
                    seen[scalar.string] = location(of: child)
                }
                if let item = check(child, against: itemShape, context: "an item of \(context)") {
                    items.append(item)
                } else {
                    failed = true
                }
            }
            // A list of values with a bad item is dropped whole, so later checks do not pile up
            // on half a list; a list of objects keeps its good objects, so siblings still count.
            if failed, case .object = itemShape { return Located(.list(items), at: here) }
            return failed ? nil : Located(.list(items), at: here)

        case .map(let valueShape):
            guard case .mapping(let mapping) = node else {
                report("\(context) must be \(shape.expectation)", at: node)
                return nil
            }
            var object = CheckedObject(location: here)
            for (keyNode, valueNode) in mapping {
                guard let key = keyText(keyNode) else { continue }
                object.keyLocations[key] = location(of: keyNode)
                object.order.append(key)
                if let value = check(valueNode, against: valueShape, context: "`\(key)`") { object.values[key] = value }
            }
            return Located(.object(object), at: here)

        case .object(let objectShape):
            return checkObject(node, objectShape, context: context).map { Located(.object($0), at: here) }

        case .anyData:
            return data(node, context: context).map { Located(.data($0), at: here) }

        case .anyValue:
            switch node {
            case .scalar(let scalar):
                return Located(.string(scalar.string), at: here)
            case .sequence(let sequence):
                var items: [Located<Checked>] = []
                for child in sequence {
                    if let item = check(child, against: .scalarText, context: "an item of \(context)") { items.append(item) }
                }
                return Located(.list(items), at: here)
            default:
                report("\(context) must be \(shape.expectation)", at: node)
                return nil
            }
        }
    }

    /// Any YAML value as JSON would type it: a quoted scalar is text, a plain one a number,
    /// boolean or null when it reads as one.
    private mutating func data(_ node: Node, context: String) -> DataValue? {
        switch node {
        case .scalar(let scalar):
            return scalar.style == .plain ? DataValue.plain(scalar.string) : .text(scalar.string)
        case .sequence(let sequence):
            var items: [DataValue] = []
            for child in sequence {
                guard let item = data(child, context: "an item of \(context)") else { return nil }
                items.append(item)
            }
            return .list(items)
        case .mapping(let mapping):
            var members: [String: DataValue] = [:]
            for (keyNode, valueNode) in mapping {
                guard let key = keyText(keyNode) else { return nil }
                guard let value = data(valueNode, context: "`\(key)`") else { return nil }
                members[key] = value
            }
            return .map(members)
        case .alias:
            report("YAML aliases are not supported in manifests", at: node)
            return nil
        }
    }

    /// Checks each of `nodes` against `shape` as the serial loop does, in contiguous parts on
    /// the machine's cores (a manifest of a thousand policies and a thousand roles spends a
    /// fifth of its load here): each part with its own copy of this checker, its results and
    /// diagnostics joined in the list's order, so the outcome is the serial one exactly.
    private mutating func checkInParts(_ nodes: [Node], against shape: Shape, context: String) -> [Located<Checked>] {
        var base = self
        base.diagnostics = []
        base.splitsLongLists = false
        // Yams' nodes are not Sendable: their tags resolve lazily, which checking never asks
        // for (it reads text, styles and marks), and each part reads only its own nodes.
        let input = UncheckedInput(nodes: nodes, checker: base)
        let parts = Parts.map(count: nodes.count) { range in
            var checker = input.checker
            let items = input.nodes[range].compactMap { checker.check($0, against: shape, context: context) }
            return (items: items, diagnostics: checker.diagnostics)
        }
        diagnostics += parts.flatMap(\.diagnostics)
        return parts.flatMap(\.items)
    }

    private struct UncheckedInput: @unchecked Sendable {
        let nodes: [Node]
        let checker: Checker
    }

    mutating func checkObject(_ node: Node, _ shape: ObjectShape, context: String) -> CheckedObject? {
        guard case .mapping(let mapping) = node else {
            report("\(context) must be \(Shape.object(shape).expectation)", at: node,
                   hint: node.isNullScalar ? "give it keys, or remove it" : nil)
            return nil
        }
        var object = CheckedObject(location: location(of: node))
        for (keyNode, valueNode) in mapping {
            guard let key = keyText(keyNode) else { continue }
            guard let field = shape.field(key) else {
                report("unknown key `\(key)` in \(shape.title)", at: keyNode,
                       hint: Suggestion.hint(for: key, in: shape.fields.map(\.key))
                        ?? "known keys: " + shape.fields.map(\.key).joined(separator: ", "))
                continue
            }
            object.keyLocations[key] = location(of: keyNode)
            object.order.append(key)
            if let value = check(valueNode, against: field.shape, context: "`\(key)`") { object.values[key] = value }
        }
        for field in shape.fields where field.required && object.keyLocations[field.key] == nil {
            report("\(shape.title) is missing the required key `\(field.key)`", at: object.location)
        }
        for group in shape.exactlyOneOf {
            let present = group.filter { object.keyLocations[$0] != nil }
            if present.isEmpty {
                report("\(shape.title) needs one of " + group.map { "`\($0)`" }.joined(separator: ", "), at: object.location)
            } else if present.count > 1 {
                report("\(shape.title) takes only one of " + present.map { "`\($0)`" }.joined(separator: ", "),
                       at: object.location(of: present[1]))
            }
        }
        for group in shape.atMostOneOf {
            let present = group.filter { object.keyLocations[$0] != nil }
            if present.count > 1 {
                report("\(shape.title) takes only one of " + present.map { "`\($0)`" }.joined(separator: ", "),
                       at: object.location(of: present[1]))
            }
        }
        return object
    }

    private mutating func keyText(_ node: Node) -> String? {
        guard case .scalar(let scalar) = node else {
            report("keys must be plain words", at: node)
            return nil
        }
        return scalar.string
    }

    private mutating func scalarText(_ node: Node, expecting shape: Shape, context: String) -> String? {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
                report("\(context) has no value; expected \(shape.expectation)", at: node,
                       hint: "give it a value, or remove the key")
                return nil
            }
            return scalar.string
        case .sequence:
            report("\(context) must be \(shape.expectation), not a list", at: node)
            return nil
        case .mapping:
            report("\(context) must be \(shape.expectation), not a map", at: node)
            return nil
        case .alias:
            report("YAML aliases are not supported in manifests", at: node)
            return nil
        }
    }

    private func listHint(_ node: Node) -> String? {
        if case .scalar(let scalar) = node, !scalar.string.isEmpty { return "write `[\(scalar.string)]` for a list of one" }
        return nil
    }

    /// Decimal integers, with an optional sign; YAML 1.1's octal (`0123`) is not special here.
    static func integer(_ text: String) -> Int? {
        let trimmed = String(text.trimmingSpaces)
        guard !trimmed.isEmpty else { return nil }
        let digits = trimmed.hasPrefix("-") || trimmed.hasPrefix("+") ? trimmed.dropFirst() : Substring(trimmed)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int(trimmed)
    }
}

extension Node {
    var isNullScalar: Bool {
        if case .scalar(let scalar) = self {
            return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
        }
        return false
    }
}

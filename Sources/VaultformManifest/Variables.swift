import Foundation
import Yams

/// The type of a manifest variable, which decides what its values may be.
public enum VariableType: String, Sendable, CaseIterable {
    case string, integer, boolean, list
}

/// Values for variables from outside the manifest, lowest precedence first after the
/// defaults: the environment, then var files in order, then `--var` assignments.
public struct VariableInputs: Sendable {
    /// The process environment; only `VAULTFORM_VAR_NAME` entries are read.
    public var environment: [String: String]
    /// YAML files mapping variable names to values, in the order given.
    public var varFiles: [String]
    /// `NAME=VALUE` assignments from the command line, in the order given.
    public var assignments: [String]

    /// Inputs; all empty by default, so a manifest is validated with its defaults alone.
    public init(environment: [String: String] = [:], varFiles: [String] = [], assignments: [String] = []) {
        self.environment = environment
        self.varFiles = varFiles
        self.assignments = assignments
    }

    /// The environment prefix that sets a variable, like Terraform's `TF_VAR_`.
    public static let environmentPrefix = "VAULTFORM_VAR_"
}

/// A declared variable and the value it resolved to.
struct Variable {
    var name: String
    var type: VariableType
    var declaredAt: SourceLocation
    /// The value node and a phrase naming where it came from, for notes on diagnostics.
    var value: (node: Node, origin: String)?
    /// A value was given but was wrong; that was reported, so uses stay quiet.
    var failed = false
}

/// Declares variables, picks each one's value by precedence, and replaces `${var.NAME}`
/// references in manifest nodes.
struct VariableResolver {
    private(set) var variables: [String: Variable] = [:]
    private(set) var diagnostics: [Diagnostic] = []
    /// What substitutions have added so far: each use of a list copies it, and each use in a
    /// longer string copies the value's text, so both are held to `ExpansionBudget`.
    private var expanded = ExpansionBudget.Size()
    /// The budget was crossed and reported; later references stay as written.
    private var overBudget = false

    mutating func declare(name: Located<String>, object: CheckedObject, defaultNode: Node?, defaultLocation: SourceLocation?) {
        if let existing = variables[name.value] {
            diagnostics.append(.error(
                "variable `\(name.value)` is declared twice", at: name.location,
                related: [.init("first declared here", at: existing.declaredAt)]))
            return
        }
        let type = object.string("type").flatMap(VariableType.init(rawValue:)) ?? .string
        var variable = Variable(name: name.value, type: type, declaredAt: name.location)
        if let defaultNode, let defaultLocation {
            if let problem = Self.problem(with: defaultNode, as: type) {
                diagnostics.append(.error("the default of variable `\(name.value)` \(problem)", at: defaultLocation))
                variable.failed = true
            } else {
                variable.value = (defaultNode, "its default at \(defaultLocation)")
            }
        }
        variables[name.value] = variable
    }

    /// Applies the environment, var files and assignments over the defaults.
    mutating func apply(_ inputs: VariableInputs) {
        for (key, text) in inputs.environment.sorted(by: { $0.key < $1.key })
        where key.hasPrefix(VariableInputs.environmentPrefix) {
            let name = String(key.dropFirst(VariableInputs.environmentPrefix.count))
            guard variables[name] != nil else { continue }  // the environment is shared; others' names are not errors
            set(name, text: text, origin: "environment variable \(key)")
        }
        for file in inputs.varFiles { applyVarFile(file) }
        for assignment in inputs.assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                diagnostics.append(.error("`--var \(assignment)` is not NAME=VALUE", at: nil))
                continue
            }
            let name = String(assignment[..<equals])
            guard variables[name] != nil else {
                diagnostics.append(.error("`--var \(name)=…` sets an undeclared variable", at: nil,
                                          hint: Suggestion.hint(for: name, in: variables.keys)))
                continue
            }
            set(name, text: String(assignment[assignment.index(after: equals)...]), origin: "--var \(name)")
        }
    }

    private mutating func set(_ name: String, text: String, origin: String) {
        guard let variable = variables[name] else { return }
        // A value from the environment or a flag is YAML, so lists can be written `[a, b]`.
        var node: Node
        if let problem = ExpansionBudget.aliasProblem(in: text, file: origin) {
            diagnostics.append(.error("\(origin): \(problem.message)", at: nil))
            variables[name]?.failed = true
            return
        }
        do {
            node = try Yams.compose(yaml: text, .basic) ?? Node.scalar(.init(""))
        } catch {
            node = Node.scalar(.init(text))
        }
        if variable.type == .list, case .scalar(let scalar) = node {
            let items = scalar.string.split(separator: ",").map { Node.scalar(.init($0.trimmingCharacters(in: .whitespaces))) }
            node = Node.sequence(.init(items))
        }
        if variable.type == .string, case .scalar = node { node = Node.scalar(.init(text)) }
        if let problem = Self.problem(with: node, as: variable.type) {
            diagnostics.append(.error("\(origin) \(problem) (variable `\(name)` is a \(variable.type.rawValue))", at: nil))
            variables[name]?.failed = true
            return
        }
        variables[name]?.value = (node, origin)
        variables[name]?.failed = false
    }

    private mutating func applyVarFile(_ path: String) {
        let text: String
        switch ManifestLoader.readText(path) {
        case .success(let read): text = read
        case .failure(let failure):
            diagnostics.append(.error("cannot read var file \(path): \(failure.reason)", at: nil))
            return
        }
        let root: Node
        switch YAMLSource.compose(text, file: path) {
        case .failure(let diagnostic):
            diagnostics.append(diagnostic)
            return
        case .success(nil):
            return  // an empty var file sets nothing
        case .success(let node?):
            root = node
        }
        let checker = Checker(file: path)
        guard case .mapping(let mapping) = root else {
            diagnostics.append(.error("a var file must map variable names to values", at: checker.location(of: root)))
            return
        }
        for (keyNode, valueNode) in mapping {
            let name = keyNode.scalar?.string ?? ""
            let keyLocation = checker.location(of: keyNode)
            guard let variable = variables[name] else {
                diagnostics.append(.error("`\(name)` is not a declared variable", at: keyLocation,
                                          hint: Suggestion.hint(for: name, in: variables.keys)))
                continue
            }
            if let problem = Self.problem(with: valueNode, as: variable.type) {
                diagnostics.append(.error("`\(name)` \(problem)", at: checker.location(of: valueNode)))
                variables[name]?.failed = true
                continue
            }
            variables[name]?.value = (valueNode, "\(path):\(keyLocation.line):\(keyLocation.column)")
            variables[name]?.failed = false
        }
    }

    /// Why `node` is not a value of `type`, or nil.
    static func problem(with node: Node, as type: VariableType) -> String? {
        switch (type, node) {
        case (.list, .sequence(let sequence)):
            return sequence.contains(where: { $0.scalar == nil }) ? "must be a list of single values" : nil
        case (.list, _):
            return "must be a list"
        case (_, .scalar(let scalar)):
            switch type {
            case .integer: return Checker.integer(scalar.string) == nil ? "must be an integer, not `\(scalar.string)`" : nil
            case .boolean: return ["true", "false"].contains(scalar.string) ? nil : "must be `true` or `false`, not `\(scalar.string)`"
            default: return nil
            }
        default:
            return "must be a single \(type.rawValue), not a \(node.sequence != nil ? "list" : "map")"
        }
    }

    /// Replaces every `${var.NAME}` in `node`, recording where substitutions happened.
    mutating func substitute(_ node: Node, checker: inout Checker) -> Node {
        switch node {
        case .scalar(let scalar):
            guard Self.mayReference(scalar.string) else { return node }
            return substitute(scalar, checker: &checker)
        case .sequence(let sequence):
            return .sequence(.init(sequence.map { substitute($0, checker: &checker) }, sequence.tag, sequence.style, sequence.mark))
        case .mapping(let mapping):
            let pairs = mapping.map { ($0.key, substitute($0.value, checker: &checker)) }
            return .mapping(.init(pairs, mapping.tag, mapping.style, mapping.mark))
        case .alias:
            return node
        }
    }

    private mutating func substitute(_ scalar: Node.Scalar, checker: inout Checker) -> Node {
        let node = Node.scalar(scalar)
        let location = checker.location(of: node)
        let position = Checker.Position(line: location.line, column: location.column)
        let text = scalar.string
        var output = ""
        var index = text.startIndex
        var references: [String] = []
        while index < text.endIndex {
            if text[index...].hasPrefix("$${") {
                output += "${"
                index = text.index(index, offsetBy: 3)
                continue
            }
            guard text[index...].hasPrefix("${") else {
                output.append(text[index])
                index = text.index(after: index)
                continue
            }
            guard let close = text[index...].firstIndex(of: "}") else {
                diagnostics.append(.error("`${` is not closed with `}`", at: location, hint: "write `$${` for a literal `${`"))
                checker.suppressed.insert(position)
                return node
            }
            let inner = String(text[text.index(index, offsetBy: 2)..<close]).trimmingCharacters(in: .whitespaces)
            index = text.index(after: close)
            guard inner.hasPrefix("var."), inner.count > 4 else {
                diagnostics.append(.error("`${\(inner)}` is not a reference vaultform knows", at: location,
                                          hint: "variables are written `${var.NAME}`; write `$${` for a literal `${`"))
                checker.suppressed.insert(position)
                return node
            }
            let name = String(inner.dropFirst(4))
            guard let variable = variables[name] else {
                diagnostics.append(.error("undefined variable `\(name)`", at: location,
                                          hint: Suggestion.hint(for: name, in: variables.keys)
                                            ?? "declare it under `variables:`"))
                checker.suppressed.insert(position)
                return node
            }
            if variable.failed {
                checker.suppressed.insert(position)
                return node
            }
            guard let value = variable.value else {
                diagnostics.append(.error(
                    "variable `\(name)` has no value", at: location,
                    hint: "give it a default, set \(VariableInputs.environmentPrefix)\(name), or pass it with --var-file or --var",
                    related: [.init("declared here", at: variable.declaredAt)]))
                checker.suppressed.insert(position)
                return node
            }
            references.append(name)
            let isWhole = output.isEmpty && index == text.endIndex && references.count == 1
            if !overBudget {
                expanded.nodes += isWhole ? Self.nodeCount(value.node) : 0
                expanded.bytes += value.node.scalar?.string.utf8.count ?? 0
            }
            if overBudget || expanded.nodes > ExpansionBudget.maxExpandedNodes || expanded.bytes > ExpansionBudget.maxExpandedBytes {
                // Reported once, at the reference that crossed the budget; the rest stay as written.
                if !overBudget {
                    diagnostics.append(.error(
                        "variable references expand the manifest past \(ExpansionBudget.maxExpandedNodes) nodes or \(ExpansionBudget.maxExpandedBytes >> 20) MiB beyond what is written; vaultform refuses it",
                        at: location, hint: "use the variable in fewer places, or make its value smaller"))
                }
                overBudget = true
                checker.suppressed.insert(position)
                return node
            }
            if isWhole {
                checker.substitutions[position] = "the value comes from variable `\(name)`, set by \(value.origin)"
                return Self.relocate(value.node, to: scalar.mark)
            }
            guard case .scalar(let valueScalar) = value.node else {
                diagnostics.append(.error("variable `\(name)` is a list and cannot be part of a longer string", at: location))
                checker.suppressed.insert(position)
                return node
            }
            output += valueScalar.string
        }
        if !references.isEmpty {
            let names = references.map { "`\($0)`" }.joined(separator: ", ")
            checker.substitutions[position] = "the value is built from variable \(names)"
        }
        // The reference's own tag, not `.implicit`: Yams builds a new tag and constructor (three
        // dictionaries, about 1.5 KB) for each `.implicit`, which made every substitution costly.
        return .scalar(.init(output, scalar.tag, .doubleQuoted, scalar.mark))
    }

    /// Whether text holds `${` (a reference or an escape); a byte scan, since this runs on every scalar.
    static func mayReference(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if previous == UInt8(ascii: "$"), byte == UInt8(ascii: "{") { return true }
            previous = byte
        }
        return false
    }

    /// The nodes in `node`, itself included (a variable's value: a scalar or a list of them).
    private static func nodeCount(_ node: Node) -> Int {
        switch node {
        case .scalar, .alias: 1
        case .sequence(let sequence): 1 + sequence.reduce(0) { $0 + nodeCount($1) }
        case .mapping(let mapping): 1 + mapping.reduce(0) { $0 + nodeCount($1.value) + 1 }
        }
    }

    /// A copy of a variable's value node placed at the reference, so later messages point there.
    private static func relocate(_ node: Node, to mark: Mark?) -> Node {
        switch node {
        case .scalar(let scalar):
            // Keep plain style only for plain values, so `null`-looking strings stay strings.
            return .scalar(.init(scalar.string, scalar.tag, scalar.style == .plain ? .plain : .doubleQuoted, mark))
        case .sequence(let sequence):
            return .sequence(.init(sequence.map { relocate($0, to: mark) }, sequence.tag, sequence.style, mark))
        case .mapping(let mapping):
            return .mapping(.init(mapping.map { ($0.key, relocate($0.value, to: mark)) }, mapping.tag, mapping.style, mark))
        case .alias:
            return node
        }
    }
}

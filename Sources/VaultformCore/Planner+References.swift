/// Objects that name other objects (`KindDefinition.references`: a group's members, an
/// alias's entity and auth method) by their server identifiers, which the planner never sees.
extension Planner {
    /// `operations` with every object that names an object the plan re-creates written
    /// again: the re-created object gets a new identifier (an auth method a new accessor, a
    /// group a new ID), so what named the old one must name the new. A field whose rule is
    /// to replace (an alias's auth method) replaces its object; any other field is rewritten.
    /// `unchanged` loses the objects that are now written.
    static func rewritingReferences(
        _ operations: [Operation], desired: DesiredState, live: LiveState, unchanged: inout [Address]
    ) -> [Operation] {
        let recreated = Set(operations.filter { $0.action == .replace }.map(\.address))
        guard !recreated.isEmpty else { return operations }
        var result = operations
        let positions = Dictionary(result.enumerated().map { ($1.address, $0) }, uniquingKeysWith: { first, _ in first })
        var added: [Operation] = []
        for entry in desired.entries {
            let kind = entry.address.kind
            let named = referencesInside(entry.resource)
            let fields = named.keys.sorted().filter { field in named[field]?.contains { recreated.contains($0) && $0 != entry.address } ?? false }
            // An object the server lacks is created anyway; one the plan is unsure of is left alone.
            guard !fields.isEmpty, let current = live.resources[entry.address] else { continue }
            guard unchanged.contains(entry.address) || positions[entry.address].map({ result[$0].action == .update }) == true else { continue }
            var operation = positions[entry.address].map { result[$0] }
                ?? Operation(address: entry.address, action: .noop, changes: [], location: entry.location, desired: entry.resource)
            for field in fields where !operation.changes.contains(where: { $0.field == field }) {
                var change = FieldChange(field: field, before: current.fields[field], after: entry.resource.fields[field])
                if case .replace = kind.changeRule(for: field) {
                    let names = (named[field] ?? []).filter(recreated.contains).map(\.description).joined(separator: ", ")
                    change.forcesReplacement = "it names \(names), which the plan re-creates with a new server identifier"
                }
                operation.changes.append(change)
            }
            operation.changes.sort { String.byteOrder($0.field, $1.field) }
            operation.action = operation.changes.contains { $0.forcesReplacement != nil } ? .replace : .update
            if let position = positions[entry.address] { result[position] = operation } else { added.append(operation) }
            unchanged.removeAll { $0 == entry.address }
        }
        return (result + added).sorted { $0.address < $1.address }
    }

    /// The objects `resource` names, by field, addressed in its namespace: a kind names them
    /// as its own namespace knows them (a group's members are in the group's namespace).
    static func referencesInside(_ resource: Resource) -> [String: [Address]] {
        let named = resource.address.kind.definition.references(resource)
        guard !resource.address.namespace.isEmpty else { return named }
        return named.mapValues { $0.map { $0.inside(resource.address.namespace) } }
    }

    /// `operations` ordered so that each comes after the operations on the objects it names
    /// (a group after the member groups created in the same apply), otherwise in their order.
    /// A cycle keeps the order it meets (the server refuses cyclic membership anyway).
    static func orderedByReferences(_ operations: [Operation]) -> [Operation] {
        let positions = Dictionary(operations.enumerated().map { ($1.address, $0) }, uniquingKeysWith: { first, _ in first })
        var placed = Set<Int>(), visiting = Set<Int>()
        var result: [Operation] = []
        func place(_ index: Int) {
            guard !placed.contains(index), !visiting.contains(index) else { return }
            visiting.insert(index)
            if let desired = operations[index].desired {
                for address in referencesInside(desired).values.joined().sorted() {
                    if let other = positions[address], other != index { place(other) }
                }
            }
            placed.insert(index)
            result.append(operations[index])
        }
        for index in operations.indices { place(index) }
        return result
    }
}

extension Builder {
    /// A generic endpoint entry, or nil when its path is missing or its `delete` is not a recipe.
    mutating func endpoint(_ item: CheckedObject) -> GenericEndpoint? {
        guard let path = item.string("path") else { return nil }
        var locations: [String: SourceLocation] = ["path": item.location(of: "path"), "delete": item.location(of: "delete")]
        var data: [String: DataValue] = [:]
        if let map = item.object("data") {
            for key in map.order {
                guard case .data(let value)? = map.values[key]?.value else { continue }
                data[key] = value
                locations["data.\(key)"] = map.location(of: key)
            }
        }
        let compare = item.strings("compare")
        for key in compare ?? [] { locations["compare.\(key.value)"] = key.location }
        var writeOnly: [String: WriteOnlySource] = [:]
        for (name, object) in item.namedObjects("write_only") {
            locations["write_only.\(name.value)"] = name.location
            if let source = writeOnlySource(object) { writeOnly[name.value] = source }
        }
        let after = item.strings("after") ?? []
        for (index, address) in after.enumerated() { locations["after.\(index)"] = address.location }
        var deletion = EndpointDeletion.request(method: "DELETE", path: path)
        if item.has("delete") {
            guard let recipe = endpointDeletion(item.values["delete"]?.value, at: item.location(of: "delete")) else { return nil }
            deletion = recipe
        }
        return GenericEndpoint(
            path: path, data: data, compare: compare?.map(\.value), writeOnly: writeOnly, delete: deletion,
            after: after.map(\.value), location: item.location, locations: locations)
    }

    /// `never`, or `{path, method}` with a method of DELETE (the default) or POST.
    private mutating func endpointDeletion(_ value: Checked?, at location: SourceLocation) -> EndpointDeletion? {
        let hint = "write `delete: never`, or `delete: {path: PATH, method: DELETE}` (or `POST`)"
        switch value {
        case .data(.text("never"))?:
            return .never
        case .data(.map(let members))?:
            let unknown = members.keys.filter { !["path", "method"].contains($0) }.sorted()
            guard unknown.isEmpty else {
                report(.error("`delete` takes only `path` and `method`, not " + unknown.map { "`\($0)`" }.joined(separator: ", "), at: location, hint: hint))
                return nil
            }
            guard case .text(let path)? = members["path"], !path.isEmpty else {
                report(.error("`delete` needs a `path`", at: location, hint: hint))
                return nil
            }
            var method = "DELETE"
            if let given = members["method"] {
                guard case .text(let text) = given, ["DELETE", "POST"].contains(text) else {
                    report(.error("`delete`'s `method` must be `DELETE` or `POST`", at: location, hint: hint))
                    return nil
                }
                method = text
            }
            return .request(method: method, path: path)
        default:
            report(.error("`delete` must be `never` or a map with `path` (and `method`)", at: location, hint: hint))
            return nil
        }
    }
}

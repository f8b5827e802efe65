extension Validator {
    /// Namespaces: paths the server can hold and addresses can carry (no `:`, so `::`
    /// separates a namespace from the object in an address), each declared once, and each
    /// one's contents checked as a manifest of its own (references resolve inside it).
    mutating func checkNamespaces(_ manifest: inout Manifest) {
        duplicates(manifest.namespaces, key: \.path, location: \.location, what: { "namespace `\($0.path)`" })
        for index in manifest.namespaces.indices {
            let namespace = manifest.namespaces[index]
            if namespace.path.contains(":") {
                report(.error(
                    "namespace path `\(namespace.path)` must not contain `:` (addresses write `NAMESPACE::KIND:NAME`)",
                    at: namespace.location))
            }
            for rule in namespace.contents.ownership where rule.kind == .namespace {
                report(.error(
                    "`namespace` ownership belongs at the top level: namespaces are declared and owned there by path",
                    at: rule.location, hint: "write `{ kind: namespace, prefix: \(namespace.path)/ }` under the top-level `ownership`"))
            }
            var inside = Validator()
            inside.validate(&manifest.namespaces[index].contents)
            for diagnostic in inside.diagnostics { report(diagnostic) }
        }
    }
}

/// The database secrets engine's objects: no duplicates, each on a declared database engine,
/// and each role on a connection the manifest declares on that engine.
extension Validator {
    mutating func checkDatabase(_ manifest: Manifest) {
        func once<T>(_ items: [T], key: (T) -> String, location: (T) -> SourceLocation, what: (T) -> String) {
            var seen: [String: SourceLocation] = [:]
            for item in items {
                if let first = seen[key(item)] {
                    report(.error("\(what(item)) is declared twice", at: location(item), related: [.init("first declared here", at: first)]))
                } else {
                    seen[key(item)] = location(item)
                }
            }
        }
        once(manifest.databaseConnections, key: { "\($0.mount.value)/\($0.name)" }, location: \.location,
             what: { "database connection `\($0.name)` on `\($0.mount.value)`" })
        once(manifest.databaseRoles, key: { "\($0.mount.value)/\($0.name)" }, location: \.location,
             what: { "database role `\($0.name)` on `\($0.mount.value)`" })
        once(manifest.databaseStaticRoles, key: { "\($0.mount.value)/\($0.name)" }, location: \.location,
             what: { "database static role `\($0.name)` on `\($0.mount.value)`" })

        let engines = Dictionary(manifest.secretsEngines.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        func checkMount(_ what: String, _ mount: Located<String>) {
            guard let engine = engines[mount.value] else {
                report(.error(
                    "\(what) is on engine `\(mount.value)`, which the manifest does not declare", at: mount.location,
                    hint: Suggestion.hint(for: mount.value, in: manifest.secretsEngines.filter { $0.type == "database" }.map(\.path))
                        ?? "declare it under `secrets_engines` with `type: database`"))
                return
            }
            if engine.type != "database" {
                report(.error(
                    "\(what) is on `\(engine.path)`, a `\(engine.type)` engine, not a database one", at: mount.location,
                    related: [.init("`\(engine.path)` is declared here", at: engine.typeLocation)]))
            }
        }
        let connections = Set(manifest.databaseConnections.map { "\($0.mount.value)/\($0.name)" })
        func checkConnection(_ what: String, _ mount: Located<String>, _ dbName: Located<String>) {
            guard !connections.contains("\(mount.value)/\(dbName.value)") else { return }
            report(.error(
                "\(what) names connection `\(dbName.value)`, which the manifest does not declare on `\(mount.value)`", at: dbName.location,
                hint: Suggestion.hint(for: dbName.value, in: manifest.databaseConnections.filter { $0.mount.value == mount.value }.map(\.name))
                    ?? "declare it under `database_connections`"))
        }
        for connection in manifest.databaseConnections { checkMount("database connection `\(connection.name)`", connection.mount) }
        for role in manifest.databaseRoles {
            checkMount("database role `\(role.name)`", role.mount)
            checkConnection("database role `\(role.name)`", role.mount, role.dbName)
        }
        for role in manifest.databaseStaticRoles {
            checkMount("database static role `\(role.name)`", role.mount)
            checkConnection("database static role `\(role.name)`", role.mount, role.dbName)
        }
        // A role name is one namespace across dynamic and static roles: the server refuses the second.
        let dynamic = Dictionary(manifest.databaseRoles.map { ("\($0.mount.value)/\($0.name)", $0.location) }, uniquingKeysWith: { a, _ in a })
        for role in manifest.databaseStaticRoles {
            if let other = dynamic["\(role.mount.value)/\(role.name)"] {
                report(.error("`\(role.name)` on `\(role.mount.value)` is both a dynamic and a static role; the server refuses that",
                              at: role.location, related: [.init("the dynamic role is declared here", at: other)]))
            }
        }
    }
}

import VaultAPI
import VaultformCore
import VaultWire

/// The applier's resolver of `ServerReference`s: looks up the identifier of the object at
/// an address (an entity's ID, an auth method's accessor) just before a write needs it, with
/// the lookup its kind defines — a targeted read or two, never a read of the whole server.
/// Identifiers found are kept for the rest of the apply, until an operation on their object
/// (which may delete or re-create it) makes the applier forget them; a miss is never kept,
/// so an object created by a later operation is found then.
actor ServerIdentifiers: ServerLookup {
    let client: VaultClient
    private var known: [Address: String] = [:]
    private var names: ServerNames?

    init(client: VaultClient) {
        self.client = client
    }

    nonisolated func data(_ method: HTTPMethod, _ path: String, body: JSONValue?) async throws -> JSONValue? {
        do {
            return try await client.request(method, path, body: body, idempotent: true).data
        } catch let error as VaultError where error.status == 404 {
            return nil
        }
    }

    func identifier(_ address: Address) async throws -> String? {
        if let id = known[address] { return id }
        guard let lookup = address.kind.definition.identifier else { return nil }
        let id = try await lookup(address, self)
        if let id { known[address] = id }
        return id
    }

    /// Looks up the identifiers of `addresses` now, where they are there; a failed lookup is
    /// left for the write that needs it, which fails with its operation.
    func prefetch(_ addresses: [Address]) async {
        for address in addresses { _ = try? await identifier(address) }
    }

    /// The names IDs and accessors stand for, read once and kept for the apply's read-backs;
    /// `fresh` reads them again (a read-back that disagreed may name what this apply created).
    func names(fresh: Bool, reader: LiveReader) async throws -> ServerNames {
        if !fresh, let names { return names }
        let read = try await reader.readServerNames()
        names = read
        return read
    }

    /// Forgets what an operation on `address` may have changed.
    func forget(_ address: Address) {
        known[address] = nil
    }

    /// `request` with its references filled in; nil when it deletes an object that has no
    /// identifier (it is already gone). A reference to an object the server lacks fails.
    func resolve(_ request: WriteRequest) async throws -> WriteRequest? {
        guard !request.references.isEmpty || request.pathIdentifier != nil else { return request }
        var resolved = request
        if let target = request.pathIdentifier {
            guard let id = try await identifier(target) else {
                if request.method == .delete { return nil }
                throw ApplyError("\(target) is not on the server")
            }
            resolved.path += id
            resolved.pathIdentifier = nil
        }
        guard !request.references.isEmpty else { return resolved }
        var body = request.body?.objectValue ?? [:]
        for (key, reference) in request.references {
            switch reference {
            case .one(let address):
                body[key] = .string(try await required(address))
            case .many(let addresses):
                var ids: [JSONValue] = []
                for address in addresses { ids.append(.string(try await required(address))) }
                body[key] = .array(ids)
            }
        }
        resolved.body = .object(body)
        resolved.references = [:]
        return resolved
    }

    private func required(_ address: Address) async throws -> String {
        guard let id = try await identifier(address) else {
            throw ApplyError("it names \(address), which is not on the server")
        }
        return id
    }
}

import VaultformCore

extension Applier {
    /// Keeps vaultform's record of applied endpoints in step with an operation just carried
    /// out: a written endpoint is recorded with the delete recipe the plan carries, a deleted
    /// (or forgotten) one leaves the record.
    func recordApplied(_ operation: Operation) async throws {
        let records = EndpointRecords(client: state.client, namespace: state.namespace)
        switch operation.action {
        case .delete:
            try await records.setHere(operation.address.name, recipe: nil)
        case .create, .update, .replace:
            guard case .string(let recipe)? = operation.desired?.fields[EndpointKind.deleteField] else {
                throw ApplyError("the plan does not say how \(operation.address) is deleted")
            }
            try await records.setHere(operation.address.name, recipe: recipe)
        case .noop:
            return
        }
    }
}

import VaultformManifest

/// What the server holds of the kinds the manifest can manage, normalised like the desired
/// state. Built only from reads that all succeeded: a failed read is an error, never
/// "nothing there", so no deletion is ever derived from a failure.
public struct LiveState: Sendable {
    /// Every object read, by address.
    public var resources: [Address: Resource]
    /// What was found of each secret a schema describes, by the schema's full path.
    public var secrets: [String: SecretObservation]
    /// Who runs the plan or apply (from `auth/token/lookup-self`), when the token may look
    /// itself up; the planner marks what would lock it out.
    public var identity: ApplyingIdentity?
    /// What each namespace an ownership rule may delete holds (its mounts, auth methods and
    /// policies, built-ins left out), by the namespace's address: the plan lists it.
    public var held: [Address: [String]] = [:]

    /// A live state.
    public init(resources: [Resource] = [], secrets: [String: SecretObservation] = [:]) {
        self.resources = Dictionary(resources.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        self.secrets = secrets
    }
}

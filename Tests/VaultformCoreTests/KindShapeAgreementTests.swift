import Testing
@testable import VaultformCore
@testable import VaultformManifest

/// The manifest's shape (what a manifest may say, VaultformManifest) and the kind registry
/// (what is managed, VaultformCore) name the same fields. The manifest target cannot read the
/// registry (the core depends on it, not the other way), so this test is what keeps a field
/// added to one from being forgotten in the other.
@Suite("The manifest shape agrees with the kind registry")
struct KindShapeAgreementTests {
    /// The object shape a kind's manifest section holds.
    func objectShape(_ definition: KindDefinition) -> ObjectShape? {
        if definition.kind == .kvConfig { return ManifestShape.kvConfig }
        guard let field = ManifestShape.root.fields.first(where: { $0.key == definition.section }),
              case .list(.object(let object), _) = field.shape else { return nil }
        return object
    }

    func object(_ shape: ObjectShape, _ key: String) -> ObjectShape? {
        guard case .object(let object)? = shape.fields.first(where: { $0.key == key })?.shape else { return nil }
        return object
    }

    @Test("every field a manifest can state is a key of its kind's shape, in its block")
    func everyFieldHasAKey() throws {
        for definition in KindRegistry.all where definition.kind != .kvSecret && definition.kind != .policy {
            let shape = try #require(objectShape(definition), "no shape for \(definition.section)")
            for field in definition.fields where field.inManifest {
                let holder = try #require(field.group.map { object(shape, $0) } ?? shape, "\(definition.kind): no `\(field.group ?? "")` block")
                #expect(holder.fields.contains { $0.key == field.name }, "\(definition.kind): `\(field.name)` is managed but a manifest cannot state it")
            }
        }
    }

    /// Managed fields that cannot be left to someone else, because every write of the object
    /// resets them when it leaves them out: a JWT config is replaced whole by each write (so
    /// it has no `ignore_fields`), and a JWT role write resets these four. A CA's `rotate`
    /// steers a plan and is never written, so there is nothing to leave to anyone.
    static let unignorable: [ResourceKind: Set<String>] = [
        .jwtRole: ["role_type", "user_claim", "bound_claims_type", "callback_mode", "oidc_disable_confirmation"],
        .pkiRootCA: ["rotate"], .pkiIntermediateCA: ["rotate"],
    ]

    @Test("`ignore_fields` accepts exactly the kind's managed fields other than its type those every write resets and those a manifest must give")
    func ignorableFieldsAreTheManagedOnes() throws {
        // A Kubernetes config is written whole (a field left out returns to its default), so
        // none of its fields can be left to someone else: its shape has no ignore_fields.
        #expect(ManifestShape.kubernetesConfig.field("ignore_fields") == nil)
        // A quota is written whole too, and a PKI role likewise.
        #expect(ManifestShape.rateLimitQuota.field("ignore_fields") == nil)
        #expect(ManifestShape.pkiRole.field("ignore_fields") == nil)
        #expect(ManifestShape.sshRole.field("ignore_fields") == nil)
        #expect(ManifestShape.totpKey.field("ignore_fields") == nil)
        for definition in KindRegistry.all
        where ![.kvSecret, .policy, .jwtConfig, .kubernetesConfig, .rateLimitQuota, .pkiRole, .sshRole, .totpKey].contains(definition.kind) {
            let shape = try #require(objectShape(definition))
            // A field the manifest must give (an alias's mount and entity) is always set, so never ignored.
            let required = Set(shape.fields.filter(\.required).map(\.key))
            let managed = definition.fields.filter { !required.contains($0.name) }.map(\.name)
                .filter { $0 != "type" && !(Self.unignorable[definition.kind] ?? []).contains($0) }
            guard !managed.isEmpty else {
                #expect(!shape.fields.contains { $0.key == "ignore_fields" }, "\(definition.kind): nothing to ignore")
                continue
            }
            let ignore = try #require(shape.fields.first { $0.key == "ignore_fields" }, "\(definition.kind) has no ignore_fields")
            guard case .list(.oneOf(let names), _) = ignore.shape else {
                Issue.record("\(definition.kind): ignore_fields is not a list of names")
                continue
            }
            #expect(names.sorted() == managed.sorted(), "\(definition.kind)")
        }
    }

    @Test("every ownership word names a kind, and every kind that can be owned has one")
    func ownershipWords() {
        for word in OwnershipRule.Kind.allCases {
            #expect(KindRegistry.definition(owning: word) != nil, "`\(word.rawValue)` owns no kind")
        }
        #expect(Set(KindRegistry.all.compactMap(\.ownership)).count == OwnershipRule.Kind.allCases.count)
    }
}

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
        // A namespace's write replaces its whole custom_metadata: nothing to leave to anyone.
        #expect(ManifestShape.namespace.field("ignore_fields") == nil)
        for definition in KindRegistry.all
        where ![.kvSecret, .policy, .jwtConfig, .kubernetesConfig, .rateLimitQuota, .pkiRole, .sshRole, .totpKey, .namespace].contains(definition.kind) {
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

    /// A manifest with a mount of every type a kind lives on, and one object of most kinds.
    static let everyMount = """
        version: 1
        secrets_engines:
          - { path: m-transit, type: transit }
          - { path: m-pki, type: pki }
          - { path: m-kv, type: kv-v2 }
          - { path: m-db, type: database }
          - { path: m-ssh, type: ssh }
          - { path: m-totp, type: totp }
        auth_methods:
          - { path: a-approle, type: approle }
          - { path: a-k8s, type: kubernetes }
          - { path: a-userpass, type: userpass }
          - { path: a-jwt, type: jwt }
          - { path: a-oidc, type: oidc }
          - { path: a-cert, type: cert }
        """

    @Test("every kind's endpoint, on a mount of a type it lives on, is a path a generic endpoint may not claim")
    func endpointsCannotClaimAKindsPath() throws {
        let manifest = try #require(ManifestLoader().load(sources: [("m.yaml", Self.everyMount)]).manifest)
        let engines = manifest.secretsEngines.map { engine in
            Resource(Address(.secretsEngine, engine.path + "/"), fields: [
                "type": .string(engine.isKVv2 ? "kv" : engine.type), "options": .map(engine.isKVv2 ? ["version": "2"] : [:]),
            ])
        }
        let methods = manifest.authMethods.map { Resource(Address(.authMethod, $0.path + "/"), fields: ["type": .string($0.type)]) }
        for definition in KindRegistry.all where definition.kind != .endpoint {
            var mounts: [String] = [""]
            switch definition.mount {
            case .secretsEngine?: mounts = engines.filter(definition.holds).map { String($0.address.name.dropLast()) }
            case .authMethod?: mounts = methods.filter(definition.holds).map { String($0.address.name.dropLast()) }
            default: break
            }
            // A secret schema's engine is the KV v2 one; an alias's endpoint names no mount.
            if definition.kind == .kvSecret { mounts = ["m-kv"] }
            if !definition.endpoint.contains("MOUNT") { mounts = [""] }
            #expect(!mounts.isEmpty, "\(definition.kind) (\(definition.endpoint)): no mount of its type in the test manifest")
            for mount in mounts {
                var path = Reading.path(definition.endpoint, mount: mount, name: "x")
                    .replacingOccurrences(of: "{urls,crl,cluster}", with: "urls")
                    .replacingOccurrences(of: "/ID", with: "/x").replacingOccurrences(of: "/PATH", with: "/x")
                if path.hasSuffix("PATH") { path = String(path.dropLast(4)) + "x" }
                #expect(ManagedPaths.kind(managing: path, in: manifest) != nil, "\(definition.kind): `\(path)` may be claimed by an endpoint")
            }
        }
    }

    @Test("the addresses an endpoint's `after` may name are spelled as the desired state spells them")
    func afterAddressesAgree() throws {
        let text = Self.everyMount + """

            policies: [{ name: Reader, rules: [{ path: "kv/data/*", capabilities: [read] }] }]
            transit_keys: [{ mount: m-transit, name: K }]
            approle_roles: [{ name: CI, mount: a-approle }]
            userpass_users: [{ name: Alice, mount: a-userpass }]
            token_roles: [{ name: Deploy }]
            identity_entities: [{ name: Bob }]
            identity_groups: [{ name: Ops }]
            quotas: [{ name: Q, rate: 10 }]
            audit_devices: [{ path: file, type: file, options: { file_path: /tmp/a.log } }]
            endpoints: [{ path: sys/config/cors, data: { enabled: true } }]
            pki_roles: [{ mount: m-pki, name: Server, allowed_domains: [example.com] }]
            kubernetes_roles: [{ name: Pay, mount: a-k8s, bound_service_account_names: [p], bound_service_account_namespaces: [p] }]
            jwt_roles: [{ name: Apply, mount: a-jwt, role_type: jwt, user_claim: sub, bound_audiences: [x] }]
            ssh_cas: [{ mount: m-ssh }]
            ssh_roles: [{ name: Ops, mount: m-ssh, allowed_users: [ops], allow_user_certificates: true }]
            totp_keys: [{ name: Login, mount: m-totp, generate: true, issuer: Example, account_name: ops }]
            """
        let loaded = ManifestLoader().load(sources: [("m.yaml", text)])
        let manifest = try #require(loaded.manifest, "\(loaded.diagnostics)")
        let declared = DeclaredAddresses(manifest).addresses
        let desired = Pipeline.resolve(manifest).entries.map(\.address.description)
            .filter { address in DeclaredAddresses.words.contains { address.hasPrefix($0 + ":") } }
        #expect(!desired.isEmpty)
        for address in desired { #expect(declared.contains(address), "`after: \(address)` would be refused") }
        #expect(Set(desired).isSuperset(of: declared), "\(declared.subtracting(desired).sorted())")
    }
}

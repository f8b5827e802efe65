import Foundation
import Testing
import VaultformCore
import VaultformManifest

/// Planning secrets from schemas and value-free observations: what is filled and from where,
/// what is coerced or rotated, what is only reported, and that nothing is ever overwritten
/// without an explicit request.
@Suite struct SecretPlannerTests {
    static let schema = """
        secrets_engines: [{ path: secret, type: kv-v2 }]
        secret_schemas:
          - path: secret/app/config
            forbidden: [legacy]
            fields:
              db_password: { type: string, min_length: 16, generate: { kind: password, length: 24, classes: [lower, digit] } }
              jwt_private: { type: pem-private-key, key_type: rsa, generate: { kind: rsa, bits: 2048, public_field: jwt_public } }
              jwt_public: { type: pem-public-key }
              api_key: { type: string, from_env: API_KEY }
              webhook: { type: url, required: false, from_env: WEBHOOK_URL }
              settings: { type: json-object, coerce: true, from_env: SETTINGS }
              plain_json: { type: json-object, required: false }
            pairs: [{ private: jwt_private, public: jwt_public, kind: rsa }]
        """

    static func desired(_ yaml: String = schema) throws -> DesiredState {
        let result = ManifestLoader().load(sources: [("m.yaml", "version: 1\n" + yaml)])
        return Pipeline.resolve(try #require(result.manifest, "\(result.diagnostics)"))
    }

    static let address = Address(.kvSecret, "secret/app/config")

    static func valid(_ shape: String = "string, 24 characters") -> ObservedField {
        ObservedField(shape: shape, verdict: .valid, fingerprint: "hmac:0011223344556677")
    }

    /// A live secret holding every required field, all valid.
    static func complete(version: Int = 3) -> SecretObservation {
        SecretObservation(
            version: version, exists: true,
            fields: [
                "db_password": valid(), "jwt_private": valid("string, 1704 characters"), "jwt_public": valid("string, 451 characters"),
                "api_key": valid(), "settings": valid("JSON object (2 keys)"),
            ],
            pairs: ["jwt_private/jwt_public": .valid],
            sources: ["api_key": .available(shape: "string, 20 characters"), "webhook": .unavailable("WEBHOOK_URL is not set"),
                      "settings": .unavailable("SETTINGS is not set")])
    }

    static func plan(_ observed: SecretObservation, rotate: Set<String> = [], yaml: String = schema) throws -> Plan {
        let desired = try desired(yaml)
        let plan = Planner.plan(
            desired: desired, live: LiveState(secrets: ["secret/app/config": observed]),
            options: PlanOptions(rotations: rotate.isEmpty ? [:] : [address: rotate]))
        // Only the secret: the engine (absent from this live state) is planned as usual.
        return Plan(
            operations: plan.operations.filter { $0.address.kind == .kvSecret },
            unchanged: plan.unchanged.filter { $0.kind == .kvSecret }, findings: plan.findings)
    }

    @Test("an absent secret: generated fields and available sources are filled; a required field without a value is a blocker")
    func absent() throws {
        let plan = try Self.plan(SecretObservation(
            version: 0, exists: false,
            sources: ["api_key": .unavailable("API_KEY is not set"), "webhook": .unavailable("WEBHOOK_URL is not set"),
                      "settings": .available(shape: "JSON object (1 key)")]))
        let operation = try #require(plan.operations.first)
        #expect(operation.action == .create)
        let write = try #require(operation.secretWrite)
        #expect(write.version == 0 && write.mount == "secret/" && write.path == "app/config")
        #expect(write.fills.map(\.field) == ["db_password", "jwt_private", "settings"])
        #expect(write.fills.allSatisfy { !$0.replacesValue })
        #expect(operation.changes.map(\.field) == ["db_password", "jwt_private", "jwt_public", "settings"])
        #expect(operation.changes.map { $0.after?.description } == [
            "(generated: password, 24 characters, lower+digit)", "(generated: rsa, 2048 bits, with jwt_public)",
            "(public key of jwt_private)", "(from environment SETTINGS)",
        ])
        #expect(plan.blockers.map(\.message) == ["`api_key` is required and missing: API_KEY is not set"])
        #expect(plan.blockers.first?.hint == "set API_KEY, or write the field")
        #expect(plan.findings.count == 1, "the optional webhook stays absent without a finding: \(plan.findings)")
    }

    @Test("a complete, valid secret plans nothing and is never overwritten")
    func complete() throws {
        let plan = try Self.plan(Self.complete())
        #expect(plan.operations.isEmpty)
        #expect(plan.unchanged == [Self.address])
        #expect(plan.findings.isEmpty)
    }

    @Test("a JSON object stored as a string: coerced when the field says so, a warning otherwise")
    func coercion() throws {
        var observed = Self.complete()
        observed.fields["settings"] = ObservedField(
            shape: "JSON object stored as a string (2 keys)", verdict: .coercible("a JSON object stored as a string"), fingerprint: nil)
        observed.fields["plain_json"] = ObservedField(
            shape: "JSON object stored as a string (1 key)", verdict: .coercible("a JSON object stored as a string"), fingerprint: nil)
        let plan = try Self.plan(observed)
        let operation = try #require(plan.operations.first)
        #expect(operation.action == .update)
        #expect(operation.secretWrite?.fills.map(\.field) == ["settings"])
        #expect(operation.secretWrite?.fills.first?.origin == .coerce)
        #expect(operation.secretWrite?.version == 3)
        let change = try #require(operation.changes.first)
        #expect(change.before?.description == "(JSON object stored as a string (2 keys))")
        #expect(change.after?.description == "(rewritten as a json-object)")
        #expect(plan.findings.map(\.message) == ["`plain_json` is a JSON object stored as a string"])
        #expect(plan.findings.first?.hint?.contains("coerce: true") == true)
    }

    @Test("an invalid value and a mismatched pair are reported with how to fix them, not rewritten")
    func invalidValues() throws {
        var observed = Self.complete()
        observed.fields["db_password"] = ObservedField(shape: "string, 8 characters", verdict: .invalid("shorter than 16 characters"), fingerprint: nil)
        observed.pairs["jwt_private/jwt_public"] = .invalid("it is not the public key of that private key")
        let plan = try Self.plan(observed)
        #expect(plan.operations.isEmpty)
        #expect(plan.blockers.isEmpty)
        #expect(plan.findings.map(\.message) == [
            "`db_password` is not a valid string: shorter than 16 characters",
            "`jwt_public` does not belong to `jwt_private`: it is not the public key of that private key",
        ])
        #expect(plan.findings.first?.hint == "replace it with `--rotate kv-secret:secret/app/config.db_password` (or a new `rotate:` marker on the field)")
    }

    @Test("--rotate replaces a value that is there, and says so; a generated private key takes its public key along")
    func rotation() throws {
        let plan = try Self.plan(Self.complete(), rotate: ["db_password", "jwt_private"])
        let operation = try #require(plan.operations.first)
        #expect(operation.rotates)
        #expect(operation.secretWrite?.fills.map(\.field) == ["db_password", "jwt_private"])
        #expect(operation.secretWrite?.fills.allSatisfy(\.replacesValue) == true)
        #expect(operation.changes.map(\.field) == ["db_password", "jwt_private", "jwt_public"])
        #expect(operation.changes.allSatisfy { $0.forcesReplacement == "rotation replaces the current value" })
        #expect(operation.changes.first?.after?.description == "(regenerated: password, 24 characters, lower+digit)")
    }

    @Test("rotating a field from an unset source is a blocker")
    func rotationWithoutValue() throws {
        var observed = Self.complete()
        observed.sources["api_key"] = .unavailable("API_KEY is not set")
        let plan = try Self.plan(observed, rotate: ["api_key"])
        #expect(plan.operations.isEmpty)
        #expect(plan.blockers.map(\.message) == ["cannot rotate `api_key`: API_KEY is not set"])
    }

    @Test("a rotate marker rotates once: a new marker replaces the value and is recorded; the same one does nothing")
    func rotateMarker() throws {
        let yaml = Self.schema.replacingOccurrences(
            of: "db_password: { type: string, min_length: 16,", with: "db_password: { type: string, min_length: 16, rotate: \"2026-11\",")
        var observed = Self.complete()
        observed.markers = ["db_password": "2026-10"]
        let changed = try Self.plan(observed, yaml: yaml)
        #expect(changed.operations.first?.secretWrite?.fills.map(\.field) == ["db_password"])
        #expect(changed.operations.first?.secretWrite?.markers == ["db_password": "2026-11"])
        #expect(changed.operations.first?.rotates == true)
        observed.markers = ["db_password": "2026-11"]
        #expect(try Self.plan(observed, yaml: yaml).operations.isEmpty)
        // A missing field with a marker is filled (not "rotated") and the marker recorded.
        observed.fields["db_password"] = nil
        let filled = try Self.plan(observed, yaml: yaml)
        #expect(filled.operations.first?.rotates == false)
        #expect(filled.operations.first?.secretWrite?.markers == ["db_password": "2026-11"])
    }

    @Test("a lost private key: the pair is generated anew and the stale public key's replacement is said, so apply may write it")
    func lostPrivateKey() throws {
        var observed = Self.complete()
        observed.fields["jwt_private"] = nil
        observed.pairs = [:]
        let plan = try Self.plan(observed)
        let operation = try #require(plan.operations.first)
        #expect(operation.secretWrite?.fills.map(\.field) == ["jwt_private"])
        #expect(operation.secretWrite?.fills.first?.replacesValue == true)
        #expect(operation.rotates)
        let publicChange = operation.changes.first { $0.field == "jwt_public" }
        #expect(publicChange?.forcesReplacement == "rotation replaces the current value")
        #expect(publicChange?.before != nil)
    }

    @Test("a missing public key is derived from the stored private key, never regenerated")
    func derivePublic() throws {
        var observed = Self.complete()
        observed.fields["jwt_public"] = nil
        observed.pairs = [:]
        let plan = try Self.plan(observed)
        let fill = try #require(plan.operations.first?.secretWrite?.fills.first)
        #expect(fill.field == "jwt_public")
        #expect(fill.origin == .derive(kind: "rsa", from: "jwt_private"))
        #expect(fill.replacesValue == false)
    }

    @Test("forbidden and unexpected fields are warnings; allow_unexpected silences the latter; nothing is deleted")
    func extraFields() throws {
        var observed = Self.complete()
        observed.fields["legacy"] = Self.valid()
        observed.fields["note"] = Self.valid()
        let plan = try Self.plan(observed)
        #expect(plan.operations.isEmpty)
        #expect(plan.findings.map(\.message) == ["forbidden field `legacy` is present", "field `note` is not in the schema"])
        #expect(plan.findings.allSatisfy { $0.severity == .warning })
        let relaxed = try Self.plan(observed, yaml: Self.schema.replacingOccurrences(of: "forbidden: [legacy]", with: "forbidden: [legacy]\n    allow_unexpected: true"))
        #expect(relaxed.findings.map(\.message) == ["forbidden field `legacy` is present"])
    }

    @Test("a source whose value is invalid is a blocker, even for an optional field")
    func invalidSource() throws {
        var observed = Self.complete()
        observed.sources["webhook"] = .invalid("the value of WEBHOOK_URL is not a valid url for `webhook`: not an http(s) URL")
        let plan = try Self.plan(observed)
        #expect(plan.blockers.map(\.message) == ["`webhook`: the value of WEBHOOK_URL is not a valid url for `webhook`: not an http(s) URL"])
    }

    @Test("the desired-state digest changes when a schema changes")
    func digest() throws {
        let before = Fingerprint.of(try Self.desired())
        let after = Fingerprint.of(try Self.desired(Self.schema.replacingOccurrences(of: "length: 24", with: "length: 25")))
        #expect(before != after)
    }

    @Test("a saved plan carries the secret write and restores it; no value is in it")
    func planFile() throws {
        let desired = try Self.desired()
        let live = LiveState(secrets: ["secret/app/config": SecretObservation(
            version: 0, exists: false, sources: ["api_key": .available(shape: "string, 20 characters")])])
        let plan = Planner.plan(desired: desired, live: live)
        let file = PlanFile(
            plan: plan, live: live, desired: desired, manifestPath: "m.yaml",
            server: .init(address: "http://127.0.0.1:8200", namespace: nil, flavour: "openbao", version: "2.7.2"), vaultformVersion: "test")
        let decoded = try PlanFile.decode(try file.encoded())
        let restored = try decoded.restored()
        let secret = { (plan: Plan) in plan.operations.first { $0.address.kind == .kvSecret } }
        #expect(secret(restored)?.secretWrite != nil)
        #expect(secret(restored)?.secretWrite == secret(plan)?.secretWrite)
        #expect(decoded.changes.first { $0.address == "kv-secret:secret/app/config" }?.liveFingerprint == "version:0")
    }
}

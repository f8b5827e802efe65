import Foundation
import Testing
import VaultAPI

/// The behaviour table, by flavour and version.
@Suite("Server behaviours")
struct ServerBehaviourTests {
    private func behaviour(_ flavour: ServerFlavour, _ version: String) -> ServerBehaviour {
        ServerIdentity(flavour: flavour, version: version).behaviour
    }

    @Test("versions parse and compare numerically; the suffix is kept apart")
    func versions() throws {
        let ent = try #require(ServerVersion("1.15.2+ent"))
        #expect(ent == ServerVersion(major: 1, minor: 15, patch: 2))
        #expect(ent.suffix == "+ent")
        #expect(try #require(ServerVersion("2.10.0")) > #require(ServerVersion("2.9.1")))
        #expect(ServerVersion("v2.7") == ServerVersion(major: 2, minor: 7, patch: 0))
        #expect(ServerVersion("2.5.0-beta20251125")?.suffix == "-beta20251125")
        #expect(ServerVersion("dev") == nil)
        #expect(ServerVersion("2") == nil)
    }

    @Test("audit devices through the API: OpenBao 2.3.2+ only with unsafe_allow_api_audit_creation; Vault yes")
    func auditDevices() {
        let bao = behaviour(.openBao, "2.7.2")
        #expect(!bao.supportsAPIAuditDevices)
        #expect(bao.apiAuditDevices == .onlyIf("the server's configuration sets unsafe_allow_api_audit_creation = true"))
        #expect(bao.apiAuditDevices.isAvailable == nil)
        #expect(bao.configuredAuditDevices == .yes)
        #expect(bao.auditFormatJSONX.isAvailable == false)
        #expect(behaviour(.openBao, "2.3.1").supportsAPIAuditDevices)
        #expect(behaviour(.openBao, "2.3.2").apiAuditDevices.isAvailable == nil)
        #expect(behaviour(.openBao, "2.2.0").configuredAuditDevices.isAvailable == false)
        #expect(behaviour(.vault, "1.17.3").supportsAPIAuditDevices)
        #expect(behaviour(.vault, "1.17.3").configuredAuditDevices.isAvailable == false)
    }

    @Test("identification: commit_date for OpenBao, build_date for Vault; Enterprise by +ent")
    func identification() {
        #expect(behaviour(.openBao, "2.7.2").versionDateField == "commit_date")
        #expect(behaviour(.vault, "1.19.1").versionDateField == "build_date")
        #expect(behaviour(.unknown, "1.0.0").versionDateField == nil)
        #expect(behaviour(.vault, "1.19.1+ent").isVaultEnterprise)
        #expect(!behaviour(.vault, "1.19.1").isVaultEnterprise)
        #expect(!behaviour(.openBao, "2.7.2").isVaultEnterprise)
    }

    @Test("namespaces: OpenBao from 2.3.0, Vault Enterprise only; always through X-Vault-Namespace")
    func namespaces() {
        #expect(behaviour(.openBao, "2.7.2").supportsNamespaces)
        #expect(behaviour(.openBao, "2.3.0").supportsNamespaces)
        #expect(behaviour(.openBao, "2.2.2").namespaces == .no("OpenBao added namespaces in 2.3.0"))
        #expect(behaviour(.vault, "1.19.1+ent").supportsNamespaces)
        #expect(behaviour(.vault, "1.19.1").namespaces == .no("namespaces are a Vault Enterprise feature"))
        #expect(behaviour(.openBao, "2.7.2").namespaceHeader == "X-Vault-Namespace")
        #expect(behaviour(.openBao, "garbage").namespaces.isAvailable == nil)
        #expect(behaviour(.unknown, "2.7.2").namespaces.isAvailable == nil)
    }

    @Test("kv-v2 metadata_cas_required: OpenBao (observed on 2.7), not Vault")
    func metadataCAS() {
        #expect(behaviour(.openBao, "2.7.2").kvMetadataCASRequired == .yes)
        #expect(behaviour(.openBao, "2.4.0").kvMetadataCASRequired.isAvailable == nil)
        #expect(behaviour(.vault, "1.19.1").kvMetadataCASRequired.isAvailable == false)
    }

    private func sealStatus(_ extra: String) throws -> SealStatus {
        let json = #"{"type":"shamir","initialized":true,"sealed":false,"t":1,"n":1,"progress":0,"version":"2.7.2""# + extra + "}"
        return try JSONDecoder().decode(SealStatus.self, from: Data(json.utf8))
    }

    @Test("the flavour is told by the build marker the table names: build_date Vault (even beside commit_date), commit_date OpenBao")
    func flavourFromSealStatus() throws {
        let bao = try sealStatus(#","commit_date":"2025-11-25T00:00:00Z""#)
        let vault = try sealStatus(#","build_date":"2025-11-25T00:00:00Z""#)
        let both = try sealStatus(#","build_date":"2025-11-25T00:00:00Z","commit_date":"2025-11-25T00:00:00Z""#)
        let neither = try sealStatus("")
        #expect(ServerBehaviour.flavour(of: bao) == .openBao)
        #expect(ServerBehaviour.flavour(of: vault) == .vault)
        #expect(ServerBehaviour.flavour(of: both) == .vault)
        #expect(ServerBehaviour.flavour(of: neither) == .unknown)
        for status in [bao, vault, both, neither] {
            #expect(ServerFlavour(sealStatus: status) == ServerBehaviour.flavour(of: status))
        }
        // Each flavour's marker is the field the table names for it.
        #expect(ServerBehaviour.versionDateField(of: .openBao) == "commit_date")
        #expect(ServerBehaviour.versionDateField(of: .vault) == "build_date")
        #expect(ServerBehaviour.versionDateField(of: .unknown) == nil)
    }

    @Test("plan warns about API audit devices on OpenBao from 2.3.2 (or an unreadable version), not on Vault, 2.3.1 or an unknown server")
    func auditWarning() {
        #expect(behaviour(.openBao, "2.7.2").refusesAPIAuditDevicesByDefault)
        #expect(behaviour(.openBao, "2.3.2").refusesAPIAuditDevicesByDefault)
        #expect(behaviour(.openBao, "dev").refusesAPIAuditDevicesByDefault)
        #expect(!behaviour(.openBao, "2.3.1").refusesAPIAuditDevicesByDefault)
        #expect(!behaviour(.vault, "1.19.1").refusesAPIAuditDevicesByDefault)
        #expect(!behaviour(.unknown, "2.7.2").refusesAPIAuditDevicesByDefault)
    }

    @Test("OpenBao's refusal of an API audit device is recognised by its message; other 400s are not")
    func auditRefusal() {
        func error(_ message: String) -> VaultError {
            VaultError(code: .http, method: .put, path: "sys/audit/file", status: 400, messages: [message])
        }
        #expect(ServerBehaviour.isAPIAuditDeviceRefusal(
            error("cannot enable audit device via API; use declarative, config-based audit device management instead")))
        #expect(!ServerBehaviour.isAPIAuditDeviceRefusal(error("path already in use")))
        #expect(!ServerBehaviour.isAPIAuditDeviceRefusal(error("audit log prefixing is not allowed")))
        #expect(ServerBehaviour.apiAuditDeviceRefusalReason.hasPrefix("the server does not allow creating audit devices through its API"))
        #expect(ServerBehaviour.apiAuditDeviceRefusalReason.contains("unsafe_allow_api_audit_creation = true"))
    }

    @Test("the client sends the namespace header the table names")
    func namespaceHeaderIsTheTables() {
        #expect(ServerBehaviour.namespaceHeader == behaviour(.openBao, "2.7.2").namespaceHeader)
        #expect(ServerBehaviour.namespaceHeader == behaviour(.vault, "1.19.1+ent").namespaceHeader)
    }
}

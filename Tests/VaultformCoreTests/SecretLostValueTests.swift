import Foundation
import Testing
import VaultformCore
import VaultformManifest

/// A value the current version of a secret lacks but an earlier version holds (or that a
/// deleted current version may hold) was lost, not never written: filling it anew would make
/// whatever it protects unreadable. The planner blocks it, names where the value still is, and
/// fills it only when a rotation asks, marked as one.
@Suite struct SecretLostValueTests {
    static let address = SecretPlannerTests.address

    /// The complete secret with `db_password` and the RSA private key gone from version 5.
    static func lost(exists: Bool = true, currentDeleted: Bool = false, heldEarlier: [String: Int]) -> SecretObservation {
        var observed = SecretPlannerTests.complete(version: 5)
        observed.exists = exists
        if !exists { observed.fields = [:] }
        observed.fields["db_password"] = nil
        observed.fields["jwt_private"] = nil
        observed.pairs = [:]
        observed.heldEarlier = heldEarlier
        observed.currentDeleted = currentDeleted
        return observed
    }

    @Test("a field an earlier version holds is a blocker naming that version, not a silent new value")
    func heldEarlierIsABlocker() throws {
        let plan = try SecretPlannerTests.plan(Self.lost(heldEarlier: ["db_password": 4, "jwt_private": 2]))
        #expect(plan.operations.isEmpty, "nothing may be generated over a lost value: \(plan.operations)")
        let blockers = plan.blockers.sorted { ($0.field ?? "") < ($1.field ?? "") }
        #expect(blockers.map(\.field) == ["db_password", "jwt_private"])
        #expect(blockers.first?.message == "`db_password` is missing from the current version (5) but version 4 holds it; a new value would replace it for good")
        #expect(blockers.first?.hint?.hasPrefix("bring it back with `bao kv rollback -version=4 secret/app/config`") == true)
        #expect(blockers.first?.hint?.contains("--rotate kv-secret:secret/app/config.db_password") == true)
        #expect(blockers.last?.message.contains("version 2 holds it") == true)
    }

    @Test("a deleted current version: undelete is the way back, and nothing is generated")
    func deletedCurrentVersion() throws {
        let plan = try SecretPlannerTests.plan(Self.lost(exists: false, currentDeleted: true, heldEarlier: [:]))
        #expect(plan.operations.isEmpty)
        #expect(plan.blockers.contains {
            $0.field == "db_password" && $0.message.contains("the current version (5) is deleted")
                && ($0.hint ?? "").hasPrefix("bring it back with `bao kv undelete -versions=5 secret/app/config`")
        }, "\(plan.blockers)")
    }

    @Test("--rotate (or a new rotate marker) allows a new value, and the plan says it rotates")
    func rotationAllowsIt() throws {
        let plan = try SecretPlannerTests.plan(Self.lost(heldEarlier: ["db_password": 4, "jwt_private": 2]), rotate: ["db_password"])
        let operation = try #require(plan.operations.first)
        let fill = try #require(operation.secretWrite?.fills.first { $0.field == "db_password" })
        #expect(fill.replacesValue)
        #expect(operation.rotates)
        #expect(operation.changes.first { $0.field == "db_password" }?.forcesReplacement != nil)
        // The other lost field is still blocked: a rotation names its fields.
        #expect(plan.blockers.map(\.field) == ["jwt_private"])
    }

    @Test("a field no version ever held is filled as before")
    func neverHeld() throws {
        var observed = SecretPlannerTests.complete(version: 5)
        observed.fields["db_password"] = nil
        let plan = try SecretPlannerTests.plan(observed)
        let fill = try #require(plan.operations.first?.secretWrite?.fills.first)
        #expect(fill.field == "db_password" && !fill.replacesValue)
        #expect(plan.blockers.isEmpty)
    }
}

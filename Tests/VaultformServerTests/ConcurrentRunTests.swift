import Testing
import VaultformCore
@testable import VaultformServer

/// Which operations of a plan apply may carry out side by side: consecutive creates and
/// updates of one independent kind, never across kinds, never a deletion, a replacement, a
/// self-lockout or a kind whose objects name each other.
@Suite struct ConcurrentRunTests {
    static func operation(_ kind: ResourceKind, _ name: String, _ action: Action = .create) -> Operation {
        Operation(address: Address(kind, name), action: action, changes: [])
    }

    @Test func runsStopAtAnotherKindADeletionOrADependentKind() {
        var lockout = Self.operation(.policy, "mine", .update)
        lockout.selfLockout = "the applying token holds it"
        let operations = [
            Self.operation(.secretsEngine, "a/"), Self.operation(.secretsEngine, "b/"),
            Self.operation(.policy, "p1"), Self.operation(.policy, "p2", .update), Self.operation(.policy, "p3"),
            Self.operation(.policy, "gone", .delete), Self.operation(.policy, "p4"),
            Self.operation(.identityGroup, "g1"), Self.operation(.identityGroup, "g2"),
            Self.operation(.appRoleRole, "approle/r1", .replace), Self.operation(.appRoleRole, "approle/r2"),
            lockout,
        ]
        #expect(Applier.concurrentRun(operations, from: 0) == 0..<2)
        #expect(Applier.concurrentRun(operations, from: 2) == 2..<5)
        #expect(Applier.concurrentRun(operations, from: 5) == 5..<6, "a deletion runs alone")
        #expect(Applier.concurrentRun(operations, from: 6) == 6..<7, "the next kind ends the run")
        #expect(Applier.concurrentRun(operations, from: 7) == 7..<8, "groups name member groups")
        #expect(Applier.concurrentRun(operations, from: 9) == 9..<10, "a replacement runs alone")
        #expect(Applier.concurrentRun(operations, from: 10) == 10..<11, "a self-lockout ends the run")
        #expect(Applier.concurrentRun(operations, from: 11) == 11..<12)
        #expect(Applier.runsConcurrently(Self.operation(.policy, "p")) && Applier.runsConcurrently(Self.operation(.appRoleRole, "approle/r")))
    }

    @Test func kindsThatNameEachOtherOrMustComeFirstNeverRunTogether() {
        // Userpass users hold write-only passwords: one at a time too.
        for kind in [ResourceKind.namespace, .auditDevice, .identityGroup, .entityAlias, .groupAlias, .kvSecret, .endpoint, .pkiRootCA, .pkiIntermediateCA, .userpassUser] {
            #expect(!Applier.runsConcurrently(Self.operation(kind, "x")), "\(kind)")
        }
    }
}

import Foundation
import Testing
import VaultformCore
import VaultformRender

/// A self-lockout shows in every rendering and survives a saved plan.
@Suite struct SelfLockoutRenderingTests {
    static let plan: Plan = {
        var operation = Operation(address: Address(.policy, "ops"), action: .delete, changes: [])
        operation.selfLockout = "the applying token holds policy ops"
        return Plan(operations: [operation], unchanged: [])
    }()

    @Test func textJSONAndMarkdownShowIt() throws {
        #expect(PlanText.render(Self.plan, color: false).contains("  ! self-lockout: the applying token holds policy ops\n"))
        let json = PlanJSON.render(Self.plan)
        #expect(json.contains(#""self_lockout" : "the applying token holds policy ops""#), "\(json)")
        #expect(PlanMarkdown.render(Self.plan, title: "vaultform plan").contains("— <strong>self-lockout</strong>"))
        // An ordinary change has no such key at all.
        let plain = PlanJSON.render(Plan(operations: [Operation(address: Address(.policy, "x"), action: .delete, changes: [])], unchanged: []))
        #expect(!plain.contains("self_lockout"))
    }

    @Test func aSavedPlanKeepsIt() throws {
        let file = PlanFile(
            plan: Self.plan, live: LiveState(), desired: DesiredState(entries: []), manifestPath: "m.yaml",
            server: .init(address: "http://127.0.0.1:8200", namespace: nil, flavour: "OpenBao", version: "2.7.2"),
            vaultformVersion: "test")
        let restored = try PlanFile.decode(try file.encoded()).restored()
        #expect(restored.operations.first?.selfLockout == "the applying token holds policy ops")
    }
}

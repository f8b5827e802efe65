import Testing
import VaultformCore
import VaultformRender

/// An empty plan with blockers is not "the server matches the manifest".
@Suite("Plan text: the headline of a plan without changes")
struct PlanBlockerHeadlineTests {
    @Test("blockers: no claim of a match; warnings only: still a match")
    func headline() {
        let address = Address(.kvSecret, "secret/app")
        let blocked = Plan(operations: [], unchanged: [], findings: [Finding(.blocker, address, "field token is not set")])
        let text = PlanText.render(blocked, color: false)
        #expect(!text.contains("The server matches the manifest"), "\(text)")
        #expect(text.hasPrefix("No changes could be planned: the blockers below must be resolved first"))
        #expect(text.contains("Blocker: kv-secret:secret/app: field token is not set"))
        let warned = Plan(operations: [], unchanged: [], findings: [Finding(.warning, address, "m")])
        #expect(PlanText.render(warned, color: false).hasPrefix("No changes. The server matches the manifest.\n"))
    }
}

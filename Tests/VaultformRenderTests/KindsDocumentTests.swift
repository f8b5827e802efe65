import Foundation
import Testing
import VaultformCore
import VaultformRender

/// The registry is complete, and `docs/kinds.md` is what it says.
@Suite struct KindsDocumentTests {
    static let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/kinds.md").standardized

    @Test("every kind has a definition, once")
    func registryIsComplete() {
        #expect(KindRegistry.all.map(\.kind) == ResourceKind.allCases)
        for definition in KindRegistry.all {
            #expect(Set(definition.fields.map(\.name)).count == definition.fields.count, "\(definition.kind): a field twice")
        }
    }

    @Test("docs/kinds.md is generated from the registry")
    func documentIsCurrent() throws {
        let rendered = KindsDocument.render()
        if ProcessInfo.processInfo.environment["VAULTFORM_RECORD_GOLDEN"] == "1" {
            try rendered.write(to: Self.page, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOf: Self.page, encoding: .utf8)
        #expect(committed == rendered, "docs/kinds.md differs from the registry; run VAULTFORM_RECORD_GOLDEN=1 swift test --filter KindsDocumentTests")
    }
}

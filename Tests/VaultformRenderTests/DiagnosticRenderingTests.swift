import Foundation
import Testing
import VaultformManifest
import VaultformRender

@Suite struct DiagnosticRenderingTests {
    static let diagnostics = [
        Diagnostic.error("unknown key `token_tl` in an AppRole role", at: SourceLocation(file: "roles.yaml", line: 7, column: 5),
                         hint: "did you mean `token_ttl`?"),
        Diagnostic.error("policy `reader` is declared twice", at: SourceLocation(file: "b.yaml", line: 4, column: 5),
                         related: [.init("first declared here", at: SourceLocation(file: "a.yaml", line: 3, column: 5))]),
        Diagnostic.warning("cannot read var file x.yaml", at: nil),
    ]

    @Test func textIsCompilerStyleWithoutColor() {
        #expect(DiagnosticRendering.text(Self.diagnostics, color: false) == """
            roles.yaml:7:5: error: unknown key `token_tl` in an AppRole role
              hint: did you mean `token_ttl`?
            b.yaml:4:5: error: policy `reader` is declared twice
              a.yaml:3:5: note: first declared here
            warning: cannot read var file x.yaml

            """)
        #expect(DiagnosticRendering.summary(Self.diagnostics, path: "m") == "2 errors, 1 warning in m.")
    }

    @Test func colorIsOnlyAddedWhenAsked() {
        #expect(DiagnosticRendering.text(Self.diagnostics, color: true).contains("\u{1B}[1;31merror: "))
        #expect(!DiagnosticRendering.text(Self.diagnostics, color: false).contains("\u{1B}"))
    }

    @Test func jsonIsVersionedAndComplete() throws {
        let text = DiagnosticRendering.json(Self.diagnostics, path: "m")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["format_version"] as? Int == 1)
        #expect(object["valid"] as? Bool == false)
        #expect(object["error_count"] as? Int == 2)
        let first = try #require((object["diagnostics"] as? [[String: Any]])?.first)
        #expect(first["file"] as? String == "roles.yaml")
        #expect(first["line"] as? Int == 7)
        #expect(first["column"] as? Int == 5)
        #expect(first["hint"] as? String == "did you mean `token_ttl`?")
    }
}

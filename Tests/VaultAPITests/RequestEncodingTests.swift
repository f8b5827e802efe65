import Foundation
import Testing
import TestSupport
@testable import VaultAPI

@Suite("Request encoding")
struct RequestEncodingTests {
    @Test("paths keep their slashes and percent-encode everything outside RFC 3986's unreserved set")
    func paths() {
        #expect(VaultClient.encode(path: "sys/policies/acl/p1") == "sys/policies/acl/p1")
        #expect(VaultClient.encode(path: "kv/data/a b/ü?x=1#f%") == "kv/data/a%20b/%C3%BC%3Fx%3D1%23f%25")
        #expect(VaultClient.encode(path: "a-b.c_d~e") == "a-b.c_d~e")
        #expect(VaultClient.encode(query: ["list": "true", "a b": "c/d"]) == "?a%20b=c%2Fd&list=true")
        #expect(VaultClient.encode(query: [:]) == "")
    }

    @Test("a header with a line break or a colon in its name is refused before anything is sent")
    func headerInjection() throws {
        let target = try CurlTarget(baseURL: URL(string: "http://127.0.0.1:8200")!, tls: TLSOptions())
        for headers: HTTPHeaders in [["X-A": "v\r\nX-Evil: 1"], ["X-A\n": "v"], ["X:A": "v"], ["": "v"], ["X-A": "v\u{0B}"]] {
            #expect(throws: HTTPTransportError.self) {
                try CurlTransferSpec(target: target, tls: TLSOptions(), request: HTTPRequest(method: .get, path: "v1/x", headers: headers))
            }
        }
        let fine = try CurlTransferSpec(
            target: target, tls: TLSOptions(), request: HTTPRequest(method: .get, path: "v1/x", headers: ["X-Vault-Namespace": "é/team"]))
        #expect(fine.headerLines == ["X-Vault-Namespace: é/team"])
    }
}

@Suite("Redacting secret values a server echoes")
struct RedactionTests {
    @Test("an error or a warning that repeats a value being written shows <redacted>, in both spellings")
    func echoedValues() async throws {
        let pem = "-----BEGIN PRIVATE KEY-----\nMIIEv-canary\n-----END PRIVATE KEY-----\n"
        let transport = ScriptedTransport([
            .respond(400, #"{"errors":["invalid value \"hunter2-canary\" for field; got: -----BEGIN PRIVATE KEY-----\nMIIEv-canary\n-----END PRIVATE KEY-----\n"]}"#),
            .respond(200, #"{"data":{},"warnings":["stored hunter2-canary as given"]}"#),
        ])
        let log = LogCapture()
        var client = VaultClient(transport: transport, token: "s.token-value", retryPolicy: .never, logger: log.logger)
        client.redactions = ["hunter2-canary", pem, "abc"]
        let error = try await #require(throws: VaultError.self) {
            try await client.request(.post, "secret/data/app", body: ["data": ["a": "hunter2-canary", "b": .string(pem)]])
        }
        #expect(!error.description.contains("hunter2-canary"))
        #expect(!error.description.contains("MIIEv-canary"))
        #expect(error.description.contains("<redacted>"))
        _ = try await client.request(.post, "secret/data/app", body: ["data": ["a": "hunter2-canary"]])
        #expect(!log.text.contains("hunter2-canary"))
        #expect(log.text.contains("server warning: stored <redacted> as given"))
    }
}

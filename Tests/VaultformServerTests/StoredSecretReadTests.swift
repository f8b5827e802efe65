import Foundation
import Testing
import VaultAPI
@testable import VaultformServer

/// `StoredSecret.read` never reports "absent at version N" for a secret written between its
/// data read and its metadata read: a check-and-set on N would overwrite what was just written
/// (the fingerprint key was replaced that way when two writes made it at once).
@Suite struct StoredSecretReadTests {
    /// Answers each request with the next scripted response for its path.
    final class Script: HTTPTransport, @unchecked Sendable {
        let baseURL = URL(fileURLWithPath: "/")
        private let lock = NSLock()
        private var answers: [String: [(Int, String)]]
        private(set) var paths: [String] = []

        init(_ answers: [String: [(Int, String)]]) { self.answers = answers }

        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            let (status, body) = lock.withLock { () -> (Int, String) in
                paths.append(request.path)
                return answers[request.path, default: []].isEmpty ? (500, "{}") : answers[request.path]!.removeFirst()
            }
            return HTTPResponse(status: status, body: Data(body.utf8))
        }
    }

    static let data = "/v1/kv/data/app", metadata = "/v1/kv/metadata/app"

    @Test func aVersionWrittenBetweenTheTwoReadsIsReadAgain() async throws {
        let script = Script([
            Self.data: [(404, #"{"errors":[]}"#), (200, #"{"data":{"data":{"key":"v1"},"metadata":{"version":1}}}"#)],
            Self.metadata: [(200, #"{"data":{"current_version":1,"versions":{"1":{"deletion_time":"","destroyed":false}}}}"#)],
        ])
        let stored = try await StoredSecret.read("kv/", "app", client: VaultClient(transport: script, retryPolicy: .never))
        #expect(stored.exists && stored.version == 1 && stored.data["key"] == .string("v1"))
        #expect(script.paths == [Self.data, Self.metadata, Self.data])
    }

    @Test func aDeletedOrDestroyedCurrentVersionIsAbsentAtItsVersion() async throws {
        for version in [#"{"deletion_time":"2026-12-01T00:00:00Z","destroyed":false}"#, #"{"deletion_time":"","destroyed":true}"#] {
            let script = Script([
                Self.data: [(404, #"{"errors":[]}"#)],
                Self.metadata: [(200, #"{"data":{"current_version":3,"versions":{"3":\#(version)}}}"#)],
            ])
            let stored = try await StoredSecret.read("kv/", "app", client: VaultClient(transport: script, retryPolicy: .never))
            #expect(!stored.exists && stored.version == 3)
            #expect(script.paths == [Self.data, Self.metadata])
        }
    }
}

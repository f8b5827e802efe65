import Foundation
import Testing
import VaultAPI
import VaultformCore
@testable import VaultformServer

@Suite("Reading one object")
struct ReadOneTests {
    @Test("one mount or auth method read alone equals the same object read from the list; a missing one is nil")
    func singleMountMatchesList() async throws {
        try await DevServer.with { server in
            let client = try server.client()
            _ = try await client.request(.post, "sys/mounts/tuned", body: [
                "type": "kv", "description": "tuned", "options": ["version": "2"],
                "config": ["default_lease_ttl": "1h", "max_lease_ttl": "2h", "listing_visibility": "unauth",
                           "passthrough_request_headers": ["X-A"], "audit_non_hmac_request_keys": ["k"]],
            ])
            _ = try await client.request(.post, "sys/auth/machines", body: ["type": "approle", "description": "m", "config": ["token_type": "batch"]])
            let reader = LiveReader(client: client)
            let listed = try await reader.read(ResourceKind.secretsEngine.definition, KindScope()) + reader.read(ResourceKind.authMethod.definition, KindScope())
            #expect(listed.count >= 6)
            for resource in listed {
                let single = try await reader.readOne(resource.address)
                #expect(single == resource, "\(resource.address): \(String(describing: single)) != \(resource)")
            }
            #expect(try await reader.readOne(Address(.secretsEngine, "nothere/")) == nil)
            #expect(try await reader.readOne(Address(.authMethod, "nothere/")) == nil)
        }
    }
}

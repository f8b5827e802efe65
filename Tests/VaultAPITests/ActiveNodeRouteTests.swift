import Foundation
import Testing
@testable import VaultAPI

/// `routedToActiveNode()`: when the configured node is a standby, requests go to the active
/// node `sys/leader` names, under the rules a standby's redirect obeys; otherwise (and when
/// those rules refuse it, or it does not answer as active) they stay on the configured node.
@Suite("Routing to the active node of an HA cluster, with a scripted transport")
struct ActiveNodeRouteTests {
    /// The recheck interval and leader wait of tests that check the sequence of requests: long
    /// enough that a task starved on a loaded machine never looks again, or stops waiting,
    /// where the scripted sequence does not expect it (the 2 s and 10 s defaults did, in CI).
    static let unhurried: Duration = .seconds(600)

    static func leader(_ address: String, isSelf: Bool = false) -> ScriptedTransport.Step {
        .respond(200, #"{"ha_enabled":true,"is_self":\#(isSelf),"leader_address":"\#(address)","leader_cluster_address":""}"#)
    }
    static let activeHealth = ScriptedTransport.Step.respond(
        200, #"{"initialized":true,"sealed":false,"standby":false,"version":"2.7.2"}"#)
    static let quick = RetryPolicy(baseDelay: .milliseconds(2), maxDelay: .milliseconds(10), maxAttempts: 4)

    @Test("a standby's leader on loopback that answers as active gets every request, the token's included")
    func routed() async throws {
        let transport = ScriptedTransport([Self.leader("http://127.0.0.2:8200"), Self.activeHealth, scriptedOK])
        let (client, finding) = await VaultClient(transport: transport, token: "s.t").routedToActiveNode(recheckInterval: Self.unhurried, leaderWait: Self.unhurried)
        #expect(finding == .routed("http://127.0.0.2:8200"))
        _ = try await client.with(token: "s.other").request(.get, "sys/mounts")
        let origins = transport.requests.map { $0.origin?.absoluteString }
        #expect(origins == [nil, "http://127.0.0.2:8200", "http://127.0.0.2:8200"])
        #expect(transport.requests[0].path == "/v1/sys/leader")
    }

    @Test("a server without HA is never asked again")
    func notHA() async throws {
        let transport = ScriptedTransport([.respond(200, #"{"ha_enabled":false,"is_self":false,"leader_address":""}"#), scriptedOK])
        let (client, _) = await VaultClient(transport: transport).routedToActiveNode(recheckInterval: .zero)
        #expect(client.activeNode == nil)
        for _ in 0..<3 { _ = try await client.request(.get, "sys/mounts") }
        #expect(transport.requests.count == 4)
    }

    @Test("the active node itself, or a server without HA: nothing changes")
    func configuredIsActive() async throws {
        for answer in [Self.leader("http://127.0.0.1:8200", isSelf: true), .respond(200, #"{"ha_enabled":false,"is_self":false,"leader_address":""}"#)] {
            let transport = ScriptedTransport([answer, scriptedOK])
            let (client, finding) = await VaultClient(transport: transport).routedToActiveNode(recheckInterval: Self.unhurried, leaderWait: Self.unhurried)
            #expect(finding == .configuredIsActive)
            _ = try await client.request(.get, "sys/mounts")
            #expect(transport.requests.map(\.origin) == [nil, nil])
        }
    }

    @Test("a leader the redirect rules refuse is never contacted: plain http off loopback, a change of scheme, credentials")
    func refused() async throws {
        let cases = [
            ("http://192.0.2.1:8200", "plain http:// to a host that is not loopback"),
            ("https://127.0.0.2:8200", "a change of scheme"),
            ("http://user:pw@127.0.0.2:8200", "credentials"),
            ("", "names no leader"),
        ]
        for (address, reason) in cases {
            let transport = ScriptedTransport([Self.leader(address), scriptedOK])
            let (client, finding) = await VaultClient(transport: transport, token: "s.canary").routedToActiveNode(
                recheckInterval: .seconds(2), leaderWait: .zero)
            guard case .unroutable(let text) = finding else {
                Issue.record("\(address): \(finding)")
                continue
            }
            #expect(text.contains(reason), "\(address): \(text)")
            _ = try await client.request(.get, "sys/mounts")
            #expect(transport.requests.map(\.origin) == [nil, nil], "\(address)")
        }
    }

    @Test("with --allow-insecure-http a plain-http leader off loopback is used")
    func insecureAllowed() async throws {
        let transport = ScriptedTransport([Self.leader("http://192.0.2.1:8200"), Self.activeHealth, scriptedOK])
        var client = VaultClient(transport: transport)
        client.allowInsecureHTTP = true
        let (routed, finding) = await client.routedToActiveNode(recheckInterval: Self.unhurried, leaderWait: Self.unhurried)
        #expect(finding == .routed("http://192.0.2.1:8200"))
        _ = try await routed.request(.get, "sys/mounts")
        #expect(transport.requests.last?.origin?.absoluteString == "http://192.0.2.1:8200")
    }

    @Test("a leader that cannot be reached, or says it is a standby, leaves requests on the configured node")
    func unreachable() async throws {
        for answer in [ScriptedTransport.Step.fail(.connectionRefused), .respond(200, #"{"initialized":true,"sealed":false,"standby":true,"version":"2.7.2"}"#)] {
            let transport = ScriptedTransport([Self.leader("http://127.0.0.2:8200"), answer, scriptedOK])
            let (client, finding) = await VaultClient(transport: transport).routedToActiveNode(recheckInterval: Self.unhurried, leaderWait: Self.unhurried)
            guard case .unroutable(let text) = finding else {
                Issue.record("\(finding)")
                continue
            }
            #expect(text.contains("http://127.0.0.2:8200"), "\(text)")
            _ = try await client.request(.get, "sys/mounts")
            #expect(transport.requests.last?.origin == nil)
        }
    }

    @Test("a request that fails on the active node looks again before its retry: after a step-down it goes where the leader now is")
    func followsNewLeader() async throws {
        let transport = ScriptedTransport([
            Self.leader("http://127.0.0.2:8200"), Self.activeHealth,
            .fail(.connectionRefused),
            Self.leader("http://127.0.0.1:8200", isSelf: true),
            scriptedOK,
        ])
        var client = VaultClient(transport: transport, retryPolicy: Self.quick)
        // Generous: what is checked is where each attempt goes; a loaded machine can starve a task for seconds.
        client.requestDeadline = .seconds(120)
        let (routed, _) = await client.routedToActiveNode(recheckInterval: Self.unhurried, leaderWait: Self.unhurried)
        _ = try await routed.request(.get, "sys/mounts")
        let sent = transport.requests.map { "\($0.origin?.absoluteString ?? "configured") \($0.path.split(separator: "?")[0])" }
        #expect(sent == [
            "configured /v1/sys/leader", "http://127.0.0.2:8200 /v1/sys/health",
            "http://127.0.0.2:8200 /v1/sys/mounts", "configured /v1/sys/leader", "configured /v1/sys/mounts",
        ])
        #expect(routed.activeNode == .configuredIsActive)
    }

    @Test("a request made when the last look is old enough looks first: a step-down between two requests moves the run too")
    func rechecksWhenOld() async throws {
        let transport = ScriptedTransport([
            Self.leader("http://127.0.0.2:8200"), Self.activeHealth,
            Self.leader("http://127.0.0.3:8200"), Self.activeHealth,
            scriptedOK,
        ])
        let (routed, _) = await VaultClient(transport: transport).routedToActiveNode(recheckInterval: .zero)
        _ = try await routed.request(.get, "sys/mounts")
        let sent = transport.requests.map { "\($0.origin?.absoluteString ?? "configured") \($0.path.split(separator: "?")[0])" }
        #expect(sent == [
            "configured /v1/sys/leader", "http://127.0.0.2:8200 /v1/sys/health",
            "configured /v1/sys/leader", "http://127.0.0.3:8200 /v1/sys/health", "http://127.0.0.3:8200 /v1/sys/mounts",
        ])
    }

    @Test("within the recheck interval no request looks again")
    func noRecheckWhenRecent() async throws {
        let transport = ScriptedTransport([Self.leader("http://127.0.0.2:8200"), Self.activeHealth, scriptedOK])
        let (routed, _) = await VaultClient(transport: transport).routedToActiveNode(recheckInterval: Self.unhurried, leaderWait: Self.unhurried)
        for _ in 0..<3 { _ = try await routed.request(.get, "sys/mounts") }
        #expect(transport.requests.count == 5)
        #expect(transport.requests.dropFirst().allSatisfy { $0.origin?.absoluteString == "http://127.0.0.2:8200" })
    }

    @Test("a standby that names no leader yet is asked again until it does (an election, a node just restarted)")
    func waitsForLeader() async throws {
        let transport = ScriptedTransport([Self.leader(""), Self.leader(""), Self.leader("http://127.0.0.2:8200"), Self.activeHealth, scriptedOK])
        let (client, finding) = await VaultClient(transport: transport).routedToActiveNode(recheckInterval: Self.unhurried, leaderWait: Self.unhurried)
        #expect(finding == .routed("http://127.0.0.2:8200"))
        _ = try await client.request(.get, "sys/mounts")
        #expect(transport.requests.last?.origin?.absoluteString == "http://127.0.0.2:8200")
    }

    @Test("reconfirmActiveNode says whether the leader moved: true once it has, false when it has not or without a route")
    func reconfirm() async throws {
        let transport = ScriptedTransport([
            Self.leader("http://127.0.0.2:8200"), Self.activeHealth,
            Self.leader("http://127.0.0.2:8200"), Self.activeHealth,
            Self.leader("http://127.0.0.3:8200"), Self.activeHealth,
        ])
        let (client, _) = await VaultClient(transport: transport).routedToActiveNode(recheckInterval: Self.unhurried, leaderWait: Self.unhurried)
        #expect(await client.reconfirmActiveNode() == false)
        #expect(await client.reconfirmActiveNode() == true)
        #expect(client.activeNode == .routed("http://127.0.0.3:8200"))
        #expect(await VaultClient(transport: ScriptedTransport([scriptedOK])).reconfirmActiveNode() == false)
    }

    @Test("the leader gone in the middle of a run: the route stays off the configured standby until a new leader answers")
    func keepsRouteThroughElection() async throws {
        let transport = ScriptedTransport([
            Self.leader("http://127.0.0.2:8200"), Self.activeHealth,
            .fail(.connectionRefused),
            Self.leader("http://127.0.0.2:8200"), .fail(.connectionRefused),
            Self.leader("http://127.0.0.3:8200"), Self.activeHealth,
            scriptedOK,
        ])
        var client = VaultClient(transport: transport, retryPolicy: Self.quick)
        client.requestDeadline = .seconds(120)
        let (routed, _) = await client.routedToActiveNode(recheckInterval: Self.unhurried, leaderWait: Self.unhurried)
        _ = try await routed.request(.get, "sys/policies/acl/p")
        let origins = transport.requests.map { $0.origin?.absoluteString ?? "configured" }
        #expect(origins == [
            "configured", "http://127.0.0.2:8200", "http://127.0.0.2:8200", "configured", "http://127.0.0.2:8200", "configured",
            "http://127.0.0.3:8200", "http://127.0.0.3:8200",
        ])
    }
}

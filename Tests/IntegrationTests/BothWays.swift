import Foundation
import Testing
import TestSupport

/// The two directions every field of a kind is tested in against a real server: a spelling
/// the server stores the same, written out of band, plans no change; a real out-of-band
/// change shows as exactly that field, `drift` exits 2, apply repairs it and the next plan is
/// empty.
enum BothWays {
    /// One real change: the `bao` arguments that make it, and the field the plan must show.
    struct Drift {
        var command: [String]
        var address: String
        var field: String

        init(_ command: [String], _ address: String, _ field: String) {
            self.command = command
            self.address = address
            self.field = field
        }
    }

    /// The drifts of the token fields every role-issuing kind shares (`TokenFields`): three on
    /// an object (`full`, at `fullAddress`) whose manifest sets token_policies other than
    /// [reader], a token_ttl other than 2h and token_bound_cidrs other than 10.0.0.0/16; the
    /// rest on one (`bare`) that leaves them at their fresh values.
    static func tokenFieldDrifts(full: String, _ fullAddress: String, bare: String, _ bareAddress: String) -> [Drift] {
        [
            .init(["write", full, "token_policies=reader"], fullAddress, "token_policies"),
            .init(["write", full, "token_ttl=2h"], fullAddress, "token_ttl"),
            // The server refuses token_bound_cidrs beside token_strictly_bind_ip: they drift on different objects.
            .init(["write", full, "token_bound_cidrs=10.0.0.0/16"], fullAddress, "token_bound_cidrs"),
            .init(["write", bare, "token_max_ttl=5h"], bareAddress, "token_max_ttl"),
            .init(["write", bare, "token_explicit_max_ttl=6h"], bareAddress, "token_explicit_max_ttl"),
            .init(["write", bare, "token_period=1h"], bareAddress, "token_period"),
            .init(["write", bare, "token_num_uses=4"], bareAddress, "token_num_uses"),
            .init(["write", bare, "token_no_default_policy=true"], bareAddress, "token_no_default_policy"),
            .init(["write", bare, "token_strictly_bind_ip=true"], bareAddress, "token_strictly_bind_ip"),
            .init(["write", bare, "token_type=service"], bareAddress, "token_type"),
        ]
    }

    /// The fields a plan's JSON says change, as `ADDRESS FIELD`.
    static func changed(_ output: String) throws -> [String] {
        let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        return (json?["changes"] as? [[String: Any]] ?? []).flatMap { change in
            (change["fields"] as? [[String: Any]] ?? []).map { "\(change["address"] ?? "") \($0["name"] ?? "")" }
        }
    }

    /// Each spelling, written with `bao`, plans no change. `environment` goes to every
    /// vaultform run (the sources of write-only values).
    static func spellingsAreNoChange(
        _ spellings: [[String]], manifest: String, server: DevServer, environment: [String: String] = [:]
    ) async throws {
        let bao = BaoCommand(server: server)
        for spelling in spellings {
            _ = try await bao.run(spelling)
            let plan = try await server.vaultform(["plan", manifest, "--format", "json"], environment: environment)
            #expect(try changed(plan.output).isEmpty, "\(spelling): \(plan.output)")
        }
    }

    /// Each drift, made with `bao`, shows its field; then `drift` exits 2, apply (with
    /// `applyArguments`) repairs everything, and the next plan is empty.
    static func driftsAreRepaired(
        _ drifts: [Drift], manifest: String, server: DevServer, applyArguments: [String] = [], environment: [String: String] = [:]
    ) async throws {
        let bao = BaoCommand(server: server)
        for drift in drifts {
            _ = try await bao.run(drift.command)
            let plan = try await server.vaultform(["plan", manifest, "--format", "json"], environment: environment)
            #expect(try changed(plan.output).contains("\(drift.address) \(drift.field)"), "\(drift.command): \(plan.output)")
        }
        let drifted = try await server.vaultform(["drift", manifest], environment: environment)
        #expect(drifted.code == 2, "\(drifted.all)")
        let repaired = try await server.vaultform(["apply", manifest, "--auto-approve"] + applyArguments, environment: environment)
        #expect(repaired.code == 0, "\(repaired.all)")
        let after = try await server.vaultform(["plan", manifest, "--detailed-exitcode"], environment: environment)
        #expect(after.code == 0, "\(after.all)")
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI

/// `vaultform drift` as a scheduler runs it: exit codes for in sync, drifted, unreachable,
/// sealed and denied servers; reports checked by independent parsers (Python's jsonschema and
/// prometheus_client); signed webhooks received on loopback; atomic output files; GitHub
/// Actions summaries and annotations.
@Suite("vaultform drift")
struct DriftCommandTests {
    static let root = ProcessRunner.repositoryRoot

    static func vaultform(
        _ arguments: [String], address: String, token: String, environment: [String: String] = [:]
    ) async throws -> StatusCommandTests.Run {
        try await StatusCommandTests.run(
            arguments + ["--address", address], environment: environment.merging(["VAULT_TOKEN": token]) { a, _ in a })
    }

    static func scratch() throws -> URL { try scratchDirectory("vf-drift") }

    static func manifest(in directory: URL, policy: String) throws -> String {
        let path = directory.appendingPathComponent("m.yaml").path
        try """
            version: 1
            policies: [{ name: \(policy), hcl: 'path "kv/data/app/*" { capabilities = ["read"] }' }]
            secrets_engines: [{ path: secret, type: kv-v2 }]
            secret_schemas:
              - path: secret/\(policy)
                fields:
                  token: { type: string, generate: { kind: password } }
                  note: { type: string, required: false }
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func python(_ script: String, input: String) async throws -> ProcessOutput {
        try await ProcessRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script], environment: ProcessInfo.processInfo.environment,
            input: Data(input.utf8))
    }

    /// Validates a drift JSON report with Python's jsonschema against the committed schema.
    static func validateJSON(_ text: String) async throws -> String {
        let schema = root.appendingPathComponent("schema/drift-report.schema.json").path
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(\(String(reflecting: schema))))
            jsonschema.Draft202012Validator(schema).validate(json.load(sys.stdin))
            print("valid")
            """
        let result = try await python(script, input: text)
        return result.standardOutput + result.standardError
    }

    /// Parses a Prometheus textfile with prometheus_client and returns `name{labels} value` lines, sorted.
    static func parsePrometheus(_ text: String) async throws -> [String] {
        let script = """
            import sys
            from prometheus_client.parser import text_string_to_metric_families
            out = []
            for family in text_string_to_metric_families(sys.stdin.read()):
                assert family.type == "gauge", family.type
                assert family.documentation, family.name
                for sample in family.samples:
                    labels = ",".join("%s=%s" % (k, v) for k, v in sorted(sample.labels.items()) if k != "manifest")
                    out.append("%s{%s} %g" % (sample.name, labels, sample.value))
            print("\\n".join(sorted(out)))
            """
        let result = try await python(script, input: text)
        #expect(result.exitCode == 0, "prometheus_client could not parse it: \(result.standardError)")
        return result.standardOutput.split(separator: "\n").map(String.init)
    }

    @Test("in sync exits 0, drift exits 2; JSON validates, Prometheus parses, Markdown collapses, no secret value anywhere")
    func inSyncAndDrift() async throws {
        try await DevServer.with { server in
            let directory = try Self.scratch()
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = try Self.manifest(in: directory, policy: "reader")
            let address = server.address.absoluteString, token = server.rootToken
            #expect(try await Self.vaultform(["apply", manifest, "--auto-approve"], address: address, token: token).code == 0)

            let inSync = try await Self.vaultform(["drift", manifest], address: address, token: token)
            #expect(inSync.code == 0, "\(inSync.all)")
            #expect(inSync.output.hasPrefix("In sync: the server matches the manifest"))
            let promFile = directory.appendingPathComponent("vaultform.prom").path
            let prom = try await Self.vaultform(["drift", manifest, "--format", "prometheus", "--output", promFile], address: address, token: token)
            #expect(prom.code == 0 && prom.output.isEmpty)
            let samples = try await Self.parsePrometheus(try String(contentsOfFile: promFile, encoding: .utf8))
            #expect(samples.contains("vaultform_drift_last_check_success{} 1"))
            #expect(samples.contains("vaultform_drift_in_sync{} 1"))
            #expect(samples.contains("vaultform_drift_objects{kind=policy} 0"))

            // Drift: a policy edited, a secret value replaced by hand with a canary, a stray field.
            let canary = "canary-\(UUID().uuidString)"
            let bao = BaoCommand(server: server)
            try await bao("policy", "write", "reader", "-", input: "path \"kv/data/*\" { capabilities = [\"read\", \"list\"] }\n")
            try await bao("kv", "patch", "-mount=secret", "reader", "note=\(canary)", "stray=\(canary)")
            var outputs: [String] = []
            for format in ["text", "json", "markdown", "prometheus"] {
                let run = try await Self.vaultform(["drift", manifest, "--format", format], address: address, token: token)
                #expect(run.code == 2, "\(format): \(run.all)")
                outputs.append(run.output)
            }
            #expect(outputs[0].contains("Drift: 2 objects differ from the manifest."), "\(outputs[0])")
            #expect(outputs[0].contains("~ policy \"reader\""))
            #expect(try await Self.validateJSON(outputs[1]) == "valid\n")
            let report = try JSONValue(decoding: Data(outputs[1].utf8))
            #expect(report["status"] == "drift")
            #expect(report["drifted_by_kind"]?["policy"] == 1 && report["drifted_by_kind"]?["kv-secret"] == 1)
            #expect(report["findings"]?[0]?["message"] == "field `stray` is not in the schema")
            #expect(outputs[2].contains("<details><summary><code>~ policy:reader</code> will be updated in place</summary>"))
            #expect(outputs[2].contains("```diff\n"))
            let drifted = try await Self.parsePrometheus(outputs[3])
            #expect(drifted.contains("vaultform_drift_in_sync{} 0"))
            #expect(drifted.contains("vaultform_drift_objects{kind=policy} 1"))
            #expect(drifted.contains("vaultform_drift_findings{severity=warning} 1"))
            #expect(!outputs.contains { $0.contains(canary) }, "a secret value appeared in a drift report")
        }
    }

    @Test("a failed check is never in sync: unreachable, sealed and denied servers exit 1 with the reason; Prometheus says success 0")
    func failedChecks() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest = try Self.manifest(in: directory, policy: "reader")
        let closedPort = try Listener.closed()
        // Closed until the test ends (Swift may otherwise release it after its last use).
        defer { withExtendedLifetime(closedPort) {} }
        let port = closedPort.port

        // Unreachable: the previous (good) textfile is replaced whole by one that says so.
        let promFile = directory.appendingPathComponent("vaultform.prom").path
        try "vaultform_drift_last_check_success 1\n".write(toFile: promFile, atomically: true, encoding: .utf8)
        let down = try await Self.vaultform(
            ["drift", manifest, "--format", "prometheus", "--output", promFile, "--request-timeout", "2s", "--deadline", "10s"],
            address: "http://127.0.0.1:\(port)", token: "nothing")
        #expect(down.code == 1)
        #expect(down.error.contains("connection refused"), "\(down.error)")
        let samples = try await Self.parsePrometheus(try String(contentsOfFile: promFile, encoding: .utf8))
        #expect(samples.contains("vaultform_drift_last_check_success{} 0"))
        #expect(!samples.contains { $0.hasPrefix("vaultform_drift_objects") || $0.hasPrefix("vaultform_drift_in_sync") })
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty, "temporary files left behind: \(leftovers)")
        let json = try await Self.vaultform(["drift", manifest, "--format", "json", "--request-timeout", "2s"], address: "http://127.0.0.1:\(port)", token: "x")
        #expect(json.code == 1)
        #expect(try await Self.validateJSON(json.output) == "valid\n")
        #expect(try JSONValue(decoding: Data(json.output.utf8))["status"] == "error")

        // Denied: a token that may not read policies.
        try await DevServer.with { server in
            let client = try server.client()
            _ = try await client.request(.put, "sys/policies/acl/narrow", body: ["policy": "path \"secret/*\" { capabilities = [\"read\"] }"])
            let narrow = try #require(
                try await client.request(.post, "auth/token/create", body: ["policies": ["narrow"], "no_default_policy": true])
                    .json?["auth"]?["client_token"]?.stringValue)
            let denied = try await Self.vaultform(["drift", manifest, "--format", "json"], address: server.address.absoluteString, token: narrow)
            #expect(denied.code == 1)
            let report = try JSONValue(decoding: Data(denied.output.utf8))
            #expect(report["status"] == "error")
            #expect(report["error"]?.stringValue?.contains("permission denied") == true, "\(denied.all)")
            #expect(!denied.all.contains(narrow))

            // Sealed.
            _ = try await client.request(.put, "sys/seal")
            let sealed = try await Self.vaultform(["drift", manifest], address: server.address.absoluteString, token: server.rootToken)
            #expect(sealed.code == 1)
            #expect(sealed.output.contains("error: the drift check failed:"), "\(sealed.all)")
            #expect(sealed.all.contains("sealed"))
        }

        // An output file that cannot be written is an error, not a silent success.
        let unwritable = try await Self.vaultform(
            ["drift", manifest, "--output", "/nonexistent-dir/report.txt", "--request-timeout", "1s"],
            address: "http://127.0.0.1:\(port)", token: "x")
        #expect(unwritable.code == 1)
        #expect(unwritable.error.contains("cannot write the report to /nonexistent-dir/report.txt"))
    }

    /// A one-request HTTP receiver on loopback (Python's http.server): it checks the
    /// signature itself and records what it got.
    static func receiver(port: Int, record: URL, secret: String, status: Int = 200) throws -> Process {
        let script = """
            import hashlib, hmac, http.server, json, sys
            secret, record, status = sys.argv[1].encode(), sys.argv[2], int(sys.argv[3])
            class Handler(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    body = self.rfile.read(int(self.headers["Content-Length"]))
                    expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
                    given = self.headers.get("X-Vaultform-Signature-256", "")
                    with open(record, "w") as out:
                        json.dump({"signature_ok": hmac.compare_digest(expected, given), "signed": bool(given),
                                   "content_type": self.headers.get("Content-Type"), "body": body.decode()}, out)
                    self.send_response(status)
                    self.end_headers()
                def log_message(self, *args):
                    pass
            server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[4])), Handler)
            open(record + ".ready", "w").close()
            server.handle_request()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, secret, record.path, String(status), String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.start()
        return process
    }

    /// Waits until the receiver listens (it says so with a file), so no notification races its start.
    static func waitUntilListening(_ record: URL) async throws {
        for _ in 0..<300 {
            if FileManager.default.fileExists(atPath: record.path + ".ready") { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DevServerError(message: "the webhook receiver did not start")
    }

    static func waitForFile(_ url: URL) async throws -> JSONValue {
        for _ in 0..<300 {
            if let data = FileManager.default.contents(atPath: url.path), !data.isEmpty, let value = try? JSONValue(decoding: data) {
                return value
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DevServerError(message: "the receiver recorded nothing")
    }

    @Test("a connection setting that is wrong before any request: the report says which, not only that the check failed")
    func settingProblemIsTheReason() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest = try Self.manifest(in: directory, policy: "app")
        let missing = directory.appendingPathComponent("no-such-ca.pem").path
        let json = try await Self.vaultform(
            ["drift", manifest, "--format", "json", "--ca-cert", missing], address: "https://127.0.0.1:1", token: "x")
        #expect(json.code == 1, "\(json.all)")
        let report = try JSONValue(decoding: Data(json.output.utf8))
        #expect(report["status"] == "error")
        #expect(report["error"]?.stringValue == "\(missing) (flag --ca-cert) is not an existing file", "\(json.all)")
        #expect(json.error.contains("error: \(missing) (flag --ca-cert) is not an existing file"), "\(json.error)")
    }

    @Test("the webhook gets a correctly signed JSON body, or a Slack body; a failed notification never changes the exit code")
    func webhooks() async throws {
        try await DevServer.with { server in
            let directory = try Self.scratch()
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = try Self.manifest(in: directory, policy: "notified")
            let address = server.address.absoluteString, token = server.rootToken
            #expect(try await Self.vaultform(["apply", manifest, "--auto-approve"], address: address, token: token).code == 0)
            let canary = "canary-\(UUID().uuidString)"
            try await BaoCommand(server: server)("kv", "patch", "-mount=secret", "notified", "extra=\(canary)")
            let secret = "webhook-signing-secret-\(UUID().uuidString.prefix(8))"

            // Drift, JSON, signed.
            var port = try FreePort.loopback()
            var record = directory.appendingPathComponent("json.rec")
            var receiver = try Self.receiver(port: port, record: record, secret: secret)
            try await Self.waitUntilListening(record)
            let drift = try await Self.vaultform(
                ["drift", manifest, "--notify-webhook", "http://127.0.0.1:\(port)/hooks/vault?team=ops"],
                address: address, token: token, environment: ["VAULTFORM_WEBHOOK_SECRET": secret])
            #expect(drift.code == 2, "\(drift.all)")
            var got = try await Self.waitForFile(record)
            receiver.kill()
            #expect(got["signature_ok"] == true)
            #expect(got["content_type"] == "application/json")
            let body = try #require(got["body"]?.stringValue)
            #expect(try await Self.validateJSON(body) == "valid\n")
            #expect(body.contains("field `extra` is not in the schema"))
            #expect(!body.contains(canary) && !body.contains(secret))
            #expect(!drift.all.contains(secret))

            // Slack, on every run (here in sync after a repair); unsigned without the secret.
            _ = try await BaoCommand(server: server)("kv", "metadata", "delete", "-mount=secret", "notified")
            #expect(try await Self.vaultform(["apply", manifest, "--auto-approve"], address: address, token: token).code == 0)
            port = try FreePort.loopback()
            record = directory.appendingPathComponent("slack.rec")
            receiver = try Self.receiver(port: port, record: record, secret: secret)
            try await Self.waitUntilListening(record)
            let always = try await Self.vaultform(
                ["drift", manifest, "--notify-webhook", "http://127.0.0.1:\(port)/", "--notify-format", "slack", "--notify-on", "always"],
                address: address, token: token)
            #expect(always.code == 0, "\(always.all)")
            got = try await Self.waitForFile(record)
            receiver.kill()
            #expect(got["signed"] == false)
            let slack = try JSONValue(decoding: Data((got["body"]?.stringValue ?? "").utf8))
            #expect(slack["text"]?.stringValue?.hasPrefix(":white_check_mark: vaultform drift:") == true)

            // In sync with --notify-on change: nothing sent. Receiver down: a warning, exit code unchanged.
            try await BaoCommand(server: server)("policy", "write", "notified", "-", input: "path \"x\" { capabilities = [\"read\"] }\n")
            let closedPort = try Listener.closed()
            // Closed until the test ends (Swift may otherwise release it after its last use).
            defer { withExtendedLifetime(closedPort) {} }
            let unreachable = closedPort.port
            let failed = try await Self.vaultform(
                ["drift", manifest, "--notify-webhook", "http://127.0.0.1:\(unreachable)/"], address: address, token: token)
            #expect(failed.code == 2)
            #expect(failed.error.contains("warning: the drift notification to 127.0.0.1 failed:"), "\(failed.error)")
        }
    }

    @Test("under GitHub Actions: plan and drift append Markdown to the job summary; manifest errors become annotations")
    func githubActions() async throws {
        try await DevServer.with { server in
            let directory = try Self.scratch()
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = try Self.manifest(in: directory, policy: "gha")
            let summary = directory.appendingPathComponent("summary.md").path
            let environment = ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary]
            let address = server.address.absoluteString, token = server.rootToken
            #expect(try await Self.vaultform(["plan", manifest], address: address, token: token, environment: environment).code == 0)
            #expect(try await Self.vaultform(["drift", manifest], address: address, token: token, environment: environment).code == 2)
            let text = try String(contentsOfFile: summary, encoding: .utf8)
            // The dev server's own secret/ has a description the manifest leaves out: managed at "".
            #expect(text.contains("### vaultform plan: 2 to add, 1 to change, 0 to destroy"), "\(text)")
            #expect(text.contains("### vaultform drift: 2 to add, 1 to change, 0 to destroy"))

            let broken = directory.appendingPathComponent("broken.yaml").path
            try "version: 1\npolicies:\n  - name: x\n    hcl: 'path \"a\" { capabilities = [\"reed\"] }'\n".write(toFile: broken, atomically: true, encoding: .utf8)
            let validate = try await StatusCommandTests.run(["validate", broken], environment: environment)
            #expect(validate.code == 1)
            #expect(validate.error.contains("::error file=\(broken),line=4,col="), "\(validate.error)")
            #expect(validate.error.contains(",title=vaultform::policy `x`: unknown capability \"reed\""))
        }
    }
}

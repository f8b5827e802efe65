import Testing
@testable import VaultformCore
import VaultformPolicy

/// Audit options compared by what the server makes of them: an equivalent spelling must
/// never plan a replace (which resets the device's HMAC salt), and a real difference must.
@Suite struct AuditOptionsTests {
    static func same(_ type: String, _ lhs: [String: String], _ rhs: [String: String]) -> Bool {
        AuditOptions.meaning(type: type, lhs).hasSameBytes(as: AuditOptions.meaning(type: type, rhs))
    }

    @Test("booleans as Go's strconv.ParseBool reads them, and their defaults")
    func booleans() {
        for truthy in ["1", "t", "T", "TRUE", "true", "True"] { #expect(Self.same("file", ["log_raw": truthy], ["log_raw": "true"])) }
        for falsy in ["0", "f", "F", "FALSE", "false", "False"] { #expect(Self.same("file", ["log_raw": falsy], [:])) }
        #expect(Self.same("file", ["hmac_accessor": "1"], [:]))
        #expect(!Self.same("file", ["hmac_accessor": "0"], [:]))
        #expect(!Self.same("file", ["log_raw": "yes"], ["log_raw": "true"]), "not a Go boolean: kept as written")
        #expect(!Self.same("file", ["log_raw": "tRUE"], ["log_raw": "true"]))
    }

    @Test("file modes: octal with or without leading zeros, default 0600, executable bits cleared")
    func modes() {
        #expect(Self.same("file", ["mode": "600"], ["mode": "0600"]))
        #expect(Self.same("file", ["mode": "000600"], [:]))
        #expect(Self.same("file", ["mode": "0700"], ["mode": "0600"]), "the server clears executable bits")
        #expect(!Self.same("file", ["mode": "0640"], ["mode": "0600"]))
        #expect(!Self.same("file", ["mode": "0"], ["mode": "0600"]), "0 keeps the file's own mode")
        #expect(!Self.same("file", ["mode": "0o600"], ["mode": "0600"]), "no prefix in base 8: the server refuses it")
        #expect(!Self.same("file", ["mode": "384"], ["mode": "0600"]))
    }

    @Test("file paths: `path` is file_path's old name; stdout and discard in any case; other paths by bytes")
    func paths() {
        #expect(Self.same("file", ["path": "/var/log/a.log"], ["file_path": "/var/log/a.log"]))
        #expect(Self.same("file", ["file_path": "STDOUT"], ["file_path": "stdout"]))
        #expect(Self.same("file", ["file_path": "Discard"], ["file_path": "discard"]))
        #expect(!Self.same("file", ["file_path": "/var/log/A.log"], ["file_path": "/var/log/a.log"]))
        #expect(!Self.same("file", ["file_path": "/var/log/caf\u{E9}.log"], ["file_path": "/var/log/cafe\u{301}.log"]))
    }

    @Test("socket and syslog defaults; format defaults to json; unknown keys as text")
    func otherTypes() {
        #expect(Self.same("socket", ["address": "127.0.0.1:9090"], ["address": "127.0.0.1:9090", "socket_type": "tcp", "write_timeout": "2s"]))
        #expect(Self.same("socket", ["address": "a", "write_timeout": "2"], ["address": "a"]))
        #expect(!Self.same("socket", ["address": "a", "write_timeout": "5s"], ["address": "a"]))
        #expect(Self.same("syslog", [:], ["facility": "AUTH", "tag": "vault", "format": "json"]))
        #expect(!Self.same("file", ["file_path": "x", "custom": "1"], ["file_path": "x", "custom": "true"]))
    }

    @Test("a socket's write_timeout is read as the server parses durations", arguments: [
        ("2000ms", "2s", true), ("2", "2s", true), ("+2", "2s", true), ("0.5m", "30s", true), ("1d", "24h", true),
        ("1h0m0s", "3600", true), ("2000000us", "2s", true), ("2000000\u{B5}s", "2s", true), ("1.5s", "1500ms", true),
        ("1.5s", "1s", false), ("1.5s", "2s", false), ("2.000000001s", "2s", false), ("2.0000000001s", "2s", true), ("1.d", "1d", false),
        ("", "0", true), ("0", "0s", true), ("-1s", "-1", true), ("2 s", "2s", false),
    ])
    func writeTimeout(lhs: String, rhs: String, same: Bool) {
        #expect(Self.same("socket", ["address": "a", "write_timeout": lhs], ["address": "a", "write_timeout": rhs]) == same)
    }

    @Test("an http device's headers are JSON whose names the server canonicalises", arguments: [
        (#"{ "X-B": ["2", "3"], "X-A": ["1"] }"#, true),
        (#"{"x-a":["1"],"x-b":["2","3"]}"#, true),
        (#"{"X-\u0041":["1"],"X-B":["2","3"],"X-C":null,"X-D":[]}"#, true),
        (#"{"X-A":["1"],"X-B":["3","2"]}"#, false),
        (#"{"X-A":["1"]}"#, false),
        (#"{"X-A":["1"],"x-a":["1"],"X-B":["2","3"]}"#, false),
        (#"{"X A":["1"],"X-B":["2","3"]}"#, false),
        ("not json", false),
    ])
    func httpHeaders(headers: String, same: Bool) {
        let manifest = #"{"X-A":["1"],"X-B":["2","3"]}"#
        #expect(Self.same("http", ["uri": "u", "headers": manifest], ["uri": "u", "headers": headers]) == same)
    }

    @Test("header names canonicalise as Go's CanonicalMIMEHeaderKey does", arguments: [
        ("x-request-id", "X-Request-Id"), ("X-REQUEST-ID", "X-Request-Id"), ("content-md5", "Content-Md5"),
        ("x_y", "X_y"), ("x y", "x y"), ("x\u{E9}", "x\u{E9}"), ("-a", "-A"),
    ])
    func mimeKeys(name: String, canonical: String) {
        #expect(AuditOptions.canonicalMIMEHeaderKey(name) == canonical)
    }

    @Test("a syslog facility is read in any case, as go-syslog upper-cases it", arguments: [
        ("auth", "AUTH", true), ("Local7", "LOCAL7", true), ("\u{17F}y\u{17F}log", "SYSLOG", true), ("authpr\u{131}v", "AUTHPRIV", true),
        ("auth", "AUTHPRIV", false), ("bogus", "BOGUS", false),
    ])
    func syslogFacility(lhs: String, rhs: String, same: Bool) {
        #expect(Self.same("syslog", ["facility": lhs], ["facility": rhs]) == same)
    }
}

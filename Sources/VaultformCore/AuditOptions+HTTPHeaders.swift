import Foundation

extension AuditOptions {
    /// An `http` device's `headers` option as the server reads it
    /// (`internal/builtin/audit/http/backend.go`): JSON decoded into `map[string][]string`
    /// (a `null` or empty list adds no header), each name put through `http.Header.Add`, which
    /// canonicalises it (`CanonicalMIMEHeaderKey`). Written again as sorted, compact JSON, so
    /// layout, key order, escapes and the case of names are no difference. Nil (the text is
    /// compared as written) when it is not such JSON, or when two names become one: the
    /// server would then merge their values in Go's random map order.
    static func httpHeaders(_ text: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
        var headers: [String: [String]] = [:]
        for (name, raw) in object {
            let values: [String]
            if raw is NSNull {
                values = []
            } else if let list = raw as? [Any], let strings = list as? [String], strings.count == list.count {
                values = strings
            } else {
                return nil
            }
            let key = canonicalMIMEHeaderKey(name)
            guard headers[key] == nil else { return nil }
            headers[key] = values
        }
        let kept = headers.filter { !$0.value.isEmpty }
        guard let data = try? JSONSerialization.data(withJSONObject: kept, options: [.sortedKeys]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Go's `textproto.CanonicalMIMEHeaderKey`: a name made only of token bytes gets its first
    /// letter and each letter after a hyphen in upper case and the rest in lower case; any
    /// other name is kept as it is.
    static func canonicalMIMEHeaderKey(_ name: String) -> String {
        let token = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        guard name.utf8.allSatisfy(token.contains) else { return name }
        var upper = true
        let bytes = name.utf8.map { byte -> UInt8 in
            var byte = byte
            if upper, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) {
                byte -= 32
            } else if !upper, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) {
                byte += 32
            }
            upper = byte == UInt8(ascii: "-")
            return byte
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

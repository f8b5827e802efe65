import Crypto
import Foundation
import Testing
import VaultWire
import VaultformManifest
import VaultformSecrets

/// Coercion, shapes for plans, and keyed fingerprints.
@Suite struct CoercionShapeFingerprintTests {
    @Test func coercionRoundTrips() throws {
        let object: JSONValue = ["user": "svc", "port": 5432, "tls": true, "hosts": ["a", "b"], "extra": .null]
        let objectText = try #require(String(data: object.encoded(), encoding: .utf8))
        let coercedObject = SecretValues.coerced(.string(objectText), to: .jsonObject)
        #expect(coercedObject == object)
        if let coercedObject { expectCheck(coercedObject, field(.jsonObject), .valid) }

        let array: JSONValue = ["10.0.0.1/32", 8, ["nested": false]]
        let arrayText = try #require(String(data: array.encoded(), encoding: .utf8))
        #expect(SecretValues.coerced(.string(arrayText), to: .jsonArray) == array)

        #expect(SecretValues.coerced("8200", to: .integer) == 8200)
        #expect(SecretValues.coerced("-17", to: .integer) == -17)
        #expect(SecretValues.coerced("0042", to: .integer) == 42)
        #expect(SecretValues.coerced("true", to: .boolean) == true)
        #expect(SecretValues.coerced("false", to: .boolean) == false)
        expectCheck(8200, field(.integer), .valid)
    }

    @Test func coercionRefusesWhatCheckDoesNotCallCoercible() {
        #expect(SecretValues.coerced(["user": "svc"], to: .jsonObject) == nil)
        #expect(SecretValues.coerced(8200, to: .integer) == nil)
        #expect(SecretValues.coerced(true, to: .boolean) == nil)
        #expect(SecretValues.coerced(#"["a"]"#, to: .jsonObject) == nil)
        #expect(SecretValues.coerced(#"{"a":1}"#, to: .jsonArray) == nil)
        #expect(SecretValues.coerced("12.5", to: .integer) == nil)
        #expect(SecretValues.coerced("9007199254740993", to: .integer) == nil)
        #expect(SecretValues.coerced("yes", to: .boolean) == nil)
        #expect(SecretValues.coerced("42", to: .string) == nil)
        #expect(SecretValues.coerced("YWJj", to: .base64) == nil)
    }

    /// `check` says `.coercible` exactly when `coerced` gives a value, and that value is valid.
    @Test func checkAndCoercedAgree() {
        let values: [JSONValue] = [
            "42", "-7", "+7", "4.2", "", "true", "false", "TRUE", #"{"a":1}"#, #"[1,2]"#, "{broken", " [] ",
            42, 4.2, true, .null, ["a": 1], [1, 2], "plain",
        ]
        for type in [SecretFieldType.integer, .boolean, .jsonObject, .jsonArray, .string, .base64] {
            for value in values {
                let verdict = SecretValues.check(value, against: field(type))
                let rewritten = SecretValues.coerced(value, to: type)
                let coercible = if case .coercible = verdict { true } else { false }
                #expect(coercible == (rewritten != nil), "type \(type.rawValue), value of shape \(SecretValues.shape(value))")
                if let rewritten {
                    #expect(SecretValues.check(rewritten, against: field(type)) == .valid)
                }
            }
        }
    }

    @Test func shapes() {
        #expect(SecretValues.shape(.string(String(repeating: "x", count: 44))) == "string, 44 characters")
        #expect(SecretValues.shape("é") == "string, 1 character")
        #expect(SecretValues.shape("") == "string, 0 characters")
        #expect(SecretValues.shape(["a": 1, "b": 2, "c": 3]) == "JSON object (3 keys)")
        #expect(SecretValues.shape(["a": 1]) == "JSON object (1 key)")
        #expect(SecretValues.shape(#"{"a":1,"b":2,"c":3}"#) == "JSON object stored as a string (3 keys)")
        #expect(SecretValues.shape(#"["x","y"]"#) == "JSON array stored as a string (2 items)")
        #expect(SecretValues.shape("{not json") == "string, 9 characters")
        #expect(SecretValues.shape(42) == "integer")
        #expect(SecretValues.shape(4.2) == "number")
        #expect(SecretValues.shape(true) == "boolean")
        #expect(SecretValues.shape(.null) == "null")
        #expect(SecretValues.shape(["x", "y"]) == "JSON array (2 items)")
        #expect(SecretValues.shape([]) == "JSON array (0 items)")
    }

    @Test func shapeNeverQuotesTheValue() {
        let values: [JSONValue] = ["hunter2-password", #"{"token":"tok-secret-value"}"#, ["token": "tok-secret-value"], 987_654_321]
        for value in values {
            let quotes = messageQuotes(SecretValues.shape(value), value)
                || SecretValues.shape(value).contains("secret") || SecretValues.shape(value).contains("987")
            #expect(!quotes)
        }
    }

    @Test func fingerprints() {
        let place = "kv-secret:secret/app.password"
        let key = SymmetricKey(size: .bits256)
        let otherKey = SymmetricKey(size: .bits256)
        let secret: JSONValue = "correct horse battery staple"
        let fingerprint = SecretValues.fingerprint(secret, key: key, at: place)

        #expect(SecretValues.fingerprint("correct horse battery staple", key: key, at: place) == fingerprint)
        #expect(SecretValues.fingerprint(secret, key: otherKey, at: place) != fingerprint)
        #expect(SecretValues.fingerprint("correct horse battery stapler", key: key, at: place) != fingerprint)
        #expect(SecretValues.fingerprint("", key: key, at: place) != SecretValues.fingerprint(" ", key: key, at: place))

        let hexDigits = Set("0123456789abcdef")
        #expect(fingerprint.hasPrefix("hmac:"))
        #expect(fingerprint.count == "hmac:".count + 16)
        #expect(fingerprint.dropFirst("hmac:".count).allSatisfy(hexDigits.contains))
        let quotes = fingerprint.contains("correct") || fingerprint.contains("staple")
        #expect(!quotes)
    }

    @Test func fingerprintsOfStructuredValuesIgnoreKeyOrder() throws {
        let place = "kv-secret:secret/app.config"
        let key = SymmetricKey(data: Data(repeating: 7, count: 32))
        let first = try JSONValue(decoding: Data(#"{"b":[1,2],"a":{"y":true,"x":null}}"#.utf8))
        let second = try JSONValue(decoding: Data(#"{"a":{"x":null,"y":true},"b":[1,2]}"#.utf8))
        #expect(SecretValues.fingerprint(first, key: key, at: place) == SecretValues.fingerprint(second, key: key, at: place))
        #expect(SecretValues.fingerprint(["b": [2, 1]], key: key, at: place) != SecretValues.fingerprint(["b": [1, 2]], key: key, at: place))
        #expect(SecretValues.fingerprint(1, key: key, at: place) != SecretValues.fingerprint(2, key: key, at: place))
        #expect(SecretValues.fingerprint(true, key: key, at: place) != SecretValues.fingerprint(false, key: key, at: place))

        // The same key and value always give the same fingerprint, across runs: pin one.
        let pinned = SecretValues.fingerprint("vaultform", key: key, at: place)
        var input = Data([0, 0, 0, 0, 0, 0, 0, UInt8(place.utf8.count)])
        input.append(Data(place.utf8))
        input.append(Data("vaultform".utf8))
        let expected = "hmac:" + HMAC<SHA256>.authenticationCode(for: input, using: key)
            .prefix(8).map { String(format: "%02x", $0) }.joined()
        #expect(pinned == expected)
    }

    /// Equal values at two places never look equal (a plan in a pull request must not show
    /// that two secrets share a password), and the place cannot be shifted into the value.
    @Test func fingerprintsAreKeyedByPlace() {
        let key = SymmetricKey(size: .bits256)
        let password: JSONValue = "hunter2-hunter2"
        let first = SecretValues.fingerprint(password, key: key, at: "kv-secret:secret/app-a.db_password")
        let second = SecretValues.fingerprint(password, key: key, at: "kv-secret:secret/app-b.db_password")
        let sameSecretOtherField = SecretValues.fingerprint(password, key: key, at: "kv-secret:secret/app-a.api_key")
        #expect(first != second)
        #expect(first != sameSecretOtherField)
        #expect(first == SecretValues.fingerprint(password, key: key, at: "kv-secret:secret/app-a.db_password"))
        #expect(SecretValues.fingerprint("bc", key: key, at: "a") != SecretValues.fingerprint("c", key: key, at: "ab"))
    }
}

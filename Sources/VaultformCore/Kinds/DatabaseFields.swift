import Foundation
import VaultformManifest
import VaultformPolicy
import VaultPath
import VaultWire

/// Reading the database plugin's connection details, which the server keeps as they were
/// sent (`"7"` or `7`, `"1m"` or `60`, `"true"` or `true`), and the address of a database
/// object.
enum DatabaseFields {
    /// An integer sent as a number or as text.
    static func integer(_ value: JSONValue?) -> Int? {
        if let number = value?.intValue { return number }
        return value?.stringValue.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// A Boolean as Go's `strconv.ParseBool` reads it (what the plugin's weak decoding uses).
    static func boolean(_ value: JSONValue?) -> Bool? {
        if let flag = value?.boolValue { return flag }
        if let number = value?.intValue { return number != 0 }
        switch value?.stringValue {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: return nil
        }
    }

    /// A duration sent as seconds or as duration text (`1m`, `90s`).
    static func seconds(_ value: JSONValue?) -> Int? {
        if let number = value?.intValue { return number }
        guard let text = value?.stringValue else { return nil }
        if case .success(let span) = TimeSpan.parse(text) { return span.seconds }
        return nil
    }

    /// A role's `credential_config` means what the keys it gives say: the server adds the
    /// defaults of the credential type (`format: pkcs8`) and keeps a config once set.
    static func sameValue(_ field: String, _ desired: FieldValue, _ live: FieldValue, _ fields: [String: FieldValue]) -> Bool? {
        guard field == "credential_config", case .map(let wanted) = desired, case .map(let held) = live else { return nil }
        return wanted.allSatisfy { key, value in held[key].map { $0.hasSameBytes(as: value) } ?? false }
    }

    /// The address of an object on a database engine (`MOUNT/NAME`).
    static func address(_ kind: ResourceKind, mount: String, name: String) -> Address {
        Address(kind, MountPath.withSlash(mount) + name)
    }

    /// The export entry's identity: the name, and the mount when it is not `database`.
    static func identity(_ address: Address) -> [ManifestNode.Pair] {
        let (mount, name) = address.mountAndName
        var identity: [ManifestNode.Pair] = [.init("name", .text(name))]
        if mount != "database/" { identity.append(.init("mount", .text(MountPath.withoutSlash(mount)))) }
        return identity
    }
}

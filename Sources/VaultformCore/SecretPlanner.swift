import VaultformManifest
import VaultPath

/// Plans one secret from its schema and what the read stage observed: which fields apply
/// fills (and from where), which stored values it coerces, which it rotates, and what it
/// cannot fix (findings). Pure and value-free, like the rest of the planner.
///
/// The rules, in the order a field meets them:
/// - absent: filled from its generator or source; a required field with neither is a blocker;
/// - present and valid: left alone, unless a rotation is asked for (`rotate:` marker changed,
///   or `--rotate`), which replaces it from its generator or source;
/// - present in the wrong JSON type: rewritten when the field says `coerce: true`, else a warning;
/// - present and invalid: a warning naming what is wrong (a rotation would replace it);
/// - forbidden fields present, and fields the schema does not describe: warnings; never deleted.
public enum SecretPlanner {
    /// The address of a schema's secret: `kv-secret:secret/hoodcloud/master-key`.
    public static func address(_ schema: SecretSchema) -> Address { Address(.kvSecret, schema.path, namespace: schema.namespace) }

    /// The key of a schema's observation in `LiveState.secrets`: its path, after
    /// `NAMESPACE::` for a secret inside a namespace.
    public static func observationKey(_ schema: SecretSchema) -> String {
        schema.namespace.isEmpty ? schema.path : "\(schema.namespace)::\(schema.path)"
    }

    /// The operation (nil when nothing is to be written) and the findings for one secret.
    public static func plan(
        _ schema: SecretSchema, _ observed: SecretObservation, rotate requested: Set<String> = []
    ) -> (operation: Operation?, findings: [Finding]) {
        let address = address(schema)
        var fills: [SecretFill] = []
        var findings: [Finding] = []
        let live = observed.exists ? observed.fields : [:]
        // Fields a key-pair generator fills along with its private key.
        var filledBy: [String: SecretField] = [:]
        for field in schema.fields {
            if case .generate(let generator) = field.source, let name = generator.publicField?.value { filledBy[name] = field }
        }
        var generatedPublic: Set<String> = []

        for field in schema.fields {
            let declaration = FieldDeclaration(field)
            let current = live[field.name]
            let markerChanged = field.rotate.map { observed.markers[field.name] != $0 } ?? false
            // A value the current version lacks but that was there before (an earlier version
            // holds it, or the current version is deleted) is lost, not new: filling it anew
            // would replace it for good, so only an explicit rotation may.
            let lost = current == nil && (observed.heldEarlier[field.name] != nil || observed.currentDeleted)
            let rotate = (current != nil || lost) && (requested.contains(field.name) || markerChanged)

            if let private_ = filledBy[field.name] {
                // A public key: filled with its private key; or, when only it is missing,
                // derived from the stored private key.
                if current == nil, live[private_.name] != nil, case .generate(let generator) = private_.source,
                   !requested.contains(private_.name), !(private_.rotate.map { observed.markers[private_.name] != $0 } ?? false) {
                    if live[private_.name]?.verdict == .valid {
                        fills.append(SecretFill(
                            field: field.name, origin: .derive(kind: generator.kind, from: private_.name), replacesValue: false,
                            declaration: declaration))
                    } else {
                        findings.append(Finding(
                            .warning, address, field: field.name,
                            "`\(field.name)` is missing, and `\(private_.name)` is not a valid key to derive it from",
                            hint: rotateHint(address, private_.name)))
                    }
                }
                continue
            }

            if lost, !rotate, filledBy[field.name] == nil, field.source != nil {
                findings.append(lostValue(field.name, observed: observed, address: address, mount: schema.mount, path: schema.secretPath))
                continue
            }
            switch (current, rotate) {
            case (nil, _), (_, true):
                if let origin = fillOrigin(field, observed: observed, address: address, findings: &findings, replacing: rotate) {
                    // A new key pair replaces a public key that is still there (its private key
                    // was lost): said as a replacement, or apply would refuse to overwrite it.
                    var replaces = rotate
                    if case .generate(let generator) = origin, let name = generator.publicField {
                        generatedPublic.insert(name)
                        if live[name] != nil { replaces = true }
                    }
                    fills.append(SecretFill(field: field.name, origin: origin, replacesValue: replaces, declaration: declaration))
                }
            case (let value?, false):
                switch value.verdict {
                case .valid:
                    break
                case .coercible where field.coerce:
                    fills.append(SecretFill(field: field.name, origin: .coerce, replacesValue: false, declaration: declaration))
                case .coercible(let reason):
                    findings.append(Finding(
                        .warning, address, field: field.name, "`\(field.name)` is \(reason)",
                        hint: "set `coerce: true` on the field to let apply rewrite it as a \(field.type.rawValue)"))
                case .invalid(let reason):
                    findings.append(Finding(
                        .warning, address, field: field.name, "`\(field.name)` is not a valid \(field.type.rawValue): \(reason)",
                        hint: field.source == nil ? "write a valid value" : rotateHint(address, field.name)))
                }
            }
        }

        for name in schema.forbidden.sorted() where live[name] != nil {
            findings.append(Finding(
                .warning, address, field: name, "forbidden field `\(name)` is present",
                hint: "remove it by hand (vaultform never deletes secret data)"))
        }
        if !schema.allowUnexpected {
            let described = Set(schema.fields.map(\.name)).union(schema.forbidden)
            for name in live.keys.sorted() where !described.contains(name) {
                findings.append(Finding(.warning, address, field: name, "field `\(name)` is not in the schema"))
            }
        }
        let replaced = Set(fills.map(\.field)).union(generatedPublic)
        for pair in schema.pairs {
            let key = SecretObservation.pairKey(pair.privateField.value, pair.publicField.value)
            guard !replaced.contains(pair.privateField.value), !replaced.contains(pair.publicField.value),
                  case .invalid(let reason)? = observed.pairs[key] else { continue }
            findings.append(Finding(
                .warning, address, field: pair.publicField.value,
                "`\(pair.publicField.value)` does not belong to `\(pair.privateField.value)`: \(reason)",
                hint: rotateHint(address, pair.privateField.value)))
        }

        guard !fills.isEmpty else { return (nil, findings) }
        // Each filled field's marker is recorded, so the same marker never rotates it again.
        var markers: [String: String] = [:]
        for fill in fills {
            if let marker = schema.fields.first(where: { $0.name == fill.field })?.rotate { markers[fill.field] = marker }
        }
        let write = SecretWrite(
            mount: MountPath.withSlash(schema.mount), path: schema.secretPath, version: observed.version, fills: fills,
            markers: markers)
        var operation = Operation(
            address: address, action: observed.exists ? .update : .create, changes: changes(fills, live: live, schema: schema),
            location: schema.location)
        operation.secretWrite = write
        return (operation, findings)
    }

    /// Where a missing (or rotated) field's value comes from, or nil with a finding when it
    /// cannot be had: a blocker when the field is required or the source is there but wrong.
    static func fillOrigin(
        _ field: SecretField, observed: SecretObservation, address: Address, findings: inout [Finding], replacing: Bool
    ) -> SecretFill.Origin? {
        switch field.source {
        case .generate(let generator)?:
            return .generate(GeneratorSpec(generator))
        case .environment(let name)?:
            return available(field, observed: observed, address: address, findings: &findings, replacing: replacing,
                             origin: .environment(name), fix: "set \(name), or write the field")
        case .file(let path, let resolved)?:
            return available(field, observed: observed, address: address, findings: &findings, replacing: replacing,
                             origin: .file(resolved), fix: "create \(path), or write the field")
        case nil:
            if field.required {
                findings.append(Finding(
                    .blocker, address, field: field.name, "`\(field.name)` is required and missing, and has no source",
                    hint: "write the field, or give it a `generate`, `from_env` or `from_file`"))
            }
            return nil
        }
    }

    private static func available(
        _ field: SecretField, observed: SecretObservation, address: Address, findings: inout [Finding], replacing: Bool,
        origin: SecretFill.Origin, fix: String
    ) -> SecretFill.Origin? {
        switch observed.sources[field.name] {
        case .available?:
            return origin
        case .invalid(let reason)?:
            findings.append(Finding(.blocker, address, field: field.name, "`\(field.name)`: \(reason)", hint: "fix the value of its source"))
            return nil
        case .unavailable(let reason)?:
            if replacing {
                findings.append(Finding(.blocker, address, field: field.name, "cannot rotate `\(field.name)`: \(reason)", hint: fix))
            } else if field.required {
                findings.append(Finding(.blocker, address, field: field.name, "`\(field.name)` is required and missing: \(reason)", hint: fix))
            }
            return nil
        case nil:
            findings.append(Finding(.blocker, address, field: field.name, "`\(field.name)`: its source was not read", hint: fix))
            return nil
        }
    }

    /// The blocker for a field whose value was lost from the current version: where the value
    /// still is, how to bring it back, and how to replace it deliberately instead.
    static func lostValue(_ field: String, observed: SecretObservation, address: Address, mount: String, path: String) -> Finding {
        let secret = MountPath.withSlash(mount) + path
        let message: String
        let restore: String
        if let version = observed.heldEarlier[field] {
            message = observed.exists
                ? "`\(field)` is missing from the current version (\(observed.version)) but version \(version) holds it; a new value would replace it for good"
                : "the current version (\(observed.version)) is deleted and version \(version) holds `\(field)`; a new value would replace it for good"
            restore = "bring it back with `bao kv rollback -version=\(version) \(secret)`"
        } else {
            message = "the current version (\(observed.version)) is deleted, and may hold `\(field)`; a new value would replace it for good"
            restore = "bring it back with `bao kv undelete -versions=\(observed.version) \(secret)`"
        }
        return Finding(.blocker, address, field: field, message, hint: restore + ", or generate a new one deliberately: " + rotateHint(address, field))
    }

    static func rotateHint(_ address: Address, _ field: String) -> String {
        "replace it with `--rotate \(address).\(field)` (or a new `rotate:` marker on the field)"
    }

    /// The field changes people see: what is there (shape and fingerprint) and what comes.
    static func changes(_ fills: [SecretFill], live: [String: ObservedField], schema: SecretSchema) -> [FieldChange] {
        var changes: [FieldChange] = []
        for fill in fills {
            var after = SensitiveValue(origin: fill.summary)
            if case .coerce = fill.origin { after = SensitiveValue(origin: "rewritten as a \(fill.declaration.type)") }
            changes.append(FieldChange(
                field: fill.field, before: live[fill.field].map { .sensitive($0.sensitive) }, after: .sensitive(after),
                forcesReplacement: fill.replacesValue ? "rotation replaces the current value" : nil))
            if case .generate(let spec) = fill.origin, let name = spec.publicField {
                changes.append(FieldChange(
                    field: name, before: live[name].map { .sensitive($0.sensitive) },
                    after: .sensitive(SensitiveValue(origin: "public key of \(fill.field)")),
                    forcesReplacement: fill.replacesValue && live[name] != nil ? "rotation replaces the current value" : nil))
            }
        }
        return changes.sorted { $0.field < $1.field }
    }

    /// The schema as text for the desired-state digest (names, types, constraints, sources).
    public static func digestText(_ schema: SecretSchema) -> String {
        var lines = ["schema \(observationKey(schema)) unexpected=\(schema.allowUnexpected) forbidden=\(schema.forbidden.sorted())"]
        for field in schema.fields.sorted(by: { $0.name < $1.name }) {
            let declaration = FieldDeclaration(field)
            var source = "none"
            switch field.source {
            case .generate(let generator)?: source = "generate " + GeneratorSpec(generator).description
            case .environment(let name)?: source = "env \(name)"
            case .file(_, let resolved)?: source = "file \(resolved)"
            case nil: break
            }
            lines.append("  \(declaration) required=\(field.required) coerce=\(field.coerce) rotate=\(field.rotate ?? "") source=\(source)")
        }
        for pair in schema.pairs { lines.append("  pair \(pair.kind) \(pair.privateField.value) \(pair.publicField.value)") }
        return lines.joined(separator: "\n")
    }
}

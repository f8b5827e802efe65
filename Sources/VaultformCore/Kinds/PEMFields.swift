import VaultformSecrets

/// Fields that hold PEM text, compared as the server uses them: it stores the text verbatim
/// but reads only the certificates or keys in it, so line endings, line width and text
/// around the blocks are no change (`PEMMeaning`). Text in which nothing decodes is compared
/// as text, so a value vaultform cannot read still shows as a difference.
enum PEMFields {
    /// Whether two certificate bundles hold the same certificates: in the same order when
    /// `ordered` (the cert method reads the first as the role's own), else as the pool a TLS
    /// client trusts. Nil when either side holds no certificate.
    static func sameCertificates(_ desired: FieldValue, _ live: FieldValue, ordered: Bool) -> Bool? {
        guard case .string(let want) = desired, case .string(let have) = live else { return nil }
        let wanted = PEMMeaning.certificates(want), held = PEMMeaning.certificates(have)
        guard !wanted.isEmpty, !held.isEmpty else { return nil }
        return ordered ? wanted == held : Set(wanted) == Set(held)
    }

    /// Whether two lists of PEM public keys or certificates name the same keys, as a set (a
    /// JWT is checked against each); nil when an entry on either side is not a key.
    static func sameKeys(_ desired: FieldValue, _ live: FieldValue) -> Bool? {
        guard case .set(let want) = desired, case .set(let have) = live else { return nil }
        let wanted = want.map(PEMMeaning.publicKey), held = have.map(PEMMeaning.publicKey)
        guard !wanted.contains(nil), !held.contains(nil) else { return nil }
        return Set(wanted.compactMap { $0 }) == Set(held.compactMap { $0 })
    }
}

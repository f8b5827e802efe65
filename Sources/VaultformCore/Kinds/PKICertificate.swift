import _CryptoExtras
import Crypto
import Foundation
import SwiftASN1
import X509

/// What vaultform reads from a PKI engine's CA certificate, with swift-certificates: its
/// subject (as the generate parameters name it), key size, lifetime, serial and expiry.
public struct PKICertificate: Sendable, Equatable {
    /// Subject attributes by generate parameter (`common_name`, `organization`…); each
    /// list in the certificate's order.
    public var subject: [String: [String]]
    /// Whether the certificate signed itself (a root).
    public var selfSigned: Bool
    /// The key size in bits (0 for ed25519).
    public var keyBits: Int
    /// When its validity starts and ends.
    public var notBefore: Date
    public var notAfter: Date
    /// The serial number as the server prints it (`12:ca:90:…`).
    public var serial: String

    /// The generate parameter each subject attribute is written with.
    static let attributes: [(key: String, oid: ASN1ObjectIdentifier)] = [
        ("common_name", ASN1ObjectIdentifier.RDNAttributeType.commonName),
        ("organization", ASN1ObjectIdentifier.RDNAttributeType.organizationName),
        ("ou", ASN1ObjectIdentifier.RDNAttributeType.organizationalUnitName),
        ("country", ASN1ObjectIdentifier.RDNAttributeType.countryName),
        ("locality", ASN1ObjectIdentifier.RDNAttributeType.localityName),
        ("province", ASN1ObjectIdentifier.RDNAttributeType.stateOrProvinceName),
        ("street_address", ASN1ObjectIdentifier.RDNAttributeType.streetAddress),
        ("postal_code", [2, 5, 4, 17]),
    ]

    /// The first certificate in `pem`; nil when none parses.
    public init?(pem: String) {
        guard let certificate = try? Certificate(pemEncoded: pem) else { return nil }
        var subject: [String: [String]] = [:]
        for rdn in certificate.subject {
            for attribute in rdn {
                guard let key = Self.attributes.first(where: { $0.oid == attribute.type })?.key,
                      let text = String(attribute.value) else { continue }
                subject[key, default: []].append(text)
            }
        }
        self.subject = subject
        selfSigned = certificate.subject == certificate.issuer
        keyBits = Self.bits(certificate.publicKey)
        notBefore = certificate.notValidBefore
        notAfter = certificate.notValidAfter
        serial = certificate.serialNumber.bytes.map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }

    /// The size of a public key, as the server's `key_bits` counts it.
    static func bits(_ key: Certificate.PublicKey) -> Int {
        if let rsa = _RSA.Signing.PublicKey(key) { return rsa.keySizeInBits }
        if P256.Signing.PublicKey(key) != nil { return 256 }
        if P384.Signing.PublicKey(key) != nil { return 384 }
        if P521.Signing.PublicKey(key) != nil { return 521 }
        if Curve25519.Signing.PublicKey(key) != nil { return 0 }
        return 224  // the one curve the server generates that swift-crypto does not read
    }

    /// The lifetime the certificate was asked for: the server starts validity
    /// `not_before_duration` (30s) before the request, each end cut to whole seconds on its
    /// own, so the span can fall a second short: within 2s of a whole minute it is that minute.
    public var ttl: Int {
        let seconds = max(0, Int(notAfter.timeIntervalSince(notBefore).rounded()) - 30)
        let nearest = Int((Double(seconds) / 60).rounded()) * 60
        return abs(seconds - nearest) <= 2 ? nearest : seconds
    }
}

import Foundation
import SwiftASN1

/// PEM text as OpenBao's Go code reads it, for comparing a manifest's certificates and keys
/// with the server's copy: the server keeps PEM text verbatim (line endings, line width,
/// blank lines and text around the blocks included) and uses only what it decodes, so two
/// texts that decode to the same certificates or keys mean the same to it.
public enum PEMMeaning {
    /// The certificates in `text`, each as the base64 of its DER, in order: every
    /// `CERTIFICATE` or `TRUSTED CERTIFICATE` block without headers, text between blocks
    /// skipped, as Go's `pem.Decode` loop in `x509.CertPool.AppendCertsFromPEM` and the cert
    /// method's `parsePEM` reads them. Empty when the text holds none.
    public static func certificates(_ text: String) -> [String] {
        blocks(text).filter { ["CERTIFICATE", "TRUSTED CERTIFICATE"].contains($0.label) }.map { Base64.encode($0.der) }
    }

    /// The public key one `pem_keys` entry names, as the base64 of its SubjectPublicKeyInfo
    /// DER (`certutil.ParsePublicKeyPEM`: a `PUBLIC KEY` block, or a certificate's key); nil
    /// when the text is not one such block.
    public static func publicKey(_ text: String) -> String? {
        let found = blocks(text)
        guard found.count == 1, let block = found.first else { return nil }
        if block.label == "PUBLIC KEY" { return Base64.encode(block.der) }
        // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serial,
        // signature, issuer, validity, subject, subjectPublicKeyInfo, … }, … }
        guard let certificate = DERReading.whole(block.der[...]), certificate.isConstructed(.sequence),
              let tbs = certificate.children?.first, tbs.isConstructed(.sequence), var parts = tbs.children
        else { return nil }
        if parts.first?.isConstructed(ASN1Node.contextZero) == true { parts.removeFirst() }
        guard parts.count > 5, parts[5].isConstructed(.sequence) else { return nil }
        return Base64.encode(Array(parts[5].encodedBytes))
    }

    /// Every block of `text` whose body decodes, headers left out, like repeated `pem.Decode`:
    /// lines outside blocks are skipped rather than refused (unlike `PEM.blocks`).
    static func blocks(_ text: String) -> [PEMBlock] {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var result: [PEMBlock] = []
        var open: (label: String, body: String, headers: Bool)?
        for line in lines {
            if var current = open {
                if line == "-----END \(current.label)-----" {
                    if !current.headers, case .success(let der) = Base64.decode(current.body) {
                        result.append(PEMBlock(label: current.label, der: der))
                    }
                    open = nil
                } else {
                    if line.contains(":") { current.headers = true } else { current.body += line }
                    open = current
                }
            } else if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----"), line.count > 16 {
                open = (String(line.dropFirst(11).dropLast(5)), "", false)
            }
        }
        return result
    }
}

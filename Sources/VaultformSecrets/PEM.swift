import Foundation

/// One `-----BEGIN LABEL-----` … `-----END LABEL-----` block, its body decoded.
struct PEMBlock {
    /// The label, e.g. `PRIVATE KEY`.
    var label: String
    /// The DER bytes of the body.
    var der: [UInt8]
}

/// Reading and writing PEM text (RFC 7468). Reading accepts LF or CRLF line endings, blank
/// lines and whitespace around the text; it refuses text outside the blocks, PEM headers (the
/// legacy encrypted-key form) and bodies that are not strict base64.
enum PEM {
    /// Why a text is not PEM, phrased for a person and never quoting the body.
    enum Failure: Error, Equatable {
        case noBlock
        case escapedNewlines
        case truncated
        case mismatchedEnd
        case headers
        case badBody
        case textOutside

        /// The reason, for a `FieldCheck` message; `noun` names what was expected ("private key").
        func reason(expecting noun: String) -> String {
            switch self {
            case .noBlock: return "not a PEM \(noun)"
            case .escapedNewlines:
                return "a PEM \(noun) written on one line with literal `\\n` sequences instead of line breaks"
            case .truncated: return "a truncated PEM block (it has no END line)"
            case .mismatchedEnd: return "a PEM block whose END line does not match its BEGIN line"
            case .headers: return "a PEM block with headers (a legacy encrypted key?), which vaultform cannot read"
            case .badBody: return "a PEM block whose body is not base64"
            case .textOutside: return "a PEM \(noun) with other text around the block"
            }
        }
    }

    private static let beginPrefix = "-----BEGIN "
    private static let endPrefix = "-----END "
    private static let dashes = "-----"

    /// Every block of `text`, in order, or why the text is not well-formed PEM.
    static func blocks(_ text: String) -> Result<[PEMBlock], Failure> {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let nonEmptyLines = lines.filter { !$0.isEmpty }
        if nonEmptyLines.count == 1, text.contains(beginPrefix), text.contains("\\n") { return .failure(.escapedNewlines) }
        guard lines.contains(where: { $0.hasPrefix(beginPrefix) }) else { return .failure(.noBlock) }
        var blocks: [PEMBlock] = []
        var open: (label: String, body: String)?
        for line in nonEmptyLines {
            if var current = open {
                if line.hasPrefix(endPrefix) {
                    guard label(of: line, after: endPrefix) == current.label else { return .failure(.mismatchedEnd) }
                    guard case .success(let der) = Base64.decode(current.body) else { return .failure(.badBody) }
                    blocks.append(PEMBlock(label: current.label, der: der))
                    open = nil
                } else if line.hasPrefix(beginPrefix) {
                    return .failure(.truncated)
                } else if line.contains(":") {
                    return .failure(.headers)
                } else {
                    current.body += line
                    open = current
                }
            } else if line.hasPrefix(beginPrefix), let label = label(of: line, after: beginPrefix) {
                open = (label, "")
            } else {
                return .failure(.textOutside)
            }
        }
        if open != nil { return .failure(.truncated) }
        return .success(blocks)
    }

    /// The only block of `text`, or why there is not exactly one.
    static func singleBlock(_ text: String, noun: String) -> Result<PEMBlock, SingleBlockFailure> {
        switch blocks(text) {
        case .failure(let failure): return .failure(SingleBlockFailure(reason: failure.reason(expecting: noun)))
        case .success(let blocks):
            guard blocks.count == 1, let block = blocks.first else {
                return .failure(SingleBlockFailure(reason: "\(blocks.count) PEM blocks, not one"))
            }
            return .success(block)
        }
    }

    /// A reason a text does not hold exactly one readable PEM block.
    struct SingleBlockFailure: Error {
        var reason: String
    }

    /// The PEM text of `der` under `label`: 64-character lines, ending with a single newline, as
    /// OpenSSL writes it.
    static func encode(label: String, der: some Collection<UInt8>) -> String {
        let body = Base64.encode(der)
        var text = "\(beginPrefix)\(label)\(dashes)\n"
        var rest = Substring(body)
        while !rest.isEmpty {
            text += rest.prefix(64) + "\n"
            rest = rest.dropFirst(64)
        }
        return text + "\(endPrefix)\(label)\(dashes)\n"
    }

    private static func label(of line: String, after prefix: String) -> String? {
        guard line.hasPrefix(prefix), line.hasSuffix(dashes), line.count >= prefix.count + dashes.count else { return nil }
        return String(line.dropFirst(prefix.count).dropLast(dashes.count))
    }
}

/// The verdict on one stored value against its field's declaration. Messages describe the
/// value's type or shape and the rule it breaks; they never contain the value itself.
public enum FieldCheck: Sendable, Equatable {
    /// The value fits the field.
    case valid
    /// The value has the right content in the wrong JSON type, and `SecretValues.coerced(_:to:)`
    /// can rewrite it; the text names the mismatch, e.g. "a JSON object stored as a string",
    /// "an integer stored as a string", "a boolean stored as a string". Whether apply may do
    /// so is the field's `coerce` setting, for the caller to consult.
    case coercible(String)
    /// The value is wrong and coercion cannot fix it; the text says what is wrong, e.g. "not
    /// base64 (…)", "decodes to 16 bytes, not 32", "does not match the pattern `^sk_`",
    /// "an RSA key of 1024 bits, fewer than 2048", "an EC key, not RSA".
    case invalid(String)

    /// Whether the value fits as it is.
    public var isValid: Bool { self == .valid }

    /// The message of a coercible or invalid verdict; nil when valid.
    public var message: String? {
        switch self {
        case .valid: return nil
        case .coercible(let text), .invalid(let text): return text
        }
    }
}

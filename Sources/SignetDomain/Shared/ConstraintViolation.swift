/// One broken model constraint: which member, what value, which rule.
///
/// The wire layer renders these in AWS's two styles (`InvalidParameterException` and the
/// Coral-style `ValidationException` "1 validation error detected: …").
public struct ConstraintViolation: Error, Sendable, Equatable {
    public enum Constraint: Sendable, Equatable {
        case notNull
        case pattern(String)
        case minLength(Int)
        case maxLength(Int)
        case minItems(Int)
        case maxItems(Int)
        case oneOf([String])
        case range(Int, Int)
        case custom(String)
    }

    /// The member path as AWS names it, 1-based for list items: `signingConfiguration.rules.1.signingProfileArn`.
    public let path: String
    /// The offending value as text, `nil` for absent or structured values.
    public let value: String?
    public let constraint: Constraint

    public init(path: String, value: String?, constraint: Constraint) {
        self.path = path
        self.value = value
        self.constraint = constraint
    }
}

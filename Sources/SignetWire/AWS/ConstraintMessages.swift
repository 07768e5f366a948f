public import SignetDomain

/// Renders ``ConstraintViolation``s in AWS's two message styles.
public enum ConstraintMessages {
    /// `InvalidParameterException`: `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must …'`.
    public static func invalidParameter(_ violation: ConstraintViolation) -> String {
        "Invalid parameter at '\(violation.path)' failed to satisfy constraint: '\(phrase(violation, memberPrefix: false))'"
    }

    /// `ValidationException`: `1 validation error detected: Value 'x' at 'a.b' failed to satisfy constraint: Member must …`.
    public static func validation(_ violations: [ConstraintViolation]) -> String {
        let count = violations.count
        let header = count == 1 ? "1 validation error detected: " : "\(count) validation errors detected: "
        return header
            + violations.map { violation in
                let value: String
                switch (violation.value, violation.constraint) {
                case (nil, .notNull): value = "Value null at"
                case (nil, _): value = "Value at"
                case (let text?, _): value = "Value '\(text)' at"
                }
                return "\(value) '\(violation.path)' failed to satisfy constraint: \(phrase(violation, memberPrefix: true))"
            }.joined(separator: "; ")
    }

    static func phrase(_ violation: ConstraintViolation, memberPrefix: Bool) -> String {
        let subject = memberPrefix ? "Member must" : "must"
        switch violation.constraint {
        case .notNull: return "\(subject) not be null"
        case .pattern(let pattern):
            return memberPrefix ? "Member must satisfy regular expression pattern: \(pattern)" : "must satisfy regular expression '\(pattern)'"
        case .minLength(let n), .minItems(let n): return "\(subject) have length greater than or equal to \(n)"
        case .maxLength(let n), .maxItems(let n): return "\(subject) have length less than or equal to \(n)"
        case .oneOf(let values): return "\(subject) satisfy enum value set: [\(values.joined(separator: ", "))]"
        case .range(let low, let high):
            if let value = violation.value.flatMap({ Int($0) }), value < low {
                return "\(subject) have value greater than or equal to \(low)"
            }
            return "\(subject) have value less than or equal to \(high)"
        case .custom(let text): return memberPrefix ? "Member \(text)" : text
        }
    }
}

/// Failures of Signer operations. The wire layer chooses codes, statuses and messages.
public enum SignerError: Error, Sendable, Equatable {
    /// Model constraints broken (`ValidationException`, Coral-style message).
    case invalid([ConstraintViolation])
    /// A request that is well-formed but not acceptable (`ValidationException` with this message).
    case validation(String)
    case profileNotFound(String)
    case platformNotFound(String)
    case jobNotFound(String)
    case statementNotFound(String, profile: String)
    /// The tag APIs' own not-found (`NotFoundException`).
    case tagResourceNotFound(String)
    /// The tag APIs' own bad request (`BadRequestException`).
    case badRequest(String)
    case accessDenied(String)
    case conflict(String)
    case serviceLimitExceeded(String)
}

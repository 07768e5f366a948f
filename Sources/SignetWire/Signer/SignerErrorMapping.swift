import HTTPTypes
public import SignetDomain

extension AWSError {
    /// The only place where Signer exception names, statuses and messages are written.
    public init(_ error: SignerError) {
        switch error {
        case .invalid(let violations):
            self.init(code: "ValidationException", message: ConstraintMessages.validation(violations))
        case .validation(let message):
            self.init(code: "ValidationException", message: message)
        case .profileNotFound(let name):
            self.init(code: "ResourceNotFoundException", status: .notFound, message: "Signing profile with name \(name) does not exist")
        case .platformNotFound(let id):
            self.init(code: "ResourceNotFoundException", status: .notFound, message: "Signing platform with id \(id) does not exist")
        case .jobNotFound(let id):
            self.init(code: "ResourceNotFoundException", status: .notFound, message: "Signing job with id \(id) does not exist")
        case .statementNotFound(let statementId, let profile):
            self.init(
                code: "ResourceNotFoundException", status: .notFound,
                message: "Statement with id \(statementId) does not exist in the policy of signing profile \(profile)")
        case .tagResourceNotFound(let arn):
            self.init(code: "NotFoundException", status: .notFound, message: "Resource \(arn) does not exist")
        case .badRequest(let message):
            self.init(code: "BadRequestException", message: message)
        case .accessDenied(let message):
            self.init(code: "AccessDeniedException", status: .forbidden, message: message)
        case .conflict(let message):
            self.init(code: "ConflictException", status: .conflict, message: message)
        case .serviceLimitExceeded(let message):
            self.init(code: "ServiceLimitExceededException", status: HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"), message: message)
        }
    }
}

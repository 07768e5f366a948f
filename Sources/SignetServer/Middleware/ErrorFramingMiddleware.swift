import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SignetDomain
import SignetWire

/// The outermost middleware: gives every request an id, and turns every error into the wire error of the
/// surface the request addressed, so no client ever sees an empty 500 or an HTML page.
struct ErrorFramingMiddleware: RouterMiddleware {
    typealias Context = SignetRequestContext
    let endpoint: RegistryEndpoint

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.requestID = UUID().uuidString.lowercased()
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            if request.uri.path.hasPrefix("/v2/") || request.uri.path == "/v2" {
                response = ociResponse(for: error, request: request, context: context)
                response.headers[.xAmznRequestId] = context.requestID
                return response
            }
            let awsError = Self.awsError(for: error, request: request, context: context)
            let framing = Self.framing(for: request.uri.path)
            var headers: HTTPFields = [.contentType: framing.contentType, .xAmznErrorType: awsError.code]
            if awsError.status == .contentTooLarge { headers[.connection] = "close" }
            let body = request.method == .head ? ByteBuffer() : ByteBuffer(string: awsError.body(framing: framing))
            response = Response(status: awsError.status, headers: headers, body: .init(byteBuffer: body))
        }
        response.headers[.xAmznRequestId] = context.requestID
        return response
    }

    /// The distribution-API error envelope (no body on HEAD), with the Basic challenge on 401.
    func ociResponse(for error: any Error, request: Request, context: Context) -> Response {
        let ociError: OCIError
        switch error {
        case let error as OCIError: ociError = error
        case let error as RegistryError: ociError = OCIError(error)
        case let error as UploadError: ociError = OCIError(error)
        case is NIOTooManyBytesError: ociError = .sizeInvalid("request body too large")
        case let error as HTTPError where error.status == .notFound: ociError = .notFound(request.uri.path)
        case let error as AWSError: ociError = OCIError(status: error.status, code: "UNSUPPORTED", message: error.message)
        default:
            context.logger.error("unmapped registry error", metadata: ["error": "\(String(reflecting: error))"])
            ociError = OCIError(status: .internalServerError, code: "UNKNOWN", message: "unknown error")
        }
        var headers: HTTPFields = [.contentType: "application/json", .dockerDistributionAPIVersion: "registry/2.0"]
        if ociError.status == .unauthorized {
            headers[.wwwAuthenticate] = "Basic realm=\"http://\(endpoint.defaultHost)/\",service=\"ecr.amazonaws.com\""
        }
        let body = request.method == .head ? ByteBuffer() : ByteBuffer(string: ociError.body)
        if request.method == .head { headers[.contentLength] = "0" }
        return Response(status: ociError.status, headers: headers, body: .init(byteBuffer: body))
    }

    /// rest-json for the Signer routes, AWS JSON 1.1 everywhere else.
    static func framing(for path: String) -> AWSFraming {
        for prefix in ["/signing-profiles", "/signing-platforms", "/signing-jobs", "/tags/", "/revocations"] where path.hasPrefix(prefix) {
            return .restJSON
        }
        return .json11
    }

    static func awsError(for error: any Error, request: Request, context: Context) -> AWSError {
        switch error {
        case let error as AWSError: return error
        case let error as RegistryError: return AWSError(error)
        case let error as SignerError: return AWSError(error)
        case let error as DecodingError: return AWSJSON.decodingError(error)
        case is NIOTooManyBytesError: return .requestTooLarge(limit: context.maxUploadSize)
        case let error as HTTPError where error.status == .notFound:
            return .notFound(method: request.method.rawValue, path: request.uri.path)
        case let error as any HTTPResponseError where error.status.kind == .clientError:
            return AWSError(code: "BadRequestException", status: error.status, message: "\(error)")
        default:
            context.logger.error("unmapped error", metadata: ["error": "\(String(reflecting: error))"])
            return .internalFailure
        }
    }
}

/// Reads the account and region of a request: the region from its SigV4 credential scope (header or
/// presigned query) when present, else the server default; the account is the server's.
struct CallerIdentityMiddleware: RouterMiddleware {
    typealias Context = SignetRequestContext
    let defaultCaller: CallerIdentity

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var region = defaultCaller.region
        let scope =
            request.headers[.authorization].flatMap(CredentialScope.init(authorizationHeader:))
            ?? request.uri.queryParameters["X-Amz-Credential"].flatMap { CredentialScope(credential: String($0)) }
        if let scope, Region.isWellFormed(scope.region) { region = Region(scope.region) }
        context.caller = CallerIdentity(account: defaultCaller.account, region: region)
        return try await next(request, context)
    }
}

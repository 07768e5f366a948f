import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Crypto
import Logging
import NIOCore
import SignetDomain
import SignetWire
import Synchronization

/// The outermost middleware: gives every request an id, and turns every error into the wire error of the
/// surface the request addressed, so no client ever sees an empty 500 or an HTML page.
struct ErrorFramingMiddleware: RouterMiddleware {
    typealias Context = SignetRequestContext
    let endpoint: RegistryEndpoint

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.requestID = RequestID.make()
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            if request.uri.path.hasPrefix("/v2/") || request.uri.path == "/v2" {
                response = ociResponse(for: error, request: request, context: context)
                response.headers[.xAmznRequestId] = context.requestID
                return response
            }
            let (head, body) = Self.awsErrorResponse(
                for: error, method: request.method, path: request.uri.path, maxUploadSize: context.maxUploadSize, logger: context.logger)
            response = Response(status: head.status, headers: head.headerFields, body: .init(byteBuffer: body))
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
        if !ociError.allow.isEmpty { headers[.allow] = ociError.allow.map(\.rawValue).joined(separator: ", ") }
        for field in ociError.headers { headers.append(field) }
        if ociError.status == .unauthorized {
            headers[.wwwAuthenticate] = "Basic realm=\"http://\(endpoint.defaultHost)/\",service=\"ecr.amazonaws.com\""
        }
        let body = request.method == .head ? ByteBuffer() : ByteBuffer(string: ociError.body)
        // HEAD: the GET's headers, its Content-Length included, without the body
        if request.method == .head { headers[.contentLength] = String(ociError.body.utf8.count) }
        return Response(status: ociError.status, headers: headers, body: .init(byteBuffer: body))
    }

    private static let restJSONPrefixes = ["/signing-profiles", "/signing-platforms", "/signing-jobs", "/tags/", "/revocations"]

    /// rest-json for the Signer routes, AWS JSON 1.1 everywhere else.
    static func framing(for path: String) -> AWSFraming {
        for prefix in restJSONPrefixes where path.hasPrefix(prefix) {
            return .restJSON
        }
        return .json11
    }

    /// The answer of an AWS surface (the framing of `path`) to `error`: status, `Content-Type`, `X-Amzn-ErrorType`,
    /// and the body (none for HEAD). `x-amzn-RequestId` is the caller's to add.
    static func awsErrorResponse(
        for error: any Error, method: HTTPRequest.Method, path: String, maxUploadSize: Int, logger: Logger
    ) -> (HTTPResponse, ByteBuffer) {
        let awsError = awsError(for: error, method: method, path: path, maxUploadSize: maxUploadSize, logger: logger)
        let framing = framing(for: path)
        var head = HTTPResponse(status: awsError.status)
        head.headerFields[.contentType] = framing.contentType
        head.headerFields[.xAmznErrorType] = awsError.code
        if awsError.status == .contentTooLarge { head.headerFields[.connection] = "close" }
        return (head, method == .head ? ByteBuffer() : ByteBuffer(string: awsError.body(framing: framing)))
    }

    static func awsError(for error: any Error, method: HTTPRequest.Method, path: String, maxUploadSize: Int, logger: Logger) -> AWSError {
        switch error {
        case let error as AWSError: return error
        case let error as SigV4Failure:
            // JSON 1.1 services answer 400 for authentication failures; rest-json services 403.
            let status: HTTPResponse.Status = framing(for: path) == .json11 ? .badRequest : .forbidden
            return AWSError(code: error.code, status: status, message: error.message)
        case let error as RegistryError: return AWSError(error)
        case let error as SignerError: return AWSError(error)
        case let error as DecodingError: return AWSJSON.decodingError(error)
        case is NIOTooManyBytesError: return .requestTooLarge(limit: maxUploadSize)
        case let error as HTTPError where error.status == .notFound:
            return .notFound(method: method.rawValue, path: path)
        case let error as any HTTPResponseError where error.status.kind == .clientError:
            return AWSError(code: "BadRequestException", status: error.status, message: "\(error)")
        default:
            logger.error("unmapped error", metadata: ["error": "\(String(reflecting: error))"])
            return .internalFailure
        }
    }
}

/// Authenticates the AWS surfaces with SigV4 and sets the caller: the key's account, the credential scope's region.
///
/// With `--auth none` nothing is verified: the default account, and the scope's region when a scope is present.
struct SigV4AuthMiddleware: RouterMiddleware {
    typealias Context = SignetRequestContext
    let verifier: SigV4Verifier?
    let defaultCaller: CallerIdentity
    let clock: any SignetClock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // `/v2/` has its own authentication (RegistryAuthMiddleware). This middleware only sees a /v2/ request when no
        // route matched it (the router's not-found responder runs every router middleware): let it become 404 NOT_FOUND.
        if request.uri.path == "/v2" || request.uri.path.hasPrefix("/v2/") { return try await next(request, context) }
        var context = context
        var request = request
        let body = verifier == nil ? ByteBuffer() : try await request.collectBody(upTo: context.maxUploadSize)
        context.caller = try caller(of: request.head, uri: request.uri, body: body)
        return try await next(request, context)
    }

    /// `{}`, the body of most ECR reads, and its SHA-256 (hex), hashed once.
    private static let emptyObject = Array("{}".utf8)
    private static let emptyObjectHash = SigV4.hex(SHA256.hash(data: emptyObject))

    /// Who sent the request: the verified key's account and its credential scope's region.
    /// - Parameter body: the whole body (not looked at with `--auth none`).
    func caller(of head: HTTPRequest, uri: URI, body: ByteBuffer) throws -> CallerIdentity {
        guard let verifier else {
            var region = defaultCaller.region
            let scope =
                head.headerFields[.authorization].flatMap(CredentialScope.init(authorizationHeader:))
                ?? uri.queryParameters.get("X-Amz-Credential").flatMap { CredentialScope(credential: $0) }
            if let scope, Region.isWellFormed(scope.region) { region = Region(scope.region) }
            return CallerIdentity(account: defaultCaller.account, region: region)
        }
        // ECR and Signer are not S3: the payload hash in the canonical request is always the hash of the body that
        // arrived. `x-amz-content-sha256` is only a signed header here, and `UNSIGNED-PAYLOAD` is S3's: a request
        // signed with it, or with a declared hash that is not the body's, fails as a signature mismatch, as non-S3
        // AWS services answer it (SDKs send the header only to S3).
        let payloadHash =
            body.readableBytes == 2 && body.readableBytesView.elementsEqual(Self.emptyObject) ? Self.emptyObjectHash : SigV4.hex(body.withUnsafeReadableBytes { SHA256.hash(data: $0) })
        var headers: [(name: String, value: String)] = [("host", head.authority ?? "")]
        headers.reserveCapacity(head.headerFields.count + 1)
        for field in head.headerFields { headers.append((field.name.canonicalName, field.value)) }
        let signed = SigV4.Request(method: head.method.rawValue, path: uri.path, query: uri.query ?? "", headers: headers, payloadHash: payloadHash)
        let service = ErrorFramingMiddleware.framing(for: uri.path) == .restJSON ? "signer" : "ecr"
        let (key, scope) = try verifier.verify(signed, service: service, now: clock.now)
        guard Region.isWellFormed(scope.region), let account = try? AccountID(key.accountId) else {
            throw SigV4Failure.invalidSignature("Credential should be scoped to a valid region, not '\(scope.region)'. ")
        }
        return CallerIdentity(account: account, region: Region(scope.region))
    }
}

/// Request ids in UUID form (version 4, lowercase), made without Foundation's `UUID` formatting and lowercasing
/// (which showed in the profile of every request).
///
/// Not drawn from the system's random source per request either (two `getrandom` calls were ~2 % of a
/// GetSigningConfiguration): the 128 bits are SplitMix64 of a per-process random seed plus a counter, a bijection of
/// the counter, so ids never repeat within a process and look as random as AWS's. They identify requests; nothing
/// relies on them being unpredictable.
enum RequestID {
    private static let digits = Array("0123456789abcdef".utf8)
    private static let seed: (UInt64, UInt64) = {
        var generator = SystemRandomNumberGenerator()
        return (generator.next(), generator.next())
    }()
    private static let counter = Atomic<UInt64>(0)

    /// SplitMix64's finalizer: a bijection of UInt64.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func make() -> String {
        let n = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        let (seedHigh, seedLow) = seed
        var high = mix(seedHigh &+ n &* 0x9E37_79B9_7F4A_7C15)
        var low = mix(seedLow ^ n)
        high = (high & ~0xF000) | 0x4000  // version 4
        low = (low & ~(0xC000 << 48)) | (0x8000 << 48)  // variant 10
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var index = 0
            func put(_ word: UInt64, nibbles: Int) {
                for shift in stride(from: (nibbles - 1) * 4, through: 0, by: -4) {
                    buffer[index] = digits[Int((word >> UInt64(shift)) & 0xF)]
                    index += 1
                }
            }
            func dash() {
                buffer[index] = UInt8(ascii: "-")
                index += 1
            }
            put(high >> 32, nibbles: 8)
            dash()
            put(high >> 16, nibbles: 4)
            dash()
            put(high, nibbles: 4)
            dash()
            put(low >> 48, nibbles: 4)
            dash()
            put(low, nibbles: 12)
            return index
        }
    }
}

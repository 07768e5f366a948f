import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import SignetWire

/// An ECR request from its collected body to its answer: the size limit, SigV4, the operation's handler, and the
/// AWS JSON 1.1 error framing (the same functions ``SigV4AuthMiddleware`` and ``ErrorFramingMiddleware`` use).
///
/// Two ways lead here, with the same result: the router's `POST /` and `POST /ecr/<Op>` routes, and
/// ``ControlPlaneFastPath``, which calls it straight from the connection. The router and its middleware chain cost
/// about a third of a GetSigningConfiguration's CPU, and ECR requests are the control plane's hottest.
struct ECRJSONEndpoint: Sendable {
    /// Where the operation's name comes from.
    enum Operation: Sendable, Equatable {
        /// `X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Op>` (`POST /`).
        case fromTarget
        /// The path's last segment (`POST /ecr/<Op>`).
        case named(String?)
    }

    let dispatcher: JSONTargetDispatcher
    let auth: SigV4AuthMiddleware

    /// The operation of a request the fast path may answer here: exactly `/` or `/ecr/<one segment>` (query aside);
    /// `nil` for every other path, which the router answers (a trailing slash, empty segments, 404s).
    static func operation(forPath path: Substring) -> Operation? {
        if path == "/" { return .fromTarget }
        let prefix = "/ecr/"
        guard path.hasPrefix(prefix) else { return nil }
        let name = path.dropFirst(prefix.count)
        guard !name.isEmpty, !name.contains("/") else { return nil }
        return .named(String(name))
    }

    /// The router's way in: the body collected up to the limit, the id from ``ErrorFramingMiddleware``.
    func respond(to request: Request, operation: Operation, context: SignetRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let (head, bytes) = await respond(
            head: request.head, uri: request.uri, body: body, operation: operation, requestID: context.requestID, logger: context.logger)
        return Response(status: head.status, headers: head.headerFields, body: .init(byteBuffer: bytes))
    }

    /// The answer to one request, errors included (nothing is thrown).
    func respond(
        head: HTTPRequest, uri: URI, body: ByteBuffer, operation: Operation, requestID: String, logger: Logger
    ) async -> (HTTPResponse, ByteBuffer) {
        do {
            guard body.readableBytes <= AWSJSON.maxRequestBody else { throw NIOTooManyBytesError(maxBytes: AWSJSON.maxRequestBody) }
            let caller = try auth.caller(of: head, uri: uri, body: body)
            let name: String?
            switch operation {
            case .fromTarget:
                let target = head.headerFields.value(.xAmzTarget)
                let prefix = ECRController.targetPrefix
                guard let operation = target.flatMap({ $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : nil }) else {
                    throw AWSError.unknownOperation(target)
                }
                name = operation
            case .named(let operation):
                name = operation
            }
            let output = try await dispatcher.handle(operation: name, body: body, caller: caller)
            // room for the transport headers the connection adds (Date, Server, Content-Length): one allocation
            var fields = HTTPFields()
            fields.reserveCapacity(6)
            fields.append(HTTPField(name: .contentType, value: AWSFraming.json11.contentType))
            fields.append(HTTPField(name: .xAmznRequestId, value: requestID))
            return (HTTPResponse(status: .ok, headerFields: fields), output)
        } catch {
            var (response, bytes) = ErrorFramingMiddleware.awsErrorResponse(
                for: error, method: head.method, path: uri.path, maxUploadSize: AWSJSON.maxRequestBody, logger: logger)
            response.headerFields[.xAmznRequestId] = requestID
            return (response, bytes)
        }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes
import SignetDomain
import SignetWire
import Synchronization

/// Serves the AWS control-plane requests (ECR JSON 1.1, Signer rest-json, `/_signet/health`) and the small `/v2/`
/// GETs (manifests, tag lists, referrers) straight from the connection's NIO pipeline, through the same router
/// responder as every other request.
///
/// Why: Hummingbird hands each connection to an async sequence consumed by a task, and the hops between the event
/// loop and that task cost more than the whole of a GetSigningConfiguration (~95 µs of CPU per request for a
/// constant response on the 2-core benchmark machine, against ~20 µs for a plain NIO handler). Here a request is
/// collected on the event loop, answered by one task, and written back on the event loop.
///
/// Nothing about the answer changes: the request goes through the same router, middlewares and handlers (so the
/// router-level tests cover it), and the transport headers Hummingbird adds (`Date`, `Server`, `Content-Length`)
/// are added the same way. Blobs, uploads and presigned layer downloads are not touched (they stream).
///
/// ECR requests (`POST /` and `POST /ecr/<Op>`, the hottest) skip the router too: ``ECRJSONEndpoint`` answers them,
/// the function the router's routes for those paths call as well (an end-to-end test compares the two answers for
/// successes and every kind of refusal). That saves ~10 µs of ~90 µs of CPU per GetSigningConfiguration.
///
/// HTTP/1.1 pipelining: while a request is being answered here, further requests on the connection wait (parts
/// already read are queued, and reads are held back once `maxQueuedParts` wait), and no request is taken here while Hummingbird still owes a
/// response on the connection, so responses always leave in request order.
final class ControlPlaneFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    typealias Responder = @Sendable (Request, SignetRequestContext) async -> Response

    private enum State {
        case idle
        /// Forwarding the current request to Hummingbird.
        case forwarding
        case collecting(HTTPRequest, ByteBuffer)
        case responding
    }

    private let responder: Responder
    /// ECR requests (`POST /`, `POST /ecr/<Op>`) are answered by their endpoint directly, without the router.
    private let ecr: ECRJSONEndpoint?
    private let logger: Logger
    private let maxBody: Int
    private var state = State.idle
    /// Requests handed to Hummingbird whose response has not ended yet.
    private var owedByHummingbird = 0
    private var heldRead = false
    private var queued: [HTTPRequestPart] = []
    /// A decoding error that came in while a request was being answered here: passed on after the response, so that
    /// Hummingbird's 400 for it does not overtake the answer to the request before it.
    private var deferredError: (any Error)?
    private var removed = false

    init(responder: @escaping Responder, ecr: ECRJSONEndpoint? = nil, logger: Logger, maxBody: Int = AWSJSON.maxRequestBody) {
        self.responder = responder
        self.ecr = ecr
        self.logger = logger
        self.maxBody = maxBody
    }

    /// The AWS surfaces, the health check, and the `/v2/` GETs whose answers are small documents already in
    /// memory (the base, manifests, tag lists, referrers); never a blob, an upload or a layer download, which stream.
    static func isControlPlane(_ head: HTTPRequest) -> Bool {
        guard head.method != .head, !head.headerFields.has(.expect), let target = head.path else { return false }
        let path = target[..<(target.utf8.firstIndex(of: UInt8(ascii: "?")) ?? target.endIndex)]
        if head.method == .post && (path == "/" || path.hasPrefix("/ecr/")) { return true }
        if path.hasPrefix("/v2/") {
            guard head.method == .get else { return false }
            if path == "/v2/" { return true }
            // the router's own parser (from the end: a repository may be called `a/manifests/b`)
            switch OCIRoute(path.dropFirst(4).split(separator: "/", omittingEmptySubsequences: false).map { Substring($0) }) {
            case .manifest, .tags, .referrers, .catalog: return true
            case .blob, .uploads, .upload, nil: return false
            }
        }
        return path == "/_signet/health" || ErrorFramingMiddleware.framing(for: String(path)) == .restJSON
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch state {
        case .responding:
            queued.append(part)
        case .forwarding:
            if case .end = part { state = .idle }
            context.fireChannelRead(data)
        case .collecting(let head, var body):
            switch part {
            case .head:
                // cannot happen (the codec ends each request first); never drop a request silently
                queued.append(part)
            case .body(var chunk):
                // Keep at most one byte over the limit: the router then answers 413, as for any other request.
                let room = maxBody + 1 - body.readableBytes
                if room > 0 {
                    if chunk.readableBytes > room { chunk = chunk.getSlice(at: chunk.readerIndex, length: room) ?? chunk }
                    if body.readableBytes == 0 {
                        body = chunk  // most bodies come in one chunk: kept as it is, not copied
                    } else {
                        state = .idle  // the state's reference would make the append copy the body first
                        body.writeBuffer(&chunk)
                    }
                }
                state = .collecting(head, body)
            case .end:
                state = .responding
                respond(context: context, head: head, body: body)
            }
        case .idle:
            guard case .head(let head) = part else {
                context.fireChannelRead(data)
                return
            }
            if owedByHummingbird == 0 && Self.isControlPlane(head) {
                state = .collecting(head, ByteBuffer())
            } else {
                // `Expect: 100-continue` (curl sends it with bodies over 1 MiB): say "go on" now, as RFC 9110 §10.1.1
                // asks of a server that will read the body, instead of leaving the client to wait out its timeout
                // (curl: 1 s). Only when no earlier response is still owed, so that answers keep their order.
                if owedByHummingbird == 0, let expect = head.headerFields.value(.expect), expect.lowercased() == "100-continue" {
                    context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
                }
                owedByHummingbird += 1
                state = .forwarding
                context.fireChannelRead(data)
            }
        }
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequest, body: ByteBuffer) {
        let responder = self.responder
        let logger = self.logger
        let channel = context.channel
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let closeAfter = head.headerFields.value(.connection).map { $0.lowercased().contains("close") } ?? false
        // an ECR request on exactly `/` or `/ecr/<Op>` goes to its endpoint; everything else through the router
        let direct = ecr.flatMap { ecr -> (ECRJSONEndpoint, URI, ECRJSONEndpoint.Operation)? in
            guard head.method == .post, let target = head.path else { return nil }
            let uri = URI(target)
            return ECRJSONEndpoint.operation(forPath: Substring(uri.path)).map { (ecr, uri, $0) }
        }
        Task {
            var (response, bytes): (HTTPResponse, ByteBuffer)
            if let (ecr, uri, operation) = direct {
                (response, bytes) = await ecr.respond(
                    head: head, uri: uri, body: body, operation: operation, requestID: RequestID.make(), logger: logger)
            } else {
                let requestContext = SignetRequestContext(source: .init(channel: channel, logger: logger))
                let routed = await responder(Request(head: head, body: .init(buffer: body)), requestContext)
                let collector = BodyCollector(allocator: channel.allocator)
                do {
                    try await routed.body.write(collector.writer())
                } catch {
                    logger.error("control-plane response body failed", metadata: ["error": "\(error)"])
                }
                (response, bytes) = (routed.head, collector.buffer)
            }
            response.headerFields[.date] = HTTPDate.now()
            response.headerFields[.server] = "signet"
            let close = closeAfter || response.headerFields.value(.connection) == "close"
            let answer = (response, bytes)
            channel.eventLoop.execute {
                let (handler, context) = loopBound.value
                handler.finish(context: context, head: answer.0, body: answer.1, close: close)
            }
        }
    }

    private func finish(context: ChannelHandlerContext, head: HTTPResponse, body: ByteBuffer, close: Bool) {
        guard !removed else { return }
        var head = head
        if !head.headerFields.has(.contentLength) { head.headerFields[.contentLength] = String(body.readableBytes) }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if body.readableBytes > 0 { context.write(wrapOutboundOut(.body(body)), promise: nil) }
        if close {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
            return
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        state = .idle
        if let error = deferredError {
            deferredError = nil
            queued.removeAll()
            context.fireErrorCaught(error)
            return
        }
        // requests that arrived meanwhile, in order; then let reading resume
        var replayed = false
        while !queued.isEmpty {
            if case .responding = state { break }
            let part = queued.removeFirst()
            channelRead(context: context, data: wrapInboundOut(part))
            replayed = true
        }
        // Handlers after this one (NIOAsyncChannel) hand reads on at the end of a read cycle: end this one.
        if replayed { context.fireChannelReadComplete() }
        if case .responding = state { return }
        if heldRead {
            heldRead = false
            context.read()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case .responding = state, deferredError == nil {
            deferredError = error
            return
        }
        // mid-request (body cut by a decoding error): nothing is answered here; Hummingbird reports the error
        if case .collecting = state { state = .idle }
        context.fireErrorCaught(error)
    }

    /// Reads go on while a request is answered here, so that the socket's read interest is not dropped and taken up
    /// again around every request (two `epoll_ctl` calls each: ~10 % of a small request's CPU). A client that pipelines
    /// far ahead is held back once this many parts wait.
    static let maxQueuedParts = 64

    func read(context: ChannelHandlerContext) {
        if case .responding = state, queued.count >= Self.maxQueuedParts {
            heldRead = true
            return
        }
        context.read()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { owedByHummingbird = max(0, owedByHummingbird - 1) }
        context.write(data, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        removed = true
    }
}

/// Gathers a response body into one buffer (control-plane bodies are small and already in memory).
private final class BodyCollector: @unchecked Sendable {
    // Written by the one task that writes the body, then read by the event loop after it finished.
    var buffer: ByteBuffer

    init(allocator: ByteBufferAllocator) {
        buffer = allocator.buffer(capacity: 0)
    }

    func writer() -> Writer { Writer(collector: self) }

    struct Writer: ResponseBodyWriter {
        let collector: BodyCollector
        mutating func write(_ buffer: ByteBuffer) async throws {
            var buffer = buffer
            collector.buffer.writeBuffer(&buffer)
        }
        mutating func write(contentsOf buffers: some Sequence<ByteBuffer>) async throws {
            for buffer in buffers { try await write(buffer) }
        }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}

/// The `Date` header (RFC 9110 IMF-fixdate), formatted once per second.
enum HTTPDate {
    private static let cache = Mutex<(second: Int64, text: String)>((-1, ""))
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func now() -> String {
        let second = Int64(Date().timeIntervalSince1970)
        if let text = cache.withLock({ $0.second == second ? $0.text : nil }) { return text }
        let text = format(second)
        cache.withLock { $0 = (second, text) }
        return text
    }

    static func format(_ seconds: Int64) -> String {
        let c = CivilDate(epochSeconds: seconds)
        let pad = CivilDate.padded
        return "\(days[c.weekday]), \(pad(c.day, 2)) \(months[c.month - 1]) \(c.year) \(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2)) GMT"
    }
}

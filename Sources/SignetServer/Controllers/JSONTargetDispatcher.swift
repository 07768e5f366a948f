import NIOCore
import SignetDomain
import SignetWire

/// AWS JSON 1.1 dispatch: a typed table from operation name to handler (no string switch).
struct JSONTargetDispatcher: Sendable {
    typealias Handler = @Sendable (ByteBuffer, CallerIdentity) async throws -> ByteBuffer
    private var handlers: [String: Handler] = [:]

    /// Registers `operation`; its input is decoded and its output encoded with ``AWSJSON``.
    mutating func register<In: Decodable & Sendable, Out: Encodable & Sendable>(
        _ operation: String, _ body: @escaping @Sendable (In, CallerIdentity) async throws -> Out
    ) {
        handlers[operation] = { buffer, caller in
            try AWSJSON.encode(try await body(try AWSJSON.decode(In.self, from: buffer), caller))
        }
    }

    /// Registers `operation` whose output writes its own JSON (``AWSJSONWritable``): written without the generic
    /// encoder's look-up of that conformance on every response.
    mutating func register<In: Decodable & Sendable, Out: AWSJSONWritable & Sendable>(
        _ operation: String, _ body: @escaping @Sendable (In, CallerIdentity) async throws -> Out
    ) {
        handlers[operation] = { buffer, caller in
            try AWSJSON.encode(try await body(try AWSJSON.decode(In.self, from: buffer), caller))
        }
    }

    /// Registers `operation` whose handler answers with the JSON's bytes itself (``DescribeRepositoriesPageCache``).
    mutating func register<In: Decodable & Sendable>(
        _ operation: String, _ body: @escaping @Sendable (In, CallerIdentity) async throws -> ByteBuffer
    ) {
        handlers[operation] = { buffer, caller in
            try await body(try AWSJSON.decode(In.self, from: buffer), caller)
        }
    }

    /// Registers another name for an already registered operation.
    mutating func alias(_ name: String, for operation: String) {
        handlers[name] = handlers[operation]
    }

    var operations: [String] { handlers.keys.sorted() }

    func handle(operation: String?, body: ByteBuffer, caller: CallerIdentity) async throws -> ByteBuffer {
        guard let operation, let handler = handlers[operation] else {
            throw AWSError.unknownOperation(operation)
        }
        return try await handler(body, caller)
    }
}

public import Foundation
public import NIOCore

/// JSON coding for AWS protocols: epoch-second timestamps, unescaped slashes, typed decoding errors.
public enum AWSJSON {
    /// Largest request body accepted on the AWS surfaces (UploadLayerPart carries 20 MiB base64-encoded).
    public static let maxRequestBody = 32 * 1024 * 1024

    /// Whether the body is `{}` or blank (whitespace allowed anywhere around the braces).
    static func isEmptyObject(_ buffer: ByteBuffer) -> Bool {
        buffer.withUnsafeReadableBytes { bytes in
            var seen = 0  // 0: nothing yet, 1: "{", 2: "{}"
            for byte in bytes where !(byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09) {
                switch (seen, byte) {
                case (0, UInt8(ascii: "{")): seen = 1
                case (1, UInt8(ascii: "}")): seen = 2
                default: return false
                }
            }
            return seen != 1
        }
    }

    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        // Sorted keys: Foundation's member order is otherwise random per process, and recorded contract
        // tests (and humans diffing responses) need byte-stable bodies.
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }

    /// Encodes an output shape (``AWSJSONEncoder``: the bytes of ``encoder()``, several times faster).
    public static func encode(_ value: some Encodable) throws -> ByteBuffer {
        ByteBuffer(bytes: try AWSJSONEncoder().encode(value))
    }

    /// Encodes a shape that writes itself: the same bytes as ``encode(_:)`` (which would find the conformance with a
    /// dynamic cast per response and copy the bytes once more).
    public static func encode(_ value: some AWSJSONWritable) throws -> ByteBuffer {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        try value.writeAWSJSON(into: &bytes)
        return ByteBuffer(bytes: bytes)
    }

    /// Decodes an input shape; an empty body is `{}`.
    /// - Throws: ``AWSError`` `SerializationException` for malformed JSON or wrong member types,
    ///   `ValidationException` for missing required members.
    public static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        // Operations without input members: only the JSON object shape matters, no decoder needed.
        if T.self == EmptyShape.self, let empty = EmptyShape() as? T, isEmptyObject(buffer) { return empty }
        // `{}` (what the SDKs send for a call without arguments, such as a DescribeRepositories listing everything):
        // a shape whose members are all optional is made without JSONDecoder, which cost ~10 µs a request even for
        // this. Any other outcome — a required member, a shape this decoder does not serve — goes the usual way, so
        // errors are JSONDecoder's, word for word.
        if isEmptyObject(buffer), let value = try? T(from: EmptyObjectDecoder()) { return value }
        var data = Data(buffer.readableBytesView)
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { data = Data("{}".utf8) }
        guard data.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) == UInt8(ascii: "{") else {
            throw AWSError.serialization("The request body must be a JSON object")
        }
        do {
            return try decoder().decode(T.self, from: data)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty && (try? JSONSerialization.jsonObject(with: data)) != nil {
            // JSONDecoder says "not valid JSON" for valid JSON whose number does not fit its member (`5.5` or `1e40`
            // for an integer): say what is wrong instead.
            throw AWSError.serialization("Unable to parse the request: a number in it does not fit its member (an integer member was given a fraction or an out-of-range value)")
        } catch let error as DecodingError {
            throw AWSError(error)
        } catch let error as AWSError {
            throw error
        } catch {
            throw AWSError.serialization("The request body is not valid JSON")
        }
    }
}

extension AWSError {
    /// Maps a decoding failure to the error AWS gives for it.
    init(_ error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            let path = Self.path(context.codingPath + [key])
            self.init(
                code: "ValidationException",
                message: "1 validation error detected: Value null at '\(path)' failed to satisfy constraint: Member must not be null")
        case .valueNotFound(_, let context):
            self.init(
                code: "ValidationException",
                message: "1 validation error detected: Value null at '\(Self.path(context.codingPath))' failed to satisfy constraint: Member must not be null")
        case .typeMismatch(let type, let context):
            self.init(
                code: "SerializationException",
                message: "Unable to parse the request: the value at '\(Self.path(context.codingPath))' is not \(Self.typeName(type))")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                self.init(code: "SerializationException", message: "The request body is not valid JSON")
            } else {
                self.init(
                    code: "SerializationException",
                    message: "Unable to parse the request: the value at '\(Self.path(context.codingPath))' is invalid")
            }
        @unknown default:
            self.init(code: "SerializationException", message: "The request body could not be parsed")
        }
    }

    /// `signingConfiguration.rules.1.signingProfileArn` (1-based list indices, as AWS reports them).
    static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map { key in key.intValue.map { String($0 + 1) } ?? key.stringValue }.joined(separator: ".")
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: return "an integer"
        case is Bool.Type: return "a boolean"
        case is Double.Type, is Date.Type: return "a number"
        case is [Any].Type: return "a list"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "a list" }
            if name.hasPrefix("Dictionary") { return "a map" }
            return "an object"
        }
    }
}

extension AWSJSON {
    /// The wire error for a decoding failure that escaped ``decode(_:from:)``.
    public static func decodingError(_ error: DecodingError) -> AWSError { AWSError(error) }
}

/// A `Decoder` for the JSON object `{}`: every member is absent. Anything but a keyed container throws (the caller
/// then decodes with `JSONDecoder`).
struct EmptyObjectDecoder: Decoder {
    struct Unsupported: Error {}

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Members<Key>())
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw Unsupported() }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { throw Unsupported() }

    /// No members: `decodeIfPresent` (through `contains`) gives nil, `decode` throws.
    struct Members<Key: CodingKey>: KeyedDecodingContainerProtocol {
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }
        func contains(_ key: Key) -> Bool { false }
        func decodeNil(forKey key: Key) throws -> Bool { true }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { throw Unsupported() }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { throw Unsupported() }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { throw Unsupported() }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { throw Unsupported() }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { throw Unsupported() }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { throw Unsupported() }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { throw Unsupported() }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { throw Unsupported() }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { throw Unsupported() }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { throw Unsupported() }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { throw Unsupported() }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { throw Unsupported() }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { throw Unsupported() }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { throw Unsupported() }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { throw Unsupported() }
        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw Unsupported()
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw Unsupported() }
        func superDecoder() throws -> any Decoder { throw Unsupported() }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw Unsupported() }
    }
}

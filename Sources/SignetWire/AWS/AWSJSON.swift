public import Foundation
public import NIOCore

/// JSON coding for AWS protocols: epoch-second timestamps, unescaped slashes, typed decoding errors.
public enum AWSJSON {
    /// Largest request body accepted on the AWS surfaces (UploadLayerPart carries 20 MiB base64-encoded).
    public static let maxRequestBody = 32 * 1024 * 1024

    static func isEmptyObject(_ buffer: ByteBuffer) -> Bool {
        let significant = buffer.readableBytesView.filter { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        return significant.isEmpty || significant.elementsEqual([UInt8(ascii: "{"), UInt8(ascii: "}")])
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

    /// Decodes an input shape; an empty body is `{}`.
    /// - Throws: ``AWSError`` `SerializationException` for malformed JSON or wrong member types,
    ///   `ValidationException` for missing required members.
    public static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        // Operations without input members: only the JSON object shape matters, no decoder needed.
        if T.self == EmptyShape.self, let empty = EmptyShape() as? T, isEmptyObject(buffer) { return empty }
        var data = Data(buffer.readableBytesView)
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { data = Data("{}".utf8) }
        guard data.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) == UInt8(ascii: "{") else {
            throw AWSError.serialization("The request body must be a JSON object")
        }
        do {
            return try decoder().decode(T.self, from: data)
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

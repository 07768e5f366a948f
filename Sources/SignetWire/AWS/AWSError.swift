import Foundation
public import HTTPTypes

/// An error as an AWS service puts it on the wire: a code (the exception shape name), an HTTP status
/// and a message, plus the rare extra members some shapes carry.
public struct AWSError: Error, Sendable, Equatable {
    public let code: String
    public let status: HTTPResponse.Status
    public let message: String
    /// Extra top-level members of the error body (e.g. `lastValidByteReceived`), already JSON-encoded values.
    public let extraFields: [String: String]

    public init(code: String, status: HTTPResponse.Status = .badRequest, message: String, extraFields: [String: String] = [:]) {
        self.code = code
        self.status = status
        self.message = message
        self.extraFields = extraFields
    }

    public static func unknownOperation(_ target: String?) -> AWSError {
        AWSError(code: "UnknownOperationException", message: target.map { "Unknown operation \($0)" } ?? "Missing X-Amz-Target header")
    }

    public static func serialization(_ message: String) -> AWSError {
        AWSError(code: "SerializationException", message: message)
    }

    public static func requestTooLarge(limit: Int) -> AWSError {
        AWSError(code: "RequestEntityTooLargeException", status: .contentTooLarge, message: "Request body is larger than the limit of \(limit) bytes")
    }

    public static let internalFailure = AWSError(code: "ServerException", status: .internalServerError, message: "An internal error occurred")

    public static func notFound(method: String, path: String) -> AWSError {
        AWSError(code: "UnknownOperationException", status: .notFound, message: "No operation is served at \(method) \(path)")
    }
}

/// How an error body is framed.
public enum AWSFraming: Sendable {
    /// AWS JSON 1.1 (ECR): `{"__type": code, "message": …}`, `application/x-amz-json-1.1`.
    case json11
    /// rest-json (Signer): `{"message": …}`, code in `x-amzn-ErrorType`, `application/json`.
    case restJSON

    public var contentType: String {
        switch self {
        case .json11: return "application/x-amz-json-1.1"
        case .restJSON: return "application/json"
        }
    }
}

extension AWSError {
    /// The error body for `framing`.
    public func body(framing: AWSFraming) -> String {
        var members: [String] = []
        if framing == .json11 { members.append("\"__type\":\(JSONText.quote(code))") }
        members.append("\"message\":\(JSONText.quote(message))")
        for (key, value) in extraFields.sorted(by: { $0.key < $1.key }) { members.append("\(JSONText.quote(key)):\(value)") }
        return "{" + members.joined(separator: ",") + "}"
    }
}

/// Minimal JSON text helpers for hand-framed bodies.
public enum JSONText {
    /// A JSON string literal for `string`.
    public static func quote(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let s where s.value < 0x20: out += String(format: "\\u%04x", s.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

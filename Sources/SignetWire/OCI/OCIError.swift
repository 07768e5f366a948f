import Foundation
public import HTTPTypes
public import SignetDomain

/// An error of the distribution API: `{"errors":[{"code":…,"message":…,"detail":…}]}`.
public struct OCIError: Error, Sendable, Equatable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public let detail: String?
    /// The `Allow` header of a 405 (RFC 9110 §15.5.6: the methods the resource supports).
    public let allow: [HTTPRequest.Method]
    /// Other headers the error carries (`Content-Range: bytes */<size>` of a 416).
    public var headers: HTTPFields = [:]

    public init(status: HTTPResponse.Status, code: String, message: String, detail: String? = nil, allow: [HTTPRequest.Method] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail
        self.allow = allow
    }

    public var body: String {
        var members = [#""code":\#(JSONText.quote(code))"#, #""message":\#(JSONText.quote(message))"#]
        if let detail { members.append(#""detail":\#(JSONText.quote(detail))"#) }
        return #"{"errors":[{\#(members.joined(separator: ","))}]}"#
    }

    public static let unauthorized = OCIError(status: .unauthorized, code: "UNAUTHORIZED", message: "Not Authorized")
    public static let invalidToken = OCIError(status: .forbidden, code: "DENIED", message: "Your authorization token is invalid.")
    public static let expiredToken = OCIError(
        status: .forbidden, code: "DENIED", message: "Your authorization token has expired. Reauthenticate and try again.")
    public static func deniedForRegistry(_ registry: String) -> OCIError {
        OCIError(status: .forbidden, code: "DENIED", message: "Your authorization token was not issued for the registry with id '\(registry)' in this region")
    }
    public static func blobUnknown(_ digest: String) -> OCIError {
        OCIError(status: .notFound, code: "BLOB_UNKNOWN", message: "blob unknown to registry", detail: digest)
    }
    public static let manifestUnknown = OCIError(status: .notFound, code: "MANIFEST_UNKNOWN", message: "Requested image not found")
    /// 405 for a method the resource does not support; `allow` lists the ones it does.
    public static func unsupported(allow: [HTTPRequest.Method]) -> OCIError {
        OCIError(status: .methodNotAllowed, code: "UNSUPPORTED", message: "The operation is unsupported.", allow: allow)
    }
    public static func digestInvalid(_ message: String) -> OCIError {
        OCIError(status: .badRequest, code: "DIGEST_INVALID", message: message)
    }
    public static func rangeInvalid(_ message: String) -> OCIError {
        OCIError(status: .rangeNotSatisfiable, code: "BLOB_UPLOAD_INVALID", message: message)
    }
    public static func notFound(_ path: String) -> OCIError {
        OCIError(status: .notFound, code: "NOT_FOUND", message: "no route for \(path)")
    }
    public static func sizeInvalid(_ message: String) -> OCIError {
        OCIError(status: .contentTooLarge, code: "SIZE_INVALID", message: message)
    }

    /// The distribution error for a registry failure.
    public init(_ error: RegistryError) {
        switch error {
        case .repositoryNotFound(let name, let registry):
            self.init(
                status: .notFound, code: "NAME_UNKNOWN", message: "The repository with name '\(name)' does not exist in the registry with id '\(registry)'")
        case .imageNotFound:
            self = .manifestUnknown
        case .invalidManifest(let reason):
            self.init(status: .badRequest, code: "MANIFEST_INVALID", message: "manifest invalid", detail: reason)
        case .layersNotFound(let digests, _, _):
            self.init(
                status: .badRequest, code: "MANIFEST_BLOB_UNKNOWN", message: "blob unknown to registry",
                detail: digests.map(\.description).joined(separator: ", "))
        case .layerInaccessible(let digest, _, _):
            // not raised on /v2/ (a blob is served whether or not an image refers to it); named for completeness
            self.init(status: .notFound, code: "BLOB_UNKNOWN", message: "blob unknown to registry", detail: digest.description)
        case .referencedImagesNotFound(let digests, _, _):
            self.init(
                status: .badRequest, code: "MANIFEST_BLOB_UNKNOWN", message: "manifest references unknown manifests",
                detail: digests.map(\.description).joined(separator: ", "))
        case .imageTagAlreadyExists(let tag, let name, _):
            self.init(
                status: .badRequest, code: "TAG_INVALID",
                message: "The image tag '\(tag)' already exists in the '\(name)' repository and cannot be overwritten because the repository is immutable.")
        case .imageDigestDoesNotMatch(let provided, let computed):
            self.init(status: .badRequest, code: "DIGEST_INVALID", message: "provided digest did not match uploaded content", detail: "\(provided) != \(computed)")
        case .imageAlreadyExists(let digest, _, _, _):
            self.init(status: .badRequest, code: "MANIFEST_INVALID", message: "image \(digest) already exists")
        case .invalidParameter(let violation):
            let code = violation.path == "repositoryName" ? "NAME_INVALID" : (violation.path == "imageTag" ? "TAG_INVALID" : "UNSUPPORTED")
            self.init(status: .badRequest, code: code, message: ConstraintMessages.invalidParameter(violation))
        case .invalidRequest(let message):
            self.init(status: .badRequest, code: "UNSUPPORTED", message: message)
        case .validation(let violations):
            self.init(status: .badRequest, code: "UNSUPPORTED", message: ConstraintMessages.validation(violations))
        case .notAuthorized(let message):
            self.init(status: .forbidden, code: "DENIED", message: message)
        case .signingConfigurationNotFound, .repositoryAlreadyExists, .layerAlreadyExists, .repositoryNotEmpty, .invalidTagParameter, .tooManyTags, .limitExceeded:
            self.init(status: .badRequest, code: "UNSUPPORTED", message: "\(error)")
        }
    }

    /// The distribution error for an upload failure.
    public init(_ error: UploadError) {
        switch error {
        case .uploadNotFound(let id):
            self.init(status: .notFound, code: "BLOB_UPLOAD_UNKNOWN", message: "blob upload unknown to registry", detail: id)
        case .invalidRange(let expected, let received):
            self = .rangeInvalid("the upload continues at byte \(expected), not \(received)")
        case .partSizeMismatch(_, let first, let last, let length):
            self = .rangeInvalid("the range \(first)-\(last) does not match the \(length) bytes sent")
        case .digestMismatch(let expected, let computed):
            self.init(status: .badRequest, code: "DIGEST_INVALID", message: "provided digest did not match uploaded content", detail: "\(expected) != \(computed)")
        case .invalidDigest(let digest):
            self.init(status: .badRequest, code: "DIGEST_INVALID", message: "invalid digest \(digest)")
        case .emptyUpload(let id), .partTooSmall(let id), .busy(let id):
            self.init(status: .badRequest, code: "BLOB_UPLOAD_INVALID", message: "blob upload invalid", detail: id)
        }
    }
}

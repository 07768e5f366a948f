import Foundation
public import SignetDomain

/// The Notary Project payload (`application/vnd.cncf.notary.payload.v1+json`): the descriptor of what was signed.
public struct NotaryPayload: Sendable, Equatable, Codable {
    public static let mediaType = "application/vnd.cncf.notary.payload.v1+json"

    public struct TargetArtifact: Sendable, Equatable, Codable {
        public var mediaType: String
        public var digest: String
        public var size: Int64
        public var annotations: [String: String]?
        public var artifactType: String?

        public init(mediaType: String, digest: String, size: Int64, annotations: [String: String]? = nil, artifactType: String? = nil) {
            self.mediaType = mediaType
            self.digest = digest
            self.size = size
            self.annotations = annotations
            self.artifactType = artifactType
        }
    }

    public var targetArtifact: TargetArtifact

    public init(targetArtifact: TargetArtifact) { self.targetArtifact = targetArtifact }

    /// The payload for a manifest as the registry serves it.
    public init(descriptor: Descriptor) {
        targetArtifact = TargetArtifact(mediaType: descriptor.mediaType, digest: descriptor.digest.description, size: descriptor.size)
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// - Throws: ``NotaryError/invalidPayload(_:)`` when the bytes are not a Notary payload.
    public static func decode(_ data: Data) throws -> NotaryPayload {
        do {
            return try JSONDecoder().decode(NotaryPayload.self, from: data)
        } catch {
            throw NotaryError.invalidPayload("the payload is not a Notary Project payload with a targetArtifact")
        }
    }
}

/// Failures of the Notary layer.
public enum NotaryError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidPayload(String)
    case malformedEnvelope(String)
    case invalidSignature(String)
    case invalidCertificateChain(String)
    case keyStorage(String)

    public var description: String {
        switch self {
        case .invalidPayload(let reason), .malformedEnvelope(let reason), .invalidSignature(let reason), .invalidCertificateChain(let reason),
            .keyStorage(let reason):
            return reason
        }
    }
}

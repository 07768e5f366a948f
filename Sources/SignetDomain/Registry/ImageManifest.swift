import Foundation

/// An OCI/Docker content descriptor.
public struct Descriptor: Sendable, Equatable, Codable {
    public var mediaType: String
    public var digest: Digest
    public var size: Int64
    public var artifactType: String?
    public var annotations: [String: String]?

    public init(mediaType: String, digest: Digest, size: Int64, artifactType: String? = nil, annotations: [String: String]? = nil) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.artifactType = artifactType
        self.annotations = annotations
    }
}

/// The parts of a stored manifest that the registry reasons about. The bytes themselves are kept verbatim.
public struct ImageManifest: Sendable, Equatable {
    public enum MediaType {
        public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
        public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
        public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
        public static let ociIndex = "application/vnd.oci.image.index.v1+json"
        public static let imageTypes: Set<String> = [dockerManifest, ociManifest]
        public static let indexTypes: Set<String> = [dockerManifestList, ociIndex]
    }

    /// Largest manifest accepted (PutImage `imageManifest` max length; the registry's limit too).
    public static let maxSize = 4 * 1024 * 1024

    public let mediaType: String
    public let config: Descriptor?
    public let layers: [Descriptor]
    public let manifests: [Descriptor]
    public let subject: Descriptor?
    public let artifactType: String?
    public let annotations: [String: String]?

    /// A manifest whose parts are known without parsing (one Signet writes itself); ``parse(_:declaredMediaType:)``
    /// of its bytes must give the same value.
    public init(
        mediaType: String, config: Descriptor?, layers: [Descriptor], manifests: [Descriptor], subject: Descriptor?, artifactType: String?,
        annotations: [String: String]?
    ) {
        self.mediaType = mediaType
        self.config = config
        self.layers = layers
        self.manifests = manifests
        self.subject = subject
        self.artifactType = artifactType
        self.annotations = annotations
    }

    public var isIndex: Bool { MediaType.indexTypes.contains(mediaType) }

    /// The artifact media type ECR reports: `artifactType`, else the config media type (image manifests only).
    public var artifactMediaType: String? { artifactType ?? config?.mediaType }

    /// Blobs this manifest needs in the repository: config and layers.
    public var blobReferences: [Descriptor] { (config.map { [$0] } ?? []) + layers }

    /// Sum of config and layer sizes, as ECR reports `imageSizeInBytes`; indexes report their own size.
    public func imageSize(manifestBytes: Int) -> Int64 {
        isIndex ? Int64(manifestBytes) : blobReferences.reduce(0) { $0 + $1.size }
    }

    /// Parses manifest bytes.
    /// - Parameter declaredMediaType: what the client said the media type is (`imageManifestMediaType` or `Content-Type`).
    /// - Throws: ``RegistryError/invalidManifest(_:)`` when the bytes are not a supported, well-formed manifest.
    public static func parse(_ bytes: Data, declaredMediaType: String?) throws -> ImageManifest {
        let raw: Raw
        do {
            raw = try JSONDecoder().decode(Raw.self, from: bytes)
        } catch {
            throw RegistryError.invalidManifest("the manifest is not valid JSON or has members of the wrong type")
        }
        let declared = declaredMediaType.map(Self.stripParameters).flatMap { $0.isEmpty ? nil : $0 }
        if let own = raw.mediaType, let declared, own != declared {
            throw RegistryError.invalidManifest(
                "the manifest media type '\(own)' does not match the declared media type '\(declared)'")
        }
        guard let mediaType = raw.mediaType ?? declared else {
            throw RegistryError.invalidManifest("the manifest has no mediaType and none was declared")
        }
        guard raw.schemaVersion == 2 else {
            throw RegistryError.invalidManifest("schemaVersion must be 2")
        }
        if MediaType.imageTypes.contains(mediaType) {
            guard let config = raw.config else { throw RegistryError.invalidManifest("an image manifest needs a config descriptor") }
            if raw.manifests != nil { throw RegistryError.invalidManifest("an image manifest cannot list manifests") }
            return ImageManifest(
                mediaType: mediaType, config: config, layers: raw.layers ?? [], manifests: [], subject: raw.subject,
                artifactType: raw.artifactType, annotations: raw.annotations)
        }
        if MediaType.indexTypes.contains(mediaType) {
            guard let manifests = raw.manifests else { throw RegistryError.invalidManifest("an index needs a manifests list") }
            if raw.config != nil || raw.layers != nil {
                throw RegistryError.invalidManifest("an index cannot have a config or layers")
            }
            return ImageManifest(
                mediaType: mediaType, config: nil, layers: [], manifests: manifests, subject: raw.subject,
                artifactType: raw.artifactType, annotations: raw.annotations)
        }
        throw RegistryError.invalidManifest("unsupported manifest media type '\(mediaType)'")
    }

    static func stripParameters(_ mediaType: String) -> String {
        String(mediaType.split(separator: ";", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces)
    }

    private struct Raw: Decodable {
        var schemaVersion: Int?
        var mediaType: String?
        var artifactType: String?
        var config: Descriptor?
        var layers: [Descriptor]?
        var manifests: [Descriptor]?
        var subject: Descriptor?
        var annotations: [String: String]?
    }
}

/// An image (manifest) stored in a repository. Tags live beside it in the store.
public struct Image: Sendable, Equatable {
    public let digest: Digest
    /// The manifest exactly as pushed; its SHA-256 is `digest`.
    public let manifest: Data
    public let mediaType: String
    public let artifactMediaType: String?
    public let subject: Digest?
    public let sizeInBytes: Int64
    public let pushedAt: Date

    public init(
        digest: Digest, manifest: Data, mediaType: String, artifactMediaType: String?, subject: Digest?, sizeInBytes: Int64,
        pushedAt: Date
    ) {
        self.digest = digest
        self.manifest = manifest
        self.mediaType = mediaType
        self.artifactMediaType = artifactMediaType
        self.subject = subject
        self.sizeInBytes = sizeInBytes
        self.pushedAt = pushedAt
    }
}

/// An image with the tags that currently point at it.
public struct TaggedImage: Sendable, Equatable {
    public let image: Image
    public let tags: [ImageTag]
    public init(image: Image, tags: [ImageTag]) {
        self.image = image
        self.tags = tags
    }
}

public import Foundation

// Layer upload/download and login (AWS JSON 1.1).

public struct InitiateLayerUploadInput: Decodable, Sendable {
    public var registryId: String?
    public var repositoryName: String
}

public struct InitiateLayerUploadOutput: Encodable, Sendable {
    public var uploadId: String
    public var partSize: Int64
    public init(uploadId: String, partSize: Int64) {
        self.uploadId = uploadId
        self.partSize = partSize
    }
}

public struct UploadLayerPartInput: Decodable, Sendable {
    public var registryId: String?
    public var repositoryName: String
    public var uploadId: String
    public var partFirstByte: Int64
    public var partLastByte: Int64
    /// base64 on the wire; JSONDecoder decodes `Data` from base64.
    public var layerPartBlob: Data
}

public struct UploadLayerPartOutput: Encodable, Sendable {
    public var registryId: String
    public var repositoryName: String
    public var uploadId: String
    public var lastByteReceived: Int64
    public init(registryId: String, repositoryName: String, uploadId: String, lastByteReceived: Int64) {
        self.registryId = registryId
        self.repositoryName = repositoryName
        self.uploadId = uploadId
        self.lastByteReceived = lastByteReceived
    }
}

public struct CompleteLayerUploadInput: Decodable, Sendable {
    public var registryId: String?
    public var repositoryName: String
    public var uploadId: String
    public var layerDigests: [String]
}

public struct CompleteLayerUploadOutput: Encodable, Sendable {
    public var registryId: String
    public var repositoryName: String
    public var uploadId: String
    public var layerDigest: String
    public init(registryId: String, repositoryName: String, uploadId: String, layerDigest: String) {
        self.registryId = registryId
        self.repositoryName = repositoryName
        self.uploadId = uploadId
        self.layerDigest = layerDigest
    }
}

public struct BatchCheckLayerAvailabilityInput: Decodable, Sendable {
    public var registryId: String?
    public var repositoryName: String
    public var layerDigests: [String]
}

public struct LayerShape: Encodable, Sendable {
    public var layerDigest: String
    public var layerAvailability: String
    public var layerSize: Int64?
    public var mediaType: String?
    public init(layerDigest: String, layerAvailability: String, layerSize: Int64?, mediaType: String?) {
        self.layerDigest = layerDigest
        self.layerAvailability = layerAvailability
        self.layerSize = layerSize
        self.mediaType = mediaType
    }
}

public struct LayerFailureShape: Encodable, Sendable {
    public var layerDigest: String
    public var failureCode: String
    public var failureReason: String
    public init(layerDigest: String, failureCode: String, failureReason: String) {
        self.layerDigest = layerDigest
        self.failureCode = failureCode
        self.failureReason = failureReason
    }
}

public struct BatchCheckLayerAvailabilityOutput: Encodable, Sendable {
    public var layers: [LayerShape]
    public var failures: [LayerFailureShape]
    public init(layers: [LayerShape], failures: [LayerFailureShape]) {
        self.layers = layers
        self.failures = failures
    }
}

public struct GetDownloadUrlForLayerInput: Decodable, Sendable {
    public var registryId: String?
    public var repositoryName: String
    public var layerDigest: String
}

public struct GetDownloadUrlForLayerOutput: Encodable, Sendable {
    public var downloadUrl: String
    public var layerDigest: String
    public init(downloadUrl: String, layerDigest: String) {
        self.downloadUrl = downloadUrl
        self.layerDigest = layerDigest
    }
}

public struct GetAuthorizationTokenInput: Decodable, Sendable {
    public var registryIds: [String]?
}

public struct AuthorizationDataShape: Encodable, Sendable {
    public var authorizationToken: String
    public var expiresAt: Date
    public var proxyEndpoint: String
    public init(authorizationToken: String, expiresAt: Date, proxyEndpoint: String) {
        self.authorizationToken = authorizationToken
        self.expiresAt = expiresAt
        self.proxyEndpoint = proxyEndpoint
    }
}

public struct GetAuthorizationTokenOutput: Encodable, Sendable {
    public var authorizationData: [AuthorizationDataShape]
    public init(authorizationData: [AuthorizationDataShape]) { self.authorizationData = authorizationData }
}

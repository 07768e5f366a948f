import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SignetDomain
import SignetWire

/// The ECR control plane (AWS JSON 1.1): `POST /` with `X-Amz-Target`, and the same operations at `POST /ecr/<Op>`.
struct ECRController: Sendable {
    static let targetPrefix = "AmazonEC2ContainerRegistry_V20150921."

    let registry: RegistryService
    let uploads: BlobUploads
    let tokens: RegistryTokens
    let ids: any IDGenerator
    let endpoint: RegistryEndpoint
    let defaultRegistry: RegistryKey
    let clock: any SignetClock

    /// ECR's layer-part limits: at most 20 MiB per part, at least 5 MiB for every part but the last.
    static let maxPartSize = 20 * 1024 * 1024
    static let minPartSize: Int64 = 5 * 1024 * 1024

    /// The routes `POST /` and `POST /ecr/<Op>`, and the same endpoint for the connection's fast path.
    ///
    /// Added before ``SigV4AuthMiddleware``: the endpoint authenticates with it itself (see ``ECRJSONEndpoint``).
    func addRoutes(to router: Router<SignetRequestContext>, auth: SigV4AuthMiddleware) -> ECRJSONEndpoint {
        let endpoint = ECRJSONEndpoint(dispatcher: makeDispatcher(), auth: auth)
        router.post("/") { request, context in
            try await endpoint.respond(to: request, operation: .fromTarget, context: context)
        }
        router.post("/ecr/:operation") { request, context in
            try await endpoint.respond(to: request, operation: .named(context.parameters.get("operation")), context: context)
        }
        return endpoint
    }

    /// The model's `UploadId` pattern: an id that cannot be one is a bad parameter, not an upload that is missing.
    static func checkUploadID(_ id: String) throws {
        let groups = id.split(separator: "-", omittingEmptySubsequences: false)
        let valid = groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) && $0.allSatisfy(\.isASCII) }
        guard valid else {
            throw RegistryError.invalidParameter(
                .init(path: "uploadId", value: id, constraint: .pattern("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")))
        }
    }

    /// Runs an upload step, turning ``UploadError`` into the ECR exceptions that name the upload.
    static func mapUploadErrors<T>(_ key: RegistryKey, _ name: RepositoryName, _ uploadId: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as UploadError {
            throw AWSError(error, registryId: key.account.value, repositoryName: name.value, uploadId: uploadId)
        }
    }

    /// The operation table. Each entry: wire input → validated domain values → service → wire output.
    func makeDispatcher() -> JSONTargetDispatcher {
        var table = JSONTargetDispatcher()
        let registry = self.registry
        let endpoint = self.endpoint
        let clock = self.clock
        let defaultRegistry = self.defaultRegistry
        let pages = DescribeRepositoriesPageCache()
        @Sendable func uri(_ repository: Repository) -> RepositoryShape {
            RepositoryShape(repository, registryHost: endpoint.host(for: repository.registry, defaultRegistry: defaultRegistry))
        }

        // MARK: Repositories
        table.register("CreateRepository") { (input: CreateRepositoryInput, caller) in
            let key = try registry.registry(input.registryId, caller: caller, action: "CreateRepository", resource: input.repositoryName)
            let created = try await registry.createRepository(try input.repository(registry: key, createdAt: clock.now))
            return RepositoryOutput(repository: uri(created))
        }
        table.register("DescribeRepositories") { (input: DescribeRepositoriesInput, caller) in
            let key = try registry.registry(input.registryId, caller: caller, action: "DescribeRepositories", resource: "*")
            if let names = input.repositoryNames, !(1...100).contains(names.count) {
                throw RegistryError.invalidParameter(
                    .init(path: "repositoryNames", value: nil, constraint: names.isEmpty ? .minItems(1) : .maxItems(100)))
            }
            let names = try input.repositoryNames?.map { try RepositoryName($0, field: "repositoryNames") }
            let page = try await registry.describeRepositories(names: names, in: key, maxResults: input.maxResults, nextToken: input.nextToken)
            return try pages.encode(DescribeRepositoriesPage(
                repositories: page.items, registryHost: endpoint.host(for: key, defaultRegistry: defaultRegistry), nextToken: page.nextToken))
        }
        table.register("DeleteRepository") { (input: DeleteRepositoryInput, caller) in
            let key = try registry.registry(input.registryId, caller: caller, action: "DeleteRepository", resource: input.repositoryName)
            let deleted = try await registry.deleteRepository(try RepositoryName(input.repositoryName), in: key, force: input.force ?? false)
            return RepositoryOutput(repository: uri(deleted))
        }
        table.register("PutImageTagMutability") { (input: PutImageTagMutabilityInput, caller) in
            let key = try registry.registry(input.registryId, caller: caller, action: "PutImageTagMutability", resource: input.repositoryName)
            let name = try RepositoryName(input.repositoryName)
            return PutImageTagMutabilityOutput(try await registry.putImageTagMutability(name, in: key, try input.mutability()))
        }
        table.register("TagResource") { (input: TagResourceInput, caller) in
            try await registry.tagResource(input.resourceArn, tags: try input.tags.map { try $0.domain() }, caller: caller)
            return EmptyShape()
        }
        table.register("UntagResource") { (input: UntagResourceInput, caller) in
            try await registry.untagResource(input.resourceArn, keys: input.tagKeys, caller: caller)
            return EmptyShape()
        }
        table.register("ListTagsForResource") { (input: ListTagsForResourceInput, caller) in
            ListTagsForResourceOutput(tags: try await registry.repositoryForArn(input.resourceArn, caller: caller, action: "ListTagsForResource").tags.map(TagShape.init))
        }
        table.register("DescribeRegistry") { (_: EmptyShape, caller) in
            DescribeRegistryOutput(registryId: caller.account.value)
        }

        // MARK: Images
        table.register("PutImage") { (input: PutImageInput, caller) in
            let name = try RepositoryName(input.repositoryName)
            let key = try registry.registry(input.registryId, caller: caller, action: "PutImage", resource: name.value)
            let tag = try input.imageTag.map { try ImageTag($0) }
            if let tag, !tag.hasDockerCharacters {
                throw RegistryError.invalidParameter(.init(path: "imageTag", value: tag.value, constraint: .pattern("[a-zA-Z0-9_][a-zA-Z0-9_.-]*")))
            }
            if let digest = input.imageDigest, !Digest.hasECRShape(digest) {
                throw RegistryError.invalidParameter(
                    .init(path: "imageDigest", value: digest, constraint: .pattern("[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+")))
            }
            let stored = try await registry.putImage(
                Data(input.imageManifest.utf8), mediaType: input.imageManifestMediaType, tag: tag, expectedDigest: input.imageDigest,
                repository: name, registry: key, pushedBy: caller.account, existing: .reject)
            return PutImageOutput(image: ImageShape(stored.image, tag: tag?.value, repository: name, registry: key))
        }
        table.register("BatchGetImage") { (input: BatchGetImageInput, caller) in
            let name = try RepositoryName(input.repositoryName)
            let key = try registry.registry(input.registryId, caller: caller, action: "BatchGetImage", resource: name.value)
            if let accepted = input.acceptedMediaTypes, !(1...100).contains(accepted.count) {
                throw RegistryError.invalidParameter(
                    .init(path: "acceptedMediaTypes", value: nil, constraint: accepted.isEmpty ? .minItems(1) : .maxItems(100)))
            }
            let results = try await registry.batchGetImage(
                input.imageIds.map(\.domain), acceptedMediaTypes: input.acceptedMediaTypes, repository: name, registry: key)
            var output = BatchGetImageOutput(images: [], failures: [])
            for result in results {
                switch result {
                case .found(let image, let requested):
                    output.images.append(ImageShape(image, tag: requested.tag, repository: name, registry: key))
                case .failed(let id, let failure):
                    output.failures.append(ImageFailureShape(id, failure))
                }
            }
            return output
        }
        table.register("DescribeImages") { (input: DescribeImagesInput, caller) in
            let name = try RepositoryName(input.repositoryName)
            let key = try registry.registry(input.registryId, caller: caller, action: "DescribeImages", resource: name.value)
            if let ids = input.imageIds, !(1...100).contains(ids.count) {
                throw RegistryError.invalidParameter(.init(path: "imageIds", value: nil, constraint: ids.isEmpty ? .minItems(1) : .maxItems(100)))
            }
            let filter = input.filter ?? ImageFilterShape()
            let (tagStatus, active) = (try filter.parsedTagStatus(), try filter.admitsActiveImages())
            let page = try await registry.describeImages(
                input.imageIds?.map(\.domain), tagStatus: tagStatus, repository: name, registry: key,
                maxResults: input.maxResults, nextToken: input.nextToken)
            let details = active ? page.items.map { ImageDetailShape($0, repository: name, registry: key) } : []
            return DescribeImagesOutput(imageDetails: details, nextToken: page.nextToken)
        }
        table.register("ListImages") { (input: ListImagesInput, caller) in
            let name = try RepositoryName(input.repositoryName)
            let key = try registry.registry(input.registryId, caller: caller, action: "ListImages", resource: name.value)
            let filter = input.filter ?? ImageFilterShape()
            let (tagStatus, active) = (try filter.parsedTagStatus(), try filter.admitsActiveImages())
            let page = try await registry.listImages(
                tagStatus: tagStatus, repository: name, registry: key, maxResults: input.maxResults, nextToken: input.nextToken)
            let ids = active ? page.items.map { ImageIdentifierShape(imageDigest: $0.digest.description, imageTag: $0.tag?.value) } : []
            return ListImagesOutput(imageIds: ids, nextToken: page.nextToken)
        }
        table.register("BatchDeleteImage") { (input: BatchDeleteImageInput, caller) in
            let name = try RepositoryName(input.repositoryName)
            let key = try registry.registry(input.registryId, caller: caller, action: "BatchDeleteImage", resource: name.value)
            let result = try await registry.batchDeleteImage(input.imageIds.map(\.domain), repository: name, registry: key)
            return BatchDeleteImageOutput(
                imageIds: result.deleted.map { ImageIdentifierShape(imageDigest: $0.digest.description, imageTag: $0.tag?.value) },
                failures: result.failures.map { ImageFailureShape($0.id, $0.failure) })
        }
        table.register("ListImageReferrers") { (input: ListImageReferrersInput, caller) in
            let name = try RepositoryName(input.repositoryName)
            let key = try registry.registry(input.registryId, caller: caller, action: "ListImageReferrers", resource: name.value)
            guard let subject = Digest(parsing: input.subjectId.imageDigest) else {
                throw RegistryError.invalidParameter(
                    .init(path: "subjectId.imageDigest", value: input.subjectId.imageDigest, constraint: .pattern("sha256:[a-f0-9]{64}")))
            }
            let artifactTypes = input.filter?.artifactTypes
            if let artifactTypes, artifactTypes.count > 5 {
                throw RegistryError.validation([.init(path: "filter.artifactTypes", value: nil, constraint: .maxItems(5))])
            }
            for (index, type) in (artifactTypes ?? []).enumerated() where !(1...255).contains(type.unicodeScalars.count) {
                throw RegistryError.validation(
                    [.init(path: "filter.artifactTypes.\(index + 1).member", value: type, constraint: type.isEmpty ? .minLength(1) : .maxLength(255))])
            }
            let status = input.filter?.artifactStatus ?? "ACTIVE"
            let statuses = ["ACTIVE", "ARCHIVED", "ACTIVATING", "ANY"]
            guard statuses.contains(status) else {
                throw RegistryError.validation([.init(path: "filter.artifactStatus", value: status, constraint: .oneOf(statuses))])
            }
            let page = try await registry.listImageReferrers(
                of: subject, artifactTypes: artifactTypes, repository: name, registry: key, maxResults: input.maxResults,
                nextToken: input.nextToken)
            let referrers = (status == "ACTIVE" || status == "ANY") ? page.items.map(ImageReferrerShape.init) : []
            return ListImageReferrersOutput(referrers: referrers, nextToken: page.nextToken)
        }

        // MARK: Layers and login
        let uploads = self.uploads
        let tokens = self.tokens
        let ids = self.ids
        table.register("InitiateLayerUpload") { (input: InitiateLayerUploadInput, caller) in
            let name = try RepositoryName(input.repositoryName)
            let key = try registry.registry(input.registryId, caller: caller, action: "InitiateLayerUpload", resource: name.value)
            _ = try await registry.existingRepository(name, in: key)
            let session = try await uploads.begin(id: ids.uuid(), registry: key, repository: name)
            return InitiateLayerUploadOutput(uploadId: session.id, partSize: 10_485_760)
        }
        table.register("UploadLayerPart") { (input: UploadLayerPartInput, caller) in
            let name = try RepositoryName(input.repositoryName)
            let key = try registry.registry(input.registryId, caller: caller, action: "UploadLayerPart", resource: name.value)
            try Self.checkUploadID(input.uploadId)
            _ = try await registry.existingRepository(name, in: key)
            guard input.layerPartBlob.count <= Self.maxPartSize else {
                throw RegistryError.invalidParameter(.init(path: "layerPartBlob", value: nil, constraint: .maxLength(Self.maxPartSize)))
            }
            return try await Self.mapUploadErrors(key, name, input.uploadId) {
                guard input.partFirstByte >= 0, input.partLastByte - input.partFirstByte + 1 == Int64(input.layerPartBlob.count) else {
                    let session = try await uploads.session(input.uploadId, registry: key, repository: name)
                    throw UploadError.partSizeMismatch(
                        expected: session.size, first: input.partFirstByte, last: input.partLastByte, length: Int64(input.layerPartBlob.count))
                }
                let session = try await uploads.append(
                    input.uploadId, registry: key, repository: name, startingAt: input.partFirstByte, chunks: OneChunk(data: input.layerPartBlob))
                return UploadLayerPartOutput(
                    registryId: key.account.value, repositoryName: name.value, uploadId: input.uploadId, lastByteReceived: session.size - 1)
            }
        }
        table.register("CompleteLayerUpload") { (input: CompleteLayerUploadInput, caller) in
            let name = try RepositoryName(input.repositoryName)
            let key = try registry.registry(input.registryId, caller: caller, action: "CompleteLayerUpload", resource: name.value)
            try Self.checkUploadID(input.uploadId)
            _ = try await registry.existingRepository(name, in: key)
            guard (1...100).contains(input.layerDigests.count) else {
                throw RegistryError.invalidParameter(
                    .init(path: "layerDigests", value: nil, constraint: input.layerDigests.isEmpty ? .minItems(1) : .maxItems(100)))
            }
            let expected = input.layerDigests[0]
            return try await Self.mapUploadErrors(key, name, input.uploadId) {
                let session = try await uploads.session(input.uploadId, registry: key, repository: name)
                guard session.size > 0 else { throw UploadError.emptyUpload(input.uploadId) }
                if let digest = Digest(parsing: expected), try await registry.blobs.contains(digest) {
                    try await uploads.cancel(input.uploadId, registry: key, repository: name)
                    throw RegistryError.layerAlreadyExists(digest, repository: name, registry: key.account)
                }
                let (digest, _) = try await uploads.finish(
                    input.uploadId, registry: key, repository: name, expected: expected, minimumPartSize: Self.minPartSize)
                return CompleteLayerUploadOutput(
                    registryId: key.account.value, repositoryName: name.value, uploadId: input.uploadId, layerDigest: digest.description)
            }
        }
        table.register("BatchCheckLayerAvailability") { (input: BatchCheckLayerAvailabilityInput, caller) in
            let name = try RepositoryName(input.repositoryName)
            let key = try registry.registry(input.registryId, caller: caller, action: "BatchCheckLayerAvailability", resource: name.value)
            guard (1...100).contains(input.layerDigests.count) else {
                throw RegistryError.invalidParameter(
                    .init(path: "layerDigests", value: nil, constraint: input.layerDigests.isEmpty ? .minItems(1) : .maxItems(100)))
            }
            _ = try await registry.existingRepository(name, in: key)
            var output = BatchCheckLayerAvailabilityOutput(layers: [], failures: [])
            for raw in input.layerDigests {
                if raw.isEmpty {
                    output.failures.append(.init(layerDigest: raw, failureCode: "MissingLayerDigest", failureReason: "The layer digest is missing"))
                } else if let digest = Digest(parsing: raw) {
                    let size = try await registry.blobs.size(of: digest)
                    output.layers.append(.init(layerDigest: raw, layerAvailability: size == nil ? "UNAVAILABLE" : "AVAILABLE", layerSize: size, mediaType: nil))
                } else {
                    output.failures.append(.init(layerDigest: raw, failureCode: "InvalidLayerDigest", failureReason: "Invalid layer digest"))
                }
            }
            return output
        }
        table.register("GetDownloadUrlForLayer") { (input: GetDownloadUrlForLayerInput, caller) in
            let name = try RepositoryName(input.repositoryName)
            let key = try registry.registry(input.registryId, caller: caller, action: "GetDownloadUrlForLayer", resource: name.value)
            _ = try await registry.existingRepository(name, in: key)
            guard let digest = Digest(parsing: input.layerDigest) else {
                throw RegistryError.invalidParameter(.init(path: "layerDigest", value: input.layerDigest, constraint: .pattern("[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+")))
            }
            guard try await registry.blobs.contains(digest) else {
                throw RegistryError.layersNotFound([digest], repository: name, registry: key.account)
            }
            guard try await registry.isLayerAssociated(digest, repository: name, registry: key) else {
                throw RegistryError.layerInaccessible(digest, repository: name, registry: key.account)
            }
            let url = LayerDownloadURL.presign(digest: digest, registry: key, repository: name, tokens: tokens, base: "http://\(endpoint.defaultHost)")
            return GetDownloadUrlForLayerOutput(downloadUrl: url, layerDigest: digest.description)
        }
        table.register("GetAuthorizationToken") { (input: GetAuthorizationTokenInput, caller) in
            let registryIds = input.registryIds ?? [caller.account.value]
            guard (1...10).contains(registryIds.count) else {
                throw RegistryError.invalidParameter(
                    .init(path: "registryIds", value: nil, constraint: registryIds.isEmpty ? .minItems(1) : .maxItems(10)))
            }
            let issued = tokens.issue(for: caller)
            let data = try registryIds.map { raw in
                let account = try AccountID(raw, field: "registryIds")
                let host = endpoint.host(for: RegistryKey(account: account, region: caller.region), defaultRegistry: defaultRegistry)
                return AuthorizationDataShape(authorizationToken: issued.token, expiresAt: issued.expiresAt, proxyEndpoint: "http://\(host)")
            }
            return GetAuthorizationTokenOutput(authorizationData: data)
        }

        // MARK: Managed signing
        table.register("PutSigningConfiguration") { (input: PutSigningConfigurationInput, caller) in
            let stored = try await registry.putSigningConfiguration(try input.signingConfiguration.domain(), for: caller.registry)
            return PutSigningConfigurationOutput(signingConfiguration: SigningConfigurationShape(stored))
        }
        table.register("GetSigningConfiguration") { (_: EmptyShape, caller) in
            RegistrySigningConfigurationOutput(
                registryId: caller.account.value,
                signingConfiguration: SigningConfigurationShape(try await registry.signingConfiguration(for: caller.registry)))
        }
        table.register("DeleteSigningConfiguration") { (_: EmptyShape, caller) in
            RegistrySigningConfigurationOutput(
                registryId: caller.account.value,
                signingConfiguration: SigningConfigurationShape(try await registry.deleteSigningConfiguration(for: caller.registry)))
        }
        table.alias("PutRegistrySigningConfiguration", for: "PutSigningConfiguration")
        table.alias("GetRegistrySigningConfiguration", for: "GetSigningConfiguration")
        table.alias("DeleteRegistrySigningConfiguration", for: "DeleteSigningConfiguration")
        table.register("DescribeImageSigningStatus") { (input: DescribeImageSigningStatusInput, caller) in
            let name = try RepositoryName(input.repositoryName)
            let key = try registry.registry(input.registryId, caller: caller, action: "DescribeImageSigningStatus", resource: name.value)
            let (image, statuses) = try await registry.describeImageSigningStatus(input.imageId.domain, repository: name, registry: key)
            return DescribeImageSigningStatusOutput(
                repositoryName: name.value,
                imageId: ImageIdentifierShape(imageDigest: image.digest.description, imageTag: input.imageId.imageTag),
                registryId: key.account.value, signingStatuses: statuses.map(ImageSigningStatusShape.init))
        }
        return table
    }
}

public import SignetDomain

extension AWSError {
    /// The only place where ECR exception names and messages are written.
    public init(_ error: RegistryError) {
        switch error {
        case .repositoryNotFound(let name, let registry):
            self.init(
                code: "RepositoryNotFoundException",
                message: "The repository with name '\(name)' does not exist in the registry with id '\(registry)'")
        case .repositoryAlreadyExists(let name, let registry):
            self.init(
                code: "RepositoryAlreadyExistsException",
                message: "The repository with name '\(name)' already exists in the registry with id '\(registry)'")
        case .repositoryNotEmpty(let name, let registry):
            self.init(
                code: "RepositoryNotEmptyException",
                message: "The repository with name '\(name)' in registry with id '\(registry)' cannot be deleted because it still contains images")
        case .imageNotFound(let id, let name, let registry):
            self.init(
                code: "ImageNotFoundException",
                message: "The image with imageId {imageDigest:'\(id.digest ?? "null")', imageTag:'\(id.tag ?? "null")'} does not exist "
                    + "within the repository with name '\(name)' in the registry with id '\(registry)'")
        case .imageAlreadyExists(let digest, let tag, let name, let registry):
            self.init(
                code: "ImageAlreadyExistsException",
                message: "Image with digest '\(digest)' and tag '\(tag?.value ?? "null")' already exists in the repository with name "
                    + "'\(name)' in registry with id '\(registry)'")
        case .imageTagAlreadyExists(let tag, let name, _):
            self.init(
                code: "ImageTagAlreadyExistsException",
                message: "The image tag '\(tag)' already exists in the '\(name)' repository and cannot be overwritten because the tag is immutable.")
        case .imageDigestDoesNotMatch(let provided, let computed):
            self.init(
                code: "ImageDigestDoesNotMatchException",
                message: "The provided image digest '\(provided)' does not match the digest of the image manifest '\(computed)'")
        case .layerAlreadyExists(let digest, let name, let registry):
            self.init(
                code: "LayerAlreadyExistsException",
                message: "The layer with digest '\(digest)' already exists in the repository with name '\(name)' in the registry with id '\(registry)'")
        case .layersNotFound(let digests, let name, let registry):
            self.init(
                code: "LayersNotFoundException",
                message: "Layers with digests '\(Self.list(digests))' required for pushing image into repository with name '\(name)' "
                    + "in the registry with id '\(registry)' do not exist")
        case .layerInaccessible(let digest, let name, let registry):
            // AWS's text for the exception ("not associated with an image"), with the layer and repository named
            self.init(
                code: "LayerInaccessibleException",
                message: "The layer with digest '\(digest)' in the repository with name '\(name)' in the registry with id '\(registry)' is not "
                    + "available because it is not associated with an image. Unassociated image layers may be cleaned up at any time.")
        case .referencedImagesNotFound(let digests, let name, let registry):
            self.init(
                code: "ReferencedImagesNotFoundException",
                message: "Images with digests '\(Self.list(digests))' referenced by the manifest do not exist in the repository with name "
                    + "'\(name)' in the registry with id '\(registry)'")
        case .invalidManifest(let reason):
            self.init(code: "InvalidParameterException", message: "Invalid parameter at 'imageManifest' failed to satisfy constraint: '\(reason)'")
        case .invalidParameter(let violation):
            self.init(code: "InvalidParameterException", message: ConstraintMessages.invalidParameter(violation))
        case .invalidRequest(let message):
            self.init(code: "InvalidParameterException", message: message)
        case .validation(let violations):
            self.init(code: "ValidationException", message: ConstraintMessages.validation(violations))
        case .signingConfigurationNotFound(let registry):
            // AWS's text is not published; this names the registry the same way the other ECR messages do.
            self.init(
                code: "SigningConfigurationNotFoundException",
                message: "The signing configuration does not exist in the registry with id '\(registry)'")
        case .invalidTagParameter(let message):
            self.init(code: "InvalidTagParameterException", message: message)
        case .tooManyTags(let limit):
            self.init(code: "TooManyTagsException", message: "A repository can have at most \(limit) tags")
        case .limitExceeded(let message):
            self.init(code: "LimitExceededException", message: message)
        case .notAuthorized(let message):
            self.init(code: "AccessDeniedException", message: message)
        }
    }

    private static func list(_ digests: [Digest]) -> String {
        "[" + digests.map(\.description).joined(separator: ", ") + "]"
    }
}

extension AWSError {
    /// Upload failures of the ECR layer API; `InvalidLayerPartException` carries where the upload stands.
    public init(_ error: UploadError, registryId: String, repositoryName: String, uploadId: String) {
        switch error {
        case .uploadNotFound(let id):
            self.init(
                code: "UploadNotFoundException",
                message: "The upload with id '\(id)' does not exist in the repository with name '\(repositoryName)' in the registry with id '\(registryId)'")
        case .invalidRange(let expected, let received):
            self.init(
                code: "InvalidLayerPartException",
                message: "The layer part starts at byte \(received) but the upload has received \(expected) bytes; the next part must start at byte \(expected)",
                extraFields: [
                    "registryId": JSONText.quote(registryId), "repositoryName": JSONText.quote(repositoryName),
                    "uploadId": JSONText.quote(uploadId), "lastValidByteReceived": String(expected - 1),
                ])
        case .partSizeMismatch(let expected, let first, let last, let length):
            self.init(
                code: "InvalidLayerPartException",
                message: "The layer part's byte range \(first)-\(last) does not match the \(length) bytes of its layerPartBlob",
                extraFields: [
                    "registryId": JSONText.quote(registryId), "repositoryName": JSONText.quote(repositoryName),
                    "uploadId": JSONText.quote(uploadId), "lastValidByteReceived": String(expected - 1),
                ])
        case .busy:
            self.init(code: "InvalidLayerPartException", message: "Another part of upload '\(uploadId)' is being uploaded")
        case .digestMismatch(let expected, let computed):
            self.init(code: "InvalidLayerException", message: "The layer digest '\(expected)' does not match the digest of the uploaded content '\(computed)'")
        case .invalidDigest(let digest):
            self.init(code: "InvalidLayerException", message: "Invalid layer digest '\(digest)'")
        case .emptyUpload(let id):
            self.init(code: "EmptyUploadException", message: "The upload with id '\(id)' contains no layer parts")
        case .partTooSmall(let id):
            self.init(code: "LayerPartTooSmallException", message: "Layer parts of upload '\(id)' other than the last must be at least 5 MiB")
        }
    }
}

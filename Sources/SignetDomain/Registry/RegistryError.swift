/// Failures of ECR control-plane operations. The wire layer chooses the codes and messages.
public enum RegistryError: Error, Sendable, Equatable {
    case repositoryNotFound(String, registry: AccountID)
    case repositoryAlreadyExists(RepositoryName, registry: AccountID)
    case repositoryNotEmpty(RepositoryName, registry: AccountID)
    case imageNotFound(ImageIdentifier, repository: RepositoryName, registry: AccountID)
    case imageAlreadyExists(Digest, tag: ImageTag?, repository: RepositoryName, registry: AccountID)
    case imageTagAlreadyExists(ImageTag, repository: RepositoryName, registry: AccountID)
    case imageDigestDoesNotMatch(provided: String, computed: Digest)
    case layerAlreadyExists(Digest, repository: RepositoryName, registry: AccountID)
    case layersNotFound([Digest], repository: RepositoryName, registry: AccountID)
    /// A blob that exists but that no image of the repository refers to (GetDownloadUrlForLayer).
    case layerInaccessible(Digest, repository: RepositoryName, registry: AccountID)
    case referencedImagesNotFound([Digest], repository: RepositoryName, registry: AccountID)
    /// A manifest that is not one of the supported, well-formed manifest kinds.
    case invalidManifest(String)
    /// One member broke a constraint; rendered as `InvalidParameterException`.
    case invalidParameter(ConstraintViolation)
    /// An input that is wrong for a reason other than a member constraint; `InvalidParameterException`.
    case invalidRequest(String)
    /// Members broke constraints; rendered as `ValidationException` (the newer operations' style).
    case validation([ConstraintViolation])
    case signingConfigurationNotFound(registry: AccountID)
    case invalidTagParameter(String)
    case tooManyTags(limit: Int)
    case limitExceeded(String)
    /// The caller may not act on another account's registry.
    case notAuthorized(String)
}

import HTTPTypes

extension HTTPField.Name {
    static let xAmzTarget = Self("X-Amz-Target")!
    static let xAmznRequestId = Self("x-amzn-RequestId")!
    static let xAmznErrorType = Self("X-Amzn-ErrorType")!
}

extension HTTPField.Name {
    static let dockerContentDigest = Self("Docker-Content-Digest")!
    static let dockerUploadUUID = Self("Docker-Upload-UUID")!
    static let dockerDistributionAPIVersion = Self("Docker-Distribution-API-Version")!
    static let ociSubject = Self("OCI-Subject")!
    static let ociFiltersApplied = Self("OCI-Filters-Applied")!
    static let wwwAuthenticate = Self("WWW-Authenticate")!
    static let link = Self("Link")!
}

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

extension HTTPFields {
    /// What `self[name]` gives (repeated fields joined with ", "), without the subscript's lazy join for the usual
    /// case of one field: the subscript showed in the profile of every control-plane request.
    func value(_ name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            if found != nil { return self[name] }
            found = field.value
        }
        return found
    }

    /// Whether a field `name` is present.
    func has(_ name: HTTPField.Name) -> Bool {
        contains { $0.name == name }
    }
}

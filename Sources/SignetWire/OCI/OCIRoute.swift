public import HTTPTypes

/// A `/v2/` path, parsed from the end because repository names contain `/`.
public enum OCIRoute: Sendable, Equatable {
    case catalog
    case manifest(name: String, reference: String)
    case blob(name: String, digest: String)
    case uploads(name: String)
    case upload(name: String, id: String)
    case tags(name: String)
    case referrers(name: String, digest: String)

    /// The methods Signet answers on this resource (the `Allow` header of a 405).
    public var allowedMethods: [HTTPRequest.Method] {
        switch self {
        case .catalog, .tags, .referrers: return [.get, .head]
        case .manifest: return [.get, .head, .put, .delete]
        case .blob: return [.get, .head]
        case .uploads: return [.post]
        case .upload: return [.get, .patch, .put, .delete]
        }
    }

    /// - Parameter components: the path after `/v2/`, split on `/`. A trailing empty component (a final `/`) is
    ///   ignored; an empty one inside stays, so `team//app` is a name (an invalid one: NAME_INVALID), not `team/app`.
    public init?(_ components: [Substring]) {
        var parts = components.map(String.init)
        while parts.last?.isEmpty == true { parts.removeLast() }
        func name(dropping count: Int) -> String? {
            guard parts.count > count else { return nil }
            return parts.dropLast(count).joined(separator: "/")
        }
        if parts == ["_catalog"] {
            self = .catalog
            return
        }
        let count = parts.count
        if count >= 3, parts[count - 2] == "tags", parts[count - 1] == "list", let name = name(dropping: 2) {
            self = .tags(name: name)
        } else if count >= 3, parts[count - 2] == "manifests", let name = name(dropping: 2) {
            self = .manifest(name: name, reference: parts[count - 1])
        } else if count >= 3, parts[count - 2] == "referrers", let name = name(dropping: 2) {
            self = .referrers(name: name, digest: parts[count - 1])
        } else if count >= 3, parts[count - 2] == "blobs", parts[count - 1] == "uploads", let name = name(dropping: 2) {
            self = .uploads(name: name)
        } else if count >= 4, parts[count - 3] == "blobs", parts[count - 2] == "uploads", let name = name(dropping: 3) {
            self = .upload(name: name, id: parts[count - 1])
        } else if count >= 3, parts[count - 2] == "blobs", let name = name(dropping: 2) {
            self = .blob(name: name, digest: parts[count - 1])
        } else {
            return nil
        }
    }
}

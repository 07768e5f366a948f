import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SignetDomain
import SignetWire

/// The OCI distribution API v1.1 under `/v2/`, over the same registry service and stores as the ECR API.
struct OCIController: Sendable {
    let registry: RegistryService
    let uploads: BlobUploads
    let ids: any IDGenerator
    let fileIO = FileIO()

    static let indexMediaType = "application/vnd.oci.image.index.v1+json"

    func addRoutes(to router: Router<SignetRequestContext>, auth: RegistryAuthMiddleware) {
        let group = router.group("v2").add(middleware: auth)
        group.get { _, _ in Self.json("{}") }
        for method in [HTTPRequest.Method.put, .post, .patch, .delete] {
            group.on("", method: method) { _, _ -> Response in throw OCIError.unsupported(allow: [.get, .head]) }
        }
        for method in [HTTPRequest.Method.get, .head, .put, .post, .patch, .delete] {
            group.on("**", method: method) { request, context in
                guard let route = OCIRoute(context.parameters.getCatchAll()) else { throw OCIError.notFound(request.uri.path) }
                // The router drops empty path segments: `team//app` would otherwise be served as `team/app`.
                if request.uri.path.contains("//") {
                    throw RegistryError.invalidParameter(
                        .init(path: "repositoryName", value: request.uri.path, constraint: .custom("must not contain an empty path segment")))
                }
                return try await respond(to: route, request: request, context: context)
            }
        }
    }

    func respond(to route: OCIRoute, request: Request, context: SignetRequestContext) async throws -> Response {
        switch (route, request.method) {
        case (.catalog, .get): return try await catalog(request, context)
        case (.manifest(let name, let reference), .get), (.manifest(let name, let reference), .head):
            return try await getManifest(name, reference, request: request, context: context)
        case (.manifest(let name, let reference), .put): return try await putManifest(name, reference, request: request, context: context)
        case (.manifest(let name, let reference), .delete): return try await deleteManifest(name, reference, context: context)
        case (.blob(let name, let digest), .get), (.blob(let name, let digest), .head):
            return try await getBlob(name, digest, request: request, context: context)
        case (.blob(let name, _), .delete):
            // ECR does not delete blobs through the distribution API
            _ = try await repository(name, context)
            throw OCIError.unsupported(allow: route.allowedMethods)
        case (.uploads(let name), .post): return try await startUpload(name, request: request, context: context)
        case (.upload(let name, let id), .patch): return try await patchUpload(name, id, request: request, context: context)
        case (.upload(let name, let id), .put): return try await finishUpload(name, id, request: request, context: context)
        case (.upload(let name, let id), .get), (.upload(let name, let id), .head): return try await uploadStatus(name, id, context: context)
        case (.upload(let name, let id), .delete):
            let (key, repository) = try await repository(name, context)
            try await uploads.cancel(id, registry: key, repository: repository)
            return Response(status: .noContent)
        case (.tags(let name), .get): return try await tags(name, request: request, context: context)
        case (.referrers(let name, let digest), .get): return try await referrers(name, digest, request: request, context: context)
        // HEAD of the lists: the GET's status and headers without its body, as distribution answers
        case (.catalog, .head): return Self.headersOnly(try await catalog(request, context))
        case (.tags(let name), .head): return Self.headersOnly(try await tags(name, request: request, context: context))
        case (.referrers(let name, let digest), .head):
            return Self.headersOnly(try await referrers(name, digest, request: request, context: context))
        default:
            throw OCIError.unsupported(allow: route.allowedMethods)
        }
    }

    /// A GET's answer as a HEAD's: the same status and headers (with the body's `Content-Length`), no body.
    static func headersOnly(_ response: Response) -> Response {
        var headers = response.headers
        if headers[.contentLength] == nil, let length = response.body.contentLength { headers[.contentLength] = String(length) }
        return Response(status: response.status, headers: headers, body: ResponseBody())
    }

    // MARK: Manifests

    func getManifest(_ name: String, _ reference: String, request: Request, context: SignetRequestContext) async throws -> Response {
        // The image first: an image exists only in an existing repository, so the repository is read only when the
        // image is not found (NAME_UNKNOWN still wins over MANIFEST_UNKNOWN).
        let key = try context.requireCaller().registry
        let repository = try RepositoryName(name)
        let id = reference.utf8.contains(UInt8(ascii: ":")) ? ImageIdentifier(digest: reference) : ImageIdentifier(tag: reference)
        guard case .found(let image, _) = try await registry.lookup(id, repository: repository, registry: key) else {
            _ = try await registry.existingRepository(repository, in: key)
            throw OCIError.manifestUnknown
        }
        let headers: HTTPFields = [
            .contentType: image.mediaType, .dockerContentDigest: image.digest.description, .eTag: "\"\(image.digest)\"",
            .contentLength: String(image.manifest.count),
        ]
        if request.method == .head { return Response(status: .ok, headers: headers, body: ResponseBody()) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: image.manifest)))
    }

    func putManifest(_ name: String, _ reference: String, request: Request, context: SignetRequestContext) async throws -> Response {
        let (key, repository) = try await repository(name, context)
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: ImageManifest.maxSize)
        } catch is NIOTooManyBytesError {
            throw OCIError.sizeInvalid("manifests are limited to \(ImageManifest.maxSize) bytes")
        }
        var tag: ImageTag?
        var expectedDigest: String?
        if reference.utf8.contains(UInt8(ascii: ":")) {
            guard Digest(parsing: reference) != nil else { throw OCIError.digestInvalid("invalid digest \(reference)") }
            expectedDigest = reference
        } else {
            let candidate = try ImageTag(reference)
            guard candidate.isDockerReference else {
                throw OCIError(status: .badRequest, code: "TAG_INVALID", message: "manifest tag did not match URI", detail: reference)
            }
            tag = candidate
        }
        let bytes = Data(body.readableBytesView)
        let stored = try await registry.putImage(
            bytes, mediaType: request.headers[.contentType], tag: tag, expectedDigest: expectedDigest, repository: repository, registry: key,
            pushedBy: try context.requireCaller().account, existing: .accept)
        var headers: HTTPFields = [
            .location: "/v2/\(repository)/manifests/\(stored.image.digest)", .dockerContentDigest: stored.image.digest.description,
            .contentLength: "0",
        ]
        if let subject = stored.image.subject { headers[.ociSubject] = subject.description }
        return Response(status: .created, headers: headers)
    }

    func deleteManifest(_ name: String, _ reference: String, context: SignetRequestContext) async throws -> Response {
        let (key, repository) = try await repository(name, context)
        let id = reference.utf8.contains(UInt8(ascii: ":")) ? ImageIdentifier(digest: reference) : ImageIdentifier(tag: reference)
        let result = try await registry.batchDeleteImage([id], repository: repository, registry: key)
        if let failure = result.failures.first?.failure {
            switch failure {
            case .imageReferencedByManifestList:
                throw OCIError(status: .conflict, code: "DENIED", message: "The manifest is referenced by an index in the repository")
            case .invalidImageDigest: throw OCIError.digestInvalid("invalid digest \(reference)")
            default: throw OCIError.manifestUnknown
            }
        }
        return Response(status: .accepted, headers: [.contentLength: "0"])
    }

    // MARK: Blobs

    func getBlob(_ name: String, _ rawDigest: String, request: Request, context: SignetRequestContext) async throws -> Response {
        _ = try await repository(name, context)
        guard let digest = Digest(parsing: rawDigest) else { throw OCIError.digestInvalid("invalid digest \(rawDigest)") }
        guard let content = try await registry.blobs.content(of: digest) else { throw OCIError.blobUnknown(rawDigest) }
        var headers: HTTPFields = [
            .contentType: "application/octet-stream", .dockerContentDigest: digest.description, .acceptRanges: "bytes", .eTag: "\"\(digest)\"",
        ]
        guard content.size > 0 else {
            headers[.contentLength] = "0"
            return Response(status: .ok, headers: headers, body: ResponseBody())
        }
        var status = HTTPResponse.Status.ok
        var span: ClosedRange<Int64> = 0...(content.size - 1)
        // RFC 9110 §14.2: a Range of another unit, or of several ranges, is ignored (the whole blob, 200)
        if let header = request.headers[.range], header.hasPrefix("bytes="), !header.contains(",") {
            guard let parsed = Self.parseRange(header, size: content.size) else {
                var error = OCIError(status: .rangeNotSatisfiable, code: "BLOB_UNKNOWN", message: "requested range not satisfiable", detail: header)
                error.headers[.contentRange] = "bytes */\(content.size)"
                throw error
            }
            span = parsed
            status = .partialContent
            headers[.contentRange] = "bytes \(span.lowerBound)-\(span.upperBound)/\(content.size)"
        }
        headers[.contentLength] = String(span.upperBound - span.lowerBound + 1)
        if request.method == .head { return Response(status: status, headers: headers, body: ResponseBody()) }
        switch content {
        case .bytes(let data):
            let slice = data[Int(span.lowerBound)...Int(span.upperBound)]
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: slice)))
        case .file(let path, _):
            let body = try await fileIO.loadFile(path: path, range: Int(span.lowerBound)...Int(span.upperBound), context: context, chunkLength: 1 << 20)
            return Response(status: status, headers: headers, body: body)
        }
    }

    /// `bytes=a-b`, `bytes=a-`, `bytes=-n` (one range only).
    static func parseRange(_ header: String, size: Int64) -> ClosedRange<Int64>? {
        guard header.hasPrefix("bytes="), size > 0 else { return nil }
        let spec = header.dropFirst(6)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let start = spec[..<dash]
        let end = spec[spec.index(after: dash)...]
        if start.isEmpty {
            guard let suffix = Int64(end), suffix > 0 else { return nil }
            return max(0, size - suffix)...(size - 1)
        }
        guard let lower = Int64(start), lower < size else { return nil }
        guard !end.isEmpty else { return lower...(size - 1) }
        guard let upper = Int64(end), upper >= lower else { return nil }
        return lower...min(upper, size - 1)
    }

    // MARK: Uploads

    func startUpload(_ name: String, request: Request, context: SignetRequestContext) async throws -> Response {
        let (key, repository) = try await repository(name, context)
        let query = request.uri.queryParameters
        if let mount = query.get("mount"), let digest = Digest(parsing: mount), let from = query.get("from"),
            let source = try? RepositoryName(from), try await registry.metadata.repository(source, in: key) != nil,
            try await registry.blobs.contains(digest)
        {
            return Response(status: .created, headers: [.location: "/v2/\(repository)/blobs/\(digest)", .dockerContentDigest: digest.description, .contentLength: "0"])
        }
        let id = ids.uuid()
        _ = try await uploads.begin(id: id, registry: key, repository: repository)
        if let digest = query.get("digest") {
            // monolithic upload: the whole blob is this request's body
            try await uploads.append(id, registry: key, repository: repository, startingAt: 0, chunks: Self.chunks(request))
            let (stored, _) = try await uploads.finish(id, registry: key, repository: repository, expected: digest)
            return Response(status: .created, headers: [.location: "/v2/\(repository)/blobs/\(stored)", .dockerContentDigest: stored.description, .contentLength: "0"])
        }
        _ = try await request.body.collect(upTo: 0)
        return Response(status: .accepted, headers: Self.uploadHeaders(repository, id, size: 0))
    }

    func patchUpload(_ name: String, _ id: String, request: Request, context: SignetRequestContext) async throws -> Response {
        let (key, repository) = try await repository(name, context)
        var offset: Int64?
        if let range = request.headers[.contentRange] {
            // `start-end` (distribution), also tolerating `bytes start-end/total`
            let numbers = range.replacingOccurrences(of: "bytes ", with: "").split(separator: "/").first?.split(separator: "-")
            guard let numbers, numbers.count == 2, let start = Int64(numbers[0]), let end = Int64(numbers[1]), end >= start else {
                throw OCIError.rangeInvalid("malformed Content-Range \(range)")
            }
            offset = start
        }
        let session = try await uploads.append(id, registry: key, repository: repository, startingAt: offset, chunks: Self.chunks(request))
        return Response(status: .accepted, headers: Self.uploadHeaders(repository, id, size: session.size))
    }

    func finishUpload(_ name: String, _ id: String, request: Request, context: SignetRequestContext) async throws -> Response {
        let (key, repository) = try await repository(name, context)
        guard let digest = request.uri.queryParameters.get("digest") else {
            throw OCIError.digestInvalid("the digest query parameter is required to complete an upload")
        }
        try await uploads.append(id, registry: key, repository: repository, startingAt: nil, chunks: Self.chunks(request))
        let (stored, _) = try await uploads.finish(id, registry: key, repository: repository, expected: digest)
        return Response(status: .created, headers: [.location: "/v2/\(repository)/blobs/\(stored)", .dockerContentDigest: stored.description, .contentLength: "0"])
    }

    func uploadStatus(_ name: String, _ id: String, context: SignetRequestContext) async throws -> Response {
        let (key, repository) = try await repository(name, context)
        let session = try await uploads.session(id, registry: key, repository: repository)
        return Response(status: .noContent, headers: Self.uploadHeaders(repository, id, size: session.size))
    }

    static func uploadHeaders(_ repository: RepositoryName, _ id: String, size: Int64) -> HTTPFields {
        [
            .location: "/v2/\(repository)/blobs/uploads/\(id)", .range: "0-\(max(0, size - 1))", .dockerUploadUUID: id,
            .contentLength: "0",
        ]
    }

    /// The request body as `Data` chunks, streamed.
    static func chunks(_ request: Request) -> AsyncMapSequence<RequestBody, Data> {
        request.body.map { Data($0.readableBytesView) }
    }

    // MARK: Listing

    func tags(_ name: String, request: Request, context: SignetRequestContext) async throws -> Response {
        let (key, repository) = try await repository(name, context)
        let tags = try await registry.metadata.images(repository: repository, registry: key).flatMap(\.tags).map(\.value).sorted()
        let (page, next) = try Self.page(tags, request: request)
        var headers: HTTPFields = [.contentType: "application/json"]
        if let next { headers[.link] = "</v2/\(repository)/tags/list?n=\(page.count)&last=\(next)>; rel=\"next\"" }
        return Response(
            status: .ok, headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: #"{"name":\#(JSONText.quote(repository.value)),"tags":[\#(page.map(JSONText.quote).joined(separator: ","))]}"#)))
    }

    func catalog(_ request: Request, _ context: SignetRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let names = try await registry.metadata.repositories(in: caller.registry).map(\.name.value)
        let (page, next) = try Self.page(names, request: request)
        var headers: HTTPFields = [.contentType: "application/json"]
        if let next { headers[.link] = "</v2/_catalog?n=\(page.count)&last=\(next)>; rel=\"next\"" }
        return Response(
            status: .ok, headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: #"{"repositories":[\#(page.map(JSONText.quote).joined(separator: ","))]}"#)))
    }

    /// `n`/`last` pagination over sorted names; returns the page and the last name when more follow.
    /// - Throws: 400 `PAGINATION_NUMBER_INVALID` (distribution's code) when `n` is not a number of results.
    static func page(_ sorted: [String], request: Request) throws -> ([String], String?) {
        let query = request.uri.queryParameters
        var items = sorted
        if let last = query.get("last") { items = items.filter { $0 > last } }
        guard let rawN = query.get("n") else { return (items, nil) }
        guard let n = Int(rawN), n >= 0 else {
            throw OCIError(status: .badRequest, code: "PAGINATION_NUMBER_INVALID", message: "invalid number of results requested", detail: String(rawN))
        }
        guard n < items.count else { return (items, nil) }
        let page = Array(items.prefix(n))
        return (page, page.last)
    }

    func referrers(_ name: String, _ rawDigest: String, request: Request, context: SignetRequestContext) async throws -> Response {
        let (key, repository) = try await repository(name, context)
        guard let digest = Digest(parsing: rawDigest) else { throw OCIError.digestInvalid("invalid digest \(rawDigest)") }
        let artifactType = request.uri.queryParameters.get("artifactType").flatMap { $0.isEmpty ? nil : $0 }
        let referrers = try await registry.metadata.images(repository: repository, registry: key).map(\.image)
            .filter { $0.subject == digest && (artifactType == nil || $0.artifactMediaType == artifactType) }
        let descriptors = referrers.map { image in
            let manifest = try? ImageManifest.parse(image.manifest, declaredMediaType: image.mediaType)
            return Descriptor(
                mediaType: image.mediaType, digest: image.digest, size: Int64(image.manifest.count), artifactType: image.artifactMediaType,
                annotations: manifest?.annotations)
        }
        let index = ReferrersIndex(manifests: descriptors)
        var headers: HTTPFields = [.contentType: Self.indexMediaType]
        if artifactType != nil { headers[.ociFiltersApplied] = "artifactType" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: try AWSJSON.encode(index)))
    }

    struct ReferrersIndex: Encodable {
        var schemaVersion = 2
        var mediaType = OCIController.indexMediaType
        var manifests: [Descriptor]
    }

    // MARK: Helpers

    /// The registry and repository a request addresses; the repository must exist (ECR does not create on push).
    func repository(_ name: String, _ context: SignetRequestContext) async throws -> (RegistryKey, RepositoryName) {
        let key = try context.requireCaller().registry
        let repository = try RepositoryName(name)
        _ = try await registry.existingRepository(repository, in: key)
        return (key, repository)
    }

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SignetDomain
import Testing

extension TestClientProtocol {
    /// The `Authorization` header value for a fresh registry token (GetAuthorizationToken, optionally in `region`).
    func registryAuth(region: String? = nil) async throws -> String {
        let response = try await ecr("GetAuthorizationToken", "{}", region: region)
        let data = try #require((response["authorizationData"] as? [[String: Any]])?.first)
        return "Basic " + (try #require(data["authorizationToken"] as? String))
    }

    func registry(
        _ method: HTTPRequest.Method, _ uri: String, auth: String?, headers: HTTPFields = [:], body: ByteBuffer = ByteBuffer()
    ) async throws -> TestResponse {
        var headers = headers
        if let auth { headers[.authorization] = auth }
        return try await executeRequest(uri: uri, method: method, headers: headers, body: body)
    }

    /// Uploads `bytes` monolithically to `repository` and returns the digest.
    @discardableResult
    func pushBlob(_ bytes: String, to repository: String, auth: String) async throws -> String {
        let digest = sha256(bytes)
        let response = try await registry(.post, "/v2/\(repository)/blobs/uploads/?digest=\(digest)", auth: auth, body: ByteBuffer(string: bytes))
        #expect(response.status == .created, "\(String(buffer: response.body))")
        return digest
    }

    func pushManifest(_ manifest: String, to repository: String, reference: String, auth: String, mediaType: String = "application/vnd.oci.image.manifest.v1+json") async throws -> TestResponse {
        try await registry(.put, "/v2/\(repository)/manifests/\(reference)", auth: auth, headers: [.contentType: mediaType], body: ByteBuffer(string: manifest))
    }
}

extension HTTPField.Name {
    static let dockerContentDigest = Self("Docker-Content-Digest")!
    static let dockerUploadUUID = Self("Docker-Upload-UUID")!
    static let ociSubject = Self("OCI-Subject")!
    static let ociFiltersApplied = Self("OCI-Filters-Applied")!
    static let wwwAuthenticate = Self("WWW-Authenticate")!
    static let linkHeader = Self("Link")!
    static let distributionVersion = Self("Docker-Distribution-API-Version")!
}

func errorCode(_ response: TestResponse) -> String? {
    let object = try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
    return ((object?["errors"] as? [[String: Any]])?.first?["code"]) as? String
}

@Suite("Registry authentication")
struct RegistryAuthTests {
    @Test func missingCredentialsGetABasicChallenge() async throws {
        try await withServer(.inMemory) { client, _ in
            let response = try await client.registry(.get, "/v2/", auth: nil)
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Basic realm=\"http://127.0.0.1:") == true)
            #expect(response.headers[.wwwAuthenticate]?.hasSuffix("\",service=\"ecr.amazonaws.com\"") == true)
            #expect(errorCode(response) == "UNAUTHORIZED")
            let empty = try await client.registry(.get, "/v2/", auth: "Basic " + Data(":".utf8).base64EncodedString())
            #expect(empty.status == .unauthorized)
        }
    }

    @Test func badCredentialsAreDenied() async throws {
        try await withServer(.inMemory) { client, _ in
            for auth in ["Basic " + Data("AWS:forged.token".utf8).base64EncodedString(), "Basic !!!", "Basic " + Data("bob:x".utf8).base64EncodedString()] {
                let response = try await client.registry(.get, "/v2/", auth: auth)
                #expect(response.status == .forbidden)
                #expect(errorCode(response) == "DENIED")
            }
            let head = try await client.registry(.head, "/v2/team/app/manifests/v1", auth: "Basic " + Data("AWS:x.y".utf8).base64EncodedString())
            #expect(head.status == .forbidden)
            #expect(head.body.readableBytes == 0)
        }
    }

    @Test func theBasicSchemeIsCaseInsensitiveAndBlanksAroundCredentialsAreIgnored() async throws {
        try await withServer(.inMemory) { client, _ in
            let auth = try await client.registryAuth()
            let credentials = String(auth.dropFirst("Basic ".count))
            for variant in ["basic \(credentials)", "BASIC \(credentials)", "Basic   \(credentials) \t", "bAsIc \t\(credentials)"] {
                #expect(try await client.registry(.get, "/v2/", auth: variant).status == .ok, "\(variant.prefix(12))")
            }
            // another scheme, or Basic without a space, is no credentials at all
            for other in ["Bearer \(credentials)", "Basic\(credentials)", "Basi"] {
                let response = try await client.registry(.get, "/v2/", auth: other)
                #expect(response.status == .unauthorized, "\(other.prefix(12))")
                #expect(errorCode(response) == "UNAUTHORIZED")
            }
        }
    }

    @Test func tokensExpireAfterTwelveHours() async throws {
        let clock = ManualClock()
        try await withServer(.inMemory, clock: clock) { client, _ in
            let auth = try await client.registryAuth()
            let token = try await client.ecr("GetAuthorizationToken")
            let data = try #require((token["authorizationData"] as? [[String: Any]])?.first)
            #expect((data["expiresAt"] as? NSNumber)?.int64Value == 1_764_504_000)
            #expect((data["proxyEndpoint"] as? String)?.hasPrefix("http://127.0.0.1:") == true)
            let decoded = String(decoding: Data(base64Encoded: String(auth.dropFirst(6))) ?? Data(), as: UTF8.self)
            #expect(decoded.hasPrefix("AWS:") && decoded.filter { $0 == ":" }.count == 1)
            #expect(try await client.registry(.get, "/v2/", auth: auth).status == .ok)
            clock.advance(by: 12 * 3600 + 1)
            let expired = try await client.registry(.get, "/v2/", auth: auth)
            #expect(expired.status == .forbidden)
            #expect(String(buffer: expired.body).contains("Your authorization token has expired. Reauthenticate and try again."))
        }
    }

    @Test func tokensAreBoundToTheirRegistry() async throws {
        try await withServer(.inMemory) { client, _ in
            let elsewhere = try await client.registryAuth(region: "eu-west-1")
            let response = try await client.registry(.get, "/v2/", auth: elsewhere)
            #expect(response.status == .forbidden && errorCode(response) == "DENIED")
            try await client.expectError("GetAuthorizationToken", #"{"registryIds":["12"]}"#, code: "InvalidParameterException")
            try await client.expectError("GetAuthorizationToken", #"{"registryIds":[]}"#, code: "InvalidParameterException")
        }
    }

    @Test func authNoneOpensTheRegistry() async throws {
        let server = try TestServer(.inMemory)
        let app = try SignetServerTestsHooks.application(server, auth: "none")
        try await app.test(.router) { client in
            let response = try await client.registry(.get, "/v2/", auth: nil)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "{}")
            #expect(response.headers[.distributionVersion] == "registry/2.0")
        }
    }
}

@Suite("OCI distribution API")
struct OCIDistributionTests {
    static func setUp(_ client: some TestClientProtocol, repository: String = "team/app") async throws -> String {
        _ = try await client.ecr("CreateRepository", #"{"repositoryName":"\#(repository)"}"#)
        return try await client.registryAuth()
    }

    @Test(arguments: TestStore.allCases)
    func chunkedUploadWithRangesAndDigestChecks(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            let auth = try await Self.setUp(client)
            let start = try await client.registry(.post, "/v2/team/app/blobs/uploads/", auth: auth)
            #expect(start.status == .accepted)
            let location = try #require(start.headers[.location])
            #expect(start.headers[.range] == "0-0")
            #expect(start.headers[.dockerUploadUUID].map { location.hasSuffix($0) } == true)

            let first = try await client.registry(.patch, location, auth: auth, headers: [.contentRange: "0-4"], body: ByteBuffer(string: "hello"))
            #expect(first.status == .accepted)
            #expect(first.headers[.range] == "0-4")
            // HEAD of the upload is its status, as GET
            let uploadHead = try await client.registry(.head, location, auth: auth)
            #expect(uploadHead.status == .noContent && uploadHead.headers[.range] == "0-4")
            let wrong = try await client.registry(.patch, location, auth: auth, headers: [.contentRange: "3-7"], body: ByteBuffer(string: "xxxxx"))
            #expect(wrong.status == .rangeNotSatisfiable)
            #expect(errorCode(wrong) == "BLOB_UPLOAD_INVALID")
            let second = try await client.registry(.patch, location, auth: auth, headers: [.contentRange: "5-10"], body: ByteBuffer(string: " world"))
            #expect(second.headers[.range] == "0-10")
            let status = try await client.registry(.get, location, auth: auth)
            #expect(status.status == .noContent && status.headers[.range] == "0-10")

            let mismatch = try await client.registry(.put, "\(location)?digest=\(sha256("something else"))", auth: auth)
            #expect(mismatch.status == .badRequest && errorCode(mismatch) == "DIGEST_INVALID")
            // a failed digest check ends the upload; nothing became visible
            let gone = try await client.registry(.patch, location, auth: auth, body: ByteBuffer(string: "x"))
            #expect(gone.status == .notFound && errorCode(gone) == "BLOB_UPLOAD_UNKNOWN")
            #expect(try await client.registry(.head, "/v2/team/app/blobs/\(sha256("hello world"))", auth: auth).status == .notFound)

            let retry = try #require(try await client.registry(.post, "/v2/team/app/blobs/uploads/", auth: auth).headers[.location])
            _ = try await client.registry(.patch, retry, auth: auth, body: ByteBuffer(string: "hello "))
            let done = try await client.registry(.put, "\(retry)?digest=\(sha256("hello world"))", auth: auth, body: ByteBuffer(string: "world"))
            #expect(done.status == .created)
            #expect(done.headers[.location] == "/v2/team/app/blobs/\(sha256("hello world"))")
            #expect(done.headers[.dockerContentDigest] == sha256("hello world"))
            let noDigest = try await client.registry(.put, retry, auth: auth)
            #expect(noDigest.status == .badRequest && errorCode(noDigest) == "DIGEST_INVALID")
        }
    }

    @Test(arguments: TestStore.allCases)
    func blobReadsRangesMountsAndDeletes(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            let auth = try await Self.setUp(client)
            _ = try await client.ecr("CreateRepository", #"{"repositoryName":"other"}"#)
            let digest = try await client.pushBlob("0123456789", to: "team/app", auth: auth)
            let get = try await client.registry(.get, "/v2/team/app/blobs/\(digest)", auth: auth)
            #expect(get.status == .ok && String(buffer: get.body) == "0123456789")
            #expect(get.headers[.dockerContentDigest] == digest && get.headers[.contentLength] == "10")
            let head = try await client.registry(.head, "/v2/team/app/blobs/\(digest)", auth: auth)
            #expect(head.status == .ok && head.headers[.contentLength] == "10" && head.body.readableBytes == 0)
            let partial = try await client.registry(.get, "/v2/team/app/blobs/\(digest)", auth: auth, headers: [.range: "bytes=2-4"])
            #expect(partial.status == .partialContent && String(buffer: partial.body) == "234")
            #expect(partial.headers[.contentRange] == "bytes 2-4/10")
            let suffix = try await client.registry(.get, "/v2/team/app/blobs/\(digest)", auth: auth, headers: [.range: "bytes=-3"])
            #expect(String(buffer: suffix.body) == "789")
            let unsatisfiable = try await client.registry(.get, "/v2/team/app/blobs/\(digest)", auth: auth, headers: [.range: "bytes=20-30"])
            #expect(unsatisfiable.status == .rangeNotSatisfiable)
            #expect(unsatisfiable.headers[.contentRange] == "bytes */10")
            // RFC 9110 §14.2: another unit, or several ranges, are ignored: the whole blob
            for ignored in ["items=0-1", "bytes=0-1,3-4"] {
                let whole = try await client.registry(.get, "/v2/team/app/blobs/\(digest)", auth: auth, headers: [.range: ignored])
                #expect(whole.status == .ok && String(buffer: whole.body) == "0123456789", "\(ignored)")
            }
            let unknown = try await client.registry(.get, "/v2/team/app/blobs/\(sha256("nope"))", auth: auth)
            #expect(unknown.status == .notFound && errorCode(unknown) == "BLOB_UNKNOWN")
            let badDigest = try await client.registry(.get, "/v2/team/app/blobs/sha256:xyz", auth: auth)
            #expect(badDigest.status == .badRequest && errorCode(badDigest) == "DIGEST_INVALID")

            let mounted = try await client.registry(.post, "/v2/other/blobs/uploads/?mount=\(digest)&from=team/app", auth: auth)
            #expect(mounted.status == .created && mounted.headers[.location] == "/v2/other/blobs/\(digest)")
            let notMounted = try await client.registry(.post, "/v2/other/blobs/uploads/?mount=\(sha256("absent"))&from=team/app", auth: auth)
            #expect(notMounted.status == .accepted)

            let deleted = try await client.registry(.delete, "/v2/team/app/blobs/\(digest)", auth: auth)
            #expect(deleted.status == .methodNotAllowed && errorCode(deleted) == "UNSUPPORTED")
            #expect(deleted.headers[.allow] == "GET, HEAD")
            // every 405 says what the resource does support (RFC 9110 §15.5.6)
            for (method, uri, allow) in [
                (HTTPRequest.Method.post, "/v2/team/app/manifests/latest", "GET, HEAD, PUT, DELETE"),
                (.patch, "/v2/team/app/tags/list", "GET, HEAD"), (.put, "/v2/team/app/blobs/uploads/", "POST"),
                (.post, "/v2/team/app/referrers/\(digest)", "GET, HEAD"), (.delete, "/v2/_catalog", "GET, HEAD"),
            ] {
                let refused = try await client.registry(method, uri, auth: auth)
                #expect(refused.status == .methodNotAllowed && errorCode(refused) == "UNSUPPORTED", "\(method) \(uri)")
                #expect(refused.headers[.allow] == allow, "\(method) \(uri)")
            }
            #expect(try await client.registry(.head, "/v2/team/app/blobs/\(digest)", auth: auth).status == .ok)

            let canceled = try #require(try await client.registry(.post, "/v2/team/app/blobs/uploads/", auth: auth).headers[.location])
            #expect(try await client.registry(.delete, canceled, auth: auth).status == .noContent)
            #expect(try await client.registry(.get, canceled, auth: auth).status == .notFound)
            let missingRepo = try await client.registry(.post, "/v2/nope/blobs/uploads/", auth: auth)
            #expect(missingRepo.status == .notFound && errorCode(missingRepo) == "NAME_UNKNOWN")
            let badName = try await client.registry(.get, "/v2/Bad/blobs/\(digest)", auth: auth)
            #expect(badName.status == .badRequest && errorCode(badName) == "NAME_INVALID")
        }
    }

    @Test(arguments: TestStore.allCases)
    func manifestsRoundTripByteForByte(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            let auth = try await Self.setUp(client)
            let config = #"{"architecture":"amd64","os":"linux"}"#
            try await client.pushBlob(config, to: "team/app", auth: auth)
            try await client.pushBlob("layer", to: "team/app", auth: auth)
            let manifest = imageManifest(config: config, layers: ["layer"])
            let digest = sha256(manifest)
            let put = try await client.pushManifest(manifest, to: "team/app", reference: "v1", auth: auth)
            #expect(put.status == .created)
            #expect(put.headers[.location] == "/v2/team/app/manifests/\(digest)")
            #expect(put.headers[.dockerContentDigest] == digest)
            #expect(put.headers[.ociSubject] == nil)
            // pushing the same manifest again is idempotent on the registry path
            #expect(try await client.pushManifest(manifest, to: "team/app", reference: "v1", auth: auth).status == .created)

            for reference in ["v1", digest] {
                let get = try await client.registry(.get, "/v2/team/app/manifests/\(reference)", auth: auth)
                #expect(get.status == .ok && String(buffer: get.body) == manifest)
                #expect(get.headers[.contentType] == "application/vnd.oci.image.manifest.v1+json")
                #expect(get.headers[.dockerContentDigest] == digest)
                let head = try await client.registry(.head, "/v2/team/app/manifests/\(reference)", auth: auth)
                #expect(head.status == .ok && head.headers[.contentLength] == String(manifest.utf8.count) && head.body.readableBytes == 0)
            }
            // the same image through the ECR API
            let batch = try await client.ecr("BatchGetImage", #"{"repositoryName":"team/app","imageIds":[{"imageTag":"v1"}]}"#)
            #expect(((batch["images"] as? [[String: Any]])?.first?["imageManifest"]) as? String == manifest)

            let missing = try await client.registry(.get, "/v2/team/app/manifests/nope", auth: auth)
            #expect(missing.status == .notFound && errorCode(missing) == "MANIFEST_UNKNOWN")
            let noRepo = try await client.pushManifest(manifest, to: "nope", reference: "v1", auth: auth)
            #expect(noRepo.status == .notFound && errorCode(noRepo) == "NAME_UNKNOWN")
            let unknownBlob = try await client.pushManifest(imageManifest(config: config, layers: ["never pushed"]), to: "team/app", reference: "v2", auth: auth)
            #expect(unknownBlob.status == .badRequest && errorCode(unknownBlob) == "MANIFEST_BLOB_UNKNOWN")
            let invalid = try await client.pushManifest("{not json", to: "team/app", reference: "v2", auth: auth)
            #expect(invalid.status == .badRequest && errorCode(invalid) == "MANIFEST_INVALID")
            let wrongDigest = try await client.pushManifest(manifest, to: "team/app", reference: sha256("x"), auth: auth)
            #expect(wrongDigest.status == .badRequest && errorCode(wrongDigest) == "DIGEST_INVALID")
            let badTag = try await client.pushManifest(manifest, to: "team/app", reference: "-bad", auth: auth)
            #expect(badTag.status == .badRequest && errorCode(badTag) == "TAG_INVALID")
            let huge = try await client.pushManifest(String(repeating: " ", count: 4 * 1024 * 1024 + 1), to: "team/app", reference: "v3", auth: auth)
            #expect(huge.status == .contentTooLarge)

            _ = try await client.ecr("PutImageTagMutability", #"{"repositoryName":"team/app","imageTagMutability":"IMMUTABLE"}"#)
            let other = imageManifest(config: config, layers: [])
            let immutable = try await client.pushManifest(other, to: "team/app", reference: "v1", auth: auth)
            #expect(immutable.status == .badRequest && errorCode(immutable) == "TAG_INVALID")
            // the message alone: docker prints the code's words ("tag invalid: ") before it
            #expect(String(buffer: immutable.body).contains(#""message":"The image tag 'v1'"#))
            #expect(String(buffer: immutable.body).contains("The image tag 'v1' already exists in the 'team/app' repository and cannot be overwritten because the repository is immutable."))

            let deleted = try await client.registry(.delete, "/v2/team/app/manifests/\(digest)", auth: auth)
            #expect(deleted.status == .accepted)
            #expect(try await client.registry(.get, "/v2/team/app/manifests/v1", auth: auth).status == .notFound)
            #expect(try await client.registry(.delete, "/v2/team/app/manifests/\(digest)", auth: auth).status == .notFound)
        }
    }

    @Test(arguments: TestStore.allCases)
    func tagsAndCatalogPaginate(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            let auth = try await Self.setUp(client)
            _ = try await client.ecr("CreateRepository", #"{"repositoryName":"b/other"}"#)
            let config = #"{"os":"linux"}"#
            try await client.pushBlob(config, to: "team/app", auth: auth)
            let manifest = imageManifest(config: config, layers: [])
            for tag in ["v3", "v1", "v2"] { _ = try await client.pushManifest(manifest, to: "team/app", reference: tag, auth: auth) }
            let all = try await client.registry(.get, "/v2/team/app/tags/list", auth: auth)
            #expect(String(buffer: all.body) == #"{"name":"team/app","tags":["v1","v2","v3"]}"#)
            let first = try await client.registry(.get, "/v2/team/app/tags/list?n=2", auth: auth)
            #expect(String(buffer: first.body) == #"{"name":"team/app","tags":["v1","v2"]}"#)
            #expect(first.headers[.linkHeader] == #"</v2/team/app/tags/list?n=2&last=v2>; rel="next""#)
            let rest = try await client.registry(.get, "/v2/team/app/tags/list?n=2&last=v2", auth: auth)
            #expect(String(buffer: rest.body) == #"{"name":"team/app","tags":["v3"]}"#)
            #expect(rest.headers[.linkHeader] == nil)
            let catalog = try await client.registry(.get, "/v2/_catalog", auth: auth)
            #expect(String(buffer: catalog.body) == #"{"repositories":["b/other","team/app"]}"#)
            let catalogPage = try await client.registry(.get, "/v2/_catalog?n=1", auth: auth)
            #expect(String(buffer: catalogPage.body) == #"{"repositories":["b/other"]}"#)

            // HEAD: the GET's status and headers, no body (distribution answers 200 the same way)
            for (get, uri) in [(first, "/v2/team/app/tags/list?n=2"), (catalogPage, "/v2/_catalog?n=1")] {
                let head = try await client.registry(.head, uri, auth: auth)
                #expect(head.status == .ok, "\(uri)")
                #expect(head.body.readableBytes == 0, "\(uri)")
                #expect(head.headers[.contentLength] == String(get.body.readableBytes), "\(uri)")
                #expect(head.headers[.contentType] == get.headers[.contentType], "\(uri)")
                #expect(head.headers[.linkHeader] == get.headers[.linkHeader] && head.headers[.linkHeader] != nil, "\(uri)")
            }
            let missing = try await client.registry(.head, "/v2/nope/tags/list", auth: auth)
            #expect(missing.status == .notFound && missing.body.readableBytes == 0)
            // an error's HEAD carries its GET's Content-Length too
            let missingGet = try await client.registry(.get, "/v2/nope/tags/list", auth: auth)
            #expect(missing.headers[.contentLength] == String(missingGet.body.readableBytes))

            // n must be a number of results (distribution's PAGINATION_NUMBER_INVALID)
            for bad in ["-1", "abc"] {
                let refused = try await client.registry(.get, "/v2/team/app/tags/list?n=\(bad)", auth: auth)
                #expect(refused.status == .badRequest && errorCode(refused) == "PAGINATION_NUMBER_INVALID", "\(bad)")
            }
            // an empty path segment is not dropped: team//app is not team/app
            let doubled = try await client.registry(.get, "/v2/team//app/tags/list", auth: auth)
            #expect(doubled.status == .badRequest && errorCode(doubled) == "NAME_INVALID")
            // /v2/ itself answers GET and HEAD only
            let posted = try await client.registry(.post, "/v2/", auth: auth)
            #expect(posted.status == .methodNotAllowed && posted.headers[.allow] == "GET, HEAD" && errorCode(posted) == "UNSUPPORTED")
        }
    }

    @Test(arguments: TestStore.allCases)
    func referrersAPIAndItsECRViews(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            let auth = try await Self.setUp(client)
            let config = #"{"os":"linux"}"#
            try await client.pushBlob(config, to: "team/app", auth: auth)
            let image = imageManifest(config: config, layers: [])
            _ = try await client.pushManifest(image, to: "team/app", reference: "v1", auth: auth)
            let subject = sha256(image)

            let none = try await client.registry(.get, "/v2/team/app/referrers/\(subject)", auth: auth)
            #expect(none.status == .ok)
            #expect(none.headers[.contentType] == "application/vnd.oci.image.index.v1+json")
            #expect(String(buffer: none.body) == #"{"manifests":[],"mediaType":"application/vnd.oci.image.index.v1+json","schemaVersion":2}"#)

            try await client.pushBlob("{}", to: "team/app", auth: auth)
            try await client.pushBlob("signature bytes", to: "team/app", auth: auth)
            let artifact = #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.cncf.notary.signature","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"\#(sha256("{}"))","size":2},"layers":[{"mediaType":"application/jose+json","digest":"\#(sha256("signature bytes"))","size":15}],"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(subject)","size":\#(image.utf8.count)},"annotations":{"io.cncf.notary.x509chain.thumbprint#S256":"[\"ab\"]"}}"#
            let put = try await client.pushManifest(artifact, to: "team/app", reference: sha256(artifact), auth: auth)
            #expect(put.status == .created)
            #expect(put.headers[.ociSubject] == subject)

            let index = try await client.registry(.get, "/v2/team/app/referrers/\(subject)", auth: auth)
            let object = try JSONSerialization.jsonObject(with: Data(String(buffer: index.body).utf8)) as? [String: Any]
            let descriptor = try #require((object?["manifests"] as? [[String: Any]])?.first)
            #expect(descriptor["digest"] as? String == sha256(artifact))
            #expect(descriptor["artifactType"] as? String == "application/vnd.cncf.notary.signature")
            #expect(descriptor["size"] as? Int == artifact.utf8.count)
            #expect(descriptor["mediaType"] as? String == "application/vnd.oci.image.manifest.v1+json")
            #expect(descriptor["annotations"] as? [String: String] == ["io.cncf.notary.x509chain.thumbprint#S256": #"["ab"]"#])
            #expect(index.headers[.ociFiltersApplied] == nil)

            let filtered = try await client.registry(.get, "/v2/team/app/referrers/\(subject)?artifactType=application/vnd.cncf.notary.signature", auth: auth)
            #expect(filtered.headers[.ociFiltersApplied] == "artifactType")
            #expect(String(buffer: filtered.body).contains(sha256(artifact)))
            let other = try await client.registry(.get, "/v2/team/app/referrers/\(subject)?artifactType=application/spdx%2Bjson", auth: auth)
            #expect(String(buffer: other.body).contains(#""manifests":[]"#))
            let head = try await client.registry(.head, "/v2/team/app/referrers/\(subject)?artifactType=application/vnd.cncf.notary.signature", auth: auth)
            #expect(head.status == .ok && head.body.readableBytes == 0)
            #expect(head.headers[.contentType] == "application/vnd.oci.image.index.v1+json")
            #expect(head.headers[.contentLength] == String(filtered.body.readableBytes))
            #expect(head.headers[.ociFiltersApplied] == "artifactType")

            let listed = try await client.ecr("ListImageReferrers", #"{"repositoryName":"team/app","subjectId":{"imageDigest":"\#(subject)"}}"#)
            #expect(((listed["referrers"] as? [[String: Any]])?.first?["artifactType"]) as? String == "application/vnd.cncf.notary.signature")
            let details = try await client.ecr("DescribeImages", #"{"repositoryName":"team/app","imageIds":[{"imageDigest":"\#(sha256(artifact))"}]}"#)
            let detail = try #require((details["imageDetails"] as? [[String: Any]])?.first)
            #expect(detail["artifactMediaType"] as? String == "application/vnd.cncf.notary.signature")
            #expect(detail["subjectManifestDigest"] as? String == subject)

            let unknownRepo = try await client.registry(.get, "/v2/nope/referrers/\(subject)", auth: auth)
            #expect(unknownRepo.status == .notFound && errorCode(unknownRepo) == "NAME_UNKNOWN")
        }
    }

    @Test func imagesPutThroughTheECRAPIArePullable() async throws {
        try await withServer(.inMemory) { client, server in
            let auth = try await Self.setUp(client)
            let manifest = try await ImageTests.prepare(client, server, repo: "api/made")
            _ = try await ImageTests.put(client, manifest, tag: "v1", repo: "api/made")
            let get = try await client.registry(.get, "/v2/api/made/manifests/v1", auth: auth)
            #expect(String(buffer: get.body) == manifest)
        }
    }
}

@Suite("ECR layer upload API")
struct LayerUploadTests {
    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    @Test(arguments: TestStore.allCases)
    func uploadCompleteAndPullThroughTheRegistry(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            _ = try await client.ecr("CreateRepository", #"{"repositoryName":"team/app"}"#)
            let initiated = try await client.ecr("InitiateLayerUpload", #"{"repositoryName":"team/app"}"#)
            let uploadId = try #require(initiated["uploadId"] as? String)
            #expect(initiated["partSize"] as? Int == 10_485_760)
            let part = try await client.ecr(
                "UploadLayerPart",
                #"{"repositoryName":"team/app","uploadId":"\#(uploadId)","partFirstByte":0,"partLastByte":4,"layerPartBlob":"\#(Self.base64("hello"))"}"#)
            #expect(part["lastByteReceived"] as? Int == 4)
            #expect(part["uploadId"] as? String == uploadId)

            let gap = try await client.ecr(
                "UploadLayerPart",
                #"{"repositoryName":"team/app","uploadId":"\#(uploadId)","partFirstByte":9,"partLastByte":10,"layerPartBlob":"\#(Self.base64("xx"))"}"#)
            #expect(gap.status == .badRequest && gap.errorType == "InvalidLayerPartException")
            #expect(gap["lastValidByteReceived"] as? Int == 4)
            #expect(gap["uploadId"] as? String == uploadId)
            #expect(gap["repositoryName"] as? String == "team/app")
            #expect(gap["registryId"] as? String == "123456789012")

            try await client.expectError(
                "CompleteLayerUpload", #"{"repositoryName":"team/app","uploadId":"\#(uploadId)","layerDigests":["\#(sha256("other"))"]}"#,
                code: "InvalidLayerException")
            // the failed completion ended the upload
            try await client.expectError(
                "CompleteLayerUpload", #"{"repositoryName":"team/app","uploadId":"\#(uploadId)","layerDigests":["\#(sha256("hello"))"]}"#,
                code: "UploadNotFoundException")

            let second = try #require(try await client.ecr("InitiateLayerUpload", #"{"repositoryName":"team/app"}"#)["uploadId"] as? String)
            _ = try await client.ecr(
                "UploadLayerPart",
                #"{"repositoryName":"team/app","uploadId":"\#(second)","partFirstByte":0,"partLastByte":4,"layerPartBlob":"\#(Self.base64("hello"))"}"#)
            let complete = try await client.ecr(
                "CompleteLayerUpload", #"{"repositoryName":"team/app","uploadId":"\#(second)","layerDigests":["\#(sha256("hello"))"]}"#)
            #expect(complete.status == .ok, "\(complete.text)")
            #expect(complete["layerDigest"] as? String == sha256("hello"))

            let auth = try await client.registryAuth()
            let pulled = try await client.registry(.get, "/v2/team/app/blobs/\(sha256("hello"))", auth: auth)
            #expect(String(buffer: pulled.body) == "hello")

            let third = try #require(try await client.ecr("InitiateLayerUpload", #"{"repositoryName":"team/app"}"#)["uploadId"] as? String)
            _ = try await client.ecr(
                "UploadLayerPart",
                #"{"repositoryName":"team/app","uploadId":"\#(third)","partFirstByte":0,"partLastByte":4,"layerPartBlob":"\#(Self.base64("hello"))"}"#)
            try await client.expectError(
                "CompleteLayerUpload", #"{"repositoryName":"team/app","uploadId":"\#(third)","layerDigests":["\#(sha256("hello"))"]}"#,
                code: "LayerAlreadyExistsException")

            let empty = try #require(try await client.ecr("InitiateLayerUpload", #"{"repositoryName":"team/app"}"#)["uploadId"] as? String)
            try await client.expectError(
                "CompleteLayerUpload", #"{"repositoryName":"team/app","uploadId":"\#(empty)","layerDigests":["\#(sha256(""))"]}"#, code: "EmptyUploadException")

            let small = try #require(try await client.ecr("InitiateLayerUpload", #"{"repositoryName":"team/app"}"#)["uploadId"] as? String)
            for (index, chunk) in ["ab", "cd"].enumerated() {
                _ = try await client.ecr(
                    "UploadLayerPart",
                    #"{"repositoryName":"team/app","uploadId":"\#(small)","partFirstByte":\#(index * 2),"partLastByte":\#(index * 2 + 1),"layerPartBlob":"\#(Self.base64(chunk))"}"#)
            }
            try await client.expectError(
                "CompleteLayerUpload", #"{"repositoryName":"team/app","uploadId":"\#(small)","layerDigests":["\#(sha256("abcd"))"]}"#,
                code: "LayerPartTooSmallException")

            try await client.expectError("InitiateLayerUpload", #"{"repositoryName":"nope"}"#, code: "RepositoryNotFoundException")
            try await client.expectError(
                "UploadLayerPart",
                #"{"repositoryName":"team/app","uploadId":"00000000-0000-4000-8000-00000000dead","partFirstByte":0,"partLastByte":0,"layerPartBlob":"eA=="}"#,
                code: "UploadNotFoundException")
            // an id that cannot be one (the model's UUID pattern) is a bad parameter, on both operations
            let pattern = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
            try await client.expectError(
                "UploadLayerPart", #"{"repositoryName":"team/app","uploadId":"missing","partFirstByte":0,"partLastByte":0,"layerPartBlob":"eA=="}"#,
                code: "InvalidParameterException",
                message: "Invalid parameter at 'uploadId' failed to satisfy constraint: 'must satisfy regular expression '\(pattern)''")
            try await client.expectError(
                "CompleteLayerUpload", #"{"repositoryName":"team/app","uploadId":"0000000-0000-4000-8000-00000000dead","layerDigests":["\#(sha256("a"))"]}"#,
                code: "InvalidParameterException")
            // a part whose range does not span its bytes: said as such, with where the upload stands
            let fresh = try #require(try await client.ecr("InitiateLayerUpload", #"{"repositoryName":"team/app"}"#)["uploadId"] as? String)
            let mismatch = try await client.ecr(
                "UploadLayerPart",
                #"{"repositoryName":"team/app","uploadId":"\#(fresh)","partFirstByte":0,"partLastByte":9,"layerPartBlob":"\#(Self.base64("hello"))"}"#)
            #expect(mismatch.errorType == "InvalidLayerPartException")
            #expect(mismatch.message == "The layer part's byte range 0-9 does not match the 5 bytes of its layerPartBlob")
            #expect(mismatch["lastValidByteReceived"] as? Int == -1)
            try await client.expectError(
                "UploadLayerPart", #"{"repositoryName":"team/app","uploadId":"x","partFirstByte":0,"partLastByte":0,"layerPartBlob":"not base64!"}"#,
                code: "SerializationException")
        }
    }

    @Test(arguments: TestStore.allCases)
    func availabilityAndPresignedDownloads(store: TestStore) async throws {
        try await withServer(store) { client, server in
            _ = try await client.ecr("CreateRepository", #"{"repositoryName":"team/app"}"#)
            let digest = try await server.blob("layer bytes")
            let check = try await client.ecr(
                "BatchCheckLayerAvailability", #"{"repositoryName":"team/app","layerDigests":["\#(digest)","\#(sha256("absent"))","bogus"]}"#)
            #expect(
                check["layers"] as? NSArray == [
                    ["layerDigest": digest, "layerAvailability": "AVAILABLE", "layerSize": 11],
                    ["layerDigest": sha256("absent"), "layerAvailability": "UNAVAILABLE"],
                ])
            #expect(((check["failures"] as? [[String: Any]])?.first?["failureCode"]) as? String == "InvalidLayerDigest")

            // uploaded but in no image of the repository: not downloadable yet
            try await client.expectError(
                "GetDownloadUrlForLayer", #"{"repositoryName":"team/app","layerDigest":"\#(digest)"}"#, code: "LayerInaccessibleException",
                message: "The layer with digest '\(digest)' in the repository with name 'team/app' in the registry with id '123456789012' is not "
                    + "available because it is not associated with an image. Unassociated image layers may be cleaned up at any time.")
            let config = #"{"architecture":"amd64","os":"linux"}"#
            _ = try await server.blob(config)
            // another image naming the digest only as its subject does not make the layer associated
            let referrer = imageManifest(config: config, layers: [], extra: #","subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(digest)","size":11}"#)
            _ = try await client.ecr("PutImage", #"{"repositoryName":"team/app","imageManifest":\#(quoted(referrer))}"#)
            try await client.expectError(
                "GetDownloadUrlForLayer", #"{"repositoryName":"team/app","layerDigest":"\#(digest)"}"#, code: "LayerInaccessibleException")
            _ = try await client.ecr(
                "PutImage", #"{"repositoryName":"team/app","imageTag":"v1","imageManifest":\#(quoted(imageManifest(config: config, layers: ["layer bytes"])))}"#)
            // the config of an image is downloadable too
            _ = try await client.ecr("GetDownloadUrlForLayer", #"{"repositoryName":"team/app","layerDigest":"\#(sha256(config))"}"#)

            let url = try await client.ecr("GetDownloadUrlForLayer", #"{"repositoryName":"team/app","layerDigest":"\#(digest)"}"#)
            let downloadURL = try #require(url["downloadUrl"] as? String)
            #expect(url["layerDigest"] as? String == digest)
            let path = String(downloadURL.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" })
            let download = try await client.registry(.get, path, auth: nil)
            #expect(download.status == .ok && String(buffer: download.body) == "layer bytes")
            let tampered = try await client.registry(.get, path.replacingOccurrences(of: "signature=", with: "signature=x"), auth: nil)
            #expect(tampered.status == .forbidden)
            try await client.expectError(
                "GetDownloadUrlForLayer", #"{"repositoryName":"team/app","layerDigest":"\#(sha256("absent"))"}"#, code: "LayersNotFoundException")
            try await client.expectError("BatchCheckLayerAvailability", #"{"repositoryName":"team/app","layerDigests":[]}"#, code: "InvalidParameterException")
        }
    }
}

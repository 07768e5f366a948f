import HTTPTypes
import Foundation
import HummingbirdTesting
import SignetDomain
import Testing

@Suite("ECR images")
struct ImageTests {
    /// Creates `repo`, stores the blobs of a one-layer image and returns its manifest.
    static func prepare(_ client: some TestClientProtocol, _ server: TestServer, repo: String = "team/app", layer: String = "layer-1") async throws -> String {
        _ = try await client.ecr("CreateRepository", #"{"repositoryName":"\#(repo)"}"#)
        let config = #"{"architecture":"amd64","os":"linux","layer":"\#(layer)"}"#
        try await server.blob(config)
        try await server.blob(layer)
        return imageManifest(config: config, layers: [layer])
    }

    static func put(_ client: some TestClientProtocol, _ manifest: String, tag: String? = nil, repo: String = "team/app") async throws -> JSONResponse {
        let tagMember = tag.map { #","imageTag":"\#($0)""# } ?? ""
        return try await client.ecr("PutImage", #"{"repositoryName":"\#(repo)","imageManifest":\#(quoted(manifest))\#(tagMember)}"#)
    }

    @Test(arguments: TestStore.allCases)
    func putImageDigestIsSHA256OfTheExactBytes(store: TestStore) async throws {
        try await withServer(store) { client, server in
            let manifest = try await Self.prepare(client, server)
            let response = try await Self.put(client, manifest, tag: "v1")
            #expect(response.status == .ok, "\(response.text)")
            let image = try #require(response["image"] as? [String: Any])
            #expect(image["registryId"] as? String == "123456789012")
            #expect(image["repositoryName"] as? String == "team/app")
            #expect(image["imageId"] as? [String: String] == ["imageDigest": sha256(manifest), "imageTag": "v1"])
            #expect(image["imageManifest"] as? String == manifest)
            #expect(image["imageManifestMediaType"] as? String == "application/vnd.oci.image.manifest.v1+json")
        }
    }

    @Test(arguments: TestStore.allCases)
    func putImageErrors(store: TestStore) async throws {
        try await withServer(store) { client, server in
            let manifest = try await Self.prepare(client, server)
            let digest = sha256(manifest)
            try await client.expectError(
                "PutImage", #"{"repositoryName":"team/app","imageManifest":\#(quoted(manifest)),"imageDigest":"sha256:\#(String(repeating: "0", count: 64))"}"#,
                code: "ImageDigestDoesNotMatchException")
            try await client.expectError("PutImage", #"{"repositoryName":"team/app","imageManifest":\#(quoted(manifest)),"imageDigest":"nope"}"#, code: "InvalidParameterException")
            try await client.expectError("PutImage", #"{"repositoryName":"zz","imageManifest":\#(quoted(manifest))}"#, code: "RepositoryNotFoundException")
            try await client.expectError("PutImage", #"{"repositoryName":"team/app","imageManifest":"not json"}"#, code: "InvalidParameterException")
            try await client.expectError(
                "PutImage", #"{"repositoryName":"team/app","imageManifest":"{\"schemaVersion\":2,\"layers\":[]}"}"#, code: "InvalidParameterException")
            try await client.expectError(
                "PutImage", #"{"repositoryName":"team/app","imageManifest":\#(quoted(manifest)),"imageManifestMediaType":"application/vnd.docker.distribution.manifest.v2+json"}"#,
                code: "InvalidParameterException")
            let missingLayer = imageManifest(config: #"{"architecture":"amd64","os":"linux","layer":"layer-1"}"#, layers: ["never uploaded"])
            try await client.expectError(
                "PutImage", #"{"repositoryName":"team/app","imageManifest":\#(quoted(missingLayer))}"#, code: "LayersNotFoundException",
                message: "Layers with digests '[\(sha256("never uploaded"))]' required for pushing image into repository with name 'team/app' in the registry with id '123456789012' do not exist")
            try await client.expectError("PutImage", #"{"repositoryName":"team/app","imageManifest":\#(quoted(manifest)),"imageTag":""}"#, code: "InvalidParameterException")

            #expect(try await Self.put(client, manifest, tag: "v1").status == .ok)
            try await client.expectError(
                "PutImage", #"{"repositoryName":"team/app","imageManifest":\#(quoted(manifest)),"imageTag":"v1"}"#, code: "ImageAlreadyExistsException",
                message: "Image with digest '\(digest)' and tag 'v1' already exists in the repository with name 'team/app' in registry with id '123456789012'")
            try await client.expectError("PutImage", #"{"repositoryName":"team/app","imageManifest":\#(quoted(manifest))}"#, code: "ImageAlreadyExistsException")
            // a second tag for the same digest is fine
            #expect(try await Self.put(client, manifest, tag: "v2").status == .ok)
        }
    }

    @Test(arguments: TestStore.allCases)
    func tagsMoveOnlyWhereMutabilityAllows(store: TestStore) async throws {
        try await withServer(store) { client, server in
            let first = try await Self.prepare(client, server)
            let second = try await Self.prepare(client, server, repo: "team/other", layer: "layer-2")
            #expect(try await Self.put(client, first, tag: "v1").status == .ok)
            #expect(try await Self.put(client, second, tag: "v1").status == .ok)  // MUTABLE: the tag moves
            let listed = try await client.ecr("ListImages", #"{"repositoryName":"team/app"}"#)
            let ids = try #require(listed["imageIds"] as? [[String: String]])
            #expect(ids.contains(["imageDigest": sha256(second), "imageTag": "v1"]))
            #expect(ids.contains(["imageDigest": sha256(first)]))  // now untagged

            _ = try await client.ecr("PutImageTagMutability", #"{"repositoryName":"team/app","imageTagMutability":"IMMUTABLE"}"#)
            try await client.expectError(
                "PutImage", #"{"repositoryName":"team/app","imageManifest":\#(quoted(first)),"imageTag":"v1"}"#, code: "ImageTagAlreadyExistsException",
                message: "The image tag 'v1' already exists in the 'team/app' repository and cannot be overwritten because the tag is immutable.")
            #expect(try await Self.put(client, first, tag: "v9").status == .ok)  // new tags are fine

            _ = try await client.ecr(
                "PutImageTagMutability",
                #"{"repositoryName":"team/app","imageTagMutability":"IMMUTABLE_WITH_EXCLUSION","imageTagMutabilityExclusionFilters":[{"filterType":"WILDCARD","filter":"v*"}]}"#)
            #expect(try await Self.put(client, first, tag: "v1").status == .ok)  // excluded from immutability
        }
    }

    /// Pushes run side by side (one store transaction each, sharing group commits): twelve different images
    /// pushed at once with the same tag into an IMMUTABLE repository still give the tag to exactly one.
    @Test(arguments: TestStore.allCases)
    func concurrentPushesOfOneImmutableTagHaveOneWinner(store: TestStore) async throws {
        try await withServer(store) { client, server in
            var manifests: [String] = []
            _ = try await Self.prepare(client, server)
            for i in 0..<12 { manifests.append(try await Self.prepare(client, server, repo: "team/app", layer: "layer-race-\(i)")) }
            _ = try await client.ecr("PutImageTagMutability", #"{"repositoryName":"team/app","imageTagMutability":"IMMUTABLE"}"#)
            let codes = try await withThrowingTaskGroup(of: String.self) { group in
                for manifest in manifests {
                    group.addTask {
                        let response = try await Self.put(client, manifest, tag: "release")
                        return response.status == .ok ? "ok" : response.errorType ?? "\(response.status)"
                    }
                }
                return try await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect(codes == ["ok": 1, "ImageTagAlreadyExistsException": 11])
            let described = try await client.ecr("DescribeImages", #"{"repositoryName":"team/app","imageIds":[{"imageTag":"release"}]}"#)
            #expect((described["imageDetails"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test(arguments: TestStore.allCases)
    func indexesNeedTheirChildrenAndSubjectsAreOptional(store: TestStore) async throws {
        try await withServer(store) { client, server in
            let child = try await Self.prepare(client, server)
            let index = #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(sha256(child))","size":\#(child.utf8.count),"platform":{"architecture":"amd64","os":"linux"}}]}"#
            try await client.expectError(
                "PutImage", #"{"repositoryName":"team/app","imageManifest":\#(quoted(index))}"#, code: "ReferencedImagesNotFoundException")
            #expect(try await Self.put(client, child).status == .ok)
            #expect(try await Self.put(client, index, tag: "multi").status == .ok)
            // the child cannot be deleted while the index refers to it
            let refused = try await client.ecr("BatchDeleteImage", #"{"repositoryName":"team/app","imageIds":[{"imageDigest":"\#(sha256(child))"}]}"#)
            #expect((refused["failures"] as? [[String: Any]])?.first?["failureCode"] as? String == "ImageReferencedByManifestList")

            // an artifact whose subject is absent is still accepted (OCI 1.1)
            try await server.blob("{}")
            let artifact = #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.example.sbom","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"\#(sha256("{}"))","size":2},"layers":[],"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:\#(String(repeating: "b", count: 64))","size":10},"annotations":{"k":"v"}}"#
            #expect(try await Self.put(client, artifact).status == .ok)
            let details = try await client.ecr("DescribeImages", #"{"repositoryName":"team/app","imageIds":[{"imageDigest":"\#(sha256(artifact))"}]}"#)
            let detail = try #require((details["imageDetails"] as? [[String: Any]])?.first)
            #expect(detail["artifactMediaType"] as? String == "application/vnd.example.sbom")
            #expect(detail["subjectManifestDigest"] as? String == "sha256:\(String(repeating: "b", count: 64))")
            #expect(detail["imageTags"] == nil)

            let referrers = try await client.ecr(
                "ListImageReferrers", #"{"repositoryName":"team/app","subjectId":{"imageDigest":"sha256:\#(String(repeating: "b", count: 64))"}}"#)
            let referrer = try #require((referrers["referrers"] as? [[String: Any]])?.first)
            #expect(referrer["digest"] as? String == sha256(artifact))
            #expect(referrer["artifactType"] as? String == "application/vnd.example.sbom")
            #expect(referrer["size"] as? Int == artifact.utf8.count)
            #expect(referrer["annotations"] as? [String: String] == ["k": "v"])
            #expect(referrer["artifactStatus"] as? String == "ACTIVE")
            let filtered = try await client.ecr(
                "ListImageReferrers",
                #"{"repositoryName":"team/app","subjectId":{"imageDigest":"sha256:\#(String(repeating: "b", count: 64))"},"filter":{"artifactTypes":["application/vnd.cncf.notary.signature"]}}"#)
            #expect((filtered["referrers"] as? [Any])?.isEmpty == true)
            try await client.expectError("ListImageReferrers", #"{"repositoryName":"zz","subjectId":{"imageDigest":"\#(sha256(child))"}}"#, code: "RepositoryNotFoundException")
            try await client.expectError("ListImageReferrers", #"{"repositoryName":"team/app","subjectId":{"imageDigest":"\#(sha256(child))"},"maxResults":51}"#, code: "InvalidParameterException")
        }
    }

    @Test(arguments: TestStore.allCases)
    func batchGetImageReportsPerItemFailures(store: TestStore) async throws {
        try await withServer(store) { client, server in
            let manifest = try await Self.prepare(client, server)
            _ = try await Self.put(client, manifest, tag: "v1")
            let response = try await client.ecr(
                "BatchGetImage",
                #"{"repositoryName":"team/app","imageIds":[{"imageTag":"v1"},{"imageDigest":"\#(sha256(manifest))"},{"imageTag":"nope"},{},{"imageDigest":"bad"},{"imageTag":"v1","imageDigest":"sha256:\#(String(repeating: "c", count: 64))"}]}"#)
            let images = try #require(response["images"] as? [[String: Any]])
            #expect(images.count == 2)
            #expect(images.first?["imageId"] as? [String: String] == ["imageDigest": sha256(manifest), "imageTag": "v1"])
            #expect(images.last?["imageId"] as? [String: String] == ["imageDigest": sha256(manifest)])
            let failures = try #require(response["failures"] as? [[String: Any]])
            #expect(failures.map { $0["failureCode"] as? String } == ["ImageNotFound", "MissingDigestAndTag", "InvalidImageDigest", "ImageTagDoesNotMatchDigest"])
            #expect(failures.first?["failureReason"] as? String == "Requested image not found")
            #expect(failures.first?["imageId"] as? [String: String] == ["imageTag": "nope"])

            let accepted = try await client.ecr(
                "BatchGetImage", #"{"repositoryName":"team/app","imageIds":[{"imageTag":"v1"}],"acceptedMediaTypes":["application/vnd.docker.distribution.manifest.v2+json"]}"#)
            #expect((accepted["images"] as? [Any])?.isEmpty == true)
            #expect((accepted["failures"] as? [[String: Any]])?.first?["failureCode"] as? String == "ImageNotFound")
            try await client.expectError("BatchGetImage", #"{"repositoryName":"team/app","imageIds":[]}"#, code: "InvalidParameterException")
            try await client.expectError("BatchGetImage", #"{"repositoryName":"zz","imageIds":[{"imageTag":"v1"}]}"#, code: "RepositoryNotFoundException")
        }
    }

    @Test(arguments: TestStore.allCases)
    func describeAndListImagesPaginateAndFilter(store: TestStore) async throws {
        let clock = ManualClockBox()
        try await withServer(store, clock: clock.clock) { client, server in
            var manifests: [String] = []
            for index in 0..<3 {
                let manifest = try await Self.prepare(client, server, layer: "layer-\(index)")
                manifests.append(manifest)
                _ = try await Self.put(client, manifest, tag: index == 1 ? nil : "t\(index)")
                clock.clock.advance(by: 1)
            }
            _ = try await Self.put(client, manifests[0], tag: "again")
            let page1 = try await client.ecr("DescribeImages", #"{"repositoryName":"team/app","maxResults":2}"#)
            let details1 = try #require(page1["imageDetails"] as? [[String: Any]])
            #expect(details1.map { $0["imageDigest"] as? String } == [sha256(manifests[0]), sha256(manifests[1])])
            #expect(details1.first?["imageTags"] as? [String] == ["again", "t0"])
            #expect(details1.first?["imagePushedAt"] as? Double == 1_764_460_800)
            #expect(details1.first?["imageStatus"] as? String == "ACTIVE")
            #expect(details1.first?["artifactMediaType"] as? String == "application/vnd.oci.image.config.v1+json")
            #expect(details1.first?["imageSizeInBytes"] as? Int != nil)
            let token = try #require(page1["nextToken"] as? String)
            let page2 = try await client.ecr("DescribeImages", #"{"repositoryName":"team/app","maxResults":2,"nextToken":"\#(token)"}"#)
            #expect((page2["imageDetails"] as? [[String: Any]])?.map { $0["imageDigest"] as? String } == [sha256(manifests[2])])
            #expect(page2["nextToken"] == nil)

            let untagged = try await client.ecr("DescribeImages", #"{"repositoryName":"team/app","filter":{"tagStatus":"UNTAGGED"}}"#)
            #expect((untagged["imageDetails"] as? [[String: Any]])?.map { $0["imageDigest"] as? String } == [sha256(manifests[1])])
            try await client.expectError("DescribeImages", #"{"repositoryName":"team/app","filter":{"tagStatus":"SOME"}}"#, code: "InvalidParameterException")
            try await client.expectError(
                "DescribeImages", #"{"repositoryName":"team/app","imageIds":[{"imageTag":"missing"}]}"#, code: "ImageNotFoundException",
                message: "The image with imageId {imageDigest:'null', imageTag:'missing'} does not exist within the repository with name 'team/app' in the registry with id '123456789012'")
            try await client.expectError("DescribeImages", #"{"repositoryName":"zz"}"#, code: "RepositoryNotFoundException")

            let list = try await client.ecr("ListImages", #"{"repositoryName":"team/app"}"#)
            let ids = try #require(list["imageIds"] as? [[String: String]])
            #expect(ids == [
                ["imageDigest": sha256(manifests[0]), "imageTag": "again"], ["imageDigest": sha256(manifests[0]), "imageTag": "t0"],
                ["imageDigest": sha256(manifests[1])], ["imageDigest": sha256(manifests[2]), "imageTag": "t2"],
            ])
            let tagged = try await client.ecr("ListImages", #"{"repositoryName":"team/app","filter":{"tagStatus":"TAGGED"},"maxResults":2}"#)
            #expect((tagged["imageIds"] as? [[String: String]])?.count == 2)
            let rest = try await client.ecr(
                "ListImages", #"{"repositoryName":"team/app","filter":{"tagStatus":"TAGGED"},"maxResults":2,"nextToken":"\#(tagged["nextToken"] as? String ?? "")"}"#)
            #expect(rest["imageIds"] as? [[String: String]] == [["imageDigest": sha256(manifests[2]), "imageTag": "t2"]])
            try await client.expectError("ListImages", #"{"repositoryName":"zz"}"#, code: "RepositoryNotFoundException")
        }
    }

    @Test(arguments: TestStore.allCases)
    func batchDeleteImageByTagAndByDigest(store: TestStore) async throws {
        try await withServer(store) { client, server in
            let manifest = try await Self.prepare(client, server)
            let digest = sha256(manifest)
            _ = try await Self.put(client, manifest, tag: "a")
            _ = try await Self.put(client, manifest, tag: "b")
            let byTag = try await client.ecr("BatchDeleteImage", #"{"repositoryName":"team/app","imageIds":[{"imageTag":"a"}]}"#)
            #expect(byTag["imageIds"] as? [[String: String]] == [["imageDigest": digest, "imageTag": "a"]])
            #expect((byTag["failures"] as? [Any])?.isEmpty == true)
            // the image keeps its other tag
            let remaining = try await client.ecr("ListImages", #"{"repositoryName":"team/app"}"#)
            #expect(remaining["imageIds"] as? [[String: String]] == [["imageDigest": digest, "imageTag": "b"]])

            _ = try await Self.put(client, manifest, tag: "c")
            let byDigest = try await client.ecr("BatchDeleteImage", #"{"repositoryName":"team/app","imageIds":[{"imageDigest":"\#(digest)"}]}"#)
            #expect(byDigest["imageIds"] as? [[String: String]] == [["imageDigest": digest, "imageTag": "b"], ["imageDigest": digest, "imageTag": "c"]])
            let empty = try await client.ecr("ListImages", #"{"repositoryName":"team/app"}"#)
            #expect((empty["imageIds"] as? [Any])?.isEmpty == true)

            // the last tag takes the image with it
            _ = try await Self.put(client, manifest, tag: "only")
            _ = try await client.ecr("BatchDeleteImage", #"{"repositoryName":"team/app","imageIds":[{"imageTag":"only"}]}"#)
            try await client.expectError("DescribeImages", #"{"repositoryName":"team/app","imageIds":[{"imageDigest":"\#(digest)"}]}"#, code: "ImageNotFoundException")

            let failures = try await client.ecr(
                "BatchDeleteImage", #"{"repositoryName":"team/app","imageIds":[{},{"imageDigest":"x"},{"imageTag":"gone"}]}"#)
            let reasons = (failures["failures"] as? [[String: Any]])?.map { "\($0["failureCode"] ?? ""): \($0["failureReason"] ?? "")" }
            #expect(reasons == [
                "MissingDigestAndTag: Invalid request parameters: both tag and digest cannot be null",
                "InvalidImageDigest: Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'",
                "ImageNotFound: Requested image not found",
            ])
            try await client.expectError("BatchDeleteImage", #"{"repositoryName":"zz","imageIds":[{"imageTag":"a"}]}"#, code: "RepositoryNotFoundException")
            try await client.expectError("BatchDeleteImage", #"{"repositoryName":"team/app","imageIds":[]}"#, code: "InvalidParameterException")
        }
    }
}

/// A manual clock shared between a test and its server.
struct ManualClockBox {
    let clock = ManualClock()
}

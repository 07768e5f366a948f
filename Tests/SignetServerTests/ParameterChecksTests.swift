import Foundation
import HTTPTypes
import HummingbirdTesting
import SignetDomain
import Testing

/// Parameters a real client can get wrong that the SDKs do not check (they check required members and minimums,
/// not maximums or patterns): each gets the typed 400 AWS gives, not a "not found" or a quietly wrong page.
@Suite("ECR parameter checks")
struct ParameterChecksTests {
    static let invalidToken = "Invalid parameter at 'nextToken' failed to satisfy constraint: 'must be a token returned by a previous call'"

    /// A nextToken belongs to the listing that issued it: another repository's or another operation's is refused.
    @Test(arguments: TestStore.allCases)
    func paginationTokensBelongToTheirListing(store: TestStore) async throws {
        try await withServer(store) { client, server in
            for repo in ["team/a", "team/b"] {
                let manifest = try await ImageTests.prepare(client, server, repo: repo)
                for tag in ["v1", "v2", "v3"] { _ = try await ImageTests.put(client, manifest, tag: tag, repo: repo) }
            }
            let listed = try await client.ecr("ListImages", #"{"repositoryName":"team/a","maxResults":1}"#)
            let token = try #require(listed["nextToken"] as? String)
            // the same listing goes on
            let next = try await client.ecr("ListImages", #"{"repositoryName":"team/a","maxResults":1,"nextToken":"\#(token)"}"#)
            #expect(next.status == .ok && (next["imageIds"] as? [Any])?.count == 1, "\(next.text)")
            // another repository, another operation
            try await client.expectError(
                "ListImages", #"{"repositoryName":"team/b","nextToken":"\#(token)"}"#, code: "InvalidParameterException", message: Self.invalidToken)
            try await client.expectError(
                "DescribeImages", #"{"repositoryName":"team/a","nextToken":"\#(token)"}"#, code: "InvalidParameterException", message: Self.invalidToken)
            let repositories = try #require(try await client.ecr("DescribeRepositories", #"{"maxResults":1}"#)["nextToken"] as? String)
            try await client.expectError(
                "DescribeImages", #"{"repositoryName":"team/a","nextToken":"\#(repositories)"}"#, code: "InvalidParameterException")
            try await client.expectError(
                "ListImageReferrers",
                #"{"repositoryName":"team/a","subjectId":{"imageDigest":"sha256:\#(String(repeating: "a", count: 64))"},"nextToken":"\#(token)"}"#,
                code: "InvalidParameterException")
        }
    }

    /// imageTag is 1–300 characters: a longer one is a bad parameter, not a missing image.
    @Test(arguments: TestStore.allCases)
    func impossibleTagsAreBadParameters(store: TestStore) async throws {
        try await withServer(store) { client, server in
            let manifest = try await ImageTests.prepare(client, server)
            _ = try await ImageTests.put(client, manifest, tag: "v1")
            let long = String(repeating: "x", count: 301)
            let message = "Invalid parameter at 'imageId.imageTag' failed to satisfy constraint: 'must have length less than or equal to 300'"
            try await client.expectError(
                "DescribeImages", #"{"repositoryName":"team/app","imageIds":[{"imageTag":"\#(long)"}]}"#, code: "InvalidParameterException",
                message: message)
            try await client.expectError(
                "DescribeImageSigningStatus", #"{"repositoryName":"team/app","imageId":{"imageTag":"\#(long)"}}"#, code: "InvalidParameterException",
                message: message)
            // 300 characters is a tag that may exist: not found
            try await client.expectError(
                "DescribeImages", #"{"repositoryName":"team/app","imageIds":[{"imageTag":"\#(String(long.dropFirst()))"}]}"#,
                code: "ImageNotFoundException")
        }
    }

    /// PutImage takes tags of the Docker tag characters (1–300 of them), so that every tag it stores can be pulled
    /// as `<repository>:<tag>`.
    @Test(arguments: TestStore.allCases)
    func putImageTagsUseTheDockerCharacters(store: TestStore) async throws {
        try await withServer(store) { client, server in
            let manifest = try await ImageTests.prepare(client, server)
            for bad in ["bad tag!", "sha256:abc", ".hidden", "-dash", "a/b", "ü"] {
                let response = try await ImageTests.put(client, manifest, tag: bad)
                #expect(response.errorType == "InvalidParameterException", "\(bad): \(response.text)")
                #expect(response.message == "Invalid parameter at 'imageTag' failed to satisfy constraint: 'must satisfy regular expression '[a-zA-Z0-9_][a-zA-Z0-9_.-]*''")
            }
            for good in ["v1", "_x", "1.2.3-rc_4", String(repeating: "a", count: 300)] {
                let response = try await ImageTests.put(client, manifest, tag: good)
                #expect(response.status == .ok, "\(good): \(response.text)")
            }
        }
    }

    /// ListImageReferrers' artifact types are 1–255 characters each (ValidationException, as its other filter checks).
    @Test(arguments: TestStore.allCases)
    func referrerArtifactTypesHaveALength(store: TestStore) async throws {
        try await withServer(store) { client, server in
            _ = try await ImageTests.prepare(client, server)
            let subject = #""subjectId":{"imageDigest":"sha256:\#(String(repeating: "a", count: 64))"}"#
            try await client.expectError(
                "ListImageReferrers",
                #"{"repositoryName":"team/app",\#(subject),"filter":{"artifactTypes":["application/x","\#(String(repeating: "a", count: 256))"]}}"#,
                code: "ValidationException",
                message: "1 validation error detected: Value '\(String(repeating: "a", count: 256))' at 'filter.artifactTypes.2.member' failed to satisfy constraint: Member must have length less than or equal to 255")
            try await client.expectError(
                "ListImageReferrers", #"{"repositoryName":"team/app",\#(subject),"filter":{"artifactTypes":[""]}}"#, code: "ValidationException")
            let fine = try await client.ecr(
                "ListImageReferrers",
                #"{"repositoryName":"team/app",\#(subject),"filter":{"artifactTypes":["\#(String(repeating: "a", count: 255))"]}}"#)
            #expect(fine.status == .ok, "\(fine.text)")
        }
    }

    /// A resource ARN in another account is refused as a registryId naming it is; another partition is not an ARN
    /// Signet issued.
    @Test(arguments: TestStore.allCases)
    func resourceArnsOfOtherAccountsAndPartitions(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            _ = try await client.ecr("CreateRepository", #"{"repositoryName":"ab"}"#)
            let foreign = "arn:aws:ecr:us-east-1:111111111111:repository/ab"
            try await client.expectError(
                "ListTagsForResource", #"{"resourceArn":"\#(foreign)"}"#, code: "AccessDeniedException",
                message: "User: arn:aws:iam::123456789012:root is not authorized to perform: ecr:ListTagsForResource on resource: \(foreign) because no resource-based policy allows the ecr:ListTagsForResource action")
            try await client.expectError("TagResource", #"{"resourceArn":"\#(foreign)","tags":[{"Key":"a","Value":"1"}]}"#, code: "AccessDeniedException")
            try await client.expectError("UntagResource", #"{"resourceArn":"\#(foreign)","tagKeys":["a"]}"#, code: "AccessDeniedException")
            try await client.expectError(
                "ListTagsForResource", #"{"resourceArn":"arn:aws-cn:ecr:us-east-1:123456789012:repository/ab"}"#, code: "InvalidParameterException",
                message: "Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN'")
            try await client.expectError(
                "ListTagsForResource", #"{"resourceArn":"arn:aws:ecr:us-west-2:123456789012:repository/ab"}"#, code: "RepositoryNotFoundException")
        }
    }

    /// Messages that say what is wrong: an empty KMS key is too short (not too long); a fraction where an integer
    /// belongs is not "invalid JSON".
    @Test func messagesNameTheActualViolation() async throws {
        try await withServer(.inMemory) { client, _ in
            try await client.expectError(
                "CreateRepository", #"{"repositoryName":"ab","encryptionConfiguration":{"encryptionType":"KMS","kmsKey":""}}"#,
                code: "InvalidParameterException",
                message: "Invalid parameter at 'encryptionConfiguration.kmsKey' failed to satisfy constraint: 'must have length greater than or equal to 1'")
            let fraction = "Unable to parse the request: a number in it does not fit its member (an integer member was given a fraction or an out-of-range value)"
            try await client.expectError("DescribeRepositories", #"{"maxResults":5.5}"#, code: "SerializationException", message: fraction)
            try await client.expectError("DescribeRepositories", #"{"maxResults":1e40}"#, code: "SerializationException", message: fraction)
            try await client.expectError("DescribeRepositories", #"{"maxResults":5"#, code: "SerializationException", message: "The request body is not valid JSON")
        }
    }
}

import HTTPTypes
import Foundation
import HummingbirdTesting
import Testing

@Suite("ECR repositories")
struct RepositoryTests {
    @Test(arguments: TestStore.allCases)
    func createRepositoryReturnsAWSDefaults(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            let response = try await client.ecr("CreateRepository", #"{"repositoryName":"team/app"}"#)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/x-amz-json-1.1")
            #expect(response.headers[.amznRequestId]?.count == 36)
            let repository = try #require(response["repository"] as? [String: Any])
            #expect(repository["repositoryArn"] as? String == "arn:aws:ecr:us-east-1:123456789012:repository/team/app")
            #expect(repository["registryId"] as? String == "123456789012")
            #expect(repository["repositoryName"] as? String == "team/app")
            #expect((repository["repositoryUri"] as? String)?.hasSuffix("/team/app") == true)
            #expect(repository["imageTagMutability"] as? String == "MUTABLE")
            #expect(repository["imageScanningConfiguration"] as? [String: Bool] == ["scanOnPush": false])
            #expect(repository["encryptionConfiguration"] as? [String: String] == ["encryptionType": "AES256"])
            #expect(repository["createdAt"] as? Double == 1_764_460_800)
            #expect(repository["imageTagMutabilityExclusionFilters"] == nil)
        }
    }

    @Test(arguments: TestStore.allCases)
    func creatingTwiceFailsWithAlreadyExists(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            _ = try await client.ecr("CreateRepository", #"{"repositoryName":"team/app"}"#)
            try await client.expectError(
                "CreateRepository", #"{"repositoryName":"team/app"}"#, code: "RepositoryAlreadyExistsException",
                message: "The repository with name 'team/app' already exists in the registry with id '123456789012'")
        }
    }

    @Test(arguments: TestStore.allCases)
    func createRepositoryValidatesEveryMember(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            try await client.expectError(
                "CreateRepository", #"{"repositoryName":"Team"}"#, code: "InvalidParameterException",
                message: "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''")
            try await client.expectError(
                "CreateRepository", #"{"repositoryName":"a"}"#, code: "InvalidParameterException",
                message: "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must have length greater than or equal to 2'")
            try await client.expectError("CreateRepository", #"{"repositoryName":"ab","imageTagMutability":"SOMETIMES"}"#, code: "InvalidParameterException")
            try await client.expectError(
                "CreateRepository", #"{"repositoryName":"ab","imageTagMutability":"IMMUTABLE_WITH_EXCLUSION"}"#, code: "InvalidParameterException")
            try await client.expectError(
                "CreateRepository", #"{"repositoryName":"ab","encryptionConfiguration":{"encryptionType":"ROT13"}}"#, code: "InvalidParameterException")
            try await client.expectError(
                "CreateRepository", #"{"repositoryName":"ab","tags":[{"Key":"aws:x","Value":"v"}]}"#, code: "InvalidTagParameterException")
            let tags = (0..<51).map { #"{"Key":"k\#($0)","Value":"v"}"# }.joined(separator: ",")
            try await client.expectError("CreateRepository", #"{"repositoryName":"ab","tags":[\#(tags)]}"#, code: "TooManyTagsException")
            try await client.expectError("CreateRepository", #"{}"#, code: "ValidationException",
                message: "1 validation error detected: Value null at 'repositoryName' failed to satisfy constraint: Member must not be null")
            try await client.expectError("CreateRepository", #"{"repositoryName":"ab","registryId":"999999999999"}"#, code: "AccessDeniedException")
            try await client.expectError("CreateRepository", #"{"repositoryName":"ab","registryId":"12"}"#, code: "InvalidParameterException")
            // nothing was created by the refused calls
            let listed = try await client.ecr("DescribeRepositories")
            #expect((listed["repositories"] as? [Any])?.count == 0)
        }
    }

    @Test(arguments: TestStore.allCases)
    func createRepositoryKeepsMutabilityScanningEncryptionAndTags(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            let response = try await client.ecr(
                "CreateRepository",
                #"{"repositoryName":"ab","imageTagMutability":"IMMUTABLE_WITH_EXCLUSION","imageTagMutabilityExclusionFilters":[{"filterType":"WILDCARD","filter":"latest*"}],"imageScanningConfiguration":{"scanOnPush":true},"encryptionConfiguration":{"encryptionType":"KMS","kmsKey":"alias/x"},"tags":[{"Key":"team","Value":"a"}]}"#)
            let repository = try #require(response["repository"] as? [String: Any])
            #expect(repository["imageTagMutability"] as? String == "IMMUTABLE_WITH_EXCLUSION")
            #expect(repository["imageTagMutabilityExclusionFilters"] as? [[String: String]] == [["filterType": "WILDCARD", "filter": "latest*"]])
            #expect(repository["imageScanningConfiguration"] as? [String: Bool] == ["scanOnPush": true])
            #expect(repository["encryptionConfiguration"] as? [String: String] == ["encryptionType": "KMS", "kmsKey": "alias/x"])
            let tags = try await client.ecr("ListTagsForResource", #"{"resourceArn":"arn:aws:ecr:us-east-1:123456789012:repository/ab"}"#)
            #expect(tags["tags"] as? [[String: String]] == [["Key": "team", "Value": "a"]])
        }
    }

    @Test(arguments: TestStore.allCases)
    func describeRepositoriesByNameAndByPage(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            for name in ["c1", "a1", "b1"] { _ = try await client.ecr("CreateRepository", #"{"repositoryName":"\#(name)"}"#) }
            let named = try await client.ecr("DescribeRepositories", #"{"repositoryNames":["b1","a1"]}"#)
            #expect((named["repositories"] as? [[String: Any]])?.map { $0["repositoryName"] as? String } == ["b1", "a1"])
            #expect(named["nextToken"] == nil)

            let first = try await client.ecr("DescribeRepositories", #"{"maxResults":2}"#)
            #expect((first["repositories"] as? [[String: Any]])?.map { $0["repositoryName"] as? String } == ["a1", "b1"])
            let token = try #require(first["nextToken"] as? String)
            let second = try await client.ecr("DescribeRepositories", #"{"maxResults":2,"nextToken":"\#(token)"}"#)
            #expect((second["repositories"] as? [[String: Any]])?.map { $0["repositoryName"] as? String } == ["c1"])
            #expect(second["nextToken"] == nil)

            try await client.expectError(
                "DescribeRepositories", #"{"repositoryNames":["a1","zz"]}"#, code: "RepositoryNotFoundException",
                message: "The repository with name 'zz' does not exist in the registry with id '123456789012'")
            try await client.expectError("DescribeRepositories", #"{"repositoryNames":["a1"],"maxResults":1}"#, code: "InvalidParameterException")
            try await client.expectError(
                "DescribeRepositories", #"{"maxResults":1001}"#, code: "InvalidParameterException",
                message: "Invalid parameter at 'maxResults' failed to satisfy constraint: 'must have value less than or equal to 1000'")
            try await client.expectError("DescribeRepositories", #"{"maxResults":0}"#, code: "InvalidParameterException")
            try await client.expectError("DescribeRepositories", #"{"nextToken":"not-a-token"}"#, code: "InvalidParameterException")
            try await client.expectError("DescribeRepositories", #"{"repositoryNames":[]}"#, code: "InvalidParameterException")
        }
    }

    /// The same listing asked again after each kind of change shows the change (the server reuses a page's bytes
    /// only while they would be written the same).
    @Test(arguments: TestStore.allCases)
    func describeRepositoriesAskedAgainShowsEachChange(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            func listing() async throws -> [String] {
                let page = try await client.ecr("DescribeRepositories", "{}")
                return try #require(page["repositories"] as? [[String: Any]]).map { repository in
                    let filters = (repository["imageTagMutabilityExclusionFilters"] as? [[String: String]])?.map { $0["filter"] ?? "" } ?? []
                    return "\(repository["repositoryName"] as? String ?? "") \(repository["imageTagMutability"] as? String ?? "") \(filters)"
                }
            }
            func expectListing(_ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
                let actual = try await listing()
                #expect(actual == expected, sourceLocation: sourceLocation)
            }
            try await expectListing([])
            _ = try await client.ecr("CreateRepository", #"{"repositoryName":"bb"}"#)
            try await expectListing(["bb MUTABLE []"])
            try await expectListing(["bb MUTABLE []"])
            _ = try await client.ecr("CreateRepository", #"{"repositoryName":"aa"}"#)
            try await expectListing(["aa MUTABLE []", "bb MUTABLE []"])
            _ = try await client.ecr("PutImageTagMutability", #"{"repositoryName":"bb","imageTagMutability":"IMMUTABLE"}"#)
            try await expectListing(["aa MUTABLE []", "bb IMMUTABLE []"])
            _ = try await client.ecr(
                "PutImageTagMutability",
                #"{"repositoryName":"bb","imageTagMutability":"IMMUTABLE_WITH_EXCLUSION","imageTagMutabilityExclusionFilters":[{"filterType":"WILDCARD","filter":"dev-*"}]}"#)
            try await expectListing(["aa MUTABLE []", "bb IMMUTABLE_WITH_EXCLUSION [\"dev-*\"]"])
            _ = try await client.ecr(
                "PutImageTagMutability",
                #"{"repositoryName":"bb","imageTagMutability":"IMMUTABLE_WITH_EXCLUSION","imageTagMutabilityExclusionFilters":[{"filterType":"WILDCARD","filter":"test-*"}]}"#)
            try await expectListing(["aa MUTABLE []", "bb IMMUTABLE_WITH_EXCLUSION [\"test-*\"]"])
            _ = try await client.ecr("DeleteRepository", #"{"repositoryName":"aa"}"#)
            try await expectListing(["bb IMMUTABLE_WITH_EXCLUSION [\"test-*\"]"])
            _ = try await client.ecr("DeleteRepository", #"{"repositoryName":"bb"}"#)
            _ = try await client.ecr("CreateRepository", #"{"repositoryName":"bb","imageScanningConfiguration":{"scanOnPush":true}}"#)
            let page = try await client.ecr("DescribeRepositories", "{}")
            let repository = try #require((page["repositories"] as? [[String: Any]])?.first)
            #expect(repository["imageTagMutability"] as? String == "MUTABLE")
            #expect(repository["imageScanningConfiguration"] as? [String: Bool] == ["scanOnPush": true])
        }
    }

    @Test(arguments: TestStore.allCases)
    func deleteRepositoryRespectsForce(store: TestStore) async throws {
        try await withServer(store) { client, server in
            _ = try await client.ecr("CreateRepository", #"{"repositoryName":"team/app"}"#)
            let config = "{}"
            try await server.blob(config)
            let manifest = imageManifest(config: config, layers: [])
            _ = try await client.ecr("PutImage", #"{"repositoryName":"team/app","imageManifest":\#(quoted(manifest)),"imageTag":"v1"}"#)
            try await client.expectError(
                "DeleteRepository", #"{"repositoryName":"team/app"}"#, code: "RepositoryNotEmptyException",
                message: "The repository with name 'team/app' in registry with id '123456789012' cannot be deleted because it still contains images")
            let deleted = try await client.ecr("DeleteRepository", #"{"repositoryName":"team/app","force":true}"#)
            #expect((deleted["repository"] as? [String: Any])?["repositoryName"] as? String == "team/app")
            try await client.expectError("DeleteRepository", #"{"repositoryName":"team/app"}"#, code: "RepositoryNotFoundException")
            // the name is free again and the new repository is empty
            _ = try await client.ecr("CreateRepository", #"{"repositoryName":"team/app"}"#)
            let images = try await client.ecr("ListImages", #"{"repositoryName":"team/app"}"#)
            #expect((images["imageIds"] as? [Any])?.count == 0)
        }
    }

    @Test(arguments: TestStore.allCases)
    func putImageTagMutability(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            _ = try await client.ecr("CreateRepository", #"{"repositoryName":"ab"}"#)
            let response = try await client.ecr(
                "PutImageTagMutability",
                #"{"repositoryName":"ab","imageTagMutability":"MUTABLE_WITH_EXCLUSION","imageTagMutabilityExclusionFilters":[{"filterType":"WILDCARD","filter":"release-*"}]}"#)
            #expect(response["registryId"] as? String == "123456789012")
            #expect(response["repositoryName"] as? String == "ab")
            #expect(response["imageTagMutability"] as? String == "MUTABLE_WITH_EXCLUSION")
            #expect(response["imageTagMutabilityExclusionFilters"] as? [[String: String]] == [["filterType": "WILDCARD", "filter": "release-*"]])
            let described = try await client.ecr("DescribeRepositories", #"{"repositoryNames":["ab"]}"#)
            #expect(((described["repositories"] as? [[String: Any]])?.first?["imageTagMutability"]) as? String == "MUTABLE_WITH_EXCLUSION")
            try await client.expectError("PutImageTagMutability", #"{"repositoryName":"zz","imageTagMutability":"MUTABLE"}"#, code: "RepositoryNotFoundException")
            try await client.expectError("PutImageTagMutability", #"{"repositoryName":"ab","imageTagMutability":"NEVER"}"#, code: "InvalidParameterException")
            try await client.expectError(
                "PutImageTagMutability",
                #"{"repositoryName":"ab","imageTagMutability":"IMMUTABLE","imageTagMutabilityExclusionFilters":[{"filterType":"WILDCARD","filter":"x"}]}"#,
                code: "InvalidParameterException")
            try await client.expectError(
                "PutImageTagMutability",
                #"{"repositoryName":"ab","imageTagMutability":"IMMUTABLE_WITH_EXCLUSION","imageTagMutabilityExclusionFilters":[{"filterType":"WILDCARD","filter":"bad/filter"}]}"#,
                code: "InvalidParameterException")
        }
    }

    @Test(arguments: TestStore.allCases)
    func resourceTags(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            _ = try await client.ecr("CreateRepository", #"{"repositoryName":"ab"}"#)
            let arn = "arn:aws:ecr:us-east-1:123456789012:repository/ab"
            let tagged = try await client.ecr("TagResource", #"{"resourceArn":"\#(arn)","tags":[{"Key":"a","Value":"1"},{"Key":"b","Value":"2"}]}"#)
            #expect(tagged.status == .ok && tagged.text == "{}")
            _ = try await client.ecr("TagResource", #"{"resourceArn":"\#(arn)","tags":[{"Key":"a","Value":"3"}]}"#)
            let untagged = try await client.ecr("UntagResource", #"{"resourceArn":"\#(arn)","tagKeys":["b","missing"]}"#)
            #expect(untagged.status == .ok && untagged.text == "{}")
            let listed = try await client.ecr("ListTagsForResource", #"{"resourceArn":"\#(arn)"}"#)
            #expect(listed["tags"] as? [[String: String]] == [["Key": "a", "Value": "3"]])

            try await client.expectError("ListTagsForResource", #"{"resourceArn":"arn:aws:ecr:us-east-1:123456789012:repository/zz"}"#, code: "RepositoryNotFoundException")
            try await client.expectError("ListTagsForResource", #"{"resourceArn":"not-an-arn"}"#, code: "InvalidParameterException")
            try await client.expectError("TagResource", #"{"resourceArn":"\#(arn)","tags":[{"Key":"aws:reserved","Value":"x"}]}"#, code: "InvalidTagParameterException")
            try await client.expectError("TagResource", #"{"resourceArn":"\#(arn)","tags":[{"Key":"","Value":"x"}]}"#, code: "InvalidTagParameterException")
            try await client.expectError(
                "TagResource", #"{"resourceArn":"\#(arn)","tags":[{"Key":"k","Value":"\#(String(repeating: "v", count: 257))"}]}"#,
                code: "InvalidTagParameterException")
            let fifty = (0..<50).map { #"{"Key":"k\#($0)","Value":"v"}"# }.joined(separator: ",")
            try await client.expectError("TagResource", #"{"resourceArn":"\#(arn)","tags":[\#(fifty)]}"#, code: "TooManyTagsException")
            try await client.expectError("TagResource", #"{"resourceArn":"\#(arn)"}"#, code: "ValidationException")
        }
    }

    @Test(arguments: TestStore.allCases)
    func describeRegistry(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            let response = try await client.ecr("DescribeRegistry")
            #expect(response.status == .ok)
            #expect(response["registryId"] as? String == "123456789012")
            #expect(response["replicationConfiguration"] as? [String: [String]] == ["rules": []])
        }
    }
}

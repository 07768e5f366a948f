import HTTPTypes
import Foundation
import HummingbirdTesting
import Testing

@Suite("Managed signing configuration")
struct SigningConfigurationTests {
    static let arn = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/EcrSignerProfile"
    static let oneRule = #"{"signingConfiguration":{"rules":[{"signingProfileArn":"\#(arn)","repositoryFilters":[{"filter":"team/*","filterType":"WILDCARD_MATCH"}]}]}}"#

    @Test(arguments: TestStore.allCases)
    func putGetDeleteRoundTrip(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            try await client.expectError(
                "GetSigningConfiguration", "{}", code: "SigningConfigurationNotFoundException",
                message: "The signing configuration does not exist in the registry with id '123456789012'")
            let put = try await client.ecr("PutSigningConfiguration", Self.oneRule)
            #expect(put.status == .ok)
            #expect(put.text == #"{"signingConfiguration":{"rules":[{"repositoryFilters":[{"filter":"team/*","filterType":"WILDCARD_MATCH"}],"signingProfileArn":"\#(Self.arn)"}]}}"#)
            let get = try await client.ecr("GetSigningConfiguration")
            #expect(get["registryId"] as? String == "123456789012")
            #expect(
                get["signingConfiguration"] as? NSDictionary
                    == ["rules": [["signingProfileArn": Self.arn, "repositoryFilters": [["filter": "team/*", "filterType": "WILDCARD_MATCH"]]]]])
            let deleted = try await client.ecr("DeleteSigningConfiguration")
            #expect(deleted.text == get.text)
            try await client.expectError("GetSigningConfiguration", "{}", code: "SigningConfigurationNotFoundException")
            try await client.expectError("DeleteSigningConfiguration", "{}", code: "SigningConfigurationNotFoundException")
        }
    }

    @Test(arguments: TestStore.allCases)
    func registryAliasesAreTheSameOperations(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            #expect(try await client.ecr("PutRegistrySigningConfiguration", Self.oneRule).status == .ok)
            let viaAlias = try await client.ecr("GetRegistrySigningConfiguration")
            let viaName = try await client.ecr("GetSigningConfiguration")
            #expect(viaAlias.text == viaName.text)
            #expect(try await client.ecr("DeleteRegistrySigningConfiguration").status == .ok)
            try await client.expectError("GetSigningConfiguration", "{}", code: "SigningConfigurationNotFoundException")
        }
    }

    @Test(arguments: TestStore.allCases)
    func refusedPutLeavesTheStoredConfigurationUnchanged(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            _ = try await client.ecr("PutSigningConfiguration", Self.oneRule)
            let before = try await client.ecr("GetSigningConfiguration").text
            let rule = #"{"signingProfileArn":"\#(Self.arn)"}"#
            let eleven = Array(repeating: rule, count: 11).joined(separator: ",")
            try await client.expectError(
                "PutSigningConfiguration", #"{"signingConfiguration":{"rules":[\#(eleven)]}}"#, code: "ValidationException",
                message: "1 validation error detected: Value at 'signingConfiguration.rules' failed to satisfy constraint: Member must have length less than or equal to 10")
            try await client.expectError(
                "PutSigningConfiguration",
                #"{"signingConfiguration":{"rules":[{"signingProfileArn":"\#(Self.arn)","repositoryFilters":[{"filter":"Prod*","filterType":"PREFIX"}]}]}}"#,
                code: "ValidationException",
                message: "2 validation errors detected: Value 'Prod*' at 'signingConfiguration.rules.1.repositoryFilters.1.filter' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?:[a-z0-9*]+(?:[._-][a-z0-9*]+)*/)*[a-z0-9*]+(?:[._-][a-z0-9*]+)*$; Value 'PREFIX' at 'signingConfiguration.rules.1.repositoryFilters.1.filterType' failed to satisfy constraint: Member must satisfy enum value set: [WILDCARD_MATCH]")
            try await client.expectError(
                "PutSigningConfiguration", #"{"signingConfiguration":{"rules":[{"signingProfileArn":"arn:aws:signer:us-east-1:123456789012:/signing-profiles/p1/ABCDEFGHIJ"}]}}"#,
                code: "ValidationException")
            try await client.expectError(
                "PutSigningConfiguration", #"{"signingConfiguration":{"rules":[{"signingProfileArn":"\#(Self.arn)","repositoryFilters":[]}]}}"#,
                code: "ValidationException")
            try await client.expectError("PutSigningConfiguration", #"{"signingConfiguration":{}}"#, code: "ValidationException",
                message: "1 validation error detected: Value null at 'signingConfiguration.rules' failed to satisfy constraint: Member must not be null")
            try await client.expectError("PutSigningConfiguration", #"{"signingConfiguration":{"rules":"x"}}"#, code: "SerializationException")
            #expect(try await client.ecr("GetSigningConfiguration").text == before)
        }
    }

    @Test(arguments: TestStore.allCases)
    func emptyRulesAreAConfigurationThatSignsNothing(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            let put = try await client.ecr("PutSigningConfiguration", #"{"signingConfiguration":{"rules":[]}}"#)
            #expect(put.text == #"{"signingConfiguration":{"rules":[]}}"#)
            #expect(try await client.ecr("GetSigningConfiguration").status == .ok)
        }
    }

    @Test(arguments: TestStore.allCases)
    func describeImageSigningStatusReportsTheRecordedStatuses(store: TestStore) async throws {
        try await withServer(store) { client, server in
            _ = try await client.ecr("PutSigningConfiguration", Self.oneRule)
            let manifest = try await ImageTests.prepare(client, server)
            _ = try await ImageTests.put(client, manifest, tag: "v1")
            let byTag = try await client.ecr("DescribeImageSigningStatus", #"{"repositoryName":"team/app","imageId":{"imageTag":"v1"}}"#)
            #expect(byTag["repositoryName"] as? String == "team/app")
            #expect(byTag["registryId"] as? String == "123456789012")
            #expect(byTag["imageId"] as? [String: String] == ["imageDigest": sha256(manifest), "imageTag": "v1"])
            // the rule names a profile that does not exist: the push is recorded, then fails to sign
            let settled = try await client.settledStatuses("team/app", tag: "v1")
            #expect(settled.first?["signingProfileArn"] == Self.arn)
            #expect(settled.first?["failureCode"] == "SIGNING_PROFILE_NOT_FOUND")
            let byDigest = try await client.ecr("DescribeImageSigningStatus", #"{"repositoryName":"team/app","imageId":{"imageDigest":"\#(sha256(manifest))"}}"#)
            #expect(byDigest["imageId"] as? [String: String] == ["imageDigest": sha256(manifest)])

            try await client.expectError(
                "DescribeImageSigningStatus", #"{"repositoryName":"zz","imageId":{"imageTag":"v1"}}"#, code: "RepositoryNotFoundException")
            try await client.expectError(
                "DescribeImageSigningStatus", #"{"repositoryName":"team/app","imageId":{"imageTag":"v2"}}"#, code: "ImageNotFoundException")
            try await client.expectError(
                "DescribeImageSigningStatus", #"{"repositoryName":"team/app","imageId":{}}"#, code: "InvalidParameterException")
            try await client.expectError("DescribeImageSigningStatus", #"{"repositoryName":"team/app"}"#, code: "ValidationException")
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import SignetDomain
import SignetStorage
import Testing

extension TestClientProtocol {
    /// Calls a Signer route (rest-json), signed for `region` when given.
    func signer(_ method: HTTPRequest.Method, _ uri: String, _ json: String = "", region: String = "us-east-1") async throws -> JSONResponse {
        var headers: HTTPFields = [:]
        if !json.isEmpty { headers[.contentType] = "application/json" }
        return try await send(uri: uri, method: method, headers: headers, body: json, region: region)
    }

    /// Asserts a rest-json error: status, `x-amzn-ErrorType`, JSON `message`.
    func expectSignerError(
        _ method: HTTPRequest.Method, _ uri: String, _ json: String = "", status: HTTPResponse.Status, code: String, message: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let response = try await signer(method, uri, json)
        #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.headers[.amznErrorType] == code, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
        #expect(response["__type"] == nil, sourceLocation: sourceLocation)
        if let message { #expect(response.message == message, sourceLocation: sourceLocation) }
    }

    @discardableResult
    func putProfile(_ name: String, platform: String = "Notation-OCI-SHA384-ECDSA", extra: String = "") async throws -> JSONResponse {
        try await signer(.put, "/signing-profiles/\(name)", #"{"platformId":"\#(platform)"\#(extra)}"#)
    }
}

@Suite("Signer profiles")
struct SignerProfileTests {
    static let arn = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/EcrSignerProfile"

    @Test(arguments: TestStore.allCases)
    func putAndGetANotationProfile(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            let put = try await client.putProfile("EcrSignerProfile")
            #expect(put.status == .ok)
            #expect(put.headers[.contentType] == "application/json")
            #expect(put.text == #"{"arn":"\#(Self.arn)","profileVersion":"SgnVer0001","profileVersionArn":"\#(Self.arn)/SgnVer0001"}"#)
            let got = try await client.signer(.get, "/signing-profiles/EcrSignerProfile")
            #expect(
                got.text
                    == #"{"arn":"\#(Self.arn)","platformDisplayName":"Notation for container registries","platformId":"Notation-OCI-SHA384-ECDSA","profileName":"EcrSignerProfile","profileVersion":"SgnVer0001","profileVersionArn":"\#(Self.arn)/SgnVer0001","signatureValidityPeriod":{"type":"MONTHS","value":135},"status":"Active","tags":{}}"#
            )
        }
    }

    @Test func realProfileVersionsAreTenMixedCaseCharacters() async throws {
        let server = try TestServer(.inMemory)
        try await server.test(ids: RandomIDGenerator()) { client in
            let put = try await client.putProfile("p1")
            let version = try #require(put["profileVersion"] as? String)
            #expect(version.count == 10 && version.allSatisfy { $0.isLetter || $0.isNumber })
            #expect(version.contains(where: \.isUppercase) && version.contains(where: \.isLowercase))
        }
    }

    @Test(arguments: TestStore.allCases)
    func putSigningProfileValidation(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            try await client.expectSignerError(
                .put, "/signing-profiles/bad-name", #"{"platformId":"Notation-OCI-SHA384-ECDSA"}"#, status: .badRequest, code: "ValidationException",
                message: "1 validation error detected: Value 'bad-name' at 'profileName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_]{2,}")
            try await client.expectSignerError(
                .put, "/signing-profiles/a", #"{"platformId":"Notation-OCI-SHA384-ECDSA"}"#, status: .badRequest, code: "ValidationException")
            try await client.expectSignerError(
                .put, "/signing-profiles/\(String(repeating: "a", count: 65))", #"{"platformId":"Notation-OCI-SHA384-ECDSA"}"#, status: .badRequest,
                code: "ValidationException")
            try await client.expectSignerError(
                .put, "/signing-profiles/p1", #"{"platformId":"not-a-platform"}"#, status: .badRequest, code: "ValidationException",
                message: "Signing platform not-a-platform does not exist")
            try await client.expectSignerError(
                .put, "/signing-profiles/p1", #"{"platformId":"AWSIoTDeviceManagement-SHA256-ECDSA"}"#, status: .badRequest, code: "ValidationException",
                message: "signing material cannot be null.")
            for period in [#"{"value":136,"type":"MONTHS"}"#, #"{"value":12,"type":"YEARS"}"#, #"{"value":4106,"type":"DAYS"}"#, #"{"value":0,"type":"DAYS"}"#, #"{"value":1,"type":"WEEKS"}"#] {
                try await client.expectSignerError(
                    .put, "/signing-profiles/p1", #"{"platformId":"Notation-OCI-SHA384-ECDSA","signatureValidityPeriod":\#(period)}"#, status: .badRequest,
                    code: "ValidationException")
            }
            try await client.expectSignerError(
                .put, "/signing-profiles/p1", #"{"platformId":"Notation-OCI-SHA384-ECDSA","tags":{"aws:x":"y"}}"#, status: .badRequest, code: "ValidationException")
            try await client.expectSignerError(.put, "/signing-profiles/p1", #"{}"#, status: .badRequest, code: "ValidationException")
            try await client.expectSignerError(.put, "/signing-profiles/p1", #"{"platformId":7}"#, status: .badRequest, code: "SerializationException")
            // nothing was created
            let listed = try await client.signer(.get, "/signing-profiles?statuses=Active&statuses=Canceled&statuses=Revoked")
            #expect((listed["profiles"] as? [Any])?.isEmpty == true)
        }
    }

    @Test(arguments: TestStore.allCases)
    func validityBoundsAndOtherPlatforms(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            #expect(try await client.putProfile("one_day", extra: #","signatureValidityPeriod":{"value":1,"type":"DAYS"}"#).status == .ok)
            #expect(try await client.putProfile("max_days", extra: #","signatureValidityPeriod":{"value":4105,"type":"DAYS"}"#).status == .ok)
            #expect(try await client.putProfile("max_years", extra: #","signatureValidityPeriod":{"value":11,"type":"YEARS"}"#).status == .ok)
            let iot = try await client.putProfile(
                "iot", platform: "AWSIoTDeviceManagement-SHA256-ECDSA",
                extra: #","signingMaterial":{"certificateArn":"arn:aws:acm:us-east-1:123456789012:certificate/abc"},"signingParameters":{"param":"v"}"#)
            #expect(iot.status == .ok)
            let got = try await client.signer(.get, "/signing-profiles/iot")
            #expect(got["signingMaterial"] as? [String: String] == ["certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc"])
            #expect(got["signingParameters"] as? [String: String] == ["param": "v"])
            #expect(got["platformDisplayName"] as? String == "AWS IoT Device Management SHA256-ECDSA ")
        }
    }

    @Test(arguments: TestStore.allCases)
    func namesStayReservedAfterCancelAndRevoke(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            try await client.putProfile("p1")
            try await client.expectSignerError(
                .put, "/signing-profiles/p1", #"{"platformId":"Notation-OCI-SHA384-ECDSA"}"#, status: .badRequest, code: "ValidationException",
                message: "Profile with name p1 already exists")
            let canceled = try await client.signer(.delete, "/signing-profiles/p1")
            #expect(canceled.status == .ok && canceled.text.isEmpty)
            try await client.expectSignerError(
                .put, "/signing-profiles/p1", #"{"platformId":"Notation-OCI-SHA384-ECDSA"}"#, status: .badRequest, code: "ValidationException")
            let got = try await client.signer(.get, "/signing-profiles/p1")
            #expect(got["status"] as? String == "Canceled")
            // canceling again changes nothing
            #expect(try await client.signer(.delete, "/signing-profiles/p1").status == .ok)
        }
    }

    @Test(arguments: TestStore.allCases)
    func missingProfilesAreResourceNotFound(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            try await client.expectSignerError(
                .get, "/signing-profiles/missing", status: .notFound, code: "ResourceNotFoundException",
                message: "Signing profile with name missing does not exist")
            try await client.expectSignerError(.delete, "/signing-profiles/missing", status: .notFound, code: "ResourceNotFoundException")
            try await client.expectSignerError(
                .put, "/signing-profiles/missing/revoke", #"{"profileVersion":"SgnVer0001","reason":"r","effectiveTime":1764460000}"#, status: .notFound,
                code: "ResourceNotFoundException")
            try await client.expectSignerError(.get, "/signing-profiles/missing/permissions", status: .notFound, code: "ResourceNotFoundException")
        }
    }

    @Test(arguments: TestStore.allCases)
    func listSigningProfilesFiltersAndPaginates(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            for name in ["d4", "a1", "c3", "b2"] { try await client.putProfile(name) }
            try await client.putProfile("lambda", platform: "AWSLambda-SHA384-ECDSA")
            _ = try await client.signer(.delete, "/signing-profiles/b2")
            let version = try #require(try await client.signer(.get, "/signing-profiles/c3")["profileVersion"] as? String)
            _ = try await client.signer(.put, "/signing-profiles/c3/revoke", #"{"profileVersion":"\#(version)","reason":"leak","effectiveTime":1764460000}"#)

            func names(_ query: String) async throws -> [String] {
                let response = try await client.signer(.get, "/signing-profiles\(query)")
                #expect(response.status == .ok, "\(response.text)")
                return (response["profiles"] as? [[String: Any]])?.compactMap { $0["profileName"] as? String } ?? []
            }
            #expect(try await names("") == ["a1", "d4", "lambda"])
            #expect(try await names("?includeCanceled=true") == ["a1", "b2", "d4", "lambda"])
            #expect(try await names("?statuses=Revoked") == ["c3"])
            #expect(try await names("?statuses=Active&statuses=Revoked") == ["a1", "c3", "d4", "lambda"])
            #expect(try await names("?platformId=AWSLambda-SHA384-ECDSA") == ["lambda"])

            let first = try await client.signer(.get, "/signing-profiles?maxResults=2")
            #expect((first["profiles"] as? [[String: Any]])?.compactMap { $0["profileName"] as? String } == ["a1", "d4"])
            let item = try #require((first["profiles"] as? [[String: Any]])?.first)
            #expect(item["signingMaterial"] as? [String: String] == [:])
            #expect(item["status"] as? String == "Active")
            let token = try #require(first["nextToken"] as? String)
            let encoded = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token
            #expect(try await names("?maxResults=2&nextToken=\(encoded)") == ["lambda"])

            try await client.expectSignerError(.get, "/signing-profiles?maxResults=26", status: .badRequest, code: "ValidationException")
            try await client.expectSignerError(.get, "/signing-profiles?maxResults=0", status: .badRequest, code: "ValidationException")
            try await client.expectSignerError(.get, "/signing-profiles?maxResults=x", status: .badRequest, code: "ValidationException")
            try await client.expectSignerError(.get, "/signing-profiles?statuses=Gone", status: .badRequest, code: "ValidationException")
            try await client.expectSignerError(.get, "/signing-profiles?includeCanceled=maybe", status: .badRequest, code: "ValidationException")
            try await client.expectSignerError(.get, "/signing-profiles?nextToken=garbage", status: .badRequest, code: "ValidationException")
        }
    }

    @Test(arguments: TestStore.allCases)
    func revocationRules(store: TestStore) async throws {
        // the manual clock stands at 1764460800 (2025-11-30T00:00:00Z)
        try await withServer(store) { client, _ in
            try await client.putProfile("p1")
            let uri = "/signing-profiles/p1/revoke"
            try await client.expectSignerError(
                .put, uri, #"{"profileVersion":"WrongVer01","reason":"r","effectiveTime":1764460000}"#, status: .badRequest, code: "ValidationException",
                message: "Profile version WrongVer01 does not match the current version of profile p1")
            try await client.expectSignerError(
                .put, uri, #"{"profileVersion":"SgnVer0001","reason":"r","effectiveTime":1764470000}"#, status: .badRequest, code: "ValidationException",
                message: "Revocation effective time cannot be in the future")
            try await client.expectSignerError(
                .put, uri, #"{"profileVersion":"SgnVer0001","reason":"","effectiveTime":1764460000}"#, status: .badRequest, code: "ValidationException")
            try await client.expectSignerError(.put, uri, #"{"profileVersion":"SgnVer0001","reason":"r"}"#, status: .badRequest, code: "ValidationException")
            try await client.expectSignerError(.put, uri, #"{"profileVersion":"short","reason":"r","effectiveTime":1}"#, status: .badRequest, code: "ValidationException")

            let revoked = try await client.signer(.put, uri, #"{"profileVersion":"SgnVer0001","reason":"key leaked","effectiveTime":1764450000}"#)
            #expect(revoked.status == .ok && revoked.text.isEmpty)
            let got = try await client.signer(.get, "/signing-profiles/p1")
            #expect(got["status"] as? String == "Revoked")
            #expect(got["statusReason"] as? String == "key leaked")
            #expect(
                got["revocationRecord"] as? NSDictionary
                    == ["revocationEffectiveFrom": 1_764_450_000, "revokedAt": 1_764_460_800, "revokedBy": "arn:aws:iam::123456789012:root"])
            // later is refused, earlier is accepted, the state stays Revoked even after a cancel
            try await client.expectSignerError(
                .put, uri, #"{"profileVersion":"SgnVer0001","reason":"r","effectiveTime":1764455000}"#, status: .badRequest, code: "ValidationException")
            #expect(try await client.signer(.put, uri, #"{"profileVersion":"SgnVer0001","reason":"earlier","effectiveTime":1764400000}"#).status == .ok)
            _ = try await client.signer(.delete, "/signing-profiles/p1")
            let after = try await client.signer(.get, "/signing-profiles/p1")
            #expect(after["status"] as? String == "Revoked")
            #expect((after["revocationRecord"] as? [String: Any])?["revocationEffectiveFrom"] as? Int == 1_764_400_000)
        }
    }

    @Test(arguments: TestStore.allCases)
    func profilesAreInvisibleFromAnotherRegion(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            try await client.putProfile("p1")
            let elsewhere = try await client.signer(.get, "/signing-profiles/p1", region: "eu-west-1")
            #expect(elsewhere.status == .notFound)
            let list = try await client.signer(.get, "/signing-profiles", region: "eu-west-1")
            #expect((list["profiles"] as? [Any])?.isEmpty == true)
            // the same name is free there
            let there = try await client.signer(.put, "/signing-profiles/p1", #"{"platformId":"Notation-OCI-SHA384-ECDSA"}"#, region: "eu-west-1")
            #expect(there["arn"] as? String == "arn:aws:signer:eu-west-1:123456789012:/signing-profiles/p1")
        }
    }

    @Test func startSigningJobExplainsThatS3IsNotEmulated() async throws {
        try await withServer(.inMemory) { client, _ in
            try await client.putProfile("p1")
            try await client.expectSignerError(
                .post, "/signing-jobs",
                #"{"source":{"s3":{"bucketName":"b","key":"k","version":"1"}},"destination":{"s3":{"bucketName":"b"}},"profileName":"p1","clientRequestToken":"t"}"#,
                status: .badRequest, code: "ValidationException")
        }
    }
}

@Suite("Signer platforms, tags and permissions")
struct SignerPlatformTagPermissionTests {
    @Test func platformsCatalogNotationFirst() async throws {
        try await withServer(.inMemory) { client, _ in
            let list = try await client.signer(.get, "/signing-platforms")
            let ids = (list["platforms"] as? [[String: Any]])?.compactMap { $0["platformId"] as? String }
            #expect(ids == [
                "Notation-OCI-SHA384-ECDSA", "AWSLambda-SHA384-ECDSA", "AWSIoTDeviceManagement-SHA256-ECDSA", "AmazonFreeRTOS-TI-CC3220SF",
                "AmazonFreeRTOS-Default",
            ])
            let notation = try await client.signer(.get, "/signing-platforms/Notation-OCI-SHA384-ECDSA")
            #expect(notation["displayName"] as? String == "Notation for container registries")
            #expect(notation["revocationSupported"] as? Bool == true)
            #expect(
                (notation["signingConfiguration"] as? [String: Any])?["hashAlgorithmOptions"] as? NSDictionary
                    == ["allowedValues": ["SHA384"], "defaultValue": "SHA384"])
            try await client.expectSignerError(
                .get, "/signing-platforms/nope", status: .notFound, code: "ResourceNotFoundException", message: "Signing platform with id nope does not exist")

            let page = try await client.signer(.get, "/signing-platforms?maxResults=2")
            #expect((page["platforms"] as? [Any])?.count == 2)
            let token = try #require((page["nextToken"] as? String)?.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            let next = try await client.signer(.get, "/signing-platforms?maxResults=2&nextToken=\(token)")
            #expect((next["platforms"] as? [[String: Any]])?.first?["platformId"] as? String == "AWSIoTDeviceManagement-SHA256-ECDSA")
            let freeRTOS = try await client.signer(.get, "/signing-platforms?partner=AmazonFreeRTOS")
            #expect((freeRTOS["platforms"] as? [Any])?.count == 2)
            try await client.expectSignerError(.get, "/signing-platforms?maxResults=30", status: .badRequest, code: "ValidationException")
        }
    }

    static let encodedArn = "arn%3Aaws%3Asigner%3Aus-east-1%3A123456789012%3A%2Fsigning-profiles%2Fp1"

    @Test(arguments: TestStore.allCases)
    func tagsOnProfileArns(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            try await client.putProfile("p1", extra: #","tags":{"team":"a"}"#)
            let tagged = try await client.signer(.post, "/tags/\(Self.encodedArn)", #"{"tags":{"env":"prod","team":"b"}}"#)
            #expect(tagged.status == .ok && tagged.text == "{}")
            let listed = try await client.signer(.get, "/tags/\(Self.encodedArn)")
            #expect(listed.text == #"{"tags":{"env":"prod","team":"b"}}"#)
            let untagged = try await client.signer(.delete, "/tags/\(Self.encodedArn)?tagKeys=env&tagKeys=missing")
            #expect(untagged.status == .ok)
            #expect(try await client.signer(.get, "/tags/\(Self.encodedArn)").text == #"{"tags":{"team":"b"}}"#)
            #expect((try await client.signer(.get, "/signing-profiles/p1")["tags"]) as? [String: String] == ["team": "b"])

            let missing = "arn%3Aaws%3Asigner%3Aus-east-1%3A123456789012%3A%2Fsigning-profiles%2Fnope"
            try await client.expectSignerError(.get, "/tags/\(missing)", status: .notFound, code: "NotFoundException")
            try await client.expectSignerError(.get, "/tags/not-an-arn", status: .badRequest, code: "BadRequestException")
            try await client.expectSignerError(.post, "/tags/\(Self.encodedArn)", #"{"tags":{"aws:x":"y"}}"#, status: .badRequest, code: "BadRequestException")
            try await client.expectSignerError(
                .post, "/tags/\(Self.encodedArn)", #"{"tags":{"k":"\#(String(repeating: "v", count: 257))"}}"#, status: .badRequest, code: "BadRequestException")
            try await client.expectSignerError(.post, "/tags/\(Self.encodedArn)", #"{"tags":{}}"#, status: .badRequest, code: "BadRequestException")
            try await client.expectSignerError(.delete, "/tags/\(Self.encodedArn)", status: .badRequest, code: "BadRequestException")
            let many = (0..<200).map { #""k\#($0)":"v""# }.joined(separator: ",")
            try await client.expectSignerError(.post, "/tags/\(Self.encodedArn)", #"{"tags":{\#(many)}}"#, status: .badRequest, code: "BadRequestException")
            // another region's view of the same ARN is not found
            let other = try await client.signer(.get, "/tags/\(Self.encodedArn)", region: "eu-west-1")
            #expect(other.status == .notFound)
        }
    }

    @Test(arguments: TestStore.allCases)
    func profilePermissionsWithRevisions(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            try await client.putProfile("p1")
            let uri = "/signing-profiles/p1/permissions"
            let empty = try await client.signer(.get, uri)
            #expect(empty.text == #"{"permissions":[],"policySizeBytes":0}"#)

            let first = try await client.signer(.post, uri, #"{"action":"signer:SignPayload","principal":"210987654321","statementId":"s1"}"#)
            #expect(first.status == .ok)
            let revision1 = try #require(first["revisionId"] as? String)
            try await client.expectSignerError(
                .post, uri, #"{"action":"signer:GetSigningProfile","principal":"210987654321","statementId":"s1"}"#, status: .conflict,
                code: "ConflictException")
            try await client.expectSignerError(
                .post, uri, #"{"action":"signer:GetSigningProfile","principal":"210987654321","statementId":"s2","revisionId":"stale"}"#,
                status: .conflict, code: "ConflictException")
            try await client.expectSignerError(
                .post, uri, #"{"action":"signer:StartSigningJob","principal":"210987654321","statementId":"s3"}"#, status: .badRequest,
                code: "ValidationException",
                message: "Action signer:StartSigningJob not supported for platform Notation-OCI-SHA384-ECDSA. Action must be one of [signer:SignPayload, signer:GetSigningProfile, signer:RevokeSignature]")
            try await client.expectSignerError(
                .post, uri, #"{"action":"signer:SignPayload","principal":"nobody","statementId":"s3"}"#, status: .badRequest, code: "ValidationException")
            let second = try await client.signer(
                .post, uri,
                #"{"action":"signer:GetSigningProfile","principal":"arn:aws:iam::210987654321:role/ci","statementId":"s2","revisionId":"\#(revision1)","profileVersion":"SgnVer0001"}"#)
            let revision2 = try #require(second["revisionId"] as? String)
            #expect(revision2 != revision1)

            let listed = try await client.signer(.get, uri)
            #expect(listed["revisionId"] as? String == revision2)
            #expect((listed["policySizeBytes"] as? Int ?? 0) > 100)
            #expect(
                listed["permissions"] as? NSArray == [
                    ["action": "signer:SignPayload", "principal": "210987654321", "statementId": "s1"],
                    ["action": "signer:GetSigningProfile", "principal": "arn:aws:iam::210987654321:role/ci", "statementId": "s2", "profileVersion": "SgnVer0001"],
                ])

            try await client.expectSignerError(.delete, "\(uri)/s1?revisionId=\(revision1)", status: .conflict, code: "ConflictException")
            try await client.expectSignerError(.delete, "\(uri)/s1", status: .badRequest, code: "ValidationException")
            try await client.expectSignerError(.delete, "\(uri)/s9?revisionId=\(revision2)", status: .notFound, code: "ResourceNotFoundException")
            let removed = try await client.signer(.delete, "\(uri)/s1?revisionId=\(revision2)")
            #expect(removed.status == .ok)
            #expect((removed["revisionId"] as? String).map { $0 != revision2 } == true)
            #expect((try await client.signer(.get, uri)["permissions"] as? [Any])?.count == 1)
        }
    }

    @Test func policiesHaveASizeLimit() async throws {
        try await withServer(.inMemory) { client, _ in
            try await client.putProfile("p1")
            var last: JSONResponse?
            for index in 0..<200 {
                let principal = "arn:aws:iam::210987654321:role/\(String(repeating: "r", count: 40))\(index)"
                last = try await client.signer(
                    .post, "/signing-profiles/p1/permissions", #"{"action":"signer:SignPayload","principal":"\#(principal)","statementId":"statement\#(index)"}"#)
                if last?.status != .ok { break }
            }
            #expect(last?.status.code == 402)
            #expect(last?.headers[.amznErrorType] == "ServiceLimitExceededException")
        }
    }

    @Test func crossAccountReadsNeedAPermission() async throws {
        try await withServer(.inMemory) { client, _ in
            try await client.putProfile("p1")
            // the default account reads its own profile through profileOwner
            #expect(try await client.signer(.get, "/signing-profiles/p1?profileOwner=123456789012").status == .ok)
            try await client.expectSignerError(.get, "/signing-profiles/p1?profileOwner=12", status: .badRequest, code: "ValidationException")
            try await client.expectSignerError(.get, "/signing-profiles/p1?profileOwner=210987654321", status: .notFound, code: "ResourceNotFoundException")
        }
    }
}

@Suite("Signer cross-account access")
struct SignerCrossAccountTests {
    @Test func anotherAccountReadsAProfileOnlyWithAGrant() async throws {
        let service = SignerService(store: InMemorySignerStore(), clock: ManualClock(), ids: SequentialIDGenerator())
        let owner = CallerIdentity(account: AccountID(trusted: "123456789012"), region: Region("us-east-1"))
        let other = CallerIdentity(account: AccountID(trusted: "210987654321"), region: Region("us-east-1"))
        let name = try SigningProfileName("shared")
        _ = try await service.putSigningProfile(
            name, SigningProfileRequest(platformId: "Notation-OCI-SHA384-ECDSA", validity: nil, certificateArn: nil, overrides: nil, signingParameters: nil, tags: nil),
            caller: owner)
        await #expect(throws: SignerError.accessDenied(
            "User: arn:aws:iam::210987654321:root is not authorized to perform: signer:GetSigningProfile on resource: arn:aws:signer:us-east-1:123456789012:/signing-profiles/shared"
        )) {
            _ = try await service.signingProfile(name, owner: "123456789012", caller: other)
        }
        // without profileOwner the caller looks in its own account
        await #expect(throws: SignerError.profileNotFound("shared")) { _ = try await service.signingProfile(name, owner: nil, caller: other) }
        _ = try await service.addProfilePermission(
            name, ProfilePermission(statementId: "s1", action: "signer:GetSigningProfile", principal: "210987654321", profileVersion: nil),
            revisionId: nil, caller: owner)
        let profile = try await service.signingProfile(name, owner: "123456789012", caller: other)
        #expect(profile.arn == "arn:aws:signer:us-east-1:123456789012:/signing-profiles/shared")
        // a grant for one action is not a grant for another
        await #expect(throws: SignerError.self) {
            _ = try await service.signingProfile(name, owner: "123456789012", caller: other, action: "signer:SignPayload")
        }
    }
}

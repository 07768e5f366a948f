import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SignetDomain
import SignetWire

/// The AWS Signer control plane (rest-json): profiles, platforms, tags, profile permissions.
struct SignerController: Sendable {
    let signer: SignerService

    func addRoutes(to router: Router<SignetRequestContext>) {
        router.put("/signing-profiles/:profileName", use: putSigningProfile)
        router.get("/signing-profiles/:profileName", use: getSigningProfile)
        router.delete("/signing-profiles/:profileName", use: cancelSigningProfile)
        router.get("/signing-profiles", use: listSigningProfiles)
        router.put("/signing-profiles/:profileName/revoke", use: revokeSigningProfile)
        router.post("/signing-profiles/:profileName/permissions", use: addProfilePermission)
        router.get("/signing-profiles/:profileName/permissions", use: listProfilePermissions)
        router.delete("/signing-profiles/:profileName/permissions/:statementId", use: removeProfilePermission)
        router.get("/signing-platforms", use: listSigningPlatforms)
        router.get("/signing-platforms/:platformId", use: getSigningPlatform)
        router.post("/tags/:resourceArn", use: tagResource)
        router.get("/tags/:resourceArn", use: listTagsForResource)
        router.delete("/tags/:resourceArn", use: untagResource)
        router.post("/signing-jobs", use: startSigningJob)
        router.post("/signing-jobs/with-payload", use: signPayload)
        router.get("/signing-jobs", use: listSigningJobs)
        router.get("/signing-jobs/:jobId", use: describeSigningJob)
        router.put("/signing-jobs/:jobId/revoke", use: revokeSignature)
        // GetRevocationStatus: clients send it to `data-<host>`; it is served whatever the Host header is.
        router.get("/revocations", use: getRevocationStatus)
    }

    // MARK: Signing

    @Sendable func signPayload(_ request: Request, context: SignetRequestContext) async throws -> Response {
        let input = try await RestJSON.decode(SignPayloadInput.self, from: request, context: context)
        let name = try SigningProfileName(input.profileName)
        let signed = try await signer.signPayload(
            input.payload, format: input.payloadFormat, profileName: name, owner: input.profileOwner, caller: try context.requireCaller())
        return try RestJSON.response(SignPayloadOutput(signed))
    }

    @Sendable func describeSigningJob(_ request: Request, context: SignetRequestContext) async throws -> Response {
        let job = try await signer.describeSigningJob(try context.pathParameter("jobId"), caller: try context.requireCaller())
        return try RestJSON.response(DescribeSigningJobOutput(job))
    }

    @Sendable func listSigningJobs(_ request: Request, context: SignetRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        if let invoker = query.get("jobInvoker"), (try? AccountID(invoker)) == nil {
            throw SignerError.invalid([.init(path: "jobInvoker", value: invoker, constraint: .pattern("^[0-9]{12}$"))])
        }
        if let status = query.get("status"), !["InProgress", "Failed", "Succeeded"].contains(status) {
            throw SignerError.invalid([.init(path: "status", value: status, constraint: .oneOf(["InProgress", "Failed", "Succeeded"]))])
        }
        let filter = SigningJobFilter(
            status: query.get("status"), platformId: query.get("platformId"), requestedBy: query.get("requestedBy"),
            isRevoked: try RestJSON.bool(query, "isRevoked"), signatureExpiresBefore: try RestJSON.date(query, "signatureExpiresBefore"),
            signatureExpiresAfter: try RestJSON.date(query, "signatureExpiresAfter"), jobInvoker: query.get("jobInvoker"))
        let page = try await signer.listSigningJobs(
            filter, caller: try context.requireCaller(), maxResults: try RestJSON.int(query, "maxResults"), nextToken: query.get("nextToken"))
        return try RestJSON.response(ListSigningJobsOutput(jobs: page.items.map(SigningJobShape.init), nextToken: page.nextToken))
    }

    @Sendable func revokeSignature(_ request: Request, context: SignetRequestContext) async throws -> Response {
        let input = try await RestJSON.decode(RevokeSignatureInput.self, from: request, context: context)
        try await signer.revokeSignature(
            try context.pathParameter("jobId"), owner: input.jobOwner, reason: input.reason, caller: try context.requireCaller())
        return RestJSON.emptyResponse()
    }

    @Sendable func getRevocationStatus(_ request: Request, context: SignetRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        func required(_ name: String) throws -> String {
            guard let value = query.get(name), !value.isEmpty else { throw SignerError.invalid([.init(path: name, value: nil, constraint: .notNull)]) }
            return value
        }
        guard let timestamp = try RestJSON.date(query, "signatureTimestamp") else {
            throw SignerError.invalid([.init(path: "signatureTimestamp", value: nil, constraint: .notNull)])
        }
        let hashes = query.getAll("certificateHashes")
        guard !hashes.isEmpty else { throw SignerError.invalid([.init(path: "certificateHashes", value: nil, constraint: .notNull)]) }
        let profileVersionArn = try required("profileVersionArn")
        let jobArn = try required("jobArn")
        for (name, value) in [("profileVersionArn", profileVersionArn), ("jobArn", jobArn)] {
            guard (20...2048).contains(value.count) else {
                throw SignerError.invalid([.init(path: name, value: value, constraint: value.count < 20 ? .minLength(20) : .maxLength(2048))])
            }
            // Signet is one partition, `aws` (the partition of every ARN it issues)
            let parts = value.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            if parts.count == 3, parts[0] == "arn", parts[1] != "aws" {
                throw SignerError.validation("Cross-partition signatures are not supported: \(name) \(value) is in partition \(parts[1]), not aws")
            }
        }
        let revoked = try await signer.revocationStatus(
            signatureTime: timestamp, platformId: try required("platformId"), profileVersionArn: profileVersionArn, jobArn: jobArn,
            certificateHashes: hashes)
        return try RestJSON.response(RevocationStatusOutput(revokedEntities: revoked))
    }

    // MARK: Profiles

    @Sendable func putSigningProfile(_ request: Request, context: SignetRequestContext) async throws -> Response {
        let name = try SigningProfileName(try context.pathParameter("profileName"))
        let input = try await RestJSON.decode(PutSigningProfileInput.self, from: request, context: context)
        let profile = try await signer.putSigningProfile(name, try input.request(), caller: try context.requireCaller())
        return try RestJSON.response(PutSigningProfileOutput(profile))
    }

    @Sendable func getSigningProfile(_ request: Request, context: SignetRequestContext) async throws -> Response {
        let name = try SigningProfileName(try context.pathParameter("profileName"))
        let owner = request.uri.queryParameters.get("profileOwner")
        let profile = try await signer.signingProfile(name, owner: owner, caller: try context.requireCaller())
        return try RestJSON.response(GetSigningProfileOutput(profile))
    }

    @Sendable func cancelSigningProfile(_ request: Request, context: SignetRequestContext) async throws -> Response {
        let name = try SigningProfileName(try context.pathParameter("profileName"))
        try await signer.cancelSigningProfile(name, caller: try context.requireCaller())
        return RestJSON.emptyResponse()
    }

    @Sendable func listSigningProfiles(_ request: Request, context: SignetRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let statuses = try query.getAll("statuses").map { raw in
            guard let status = SigningProfile.Status(rawValue: String(raw)) else {
                throw SignerError.invalid([
                    .init(path: "statuses", value: String(raw), constraint: .oneOf(SigningProfile.Status.allCases.map(\.rawValue)))
                ])
            }
            return status
        }
        let filter = ProfileListFilter(
            statuses: statuses.isEmpty ? nil : statuses, includeCanceled: try RestJSON.bool(query, "includeCanceled") ?? false,
            platformId: query.get("platformId"))
        let page = try await signer.listSigningProfiles(
            filter, caller: try context.requireCaller(), maxResults: try RestJSON.int(query, "maxResults"),
            nextToken: query.get("nextToken"))
        return try RestJSON.response(ListSigningProfilesOutput(profiles: page.items.map(SigningProfileShape.init), nextToken: page.nextToken))
    }

    @Sendable func revokeSigningProfile(_ request: Request, context: SignetRequestContext) async throws -> Response {
        let name = try SigningProfileName(try context.pathParameter("profileName"))
        let input = try await RestJSON.decode(RevokeSigningProfileInput.self, from: request, context: context)
        guard input.profileVersion.count == 10 else {
            throw SignerError.invalid([.init(path: "profileVersion", value: input.profileVersion, constraint: .pattern("^[a-zA-Z0-9]{10}$"))])
        }
        try await signer.revokeSigningProfile(
            name, version: input.profileVersion, reason: input.reason, effectiveTime: input.effectiveTime, caller: try context.requireCaller())
        return RestJSON.emptyResponse()
    }

    // MARK: Permissions

    @Sendable func addProfilePermission(_ request: Request, context: SignetRequestContext) async throws -> Response {
        let name = try SigningProfileName(try context.pathParameter("profileName"))
        let input = try await RestJSON.decode(AddProfilePermissionInput.self, from: request, context: context)
        let permission = ProfilePermission(
            statementId: input.statementId, action: input.action, principal: input.principal, profileVersion: input.profileVersion)
        let revision = try await signer.addProfilePermission(name, permission, revisionId: input.revisionId, caller: try context.requireCaller())
        return try RestJSON.response(RevisionOutput(revisionId: revision))
    }

    @Sendable func listProfilePermissions(_ request: Request, context: SignetRequestContext) async throws -> Response {
        let name = try SigningProfileName(try context.pathParameter("profileName"))
        // Signet answers the whole policy in one page and never issues a token here: any token is not one of its own.
        if request.uri.queryParameters.get("nextToken") != nil { throw SignerError.validation("Invalid nextToken") }
        let policy = try await signer.listProfilePermissions(name, caller: try context.requireCaller())
        return try RestJSON.response(ListProfilePermissionsOutput(policy))
    }

    @Sendable func removeProfilePermission(_ request: Request, context: SignetRequestContext) async throws -> Response {
        let name = try SigningProfileName(try context.pathParameter("profileName"))
        let statementId = try context.pathParameter("statementId")
        guard let revisionId = request.uri.queryParameters.get("revisionId") else {
            throw SignerError.invalid([.init(path: "revisionId", value: nil, constraint: .notNull)])
        }
        let revision = try await signer.removeProfilePermission(
            name, statementId: statementId, revisionId: revisionId, caller: try context.requireCaller())
        return try RestJSON.response(RevisionOutput(revisionId: revision))
    }

    // MARK: Platforms

    @Sendable func listSigningPlatforms(_ request: Request, context: SignetRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let page = try signer.listSigningPlatforms(
            category: query.get("category"), partner: query.get("partner"), target: query.get("target"),
            maxResults: try RestJSON.int(query, "maxResults"), nextToken: query.get("nextToken"))
        return try RestJSON.response(ListSigningPlatformsOutput(platforms: page.items.map(SigningPlatformShape.init), nextToken: page.nextToken))
    }

    @Sendable func getSigningPlatform(_ request: Request, context: SignetRequestContext) async throws -> Response {
        try RestJSON.response(SigningPlatformShape(try signer.signingPlatform(try context.pathParameter("platformId"))))
    }

    // MARK: Tags (the ARN arrives percent-encoded, `%2F` included, in one path segment)

    @Sendable func tagResource(_ request: Request, context: SignetRequestContext) async throws -> Response {
        let input: SignerTagResourceInput
        do {
            input = try await RestJSON.decode(SignerTagResourceInput.self, from: request, context: context)
        } catch let error as AWSError where error.code == "ValidationException" {
            // TagResource's model has no ValidationException: its bad requests are BadRequestException
            throw SignerError.badRequest(error.message)
        }
        try await signer.tagResource(try context.pathParameter("resourceArn"), tags: input.tags, caller: try context.requireCaller())
        return try RestJSON.response(EmptyShape())
    }

    @Sendable func listTagsForResource(_ request: Request, context: SignetRequestContext) async throws -> Response {
        let tags = try await signer.tags(of: try context.pathParameter("resourceArn"), caller: try context.requireCaller())
        return try RestJSON.response(SignerTagsOutput(tags: tags))
    }

    @Sendable func untagResource(_ request: Request, context: SignetRequestContext) async throws -> Response {
        let keys = request.uri.queryParameters.getAll("tagKeys")
        try await signer.untagResource(try context.pathParameter("resourceArn"), keys: keys, caller: try context.requireCaller())
        return try RestJSON.response(EmptyShape())
    }

    // MARK: Signing jobs

    /// StartSigningJob signs objects in S3, which Signet does not emulate; container images are signed with SignPayload.
    /// The request is still checked as AWS checks it first: its required members, then the profile it names.
    @Sendable func startSigningJob(_ request: Request, context: SignetRequestContext) async throws -> Response {
        let input = try await RestJSON.decode(StartSigningJobInput.self, from: request, context: context)
        _ = try await signer.signingProfile(
            try SigningProfileName(input.profileName), owner: input.profileOwner, caller: try context.requireCaller(), action: "signer:StartSigningJob")
        throw SignerError.validation(
            "StartSigningJob signs objects in Amazon S3, which Signet does not emulate. Container images are signed with SignPayload or by ECR managed signing.")
    }
}

extension SignetRequestContext {
    /// A path parameter, percent-decoded (Hummingbird hands them over still encoded).
    func pathParameter(_ name: String) throws -> String {
        guard let raw = parameters.get(name) else { throw AWSError.internalFailure }
        return raw.removingPercentEncoding ?? raw
    }

    func requireCaller() throws -> CallerIdentity {
        guard let caller else { throw AWSError.internalFailure }
        return caller
    }
}

/// rest-json framing helpers.
enum RestJSON {
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: SignetRequestContext) async throws -> T {
        try AWSJSON.decode(type, from: try await request.body.collect(upTo: context.maxUploadSize))
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: AWSFraming.restJSON.contentType], body: .init(byteBuffer: try AWSJSON.encode(value)))
    }

    /// 200 with no body (operations whose model has no output shape).
    static func emptyResponse() -> Response {
        Response(status: .ok, headers: [.contentLength: "0"])
    }

    static func bool(_ query: Parameters, _ name: String) throws -> Bool? {
        guard let raw = query.get(name) else { return nil }
        switch raw.lowercased() {
        case "true": return true
        case "false": return false
        default: throw SignerError.invalid([.init(path: name, value: String(raw), constraint: .custom("must be true or false"))])
        }
    }

    /// ISO-8601 timestamps in query strings (epoch seconds accepted too).
    static func date(_ query: Parameters, _ name: String) throws -> Date? {
        guard let raw = query.get(name) else { return nil }
        if let seconds = Double(raw) { return Date(timeIntervalSince1970: seconds) }
        // the formatter forgives text after a valid timestamp: the whole value must be one
        guard raw.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})/) != nil else {
            throw SignerError.invalid([.init(path: name, value: raw, constraint: .custom("must be an ISO-8601 timestamp"))])
        }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: raw) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: raw) { return date }
        throw SignerError.invalid([.init(path: name, value: raw, constraint: .custom("must be an ISO-8601 timestamp"))])
    }

    static func int(_ query: Parameters, _ name: String) throws -> Int? {
        guard let raw = query.get(name) else { return nil }
        guard let value = Int(raw) else {
            throw SignerError.invalid([.init(path: name, value: String(raw), constraint: .custom("must be an integer"))])
        }
        return value
    }
}

import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SignetDomain
import SignetWire
import Testing

@testable import SignetServer

@Suite("SigV4 authentication")
struct SigV4AuthenticationTests {
    static let now = Date(timeIntervalSince1970: 1_764_460_800)

    /// A signed DescribeRegistry request whose parts the test can spoil.
    static func signedHeaders(
        secret: String = "test", accessKey: String = "test", body: String = "{}", date: Date = now, service: String = "ecr", token: String? = nil,
        region: String = "us-east-1"
    ) -> HTTPFields {
        var headers: HTTPFields = [
            HTTPField.Name("X-Amz-Target")!: "AmazonEC2ContainerRegistry_V20150921.DescribeRegistry", .contentType: "application/x-amz-json-1.1",
        ]
        let request = SigV4.Request(
            method: "POST", path: "/", query: "", headers: [("host", "localhost")] + headers.map { ($0.name.canonicalName, $0.value) },
            payloadHash: SigV4.hex(SHA256.hash(data: Data(body.utf8))))
        for (name, value) in SigV4.sign(request, accessKey: accessKey, secret: secret, sessionToken: token, region: region, service: service, date: date) {
            headers[HTTPField.Name(name)!] = value
        }
        return headers
    }

    func expect(_ response: JSONResponse, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == .badRequest, sourceLocation: sourceLocation)
        #expect(response.errorType == code, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.headers[.amznErrorType] == code, sourceLocation: sourceLocation)
    }

    @Test func validSignaturesAreAcceptedAndEachFailureHasItsCode() async throws {
        try await withServer(.inMemory) { client, _ in
            #expect(try await client.send(uri: "/", method: .post, headers: Self.signedHeaders(), body: "{}").status == .ok)
            expect(try await client.send(uri: "/", method: .post, headers: Self.signedHeaders(secret: "wrong"), body: "{}"), "InvalidSignatureException")
            expect(try await client.send(uri: "/", method: .post, headers: Self.signedHeaders(accessKey: "AKIDUNKNOWN"), body: "{}"), "UnrecognizedClientException")
            expect(try await client.send(uri: "/", method: .post, headers: Self.signedHeaders(body: "{}"), body: #"{"x":1}"#), "InvalidSignatureException")
            expect(try await client.send(uri: "/", method: .post, headers: Self.signedHeaders(service: "signer"), body: "{}"), "InvalidSignatureException")
            expect(try await client.send(uri: "/", method: .post, headers: Self.signedHeaders(token: "unexpected"), body: "{}"), "UnrecognizedClientException")

            var unsigned = Self.signedHeaders()
            unsigned[.authorization] = nil
            unsigned[HTTPField.Name("X-Amz-Date")!] = nil
            let missing = try await client.executeRequest(uri: "/", method: .post, headers: unsigned, body: .init(string: "{}"))
            #expect(missing.status == .badRequest)
            #expect(missing.headers[.amznErrorType] == "MissingAuthenticationTokenException")

            var incomplete = Self.signedHeaders()
            incomplete[.authorization] = "AWS4-HMAC-SHA256 Credential=test/20251130/us-east-1/ecr/aws4_request"
            expect(try await client.send(uri: "/", method: .post, headers: incomplete, body: "{}"), "IncompleteSignatureException")
        }
    }

    @Test func aDeclaredBodyHashMustMatchTheBody() async throws {
        try await withServer(.inMemory) { client, _ in
            var headers: HTTPFields = [
                HTTPField.Name("X-Amz-Target")!: "AmazonEC2ContainerRegistry_V20150921.CreateRepository", .contentType: "application/x-amz-json-1.1",
            ]
            let signedBody = #"{"repositoryName":"signed-a"}"#
            headers[HTTPField.Name("x-amz-content-sha256")!] = SigV4.hex(SHA256.hash(data: Data(signedBody.utf8)))
            let request = SigV4.Request(
                method: "POST", path: "/", query: "", headers: [("host", "localhost")] + headers.map { ($0.name.canonicalName, $0.value) },
                payloadHash: SigV4.hex(SHA256.hash(data: Data(signedBody.utf8))))
            for (name, value) in SigV4.sign(request, accessKey: "test", secret: "test", region: "us-east-1", service: "ecr", date: Self.now) {
                headers[HTTPField.Name(name)!] = value
            }
            #expect(try await client.send(uri: "/", method: .post, headers: headers, body: signedBody).status == .ok)
            let swapped = try await client.send(uri: "/", method: .post, headers: headers, body: #"{"repositoryName":"tampered-b"}"#)
            expect(swapped, "InvalidSignatureException")
            let listed = try await client.ecr("DescribeRepositories")
            #expect((listed["repositories"] as? [[String: Any]])?.map { $0["repositoryName"] as? String } == ["signed-a"])
        }
    }

    /// A credential scoped to something that is not a region name is refused as AWS refuses a wrong region.
    @Test func theScopeMustNameARegion() async throws {
        try await withServer(.inMemory) { client, _ in
            let refused = try await client.send(uri: "/", method: .post, headers: Self.signedHeaders(region: "US_EAST_1"), body: "{}")
            expect(refused, "InvalidSignatureException")
            #expect(refused.message == "Credential should be scoped to a valid region, not 'US_EAST_1'. ")
            #expect(try await client.send(uri: "/", method: .post, headers: Self.signedHeaders(region: "eu-west-3"), body: "{}").status == .ok)
        }
    }

    @Test func theClockSkewLimitIsFifteenMinutes() async throws {
        try await withServer(.inMemory) { client, _ in
            let inside = Self.signedHeaders(date: Self.now.addingTimeInterval(-14 * 60))
            #expect(try await client.send(uri: "/", method: .post, headers: inside, body: "{}").status == .ok)
            let late = try await client.send(uri: "/", method: .post, headers: Self.signedHeaders(date: Self.now.addingTimeInterval(-16 * 60)), body: "{}")
            expect(late, "InvalidSignatureException")
            #expect(late.message == "Signature expired: 20251129T234400Z is now earlier than 20251129T234500Z (20251130T000000Z - 15 min.)")
            let early = try await client.send(uri: "/", method: .post, headers: Self.signedHeaders(date: Self.now.addingTimeInterval(16 * 60)), body: "{}")
            expect(early, "InvalidSignatureException")
        }
    }

    /// ECR and Signer are not S3: a request signed with `UNSIGNED-PAYLOAD` as its payload hash (S3's option) does
    /// not verify, whatever its `x-amz-content-sha256` header says; signed with the body's own hash, it does.
    @Test func unsignedPayloadIsNotAcceptedOutsideS3() async throws {
        try await withServer(.inMemory) { client, _ in
            func signed(_ method: String, _ path: String, service: String, payloadHash: String, declared: String?, base: HTTPFields) -> HTTPFields {
                var headers = base
                if let declared { headers[HTTPField.Name("x-amz-content-sha256")!] = declared }
                let request = SigV4.Request(
                    method: method, path: path, query: "", headers: [("host", "localhost")] + headers.map { ($0.name.canonicalName, $0.value) },
                    payloadHash: payloadHash)
                for (name, value) in SigV4.sign(request, accessKey: "test", secret: "test", region: "us-east-1", service: service, date: Self.now) {
                    headers[HTTPField.Name(name)!] = value
                }
                return headers
            }
            let ecr: HTTPFields = [
                HTTPField.Name("X-Amz-Target")!: "AmazonEC2ContainerRegistry_V20150921.DescribeRegistry", .contentType: "application/x-amz-json-1.1",
            ]
            let bodyHash = SigV4.hex(SHA256.hash(data: Data("{}".utf8)))
            for declared in [SigV4.unsignedPayload, nil] {
                let headers = signed("POST", "/", service: "ecr", payloadHash: SigV4.unsignedPayload, declared: declared, base: ecr)
                expect(try await client.send(uri: "/", method: .post, headers: headers, body: "{}"), "InvalidSignatureException")
            }
            // the body's hash, declared or not, verifies
            for declared in [bodyHash, nil] {
                let headers = signed("POST", "/", service: "ecr", payloadHash: bodyHash, declared: declared, base: ecr)
                #expect(try await client.send(uri: "/", method: .post, headers: headers, body: "{}").status == .ok)
            }

            let emptyHash = SigV4.hex(SHA256.hash(data: Data()))
            let unsignedSigner = signed("GET", "/signing-profiles", service: "signer", payloadHash: SigV4.unsignedPayload, declared: SigV4.unsignedPayload, base: [:])
            let refused = try await client.send(uri: "/signing-profiles", method: .get, headers: unsignedSigner)
            #expect(refused.status == .forbidden)
            #expect(refused.headers[.amznErrorType] == "InvalidSignatureException")
            let accepted = signed("GET", "/signing-profiles", service: "signer", payloadHash: emptyHash, declared: emptyHash, base: [:])
            #expect(try await client.send(uri: "/signing-profiles", method: .get, headers: accepted).status == .ok)
        }
    }

    @Test func signerRoutesAnswerAuthenticationFailuresWith403() async throws {
        try await withServer(.inMemory) { client, _ in
            let response = try await client.send(uri: "/signing-profiles", method: .get, headers: [.authorization: "AWS4-HMAC-SHA256 Credential=nobody/20251130/us-east-1/signer/aws4_request, SignedHeaders=host;x-amz-date, Signature=00", HTTPField.Name("X-Amz-Date")!: "20251130T000000Z"])
            #expect(response.status == .forbidden)
            #expect(response.headers[.amznErrorType] == "UnrecognizedClientException")
            #expect(response["__type"] == nil)
        }
    }

    @Test func percentEncodedARNPathsAreSignedAsBotocoreSignsThem() async throws {
        try await withServer(.inMemory) { client, _ in
            try await client.putProfile("p1")
            // send() signs the path exactly as sent (double-encoding %3A and %2F in the canonical URI)
            let tags = try await client.signer(.get, "/tags/arn%3Aaws%3Asigner%3Aus-east-1%3A123456789012%3A%2Fsigning-profiles%2Fp1")
            #expect(tags.status == .ok, "\(tags.text)")
        }
    }

    @Test func credentialsFilesAddAccountsThatSeeOnlyTheirOwnState() async throws {
        let directory = TemporaryDirectory()
        let file = directory.url.appendingPathComponent("credentials.json")
        try Data(#"{"credentials":[{"accessKeyId":"AKIDOTHER","secretAccessKey":"other-secret","accountId":"210987654321"}]}"#.utf8).write(to: file)
        let server = try TestServer(.inMemory)
        var arguments = TestArguments()
        arguments.credentialsFile = file.path
        let app = try buildApplication(arguments, stores: server.stores, clock: ManualClock(), ids: SequentialIDGenerator())
        try await app.test(.router) { client in
            _ = try await client.ecr("CreateRepository", #"{"repositoryName":"mine"}"#)
            var headers: HTTPFields = [
                HTTPField.Name("X-Amz-Target")!: "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories",
                .contentType: "application/x-amz-json-1.1",
            ]
            let request = SigV4.Request(
                method: "POST", path: "/", query: "", headers: [("host", "localhost")] + headers.map { ($0.name.canonicalName, $0.value) },
                payloadHash: SigV4.hex(SHA256.hash(data: Data("{}".utf8))))
            for (name, value) in SigV4.sign(request, accessKey: "AKIDOTHER", secret: "other-secret", region: "us-east-1", service: "ecr", date: Self.now) {
                headers[HTTPField.Name(name)!] = value
            }
            let other = try await client.send(uri: "/", method: .post, headers: headers, body: "{}")
            #expect(other.status == .ok)
            #expect((other["repositories"] as? [Any])?.isEmpty == true)
            // naming the other account's registry is refused without revealing anything
            try await client.expectError("DescribeRepositories", #"{"registryId":"210987654321"}"#, code: "AccessDeniedException")
            // a registry token of the default account cannot be used on the other account's registry host
            let auth = try await client.registryAuth()
            let foreign = try await client.registry(.get, "/v2/", auth: auth, headers: [:])
            #expect(foreign.status == .ok)
        }
    }
}

@Suite("SigV4 test suite vectors")
struct SigV4VectorTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let vectors = root.deletingLastPathComponent().appendingPathComponent("shared/testdata/sigv4")
    static let present = FileManager.default.fileExists(atPath: vectors.path)
    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: vectors.path)) ?? []).filter { !$0.hasSuffix(".md") }.sorted()
    }

    struct Context: Decodable {
        struct Credentials: Decodable {
            let access_key_id: String
            let secret_access_key: String
            let token: String?
        }
        let credentials: Credentials
        let region: String
        let service: String
        let timestamp: String
    }

    /// Parses a signed request file: request line, headers, blank line, body.
    static func parse(_ text: String) -> (method: String, path: String, query: String, headers: [(String, String)], body: String) {
        let parts = text.components(separatedBy: "\n\n")
        var lines = parts[0].components(separatedBy: "\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        let target = requestLine.dropFirst().dropLast().joined(separator: " ")
        let path = String(target.prefix { $0 != "?" })
        let query = target.contains("?") ? String(target.drop { $0 != "?" }.dropFirst()) : ""
        var headers: [(String, String)] = []
        for line in lines {
            if line.hasPrefix(" ") || line.hasPrefix("\t"), let last = headers.popLast() {
                headers.append((last.0, last.1 + " " + line.trimmingCharacters(in: .whitespaces)))  // obs-fold: a space
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
        }
        let body = parts.dropFirst().joined(separator: "\n\n")
        return (String(requestLine[0]), path, query, headers, body.trimmingCharacters(in: .newlines).isEmpty ? "" : body)
    }

    @Test(.enabled(if: present, "the SigV4 vectors are not at ../shared/testdata/sigv4 beside the package root (CI provides them)"), arguments: cases)
    func signedRequestsFromTheSuiteVerify(name: String) throws {
        let directory = Self.vectors.appendingPathComponent(name)
        let context = try JSONDecoder().decode(Context.self, from: Data(contentsOf: directory.appendingPathComponent("context.json")))
        let now = try #require(ISO8601DateFormatter().date(from: context.timestamp))
        let verifier = SigV4Verifier(
            keys: [AccessKey(accessKeyId: context.credentials.access_key_id, secretAccessKey: context.credentials.secret_access_key, accountId: "123456789012", sessionToken: context.credentials.token)])
        for form in ["header", "query"] {
            guard let text = try? String(contentsOf: directory.appendingPathComponent("\(form)-signed-request.txt"), encoding: .utf8) else { continue }
            let parsed = Self.parse(text)
            let declared = parsed.headers.first { $0.0.lowercased() == "x-amz-content-sha256" }?.1
            let request = SigV4.Request(
                method: parsed.method, path: parsed.path, query: parsed.query, headers: parsed.headers,
                payloadHash: declared ?? SigV4.hex(SHA256.hash(data: Data(parsed.body.utf8))))
            #expect(throws: Never.self, "\(name) \(form)") { _ = try verifier.verify(request, service: context.service, now: now) }
            // one changed byte in the body (or a changed method) breaks it
            var tampered = request
            tampered.method = parsed.method == "GET" ? "HEAD" : "PUT"
            #expect(throws: SigV4Failure.self, "\(name) \(form) tampered") { _ = try verifier.verify(tampered, service: context.service, now: now) }
        }
        // the canonical request we compute equals the suite's
        let expected = try String(contentsOf: directory.appendingPathComponent("header-canonical-request.txt"), encoding: .utf8)
        let signed = Self.parse(try String(contentsOf: directory.appendingPathComponent("header-signed-request.txt"), encoding: .utf8))
        let lines = expected.components(separatedBy: "\n")
        let signedHeaderNames = lines[lines.count - 2].split(separator: ";").map(String.init)
        let request = SigV4.Request(
            method: signed.method, path: signed.path, query: signed.query, headers: signed.headers, payloadHash: lines[lines.count - 1])
        let ours = [true, false].map { SigV4.canonicalRequest(request, signedHeaders: signedHeaderNames, normalizePath: $0) }
        #expect(ours.contains(expected), "\(name): \(ours[0])")
    }
}

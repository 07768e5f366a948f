import Crypto
import Foundation
import Testing

@testable import SignetWire

@Suite("SigV4 canonical form")
struct SigV4CanonicalFormTests {
    /// The verifier skips path normalization when the path is already normal: that shortcut must never disagree
    /// with the full RFC 3986 dot-segment removal.
    @Test(arguments: [
        "/", "/ecr/DescribeRepositories", "/signing-profiles/a%3Ab", "/a/b/", "//", "/a//b", "/./a", "/a/.", "/a/..", "/a/../b", "/.well-known/x",
        "/a/.b", "relative", "", "/a/b/../../..", "/a/./b/",
    ])
    func theNormalPathShortcutAgreesWithFullNormalization(path: String) {
        if SigV4.isNormalized(path) {
            #expect(SigV4.normalizedPath(path) == path)
        }
        #expect(SigV4.normalizedPath(SigV4.normalizedPath(path)) == SigV4.normalizedPath(path))
    }

    @Test func credentialScopesHaveExactlyFiveParts() {
        let scope = CredentialScope(credential: "AKID/20261130/eu-west-1/ecr/aws4_request")
        #expect(scope == CredentialScope(credential: "AKID/20261130/eu-west-1/ecr/aws4_request"))
        #expect(scope?.accessKeyId == "AKID" && scope?.date == "20261130" && scope?.region == "eu-west-1" && scope?.service == "ecr")
        for bad in ["AKID/20261130/eu-west-1/ecr", "AKID/20261130/eu-west-1/ecr/aws4_request/x", "/20261130/eu-west-1/ecr/aws4_request",
            "AKID/20261130//ecr/aws4_request", "AKID/20261130/eu-west-1/ecr/aws4_requesx", ""]
        {
            #expect(CredentialScope(credential: bad) == nil, "\(bad)")
        }
    }

    @Test func signaturesInUppercaseHexAreTheSameSignature() throws {
        let date = Date(timeIntervalSince1970: 1_764_460_800)
        let request = SigV4.Request(
            method: "POST", path: "/", query: "", headers: [("Host", "localhost"), ("X-Amz-Target", "T")], payloadHash: SigV4.hex(SHA256.hash(data: Data())))
        var signed = request
        signed.headers += SigV4.sign(request, accessKey: "test", secret: "test", region: "us-east-1", service: "ecr", date: date)
        let verifier = SigV4Verifier(keys: [AccessKey(accessKeyId: "test", secretAccessKey: "test", accountId: "123456789012")])
        #expect(throws: Never.self) { _ = try verifier.verify(signed, service: "ecr", now: date) }
        let index = try #require(signed.headers.firstIndex { $0.name == "Authorization" })
        let authorization = signed.headers[index].value
        let signature = try #require(authorization.split(separator: "=").last)
        signed.headers[index].value = authorization.replacingOccurrences(of: signature, with: signature.uppercased())
        #expect(throws: Never.self) { _ = try verifier.verify(signed, service: "ecr", now: date) }
        signed.headers[index].value = authorization.replacingOccurrences(of: signature, with: String(signature.dropLast()) + "0")
        if signature.last != "0" {
            #expect(throws: SigV4Failure.invalidSignature(SigV4Verifier.mismatch)) { _ = try verifier.verify(signed, service: "ecr", now: date) }
        }
    }

    @Test func authorizationParametersAreReadWhateverTheSpacing() {
        let parsed = SigV4Verifier.authorizationParameters(
            "AWS4-HMAC-SHA256 Credential=AKID/20261130/us-east-1/ecr/aws4_request,SignedHeaders=host;x-amz-date , \tSignature=abc ")
        #expect(parsed.credential == "AKID/20261130/us-east-1/ecr/aws4_request")
        #expect(parsed.signedHeaders == "host;x-amz-date")
        #expect(parsed.signature == "abc")
        // empty values, unknown names and a name with a blank before `=` are not parameters; the last repeat wins
        let odd = SigV4Verifier.authorizationParameters("AWS4-HMAC-SHA256 Credential=, Signature =x, Other=y, SignedHeaders=a, SignedHeaders=b,,")
        #expect(odd.credential == nil)
        #expect(odd.signature == nil)
        #expect(odd.signedHeaders == "b")
        #expect(SigV4Verifier.authorizationParameters("AWS4-HMAC-SHA256").credential == nil)
    }

    /// The verifier's pre-keyed HMAC must be HMAC-SHA256 exactly (RFC 2104), for every key length (longer than a block too).
    @Test func keyedHMACIsHMACSHA256() {
        var generator = SystemRandomNumberGenerator()
        for keyLength in [0, 1, 31, 32, 33, 63, 64, 65, 131] {
            for messageLength in [0, 1, 55, 56, 63, 64, 65, 200, 1000] {
                let key = SymmetricKey(data: (0..<keyLength).map { _ in UInt8.random(in: 0...255, using: &generator) })
                let message = (0..<messageLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let expected = Data(HMAC<SHA256>.authenticationCode(for: message, using: key))
                let actual = message.withUnsafeBytes { Data(KeyedHMAC(key: key).authenticationCode(for: $0)) }
                #expect(actual == expected, "key \(keyLength) bytes, message \(messageLength) bytes")
            }
        }
        // RFC 4231 test case 2
        let rfc = KeyedHMAC(key: SymmetricKey(data: Data("Jefe".utf8)))
        let code = Array("what do ya want for nothing?".utf8).withUnsafeBytes { rfc.authenticationCode(for: $0) }
        #expect(SigV4.hex(code) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    /// A credential resolved once is served from the cache: the same answers, including every refusal that comes after
    /// the key is known (session token, service, date, signature).
    @Test func cachedCredentialsAreCheckedLikeNewOnes() throws {
        let date = Date(timeIntervalSince1970: 1_764_460_800)
        let verifier = SigV4Verifier(keys: [
            AccessKey(accessKeyId: "test", secretAccessKey: "test", accountId: "123456789012"),
            AccessKey(accessKeyId: "temp", secretAccessKey: "s", accountId: "210987654321", sessionToken: "tok"),
        ])
        let request = SigV4.Request(
            method: "POST", path: "/", query: "", headers: [("Host", "localhost")], payloadHash: SigV4.hex(SHA256.hash(data: Data())))
        func signed(_ key: String, _ secret: String, token: String? = nil, service: String = "ecr") -> SigV4.Request {
            var copy = request
            copy.headers += SigV4.sign(request, accessKey: key, secret: secret, sessionToken: token, region: "us-east-1", service: service, date: date)
            return copy
        }
        for _ in 0..<3 {
            #expect(try verifier.verify(signed("test", "test"), service: "ecr", now: date).0.accountId == "123456789012")
            #expect(throws: SigV4Failure.invalidSignature(SigV4Verifier.mismatch)) { _ = try verifier.verify(signed("test", "wrong"), service: "ecr", now: date) }
            #expect(throws: SigV4Failure.wrongService(expected: "signer")) { _ = try verifier.verify(signed("test", "test"), service: "signer", now: date) }
            #expect(try verifier.verify(signed("temp", "s", token: "tok"), service: "ecr", now: date).0.accountId == "210987654321")
            #expect(throws: SigV4Failure.unrecognizedClient) { _ = try verifier.verify(signed("temp", "s"), service: "ecr", now: date) }
            #expect(throws: SigV4Failure.unrecognizedClient) { _ = try verifier.verify(signed("nobody", "x"), service: "ecr", now: date) }
            #expect(throws: SigV4Failure.self) { _ = try verifier.verify(signed("test", "test"), service: "ecr", now: date.addingTimeInterval(901)) }
        }
    }
}

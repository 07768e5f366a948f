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
}

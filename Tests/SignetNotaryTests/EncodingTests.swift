import Foundation
import SignetDomain
import SwiftASN1
import Testing
import X509

@testable import SignetNotary

/// base64url (RFC 7515 §2, no padding, strict as notation is), RFC 3339 times, and the Go renderings notation's
/// messages use (RFC 1123Z times, `pkix.Name.String()` subjects, `%q` identity maps).
@Suite("Encodings")
struct EncodingTests {
    @Test func base64URLEncodesWithoutPadding() {
        #expect(Base64URL.encode(Data()) == "")
        #expect(Base64URL.encode(Data([0xFB])) == "-w")
        #expect(Base64URL.encode(Data([0xFB, 0xFF])) == "-_8")
        #expect(Base64URL.encode(Data([0xFB, 0xFF, 0xBF])) == "-_-_")
        #expect(Base64URL.encode(Data("{\"alg\":\"ES384\"}".utf8)) == "eyJhbGciOiJFUzM4NCJ9")
        // RFC 7515 appendix C
        #expect(Base64URL.encode(Data([3, 236, 255, 224, 193])) == "A-z_4ME")
    }

    @Test func jwsHeaderStringsAreQuotedAndEscaped() throws {
        let arn = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/P_1/kRCfMws4Ok"
        #expect(JWSSigner.jsonString(arn) == "\"\(arn)\"")
        for text in ["a\"b", "a\\b", "tab\there", "line\n", "é/ü", "\u{7F}", ""] {
            let quoted = JWSSigner.jsonString(text)
            #expect(try JSONDecoder().decode(String.self, from: Data(quoted.utf8)) == text, "\(quoted)")
        }
    }

    @Test func base64URLRoundTripsEveryLength() {
        var bytes: [UInt8] = []
        for length in 0..<70 {
            let data = Data(bytes)
            let text = Base64URL.encode(data)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(text.count == (length * 4 + 2) / 3)
            #expect(Base64URL.decode(text) == data)
            bytes.append(UInt8(truncatingIfNeeded: length &* 37 &+ 251))
        }
    }

    @Test(arguments: [
        "A-z_4ME=",  // padding
        "-w==",
        "eyJhbGciOiJFUzM4NCJ9=",
        "A+z/4ME",  // standard alphabet
        "+w",
        "/w",
        "A",  // impossible length
        "AAAAA",
        "A-z_4M E",  // not base64 at all
        "A-z_4M\nE",
        "A-z_4M.E",
        "é",
    ])
    func base64URLDecodingIsStrict(_ text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test func base64URLDecodesUnpaddedInput() {
        #expect(Base64URL.decode("") == Data())
        #expect(Base64URL.decode("A-z_4ME") == Data([3, 236, 255, 224, 193]))
        #expect(Base64URL.decode("-w") == Data([0xFB]))
        #expect(Base64URL.decode("-_8") == Data([0xFB, 0xFF]))
    }

    @Test func rfc3339Formatting() {
        let date = Date(timeIntervalSince1970: 1_795_995_704)  // 2026-11-29T23:41:44Z
        #expect(RFC3339.string(date) == "2026-11-29T23:41:44Z")
        // whole seconds only, always UTC
        let fractional = RFC3339.string(date.addingTimeInterval(0.25))
        #expect(fractional == "2026-11-29T23:41:44Z")
        #expect(RFC3339.string(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
    }

    @Test func rfc3339Parsing() {
        let date = Date(timeIntervalSince1970: 1_795_995_704)
        #expect(RFC3339.date("2026-11-29T23:41:44Z") == date)
        #expect(RFC3339.date("2026-11-30T07:41:44+08:00") == date)
        #expect(RFC3339.date("2026-11-29T15:41:44-08:00") == date)
        #expect(RFC3339.date("2026-11-29T23:41:44+00:00") == date)
        // fractional seconds are accepted when reading
        let fractional = RFC3339.date("2026-11-29T23:41:44.5Z")
        #expect(fractional.map { abs($0.timeIntervalSince(date) - 0.5) < 0.001 } == true)
        // round trip
        #expect(RFC3339.date(RFC3339.string(date)) == date)
        for text in ["2026-11-29 23:41:44Z", "2026-11-29T23:41:44", "29 Nov 2026", "", "2026-13-01T00:00:00Z", "1678769122"] {
            #expect(RFC3339.date(text) == nil, "\(text)")
        }
    }

    @Test func rfc1123AsGoPrintsIt() {
        #expect(SignetNotary.Verifier.rfc1123(RFC3339.date("2022-07-29T23:59:00Z")!) == "Fri, 29 Jul 2022 23:59:00 +0000")
        // the offset a signed time was written with is kept
        let written = "2023-06-27T13:21:21+08:00"
        #expect(SignetNotary.Verifier.rfc1123(RFC3339.date(written)!, asWritten: written) == "Tue, 27 Jun 2023 13:21:21 +0800")
        let west = "2023-01-19T00:21:36-08:00"
        #expect(SignetNotary.Verifier.rfc1123(RFC3339.date(west)!, asWritten: west) == "Thu, 19 Jan 2023 00:21:36 -0800")
        let india = "2023-01-19T05:51:36+05:30"
        #expect(SignetNotary.Verifier.rfc1123(RFC3339.date(india)!, asWritten: india) == "Thu, 19 Jan 2023 05:51:36 +0530")
        #expect(SignetNotary.Verifier.rfc1123(RFC3339.date("2020-11-09T07:00:00Z")!, asWritten: "2020-11-09T07:00:00Z") == "Mon, 09 Nov 2020 07:00:00 +0000")
        // single-digit days are zero-padded, as Go's "02" does
        #expect(SignetNotary.Verifier.rfc1123(RFC3339.date("2026-01-01T00:00:00Z")!) == "Thu, 01 Jan 2026 00:00:00 +0000")
    }

    @Test func goSubjectRendering() throws {
        // encoded C, ST, L, O, OU, CN (Signet's leaf): Go and swift-certificates agree
        let signet = try DistinguishedName {
            CountryName("US")
            StateOrProvinceName("WA")
            LocalityName("us-east-1")
            OrganizationName("Signet")
            OrganizationalUnitName("111122223333")
            CommonName("profile")
        }
        #expect(CertificateChain.goString(signet) == "CN=profile,OU=111122223333,O=Signet,L=us-east-1,ST=WA,C=US")
        #expect(CertificateChain.goString(signet) == signet.description)
        // encoded in another order: Go uses its fixed order
        let reordered = try DistinguishedName {
            OrganizationName("Internet Widgits Pty Ltd")
            StateOrProvinceName("Some-State")
            CountryName("AU")
        }
        #expect(CertificateChain.goString(reordered) == "O=Internet Widgits Pty Ltd,ST=Some-State,C=AU")
        #expect(reordered.description == "C=AU,ST=Some-State,O=Internet Widgits Pty Ltd")
        // RFC 4514 escaping
        let escaped = try DistinguishedName {
            CountryName("US")
            StateOrProvinceName("WA")
            OrganizationName("Acme, Inc.")
            CommonName(" #lead+trail ")
        }
        #expect(CertificateChain.goString(escaped) == "CN=\\ #lead\\+trail\\ ,O=Acme\\, Inc.,ST=WA,C=US")
        // several values of one type form one multi-valued RDN; only the last CN is kept
        let repeated = try DistinguishedName {
            CountryName("US")
            OrganizationalUnitName("a")
            OrganizationalUnitName("b")
            CommonName("first")
            CommonName("last")
        }
        #expect(CertificateChain.goString(repeated) == "CN=last,OU=a+OU=b,C=US")
    }

    @Test func identityListAsGoQuotesIt() {
        #expect(SignetNotary.Verifier.goQuoted(["C=US, ST=WA, O=Notary"]) == "[map[\"C\":\"US\" \"O\":\"Notary\" \"ST\":\"WA\"]]")
        #expect(
            SignetNotary.Verifier.goQuoted(["CN=e2e,O=Notary,L=Seattle,ST=WA,C=USB", "O=Internet Widgits Pty Ltd,S=Some-State,C=AU"])
                == "[map[\"C\":\"USB\" \"CN\":\"e2e\" \"L\":\"Seattle\" \"O\":\"Notary\" \"ST\":\"WA\"] map[\"C\":\"AU\" \"O\":\"Internet Widgits Pty Ltd\" \"ST\":\"Some-State\"]]"
        )
        #expect(SignetNotary.Verifier.goQuoted(["C=US, ST=WA, O=Say \"hi\""]) == "[map[\"C\":\"US\" \"O\":\"Say \\\"hi\\\"\" \"ST\":\"WA\"]]")
    }

    @Test func distinguishedNameText() {
        let parsed = DistinguishedNameText.parse("C=US, S=WA, O=Signet")
        #expect(parsed?.map(\.0) == ["C", "ST", "O"])
        #expect(parsed?.map(\.1) == ["US", "WA", "Signet"])
        #expect(DistinguishedNameText.parse("C=US, C=CA, O=x") == nil)  // duplicate attribute
        #expect(DistinguishedNameText.parse("C=US,,O=x") == nil)
        #expect(DistinguishedNameText.parse("=US") == nil)
        let leaf = [("C", "US"), ("ST", "WA"), ("O", "Signet"), ("CN", "p")]
        #expect(DistinguishedNameText.isSubset([("C", "US"), ("O", "Signet")], of: leaf))
        #expect(!DistinguishedNameText.isSubset([("C", "US"), ("O", "signet")], of: leaf))
        #expect(!DistinguishedNameText.isSubset([("C", "US"), ("OU", "x")], of: leaf))
    }

    @Test func signerArnRecognition() {
        #expect(SignetNotary.Verifier.isSignerProfileArn("arn:aws:signer:us-east-1:111122223333:/signing-profiles/p"))
        #expect(SignetNotary.Verifier.isSignerProfileArn("arn:aws-us-gov:signer:us-gov-west-1:111122223333:/signing-profiles/p/v1"))
        #expect(!SignetNotary.Verifier.isSignerProfileArn("arn:aws:kms:us-east-1:111122223333:/signing-profiles/p"))
        #expect(!SignetNotary.Verifier.isSignerProfileArn("arn:aws:signer:us-east-1:111122223333:/signing-jobs/j"))
        #expect(!SignetNotary.Verifier.isSignerProfileArn("x509.subject: C=US, ST=WA, O=x"))
        let version = "arn:aws:signer:us-east-1:111122223333:/signing-profiles/p/v1"
        #expect(SignetNotary.Verifier.arn("arn:aws:signer:us-east-1:111122223333:/signing-profiles/p", matchesVersion: version))
        #expect(SignetNotary.Verifier.arn("arn:aws:signer:us-east-1:111122223333:/signing-profiles/P/V1", matchesVersion: version))
        #expect(!SignetNotary.Verifier.arn("arn:aws:signer:us-east-1:111122223333:/signing-profiles/p/v2", matchesVersion: version))
        #expect(!SignetNotary.Verifier.arn("arn:aws:signer:us-east-1:111122223333:/signing-profiles", matchesVersion: version))
    }

    @Test func payloadEncoding() throws {
        let descriptor = Descriptor(
            mediaType: ImageManifest.MediaType.ociManifest, digest: SignetDomain.Digest.sha256(of: Data("x".utf8)), size: 42)
        let payload = NotaryPayload(descriptor: descriptor)
        let text = String(decoding: try payload.encoded(), as: UTF8.self)
        #expect(text == "{\"targetArtifact\":{\"digest\":\"\(descriptor.digest)\",\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":42}}")
        #expect(try NotaryPayload.decode(try payload.encoded()) == payload)
        #expect(throws: NotaryError.self) { try NotaryPayload.decode(Data("{\"subject\":{}}".utf8)) }
        #expect(throws: NotaryError.self) { try NotaryPayload.decode(Data("{\"targetArtifact\":{\"digest\":\"sha256:x\",\"size\":1}}".utf8)) }
    }

    @Test func rfc3339MatchesFoundationsFormatterAcrossCalendarEdges() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var instants: [TimeInterval] = [0, -1, -86400, -86401, 951_782_400, 951_868_799, 4_107_542_400, 1_764_460_799.9, 1_764_460_800, 253_402_300_799]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<500 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            instants.append(TimeInterval(Int64(state >> 31) % 8_000_000_000) - 2_000_000_000)
        }
        for instant in instants {
            let date = Date(timeIntervalSince1970: instant)
            #expect(RFC3339.string(date) == formatter.string(from: date), "\(instant)")
        }
    }
}

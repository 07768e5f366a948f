import HTTPTypes
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Testing

@testable import SignetServer

@Suite("HTTP/1.1 request conversion")
struct CodecTests {
    /// ``OriginFormHTTPServerCodec`` makes of every request head what swift-nio-extras' codec makes of it (or fails
    /// where it fails): origin-form targets of every shape, the other forms, Host headers absent, repeated and in
    /// any case, cookies, and methods HTTPTypes does not know.
    @Test func originFormRequestsConvertAsTheExtrasCodecConvertsThem() throws {
        let targets = [
            "/", "/ecr/GetSigningConfiguration", "/v2/a/b/manifests/sha256:ab?x=1&y", "//double/slash", "/%2Fencoded%20path?q=%E2%9C%93",
            "/path#fragment", "/?", "/a b", "*", "http://example.com/abs?q=1", "https://h:8/p", "example.com:443", "relative/path", "",
        ]
        let headerSets: [[(String, String)]] = [
            [],
            [("Host", "127.0.0.1:5050")],
            [("host", "a.example"), ("HOST", "b.example"), ("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.GetSigningConfiguration")],
            [("Host", "h"), ("Cookie", "a=1; b=2"), ("cookie", "c=3"), ("Content-Length", "2"), ("Authorization", "AWS4-HMAC-SHA256 Credential=x")],
            [("Bad Name", "v"), ("Host", "h")],
        ]
        let methods: [HTTPMethod] = [.GET, .POST, .PUT, .HEAD, .DELETE, .OPTIONS, .CONNECT, .RAW(value: "PURGE")]
        var compared = 0
        for target in targets {
            for headers in headerSets {
                for method in methods {
                    let head = HTTPRequestHead(version: .http1_1, method: method, uri: target, headers: HTTPHeaders(headers))
                    let expected = Result { try HTTPRequest(head, secure: false, splitCookie: false) }
                    let actual = Result { try OriginFormHTTPServerCodec.request(head) }
                    switch (expected, actual) {
                    case (.success(let expected), .success(let actual)):
                        #expect(actual == expected, "\(method) \(target) \(headers)")
                        #expect(actual.path == expected.path && actual.authority == expected.authority && actual.headerFields == expected.headerFields)
                    case (.failure, .failure):
                        break
                    default:
                        Issue.record("\(method) \(target) \(headers): \(expected) against \(actual)")
                    }
                    compared += 1
                }
            }
        }
        #expect(compared == targets.count * headerSets.count * methods.count)
    }
}

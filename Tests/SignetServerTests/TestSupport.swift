import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SignetDomain
import SignetStorage
import SignetWire
import Crypto
import Testing

@testable import SignetServer

/// The two metadata/blob store pairs every server suite runs against.
enum TestStore: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case inMemory, sqlite
    var testDescription: String { rawValue }
}

struct TestArguments: AppArguments {
    var hostname = "127.0.0.1"
    var port = 0
    var dataDirectory: String?
    var accountID = "123456789012"
    var region = "us-east-1"
    var logLevel = "error"
    var auth = "sigv4"
    var signingDelayMilliseconds = 0
    var credentialsFile: String?
}

/// A temporary directory removed when the value is dropped.
final class TemporaryDirectory: Sendable {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("signet-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    var path: String { url.path }
}

/// One test server: its stores (so tests can seed blobs) and the directory backing them.
struct TestServer: Sendable {
    let stores: StoreSet
    let directory: TemporaryDirectory?

    init(_ store: TestStore, directory: TemporaryDirectory? = nil) throws {
        switch store {
        case .inMemory:
            stores = try StoreSet.make(dataDirectory: nil)
            self.directory = nil
        case .sqlite:
            let directory = directory ?? TemporaryDirectory()
            stores = try StoreSet.make(dataDirectory: directory.path)
            self.directory = directory
        }
    }

    /// Runs `body` against the router of a server over these stores.
    func test<Value: Sendable>(clock: any SignetClock = ManualClock(), ids: any IDGenerator = SequentialIDGenerator(), _ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        let app = try buildApplication(TestArguments(dataDirectory: directory?.path), stores: stores, clock: clock, ids: ids)
        return try await app.test(.router, body)
    }

    /// Stores `bytes` as a blob and returns its digest string.
    @discardableResult
    func blob(_ bytes: String) async throws -> String {
        try await stores.blobs.put(Data(bytes.utf8)).description
    }
}

/// Runs `body` against a fresh server over `store`.
func withServer<Value: Sendable>(
    _ store: TestStore, clock: any SignetClock = ManualClock(), _ body: @Sendable (any TestClientProtocol, TestServer) async throws -> Value
) async throws -> Value {
    let server = try TestServer(store)
    return try await server.test(clock: clock) { try await body($0, server) }
}

extension HTTPField.Name {
    static let amzTarget = Self("X-Amz-Target")!
    static let amznErrorType = Self("X-Amzn-ErrorType")!
    static let amznRequestId = Self("x-amzn-RequestId")!
}

/// A decoded JSON response.
struct JSONResponse {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String
    let object: [String: Any]

    subscript(key: String) -> Any? { object[key] }
    var errorType: String? { object["__type"] as? String }
    var message: String? { object["message"] as? String }
}

extension TestClientProtocol {
    /// Calls an ECR operation through `POST /` with `X-Amz-Target`, optionally signed for `region`.
    func ecr(_ operation: String, _ json: String = "{}", region: String? = nil) async throws -> JSONResponse {
        let headers: HTTPFields = [
            .amzTarget: "AmazonEC2ContainerRegistry_V20150921.\(operation)", .contentType: "application/x-amz-json-1.1",
        ]
        return try await send(uri: "/", method: .post, headers: headers, body: json, region: region ?? "us-east-1")
    }

    /// Sends a request; AWS-surface requests without an `Authorization` header are SigV4-signed with `test`/`test`
    /// at the test clock's time (2025-11-30T00:00:00Z) for `region`.
    func send(
        uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: String = "", region: String = "us-east-1",
        signedAt date: Date = Date(timeIntervalSince1970: 1_764_460_800)
    ) async throws -> JSONResponse {
        var headers = headers
        if headers[.authorization] == nil, !uri.hasPrefix("/v2"), !uri.hasPrefix("/_signet"), uri != "/metrics" {
            let path = String(uri.prefix { $0 != "?" })
            let query = uri.contains("?") ? String(uri.drop { $0 != "?" }.dropFirst()) : ""
            let service = ["/signing-", "/tags/", "/revocations"].contains { path.hasPrefix($0) } ? "signer" : "ecr"
            let request = SigV4.Request(
                method: method.rawValue, path: path, query: query,
                headers: [("host", "localhost")] + headers.map { ($0.name.canonicalName, $0.value) },
                payloadHash: SigV4.hex(SHA256.hash(data: Data(body.utf8))))
            for (name, value) in SigV4.sign(request, accessKey: "test", secret: "test", region: region, service: service, date: date) {
                headers[HTTPField.Name(name)!] = value
            }
        }
        let response = try await executeRequest(uri: uri, method: method, headers: headers, body: ByteBuffer(string: body))
        let text = String(buffer: response.body)
        let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        return JSONResponse(status: response.status, headers: response.headers, text: text, object: object)
    }

    /// Asserts an AWS JSON 1.1 error: status 400, `__type` and `X-Amzn-ErrorType` both `code`, and (if given) the message.
    func expectError(
        _ operation: String, _ json: String, code: String, message: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let response = try await ecr(operation, json)
        #expect(response.status == .badRequest, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.errorType == code, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.headers[.amznErrorType] == code, sourceLocation: sourceLocation)
        #expect(response.headers[.contentType] == "application/x-amz-json-1.1", sourceLocation: sourceLocation)
        if let message { #expect(response.message == message, sourceLocation: sourceLocation) }
    }
}

/// Builds an OCI image manifest over the given blobs.
func imageManifest(config: String, layers: [String], extra: String = "") -> String {
    let configDescriptor = #"{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\#(Digest.sha256(of: Data(config.utf8)))","size":\#(config.utf8.count)}"#
    let layerDescriptors = layers.map { #"{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"\#(Digest.sha256(of: Data($0.utf8)))","size":\#($0.utf8.count)}"# }
    return #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":\#(configDescriptor),"layers":[\#(layerDescriptors.joined(separator: ","))]\#(extra)}"#
}

/// JSON string literal of `text` (for embedding a manifest in a request body).
func quoted(_ text: String) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes]), as: UTF8.self).dropFirst().dropLast().description
}

func sha256(_ text: String) -> String { Digest.sha256(of: Data(text.utf8)).description }

/// Builds an application over a test server's stores with different arguments.
enum SignetServerTestsHooks {
    static func application(_ server: TestServer, auth: String) throws -> some ApplicationProtocol {
        var arguments = TestArguments(dataDirectory: server.directory?.path)
        arguments.auth = auth
        return try buildApplication(arguments, stores: server.stores, clock: ManualClock(), ids: SequentialIDGenerator())
    }
}

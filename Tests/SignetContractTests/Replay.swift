import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SignetDomain
import SignetStorage
import SignetWire

@testable import SignetServer

struct ContractArguments: AppArguments {
    var hostname = "127.0.0.1"
    var port = 0
    var dataDirectory: String?
    var accountID = "123456789012"
    var region = "us-east-1"
    var logLevel = "critical"
    var auth = "sigv4"
    var signingDelayMilliseconds = 0
    var credentialsFile: String?
}

/// The server's clock in every contract test (ManualClock's start): 2025-11-30T00:00:00Z.
let contractNow = Date(timeIntervalSince1970: 1_764_460_800)

/// Runs `body` against the router of a fresh in-memory server (deterministic clock and ids).
func withContractServer<Value: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
    let app = try buildApplication(ContractArguments(), stores: try StoreSet.make(dataDirectory: nil), clock: ManualClock(), ids: SequentialIDGenerator())
    return try await app.test(.router, body)
}

/// A response as the contract runner sees it.
struct LiveResponse: Sendable {
    let status: Int
    let headers: HTTPFields
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    /// All values of a header, joined with ", " (nil when absent).
    func header(_ name: String) -> String? {
        guard let field = HTTPField.Name(name) else { return nil }
        let values = headers[values: field]
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }

    /// The body as JSON when it is a JSON object or array.
    var json: JSONValue? {
        guard let value = try? JSONParser.parse(body), value.isContainer else { return nil }
        return value
    }

    /// For failure reports: status line, headers and body (cut).
    var dump: String {
        var lines = ["HTTP \(status)"]
        for field in headers { lines.append("\(field.name.rawName): \(field.value)") }
        let shown = json.map { JSONWriter.pretty($0) } ?? text
        lines.append(shown.count > 4000 ? String(shown.prefix(4000)) + "…" : shown)
        return lines.joined(separator: "\n")
    }
}

/// Sends steps to one server, authenticating them as the step asks.
struct StepSender {
    let client: any TestClientProtocol
    /// `Basic …` per region, fetched once with GetAuthorizationToken.
    private var registryAuth: [String: String] = [:]

    init(client: any TestClientProtocol) {
        self.client = client
    }

    mutating func send(_ step: Step, bindings: Bindings) async throws -> LiveResponse {
        let path = try bindings.substitute(step.path)
        var headers = HTTPFields()
        for (name, value) in step.headers {
            guard let field = HTTPField.Name(name) else { throw ContractError("\(step.label): invalid header name \(name)") }
            headers.append(HTTPField(name: field, value: try bindings.substitute(value)))
        }
        var body = Data()
        if let raw = step.body {
            switch try bindings.substitute(raw) {
            case .string(let text): body = Data(text.utf8)
            case let value:
                body = Data(JSONWriter.compact(value).utf8)
                if headers[.contentType] == nil, step.auth == .sigv4 || step.service == "signer" {
                    headers[.contentType] = step.isAWSJSON11 ? "application/x-amz-json-1.1" : "application/json"
                }
            }
        }
        switch step.auth {
        case .none: break
        case .sigv4:
            Self.sign(method: step.method, path: path, headers: &headers, body: body, region: step.region, overrides: step.sigv4, service: step.service)
        case .registry:
            if headers[.authorization] == nil { headers[.authorization] = try await registryAuthorization(region: step.region) }
        }
        guard let method = HTTPRequest.Method(step.method) else { throw ContractError("\(step.label): invalid method") }
        let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: ByteBuffer(bytes: body))
        return LiveResponse(status: Int(response.status.code), headers: response.headers, body: Data(response.body.readableBytesView))
    }

    /// SigV4 header signing as the AWS SDKs do it, at the server clock's time unless the step says otherwise.
    static func sign(
        method: String, path: String, headers: inout HTTPFields, body: Data, region: String, overrides: Step.SigV4Overrides, service: String
    ) {
        let bare = String(path.prefix { $0 != "?" })
        let query = path.contains("?") ? String(path.drop { $0 != "?" }.dropFirst()) : ""
        let request = SigV4.Request(
            method: method, path: bare, query: query, headers: [("host", "localhost")] + headers.map { ($0.name.canonicalName, $0.value) },
            payloadHash: SigV4.hex(SHA256.hash(data: body)))
        let added = SigV4.sign(
            request, accessKey: overrides.accessKey, secret: overrides.secretKey, sessionToken: overrides.sessionToken, region: region,
            service: overrides.service ?? service, date: overrides.signedAt ?? contractNow)
        for (name, value) in added {
            headers[HTTPField.Name(name)!] = value
        }
    }

    private mutating func registryAuthorization(region: String) async throws -> String {
        if let cached = registryAuth[region] { return cached }
        var headers: HTTPFields = [
            HTTPField.Name("X-Amz-Target")!: "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken",
            .contentType: "application/x-amz-json-1.1",
        ]
        Self.sign(method: "POST", path: "/", headers: &headers, body: Data("{}".utf8), region: region, overrides: .init(), service: "ecr")
        let response = try await client.executeRequest(uri: "/", method: .post, headers: headers, body: ByteBuffer(string: "{}"))
        let json = try JSONParser.parse(Data(response.body.readableBytesView))
        guard let token = json["authorizationData"]?.arrayValue?.first?["authorizationToken"]?.stringValue else {
            throw ContractError("GetAuthorizationToken (for auth: registry) failed: \(String(buffer: response.body))")
        }
        let value = "Basic " + token
        registryAuth[region] = value
        return value
    }
}

/// Compares a response with a step's expectation.
enum Expectation {
    static func differences(_ expected: JSONValue, _ live: LiveResponse, bindings: inout Bindings) -> [Difference] {
        var matcher = Matcher(bindings: bindings)
        if case .number(let status)? = expected["status"], Int(status) != live.status {
            matcher.differ("status", "expected \(status), got \(live.status)")
        }
        for member in expected["headers"]?.objectMembers ?? [] {
            let actual = live.header(member.key)
            switch (member.value, actual) {
            case (.null, nil): break
            case (.null, let value?): matcher.differ("headers.\(member.key)", "expected no such header, got \(JSONWriter.quote(value))")
            case (.string(let template), nil): matcher.differ("headers.\(member.key)", "expected \(JSONWriter.quote(template)), but the header is missing")
            case (.string(let template), let value?): matcher.matchText(template, value, path: "headers.\(member.key)")
            default: matcher.differ("headers.\(member.key)", "an expected header must be a string or null")
            }
        }
        if let body = expected["body"] {
            switch body {
            case .string(let template):
                matcher.matchText(template, live.text, path: "body")
            default:
                if let json = live.json {
                    matcher.match(body, json, path: "body")
                } else {
                    matcher.differ("body", "expected JSON \(body.brief()), got \(JSONWriter.quote(String(live.text.prefix(300))))")
                }
            }
        }
        bindings = matcher.bindings
        return matcher.differences
    }
}

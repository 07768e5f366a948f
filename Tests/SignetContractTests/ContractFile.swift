import Foundation
import Testing

/// One `http-tests/<surface>/<case>.json` file: a scenario of ordered steps.
///
///     {
///       "description": "what the scenario shows",
///       "steps": [
///         {
///           "name": "optional label",
///           "request": {
///             "method": "POST", "path": "/ecr/CreateRepository",
///             "headers": {"X-Amz-Target": "..."},           // optional
///             "body": {"repositoryName": "team/app"},        // a JSON object/array, or a string sent as is
///             "auth": "sigv4" | "registry" | "none",        // default: registry under /v2, none for /_signet and
///                                                            // /metrics, sigv4 elsewhere
///             "region": "eu-west-1",                         // sigv4 scope / registry token region (us-east-1)
///             "sigv4": {"accessKey": "test", "secretKey": "test", "service": "ecr", "signedAt": "2025-11-30T00:00:00Z",
///                       "sessionToken": "..."}               // optional overrides, to provoke SigV4 failures
///           },
///           "response": {"status": 200, "headers": {"Content-Type": "..."}, "body": {...}},
///           "poll": true                                     // optional: retry (10 s at most) until the response matches
///         }
///       ]
///     }
struct ContractFile: Sendable, CustomTestStringConvertible, CustomStringConvertible {
    let url: URL
    /// `ecr/create-repository.json`
    let relativePath: String

    var testDescription: String { relativePath }
    var description: String { relativePath }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = root.appendingPathComponent("http-tests")

    /// Every `http-tests/**/*.json`, sorted; `SIGNET_HTTP_TESTS=<substring>` keeps only matching paths.
    static let all: [ContractFile] = {
        let filter = ProcessInfo.processInfo.environment["SIGNET_HTTP_TESTS"].flatMap { $0.isEmpty ? nil : $0 }
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        var files: [ContractFile] = []
        let base = directory.standardizedFileURL.path + "/"
        for case let url as URL in enumerator where url.pathExtension == "json" {
            let path = url.standardizedFileURL.path
            let relative = path.hasPrefix(base) ? String(path.dropFirst(base.count)) : url.lastPathComponent
            if let filter, !relative.contains(filter) { continue }
            files.append(ContractFile(url: url, relativePath: relative))
        }
        return files.sorted { $0.relativePath < $1.relativePath }
    }()

    func load() throws -> (document: JSONValue, steps: [Step]) {
        let data = try Data(contentsOf: url)
        let document: JSONValue
        do {
            document = try JSONParser.parse(data)
        } catch {
            throw ContractError("\(relativePath) is not valid JSON: \(error)")
        }
        guard let members = document.objectMembers else { throw ContractError("\(relativePath): the file must be a JSON object") }
        for member in members where !["description", "steps"].contains(member.key) {
            throw ContractError("\(relativePath): unknown member \"\(member.key)\" (allowed: description, steps)")
        }
        guard let steps = document["steps"]?.arrayValue, !steps.isEmpty else { throw ContractError("\(relativePath): \"steps\" must be a non-empty array") }
        return (document, try steps.enumerated().map { try Step($1, index: $0, file: relativePath) })
    }
}

/// One request and the response it must get.
struct Step {
    enum Auth: String { case sigv4, registry, none }

    struct SigV4Overrides {
        var accessKey = "test"
        var secretKey = "test"
        var service: String?
        var signedAt: Date?
        var sessionToken: String?
    }

    let index: Int
    let name: String?
    let method: String
    let path: String
    let headers: [(String, String)]
    let body: JSONValue?
    let auth: Auth
    let region: String
    let sigv4: SigV4Overrides
    let poll: Bool
    /// The `response` member as written (nil for a step not recorded yet).
    let expected: JSONValue?

    var label: String { "step \(index + 1)\(name.map { " (\($0))" } ?? "") \(method) \(path)" }

    init(_ value: JSONValue, index: Int, file: String) throws {
        self.index = index
        let at = "\(file) step \(index + 1)"
        guard let members = value.objectMembers else { throw ContractError("\(at): a step must be an object") }
        for member in members where !["name", "request", "response", "poll"].contains(member.key) {
            throw ContractError("\(at): unknown member \"\(member.key)\" (allowed: name, request, response, poll)")
        }
        name = value["name"]?.stringValue
        guard let request = value["request"], let requestMembers = request.objectMembers else { throw ContractError("\(at): \"request\" is required") }
        let allowed = ["method", "path", "headers", "body", "auth", "region", "sigv4"]
        for member in requestMembers where !allowed.contains(member.key) {
            throw ContractError("\(at): unknown request member \"\(member.key)\" (allowed: \(allowed.joined(separator: ", ")))")
        }
        guard let method = request["method"]?.stringValue, let path = request["path"]?.stringValue, path.hasPrefix("/") else {
            throw ContractError("\(at): request.method and request.path (starting with /) are required")
        }
        self.method = method.uppercased()
        self.path = path
        var headers: [(String, String)] = []
        for member in request["headers"]?.objectMembers ?? [] {
            guard let text = member.value.stringValue else { throw ContractError("\(at): header \(member.key) must be a string") }
            headers.append((member.key, text))
        }
        self.headers = headers
        body = request["body"]
        if let raw = request["auth"] {
            guard let text = raw.stringValue, let auth = Auth(rawValue: text) else { throw ContractError("\(at): auth must be sigv4, registry or none") }
            self.auth = auth
        } else if path == "/v2" || path.hasPrefix("/v2/") {
            auth = .registry
        } else if path.hasPrefix("/_signet/") || path == "/metrics" || path.hasPrefix("/metrics?") {
            auth = .none
        } else {
            auth = .sigv4
        }
        region = request["region"]?.stringValue ?? "us-east-1"
        var overrides = SigV4Overrides()
        if let sigv4 = request["sigv4"] {
            guard let sigv4Members = sigv4.objectMembers else { throw ContractError("\(at): sigv4 must be an object") }
            for member in sigv4Members {
                guard let text = member.value.stringValue else { throw ContractError("\(at): sigv4.\(member.key) must be a string") }
                switch member.key {
                case "accessKey": overrides.accessKey = text
                case "secretKey": overrides.secretKey = text
                case "service": overrides.service = text
                case "sessionToken": overrides.sessionToken = text
                case "signedAt":
                    guard let date = ISO8601DateFormatter().date(from: text) else { throw ContractError("\(at): sigv4.signedAt must be ISO-8601 (2025-11-30T00:00:00Z)") }
                    overrides.signedAt = date
                default: throw ContractError("\(at): unknown sigv4 member \"\(member.key)\" (accessKey, secretKey, service, signedAt, sessionToken)")
                }
            }
        }
        sigv4 = overrides
        if case .bool(let flag)? = value["poll"] { poll = flag } else { poll = false }
        expected = value["response"]
        if let expected {
            guard let expectedMembers = expected.objectMembers else { throw ContractError("\(at): \"response\" must be an object") }
            for member in expectedMembers where !["status", "headers", "body"].contains(member.key) {
                throw ContractError("\(at): unknown response member \"\(member.key)\" (allowed: status, headers, body)")
            }
            guard case .number? = expected["status"] else { throw ContractError("\(at): response.status must be a number") }
        }
    }

    /// `/ecr/...`, `/` and everything that is not /v2, /_signet or /metrics is an AWS surface; Signer's by prefix.
    var service: String {
        let bare = String(path.prefix { $0 != "?" })
        return ["/signing-profiles", "/signing-platforms", "/signing-jobs", "/tags/", "/revocations"].contains { bare.hasPrefix($0) } ? "signer" : "ecr"
    }

    var isAWSJSON11: Bool {
        let bare = String(path.prefix { $0 != "?" })
        return bare == "/" || bare.hasPrefix("/ecr/")
    }
}

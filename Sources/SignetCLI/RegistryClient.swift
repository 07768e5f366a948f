import Crypto
import Foundation
import SignetWire
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A minimal HTTP client for the registry and Signet's own endpoints (plain HTTP: Signet serves no TLS).
struct RegistryClient: Sendable {
    let host: String
    var authorization: String?

    struct HTTPResult {
        let status: Int
        let headers: [String: String]
        let body: Data
        func header(_ name: String) -> String? {
            headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    /// Sends a request signed with SigV4 (`service` `ecr` or `signer`) using the environment's AWS credentials,
    /// else the built-in `test`/`test`.
    func sendSigned(
        _ method: String, _ path: String, query: String = "", region: String, service: String, headers: [String: String] = [:], body: Data = Data()
    ) async throws -> HTTPResult {
        let environment = ProcessInfo.processInfo.environment
        let accessKey = environment["AWS_ACCESS_KEY_ID"] ?? "test"
        let secret = environment["AWS_SECRET_ACCESS_KEY"] ?? "test"
        let request = SigV4.Request(
            method: method, path: path, query: query, headers: [("host", host)] + headers.map { ($0.key, $0.value) },
            payloadHash: SigV4.hex(SHA256.hash(data: body)))
        var all = headers
        for (name, value) in SigV4.sign(
            request, accessKey: accessKey, secret: secret, sessionToken: environment["AWS_SESSION_TOKEN"], region: region, service: service, date: Date())
        {
            all[name] = value
        }
        var unauthenticated = self
        unauthenticated.authorization = nil
        return try await unauthenticated.send(method, query.isEmpty ? path : "\(path)?\(query)", headers: all, body: body)
    }

    func send(_ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil) async throws -> HTTPResult {
        guard let url = URL(string: "http://\(host)\(path)") else { throw CLIError("invalid URL http://\(host)\(path)") }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        request.httpBody = body
        if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
        for (key, value) in headers { request.setValue(value, forHTTPHeaderField: key) }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw CLIError("no HTTP response from \(host)") }
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields { fields["\(key)"] = "\(value)" }
        return HTTPResult(status: http.statusCode, headers: fields, body: data)
    }
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

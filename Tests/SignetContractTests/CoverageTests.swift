import Foundation
import Testing

/// Every route openapi.yaml documents has, somewhere in http-tests/, a step that succeeds (2xx) and one that fails
/// (4xx/5xx). ECR operations sent to `POST /` count for `POST /ecr/<X-Amz-Target operation>` too.
@Suite("HTTP contract coverage")
struct CoverageTests {
    /// Routes that cannot answer one of the two, and why.
    static let noSuccess: [String: String] = [
        "POST /signing-jobs": "StartSigningJob signs S3 objects, which Signet does not emulate: always 400",
        "DELETE /v2/{name}/blobs/{digest}": "blobs are never deleted: always 405 UNSUPPORTED (404 for a missing repository)",
    ]
    static let noError: [String: String] = [
        "GET /_signet/health": "takes no input (admin/health.json shows another method's error)",
        "GET /_signet/ca.pem": "takes no input (admin/ca-pem.json shows another method's error)",
        "GET /metrics": "takes no input (admin/metrics.json shows another method's error)",
    ]

    /// `/v2/{name}/blobs/{digest}` as a regular expression over request paths (`{name}` may contain `/`; `{{X}}`
    /// references stand for one value).
    static func regex(for template: String) -> NSRegularExpression {
        var pattern = "^"
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            pattern += NSRegularExpression.escapedPattern(for: String(rest[..<open]))
            let close = rest[open...].firstIndex(of: "}")!
            pattern += rest[rest.index(after: open)..<close] == "name" ? ".+" : "[^/]+"
            rest = rest[rest.index(after: close)...]
        }
        pattern += NSRegularExpression.escapedPattern(for: String(rest)) + "$"
        return try! NSRegularExpression(pattern: pattern)
    }

    @Test func everyDocumentedRouteHasASuccessAndAnErrorCase() throws {
        guard ProcessInfo.processInfo.environment["SIGNET_HTTP_TESTS"] == nil else { return }
        let routes = try RouteSetTests.documentedRoutes()
        var outcomes: [String: (success: [String], error: [String])] = [:]
        for file in ContractFile.all {
            let (_, steps) = try file.load()
            for step in steps {
                guard case .number(let raw)? = step.expected?["status"], let status = Int(raw) else { continue }
                let path = String(step.path.prefix { $0 != "?" })
                var keys: [String] = []
                for route in routes where route.method == step.method {
                    let regex = Self.regex(for: route.path)
                    if regex.firstMatch(in: path, range: NSRange(location: 0, length: (path as NSString).length)) != nil {
                        keys.append(route.description)
                    }
                }
                if path == "/", let target = step.headers.first(where: { $0.0.lowercased() == "x-amz-target" })?.1,
                    let operation = target.split(separator: ".").last
                {
                    keys.append("POST /ecr/\(operation)")
                }
                // the most specific template wins (/signing-jobs/with-payload over /signing-jobs/{jobId})
                let specific = keys.filter { !$0.contains("{") }
                for key in specific.isEmpty ? keys : specific {
                    let where_ = "\(file.relativePath) \(step.label)"
                    if (200..<300).contains(status) { outcomes[key, default: ([], [])].success.append(where_) }
                    if status >= 400 { outcomes[key, default: ([], [])].error.append(where_) }
                }
            }
        }
        for route in routes.sorted() {
            let key = route.description
            let outcome = outcomes[key] ?? ([], [])
            if outcome.success.isEmpty && Self.noSuccess[key] == nil {
                Issue.record("http-tests/ has no successful (2xx) step for \(key)")
            }
            if outcome.error.isEmpty && Self.noError[key] == nil {
                Issue.record("http-tests/ has no error (4xx/5xx) step for \(key)")
            }
            if !outcome.success.isEmpty, let reason = Self.noSuccess[key] {
                Issue.record("\(key) is listed as never succeeding (\(reason)) but \(outcome.success[0]) succeeds")
            }
        }
    }
}

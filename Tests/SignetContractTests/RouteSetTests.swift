import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SignetDomain
import SignetStorage
import SignetWire
import Testing

@testable import SignetServer

/// openapi.yaml's (method, path) pairs against what the server serves, both ways.
///
/// Hummingbird's router does not list its routes, so "served" is established two ways:
///   * documented → served: every documented operation is sent through the router (SigV4-signed, or with a registry
///     password under /v2/) with placeholder parameters, and must not get the "no route" answer: 404/400
///     `UnknownOperationException` on the AWS surfaces, `NOT_FOUND` / `UNSUPPORTED` (405) under /v2/;
///   * served → documented: the routes registered in Sources/SignetServer (`router.<method>("<path>"` calls, with
///     `/ecr/:operation` expanded to the operations of the live ECR dispatcher table), plus the /v2/ routes found
///     by probing every method on every OCIRoute shape, must all be documented.
@Suite("Route set")
struct RouteSetTests {
    struct Route: Hashable, Comparable, CustomStringConvertible {
        let method: String
        let path: String
        var description: String { "\(method) \(path)" }
        static func < (a: Route, b: Route) -> Bool { (a.path, a.method) < (b.path, b.method) }
    }

    static let root = ContractFile.root
    static let sources = root.appendingPathComponent("Sources/SignetServer")

    // MARK: openapi.yaml

    /// `paths:` of openapi.yaml read as text: `  /path:` lines, then `    get:` (etc.) lines under them.
    static func documentedRoutes() throws -> Set<Route> {
        let text = try String(contentsOf: root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        var routes = Set<Route>()
        var inPaths = false
        var current: String?
        let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line == "paths:" {
                inPaths = true
                continue
            }
            guard inPaths else { continue }
            if let first = line.first, first != " ", first != "#" { break }  // the next top-level key
            if line.hasPrefix("  /"), !line.hasPrefix("   "), line.hasSuffix(":") {
                current = String(line.dropFirst(2).dropLast()).trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":"), let current {
                let key = String(line.dropFirst(4).dropLast())
                if methods.contains(key) { routes.insert(Route(method: key.uppercased(), path: current)) }
            }
        }
        guard routes.count > 10 else { throw ContractError("openapi.yaml: could not read its paths (found \(routes.count))") }
        return routes
    }

    @Test func openAPIPathsAreRead() throws {
        let routes = try Self.documentedRoutes()
        #expect(routes.contains(Route(method: "POST", path: "/")))
        #expect(routes.contains(Route(method: "POST", path: "/ecr/CreateRepository")))
        #expect(routes.contains(Route(method: "HEAD", path: "/v2/{name}/manifests/{reference}")))
        #expect(routes.contains(Route(method: "DELETE", path: "/signing-profiles/{profileName}/permissions/{statementId}")))
    }

    // MARK: Documented → served (probing)

    /// Placeholder values for path parameters (none of them names an existing resource).
    static let parameterValues = [
        "name": "probe/missing", "reference": "v1", "digest": "sha256:" + String(repeating: "0", count: 64),
        "uuid": "00000000-0000-4000-8000-0000000000ff", "profileName": "probe_profile", "statementId": "probe",
        "platformId": "Notation-OCI-SHA384-ECDSA", "jobId": "00000000-0000-4000-8000-0000000000fe",
        "resourceArn": "arn%3Aaws%3Asigner%3Aus-east-1%3A123456789012%3A%2Fsigning-profiles%2Fprobe_profile",
    ]

    static func concrete(_ template: String) -> String {
        var path = template
        while let open = path.firstIndex(of: "{"), let close = path[open...].firstIndex(of: "}") {
            let name = String(path[path.index(after: open)..<close])
            path.replaceSubrange(open...close, with: parameterValues[name] ?? "probe")
        }
        return path
    }

    /// Whether the router serves `method` at `path`, judged from the answer to a probe.
    static func serves(_ client: some TestClientProtocol, method: String, path: String, auth: String) async throws -> (Bool, String) {
        let isRegistry = path == "/v2" || path.hasPrefix("/v2/")
        var headers = HTTPFields()
        if isRegistry {
            headers[.authorization] = auth
        } else {
            if path == "/" { headers[HTTPField.Name("X-Amz-Target")!] = "AmazonEC2ContainerRegistry_V20150921.DescribeRegistry" }
            let service = ["/signing-", "/tags/", "/revocations"].contains { path.hasPrefix($0) } ? "signer" : "ecr"
            StepSender.sign(method: method, path: path, headers: &headers, body: Data(), region: "us-east-1", overrides: .init(), service: service)
        }
        let response = try await client.executeRequest(uri: path, method: HTTPRequest.Method(method)!, headers: headers, body: ByteBuffer())
        let body = String(buffer: response.body)
        let seen = "\(response.status.code) \(response.headers[HTTPField.Name("X-Amzn-ErrorType")!] ?? "") \(body.prefix(200))"
        if isRegistry {
            if response.status == .methodNotAllowed { return (false, seen) }
            let code = (try? JSONParser.parse(body))?["errors"]?.arrayValue?.first?["code"]?.stringValue
            if code == "NOT_FOUND" || code == "UNSUPPORTED" { return (false, seen) }
            if method == "HEAD", response.status == .notFound {
                // no body on HEAD: the same path's GET tells a routed 404 (NAME_UNKNOWN...) from no route at all
                let get = try await client.executeRequest(uri: path, method: .get, headers: headers, body: ByteBuffer())
                let getCode = (try? JSONParser.parse(Data(get.body.readableBytesView)))?["errors"]?.arrayValue?.first?["code"]?.stringValue
                if getCode == "NOT_FOUND" { return (false, seen + " (GET: NOT_FOUND)") }
            }
            return (true, seen)
        }
        let errorType = response.headers[HTTPField.Name("X-Amzn-ErrorType")!]
        return (errorType != "UnknownOperationException", seen)
    }

    static func registryAuth(_ client: some TestClientProtocol) async throws -> String {
        var sender = StepSender(client: client)
        let step = try Step(
            JSONParser.parse(#"{"request": {"method": "POST", "path": "/ecr/GetAuthorizationToken", "body": {}}}"#), index: 0, file: "route probe")
        let response = try await sender.send(step, bindings: Bindings())
        guard let token = response.json?["authorizationData"]?.arrayValue?.first?["authorizationToken"]?.stringValue else {
            throw ContractError("GetAuthorizationToken failed: \(response.text)")
        }
        return "Basic " + token
    }

    @Test func everyDocumentedRouteIsServed() async throws {
        let documented = try Self.documentedRoutes()
        try await withContractServer { client in
            let auth = try await Self.registryAuth(client)
            for route in documented.sorted() {
                let (served, seen) = try await Self.serves(client, method: route.method, path: Self.concrete(route.path), auth: auth)
                #expect(served, "documented in openapi.yaml but the router has no such route: \(route) (probe \(Self.concrete(route.path)) got \(seen))")
            }
        }
    }

    // MARK: Served → documented

    /// A sample of every OCIRoute case with the path template openapi.yaml documents it under. The switch is
    /// exhaustive, so a new OCIRoute case does not compile until it is added here.
    static func template(of route: OCIRoute) -> String {
        switch route {
        case .catalog: return "/v2/_catalog"
        case .manifest: return "/v2/{name}/manifests/{reference}"
        case .blob: return "/v2/{name}/blobs/{digest}"
        case .uploads: return "/v2/{name}/blobs/uploads/"
        case .upload: return "/v2/{name}/blobs/uploads/{uuid}"
        case .tags: return "/v2/{name}/tags/list"
        case .referrers: return "/v2/{name}/referrers/{digest}"
        }
    }

    static let ociSamples: [OCIRoute] = [
        .catalog, .manifest(name: "n", reference: "r"), .blob(name: "n", digest: "d"), .uploads(name: "n"), .upload(name: "n", id: "i"),
        .tags(name: "n"), .referrers(name: "n", digest: "d"),
    ]

    static func caseName(_ route: OCIRoute) -> String {
        String(String(describing: route).prefix { $0 != "(" })
    }

    @Test func theOCIRouteSamplesCoverEveryCase() throws {
        let source = try String(contentsOf: Self.root.appendingPathComponent("Sources/SignetWire/OCI/OCIRoute.swift"), encoding: .utf8)
        let declared = Set(matches(#"(?m)^\s*case (\w+)\b"#, in: source).map { $0[1] })
        #expect(!declared.isEmpty)
        #expect(Set(Self.ociSamples.map(Self.caseName)) == declared, "OCIRoute.swift declares \(declared.sorted()); update RouteSetTests.ociSamples")
        for sample in Self.ociSamples {
            // each template, filled in, parses back to the same case
            let path = Self.concrete(Self.template(of: sample))
            let parsed = OCIRoute(path.dropFirst("/v2/".count).split(separator: "/", omittingEmptySubsequences: false))
            #expect(parsed.map(Self.caseName) == Self.caseName(sample), "\(path) parses as \(String(describing: parsed))")
        }
    }

    /// `router.<method>("<path>"` registrations in Sources/SignetServer, `:name` as `{name}`.
    static func registeredRoutes() throws -> (routes: [Route], unknownForms: [String]) {
        var routes: [Route] = []
        var unknownForms: [String] = []
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        for file in files.sorted(by: { $0.path < $1.path }) {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in matches(#"router\.(get|put|post|delete|head|patch)\("([^"]*)""#, in: text) {
                let path = match[2].replacingOccurrences(of: #":(\w+)"#, with: "{$1}", options: .regularExpression)
                routes.append(Route(method: match[1].uppercased(), path: path))
            }
            // any other way of adding routes is not understood by this test: fail loudly rather than miss routes
            // (`buildResponder` adds no route: it turns the router into the responder the server and the fast path share)
            for match in matches(#"router\.(\w+)\("#, in: text) where !["get", "put", "post", "delete", "head", "patch", "add", "group", "buildResponder"].contains(match[1]) {
                unknownForms.append("\(file.lastPathComponent): router.\(match[1])(")
            }
            for match in matches(#"router\.group\("([^"]*)"\)"#, in: text) where match[1] != "v2" {
                unknownForms.append("\(file.lastPathComponent): router.group(\"\(match[1])\")")
            }
            for match in matches(#"router\.add\((\w+):"#, in: text) where match[1] != "middleware" {
                unknownForms.append("\(file.lastPathComponent): router.add(\(match[1]):")
            }
        }
        return (routes, unknownForms)
    }

    /// The operations of the ECR dispatcher table the server builds (`/ecr/:operation` and `POST /`).
    static func ecrOperations() throws -> [String] {
        let clock = ManualClock()
        let blobs = InMemoryBlobStore()
        let registry = RegistryService(metadata: InMemoryMetadataStore(), blobs: blobs, clock: clock)
        let key = RegistryKey(account: try AccountID("123456789012"), region: Region("us-east-1"))
        let controller = ECRController(
            registry: registry, uploads: BlobUploads(blobs: blobs), tokens: RegistryTokens(secret: Data(count: 32), clock: clock),
            ids: SequentialIDGenerator(), endpoint: RegistryEndpoint(hostname: "127.0.0.1", port: 0), defaultRegistry: key, clock: clock)
        return controller.makeDispatcher().operations
    }

    /// The /v2/ routes, by probing every method on every OCIRoute shape (and the base).
    static func probedRegistryRoutes(_ client: some TestClientProtocol, auth: String) async throws -> [Route: String] {
        var served: [Route: String] = [:]
        let methods = ["GET", "HEAD", "PUT", "POST", "PATCH", "DELETE", "OPTIONS"]
        for template in ["/v2/"] + ociSamples.map(template(of:)) {
            for method in methods {
                let (isServed, seen) = try await serves(client, method: method, path: concrete(template), auth: auth)
                if isServed { served[Route(method: method, path: template)] = seen }
            }
        }
        return served
    }

    @Test func everyServedRouteIsDocumented() async throws {
        let documented = try Self.documentedRoutes()
        let (registered, unknownForms) = try Self.registeredRoutes()
        #expect(unknownForms.isEmpty, "route registrations this test cannot read (teach RouteSetTests.registeredRoutes): \(unknownForms)")
        #expect(Set(registered).count == registered.count, "a route is registered twice: \(registered.sorted())")
        #expect(registered.contains(Route(method: "POST", path: "/ecr/{operation}")), "ECRController no longer registers POST /ecr/:operation")
        var served = Set(registered.filter { $0.path != "/ecr/{operation}" })
        let operations = try Self.ecrOperations()
        #expect(operations.count > 20)
        for operation in operations { served.insert(Route(method: "POST", path: "/ecr/\(operation)")) }
        let registry = try await withContractServer { client in
            try await Self.probedRegistryRoutes(client, auth: try await Self.registryAuth(client))
        }
        #expect(registry[Route(method: "GET", path: "/v2/")] != nil, "probing found no GET /v2/: \(registry.keys.sorted())")
        served.formUnion(registry.keys)

        // the router answers HEAD wherever it serves GET (Router options: .autoGenerateHeadEndpoints); those HEAD
        // routes need not be documented
        served = served.filter { $0.method != "HEAD" || documented.contains($0) || !documented.contains(Route(method: "GET", path: $0.path)) }
        for route in served.subtracting(documented).sorted() {
            let probe = registry[route].map { " (probe \(Self.concrete(route.path)) got \($0))" } ?? ""
            Issue.record("served but not in openapi.yaml: \(route)\(probe) (document it in scripts/gen-openapi.py and regenerate)")
        }
        // and the other way round, as far as the sources tell (the probing test above is the authority)
        for route in documented.subtracting(served).sorted() {
            Issue.record("documented in openapi.yaml but not registered in Sources/SignetServer: \(route)")
        }
        // X-Amz-Target values documented for POST / are exactly the dispatcher's operations
        let spec = try String(contentsOf: Self.root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        let targets = Set(matches(#"(?m)^\s+- AmazonEC2ContainerRegistry_V20150921\.(\w+)$"#, in: spec).map { $0[1] })
        #expect(targets == Set(operations), "X-Amz-Target enum vs dispatcher: \(targets.symmetricDifference(Set(operations)).sorted())")
    }
}

/// All matches of `pattern` in `text`, each as [whole, group 1, group 2, ...] ("" for a group that did not take part).
func matches(_ pattern: String, in text: String) -> [[String]] {
    let regex = try! NSRegularExpression(pattern: pattern)
    let ns = text as NSString
    return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { match in
        (0..<match.numberOfRanges).map { match.range(at: $0).location == NSNotFound ? "" : ns.substring(with: match.range(at: $0)) }
    }
}

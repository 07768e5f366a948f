import ArgumentParser
import Crypto
import Foundation
import SignetDomain
import SignetNotary
import SwiftASN1
import X509

/// `signet verify`: notation-style verification of a Signet (or any Notary JWS) signature.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify the Notary Project signatures of HOST/REPO:TAG or HOST/REPO@sha256:… against a trust policy (exit 0 on success, 1 on failure).")

    @Argument(help: "The artifact: HOST/REPO:TAG or HOST/REPO@sha256:DIGEST.")
    var reference: String

    @Option(help: "A notation trust policy file (trustpolicy.oci.json).")
    var policy: String

    @Option(help: "Registry user name (AWS). Without it, a token is requested from the server.")
    var username: String?

    @Option(help: "Registry password (from `aws ecr get-login-password`).")
    var password: String?

    @Option(name: .customLong("trust-store"), help: "A notation-style trust store directory (x509/<type>/<name>/*.pem). Default: the server's root CA for signingAuthority stores.")
    var trustStore: String?

    @Option(name: .customLong("max-signatures"), help: "At most this many signatures are evaluated.")
    var maxSignatures: Int = 100

    @Flag(name: [.customShort("d"), .customLong("debug")], help: "Print why each signature failed.")
    var debug = false

    func run() async throws {
        do {
            let code = try await verify()
            throw ExitCode(code)
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    func fail(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
        return 1
    }

    func verify() async throws -> Int32 {
        let parsed = try ArtifactReference(reference)
        let policyData = try Data(contentsOf: URL(fileURLWithPath: policy))
        let trustPolicy: TrustPolicy
        do {
            trustPolicy = try TrustPolicy(json: policyData)
        } catch {
            return fail("\(error)")
        }
        var client = RegistryClient(host: parsed.host)
        let region = try await Self.region(of: client)
        client.authorization = try await authorization(client, region: region)

        // resolve the reference with HEAD, as notation does
        let accept = [
            ImageManifest.MediaType.ociManifest, ImageManifest.MediaType.ociIndex, ImageManifest.MediaType.dockerManifest,
            ImageManifest.MediaType.dockerManifestList,
        ].joined(separator: ", ")
        let head = try await client.send("HEAD", "/v2/\(parsed.repository)/manifests/\(parsed.tag ?? parsed.digest ?? "")", headers: ["Accept": accept])
        guard head.status == 200 else {
            return fail("signature verification failed: failed to resolve \(reference): response status code \(head.status)")
        }
        guard let digestText = head.header("Docker-Content-Digest") ?? parsed.digest, let digest = SignetDomain.Digest(parsing: digestText),
            let mediaType = head.header("Content-Type")?.split(separator: ";").first.map({ String($0).trimmingCharacters(in: .whitespaces) }),
            let size = head.header("Content-Length").flatMap(Int64.init)
        else { return fail("signature verification failed: the registry did not describe \(reference)") }
        if let requested = parsed.digest, requested != digest.description {
            return fail("signature verification failed: user input digest \(requested) does not match the resolved digest \(digest)")
        }
        let resolved = "\(parsed.host)/\(parsed.repository)@\(digest)"
        let descriptor = Descriptor(mediaType: mediaType, digest: digest, size: size)

        guard let statement = trustPolicy.statement(for: "\(parsed.host)/\(parsed.repository)") else {
            return fail(
                "signature verification failed: artifact \"\(resolved)\" has no applicable oci trust policy statement. Trust policy applicability for a given artifact is determined by registryScopes. To create a trust policy, see: https://notaryproject.dev/docs/quickstart/#create-a-trust-policy")
        }
        if let tag = parsed.tag {
            FileHandle.standardError.write(
                Data("Warning: Always verify the artifact using digest(@sha256:...) rather than a tag(:\(tag)) because resolved digest may not point to the same signed artifact, as tags are mutable.\n".utf8))
        }
        if statement.level == .skip {
            print("Trust policy is configured to skip signature verification for \(resolved)")
            return 0
        }

        let signatures = try await signatureDescriptors(client, parsed.repository, digest)
        guard !signatures.isEmpty else {
            return fail("signature verification failed: no signature is associated with \"\(resolved)\", make sure the artifact was signed successfully")
        }
        let anchors = try await trustAnchors(client)
        let revocationClient = client
        let storeRoot = trustStore.map { URL(fileURLWithPath: $0) }
        let verifier = Verifier(
            trustStore: { type, name in anchors(type, name) },
            // with --trust-store, a named store is a directory that must exist; without, the server's root stands in
            storeExists: { type, name in
                guard let storeRoot else { return true }
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: Self.storeDirectory(storeRoot, type, name).path, isDirectory: &isDirectory)
                    && isDirectory.boolValue
            },
            revokedEntities: { envelope in try await Self.revokedEntities(revocationClient, region: region, envelope) })
        for (index, signature) in signatures.enumerated() {
            guard index < maxSignatures else {
                return fail("signature evaluation stopped. The configured limit of \(maxSignatures) signatures to verify per artifact exceeded")
            }
            let manifest = try await client.send("GET", "/v2/\(parsed.repository)/manifests/\(signature)", headers: ["Accept": ImageManifest.MediaType.ociManifest])
            guard manifest.status == 200, let object = try? JSONSerialization.jsonObject(with: manifest.body) as? [String: Any],
                let layer = (object["layers"] as? [[String: Any]])?.first, let layerDigest = layer["digest"] as? String,
                let layerMediaType = layer["mediaType"] as? String
            else { continue }
            let blob = try await client.send("GET", "/v2/\(parsed.repository)/blobs/\(layerDigest)")
            guard blob.status == 200 else { continue }
            switch await verifier.verify(envelope: blob.body, mediaType: layerMediaType, descriptor: descriptor, statement: statement) {
            case .verified(let warnings):
                for warning in warnings { FileHandle.standardError.write(Data("\(warning)\n".utf8)) }
                if !warnings.isEmpty { print("") }
                print("Successfully verified signature for \(resolved)")
                return 0
            case .failed(let reason):
                if debug {
                    FileHandle.standardError.write(Data("Signature \(signature) failed verification with error: \(reason)\n".utf8))
                }
            }
        }
        return fail("signature verification failed for all the signatures associated with \(resolved)")
    }

    func authorization(_ client: RegistryClient, region: String) async throws -> String? {
        if let username, let password {
            return "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        }
        let response = try await client.sendSigned(
            "POST", "/ecr/GetAuthorizationToken", region: region, service: "ecr",
            headers: ["Content-Type": "application/x-amz-json-1.1"], body: Data("{}".utf8))
        let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        if response.status == 200, let token = ((object?["authorizationData"] as? [[String: Any]])?.first?["authorizationToken"]) as? String {
            return "Basic \(token)"
        }
        // An AWS error (wrong secret, unknown key, skewed clock): the login failed, say why now. Going on without
        // credentials only met a 401 challenge, which FoundationNetworking waits on forever.
        if let code = response.header("X-Amzn-ErrorType") ?? (object?["__type"] as? String) {
            let message = (object?["message"] as? String) ?? (object?["Message"] as? String) ?? ""
            throw CLIError(
                "cannot log in to the registry at \(client.host): GetAuthorizationToken answered \(code): \(message) "
                    + "(credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, else test/test; or pass --username and --password)")
        }
        return nil  // not an ECR endpoint (a registry of another kind): go on without credentials
    }

    /// The region of the registry at `client.host`: from an `<account>.dkr.ecr.<region>.…` host name, else the
    /// server's default region (`/_signet/health`).
    static func region(of client: RegistryClient) async throws -> String {
        let labels = client.host.split(separator: ":").first?.split(separator: ".") ?? []
        if labels.count >= 5, labels[1] == "dkr", labels[2] == "ecr" { return String(labels[3]) }
        let health = try await client.send("GET", "/_signet/health")
        let object = try? JSONSerialization.jsonObject(with: health.body) as? [String: Any]
        return object?["region"] as? String ?? "us-east-1"
    }

    /// Signature manifests through the referrers API, falling back to the `sha256-<hex>` tag schema.
    func signatureDescriptors(_ client: RegistryClient, _ repository: String, _ digest: SignetDomain.Digest) async throws -> [String] {
        let artifactType = SignatureManifest.artifactType
        let referrers = try await client.send(
            "GET", "/v2/\(repository)/referrers/\(digest)?artifactType=\(artifactType.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? artifactType)")
        var index: Data?
        if referrers.status == 200, referrers.header("Content-Type") == ImageManifest.MediaType.ociIndex {
            index = referrers.body
        } else {
            let fallback = try await client.send(
                "GET", "/v2/\(repository)/manifests/\(digest.algorithm)-\(digest.hex)", headers: ["Accept": ImageManifest.MediaType.ociIndex])
            if fallback.status == 200 { index = fallback.body }
        }
        guard let index, let object = try? JSONSerialization.jsonObject(with: index) as? [String: Any],
            let manifests = object["manifests"] as? [[String: Any]]
        else { return [] }
        return manifests.compactMap { descriptor in
            guard descriptor["artifactType"] as? String == artifactType else { return nil }
            return descriptor["digest"] as? String
        }
    }

    /// Trust anchors: `--trust-store` (notation layout) or, for signingAuthority stores, the server's root CA.
    /// A notation-style trust store: `<root>/x509/<type>/<name>`.
    static func storeDirectory(_ root: URL, _ type: String, _ name: String) -> URL {
        root.appendingPathComponent("x509/\(type)/\(name)")
    }

    func trustAnchors(_ client: RegistryClient) async throws -> @Sendable (String, String) -> [Certificate] {
        if let trustStore {
            let root = URL(fileURLWithPath: trustStore)
            return { type, name in
                let directory = Self.storeDirectory(root, type, name)
                let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
                return files.sorted().flatMap { file -> [Certificate] in
                    guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(file).path) else { return [] }
                    return Self.certificates(in: data)
                }
            }
        }
        let response = try await client.send("GET", "/_signet/ca.pem")
        let roots = response.status == 200 ? Self.certificates(in: response.body) : []
        return { type, _ in type == "signingAuthority" ? roots : [] }
    }

    static func certificates(in data: Data) -> [Certificate] {
        let text = String(decoding: data, as: UTF8.self)
        if text.contains("-----BEGIN CERTIFICATE-----") {
            return text.components(separatedBy: "-----END CERTIFICATE-----").compactMap { chunk in
                guard let start = chunk.range(of: "-----BEGIN CERTIFICATE-----") else { return nil }
                return try? Certificate(pemEncoded: String(chunk[start.lowerBound...]) + "-----END CERTIFICATE-----")
            }
        }
        return (try? Certificate(derEncoded: Array(data))).map { [$0] } ?? []
    }

    /// Asks the server's Signer revocation endpoint (`GET /revocations`) about the signature.
    static func revokedEntities(_ client: RegistryClient, region: String, _ envelope: JWSEnvelope) async throws -> [String] {
        guard let versionArn = envelope.attribute("com.amazonaws.signer.signingProfileVersion"),
            let jobArn = envelope.attribute("com.amazonaws.signer.signingJob")
        else { return [] }  // not an AWS Signer-style signature: nothing Signer could have revoked
        var items = [
            ("signatureTimestamp", RFC3339.string(envelope.signingTime)), ("platformId", SigningPlatform.notationPlatformId),
            ("profileVersionArn", versionArn), ("jobArn", jobArn),
        ]
        for hash in certificateHashes(envelope.certificates) { items.append(("certificateHashes", hash)) }
        let query = items.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.1)" }.joined(separator: "&")
        let response = try await client.sendSigned("GET", "/revocations", query: query, region: region, service: "signer")
        guard response.status == 200, let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
            let revoked = object["revokedEntities"] as? [String]
        else { throw CLIError("GetRevocationStatus answered \(response.status)") }
        return revoked
    }

    /// hex(SHA-384(TBS(cert i))) ‖ hex(SHA-384(TBS(cert i+1))), the root paired with itself (Signer's format).
    static func certificateHashes(_ chain: [Certificate]) -> [String] {
        chain.indices.map { index in
            let next = index + 1 < chain.count ? chain[index + 1] : chain[index]
            return SHA384.hash(data: chain[index].tbsCertificateBytes).hexString + SHA384.hash(data: next.tbsCertificateBytes).hexString
        }
    }
}

/// `HOST/REPO:TAG` or `HOST/REPO@sha256:…`.
struct ArtifactReference {
    let host: String
    let repository: String
    let tag: String?
    let digest: String?

    init(_ text: String) throws {
        guard let slash = text.firstIndex(of: "/") else { throw CLIError("reference \(text) must be HOST/REPO:TAG or HOST/REPO@DIGEST") }
        host = String(text[..<slash])
        let rest = String(text[text.index(after: slash)...])
        if let at = rest.firstIndex(of: "@") {
            repository = String(rest[..<at])
            digest = String(rest[rest.index(after: at)...])
            tag = nil
        } else if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            repository = String(rest[..<colon])
            tag = String(rest[rest.index(after: colon)...])
            digest = nil
        } else {
            throw CLIError("reference \(text) has neither a tag nor a digest")
        }
        guard !repository.isEmpty else { throw CLIError("reference \(text) has no repository") }
    }
}

/// `signet trust-store export`: the root CA certificate of a running server or of a data directory.
struct TrustStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trust-store", abstract: "Trust-store helpers.", subcommands: [Export.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print Signet's root CA certificate (PEM).")

        @Option(help: "A running server, e.g. http://127.0.0.1:5050.")
        var endpoint: String?

        @Option(name: .customLong("data-dir"), help: "A data directory (reads ca/root.pem).")
        var dataDir: String?

        func run() async throws {
            if let dataDir {
                let path = URL(fileURLWithPath: dataDir).appendingPathComponent("ca/root.pem").path
                guard let pem = FileManager.default.contents(atPath: path) else {
                    throw CLIError("no certificate authority in \(dataDir) (start `signet serve --data-dir \(dataDir)` once to create it)")
                }
                // as the endpoint serves it: ending in a newline, so that `>>` onto a bundle keeps it valid PEM
                FileHandle.standardOutput.write(pem.last == UInt8(ascii: "\n") ? pem : pem + Data("\n".utf8))
                return
            }
            let endpoint = endpoint ?? "http://127.0.0.1:5050"
            let host = endpoint.replacingOccurrences(of: "http://", with: "").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            let response = try await RegistryClient(host: host).send("GET", "/_signet/ca.pem")
            guard response.status == 200 else { throw CLIError("\(endpoint)/_signet/ca.pem answered \(response.status)") }
            FileHandle.standardOutput.write(response.body)
        }
    }
}

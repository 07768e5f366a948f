import Crypto
import Foundation
import SignetDomain
import SwiftASN1
import Testing
import X509

@testable import SignetNotary

/// The public Notary Project test vectors live outside the clone, in `../shared/testdata/notary-vectors` relative to the
/// package root (CI checks `shared` out beside the repository). Suites that need them are marked
/// `.enabled(if: Vectors.present, Vectors.absentComment)`, so without the folder they are reported as skipped with that
/// comment instead of failing.
enum Vectors {
    /// The package root: this file is `<root>/Tests/SignetNotaryTests/Vectors.swift`.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let root = packageRoot.appendingPathComponent("../shared/testdata/notary-vectors").standardizedFileURL
    static let present = FileManager.default.fileExists(atPath: root.appendingPathComponent("SOURCES.md").path)
    static let absentComment: Comment =
        "the Notary test vectors are not at ../shared/testdata/notary-vectors beside the package root (CI provides them)"

    static func url(_ path: String) -> URL { root.appendingPathComponent(path) }
    static func data(_ path: String) throws -> Data { try Data(contentsOf: url(path)) }

    /// `notation-go/mock/*.json` file names.
    static func mockNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url("notation-go/mock").path).filter { $0.hasSuffix(".json") }.sorted()
    }

    static func mock(_ name: String) throws -> Data { try data("notation-go/mock/\(name)") }

    static func certificate(_ path: String) throws -> Certificate {
        try Certificate(pemEncoded: String(decoding: try data(path), as: UTF8.self))
    }

    static func notationTestRoot() throws -> Certificate { try certificate("notation-go/NotationTestRoot.pem") }
    static func policy(_ name: String) throws -> TrustPolicy { try TrustPolicy(json: try data("notation/trustpolicies/\(name)")) }
    static func policyNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url("notation/trustpolicies").path).filter { $0.hasSuffix(".json") }.sorted()
    }

    /// The artifact every notation-go mock envelope (but the plugin-version and metadata ones) signs.
    static let mockDescriptor = Descriptor(
        mediaType: "application/vnd.docker.distribution.manifest.v2+json",
        digest: SignetDomain.Digest(parsing: "sha256:60043cf45eaebc4c0867fea485a039b598f52fd09fd5b07b0b2d2f88fad9d74e")!, size: 528)

    /// The image of the notation e2e OCI layouts (tag `v1`).
    static let e2eImage = Descriptor(
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        digest: SignetDomain.Digest(parsing: "sha256:b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9")!, size: 517)
}

/// Fixed clocks: verification never depends on when the tests run.
enum Clock {
    static func date(_ text: String) -> Date { RFC3339.date(text)! }
    /// Verification time for the public vectors (all e2e/mock certificates but the deliberately expired ones are valid then).
    static let now = date("2026-01-01T00:00:00Z")
}

/// A trust store answering `type:name` lookups from a fixed table.
func trustStore(_ entries: [String: [Certificate]]) -> @Sendable (String, String) -> [Certificate] {
    { type, name in entries["\(type):\(name)"] ?? [] }
}

/// A verifier with a fixed clock; revocation answers "nothing revoked" unless told otherwise.
func verifier(
    _ stores: [String: [Certificate]], now: Date = Clock.now,
    revoked: @escaping @Sendable (JWSEnvelope) async throws -> [String] = { _ in [] }
) -> SignetNotary.Verifier {
    SignetNotary.Verifier(trustStore: trustStore(stores), revokedEntities: revoked, now: now)
}

/// A one-statement policy for scope `*`.
func statement(
    level: String = "strict", override: [String: String]? = nil, stores: [String], identities: [String], name: String = "test"
) throws -> TrustPolicy.Statement {
    var verification: [String: Any] = ["level": level]
    if let override { verification["override"] = override }
    let document: [String: Any] = [
        "version": "1.0",
        "trustPolicies": [
            ["name": name, "registryScopes": ["*"], "signatureVerification": verification, "trustStores": stores, "trustedIdentities": identities]
        ],
    ]
    let policy = try TrustPolicy(json: try JSONSerialization.data(withJSONObject: document))
    return try #require(policy.statements.first)
}

/// The `*` statement of a policy document.
func wildcardStatement(_ policy: TrustPolicy) throws -> TrustPolicy.Statement {
    try #require(policy.statement(for: "localhost:5000/any-repository"))
}

/// The JSON object of an envelope or manifest.
func jsonObject(_ data: Data) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

/// The decoded protected header of a JWS envelope, as JSON.
func protectedHeaderObject(_ envelope: Data) throws -> [String: Any] {
    let object = try jsonObject(envelope)
    let protected = try #require(object["protected"] as? String)
    return try jsonObject(try #require(Base64URL.decode(protected)))
}

/// base64url with padding (what notation rejects).
func paddedBase64URL(_ data: Data) -> String {
    data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
}

/// A notation OCI image layout on disk (`oci-layout`, `index.json`, `blobs/sha256/…`).
struct OCILayout {
    let directory: URL

    init(_ name: String) { directory = Vectors.url("notation/oci_layout/\(name)") }

    func blob(_ digest: String) throws -> Data {
        let hex = try #require(digest.split(separator: ":").last.map(String.init))
        return try Data(contentsOf: directory.appendingPathComponent("blobs/sha256/\(hex)"))
    }

    func index() throws -> [String: Any] { try jsonObject(try Data(contentsOf: directory.appendingPathComponent("index.json"))) }

    func indexEntries() throws -> [[String: Any]] { try #require(try index()["manifests"] as? [[String: Any]]) }

    /// The descriptor tagged `tag` in `index.json`.
    func tagged(_ tag: String) throws -> [String: Any]? {
        try indexEntries().first { ($0["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"] == tag }
    }

    /// Signature manifest digests for `subject`, as notation discovers them: the referrers tag-schema index
    /// (`sha256-<hex>`) first, then any other manifest in the layout whose `subject` is the image.
    func signatureManifests(of subject: Descriptor) throws -> [String] {
        var found: [String] = []
        if let tagSchema = try tagged("sha256-\(subject.digest.hex)"), let digest = tagSchema["digest"] as? String {
            let index = try jsonObject(try blob(digest))
            #expect(index["mediaType"] as? String == ImageManifest.MediaType.ociIndex)
            for entry in index["manifests"] as? [[String: Any]] ?? [] where entry["artifactType"] as? String == SignatureManifest.artifactType {
                if let digest = entry["digest"] as? String { found.append(digest) }
            }
        }
        for entry in try indexEntries() where entry["mediaType"] as? String == ImageManifest.MediaType.ociManifest {
            guard let digest = entry["digest"] as? String, !found.contains(digest) else { continue }
            let manifest = try jsonObject(try blob(digest))
            if (manifest["subject"] as? [String: Any])?["digest"] as? String == subject.digest.description { found.append(digest) }
        }
        return found
    }

    /// The envelope layer of a signature manifest: (media type, bytes).
    func envelope(ofSignatureManifest digest: String) throws -> (mediaType: String, data: Data, manifest: [String: Any]) {
        let manifest = try jsonObject(try blob(digest))
        let layers = try #require(manifest["layers"] as? [[String: Any]])
        #expect(layers.count == 1)
        let layer = try #require(layers.first)
        let mediaType = try #require(layer["mediaType"] as? String)
        let layerDigest = try #require(layer["digest"] as? String)
        let data = try blob(layerDigest)
        #expect(data.count == layer["size"] as? Int)
        return (mediaType, data, manifest)
    }

    /// All blobs are content-addressed.
    func blobDigestsMatch() throws -> Bool {
        let folder = directory.appendingPathComponent("blobs/sha256")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            if SHA256.hash(data: data).hexString != name { return false }
        }
        return true
    }
}

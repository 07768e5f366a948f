// Micro-benchmarks of Signet's hot paths. Run: `cd Benchmarks && swift package benchmark`
// (one: `swift package benchmark --filter "SigV4.*"`).
//
// Each pair puts Signet's code next to the primitive it is built on, so the overhead is visible:
// streaming SHA-256 in 1 MiB chunks (as uploads hash) vs one-shot, JWSSigner.sign vs the bare P-384
// signature (BoringSSL's and Signet's own), plus SigV4 verification, repository-filter matching and one
// SQLite image write.

import Benchmark
import Crypto
import Foundation
import SignetDomain
import SignetNotary
import SignetStorage
import SignetWire

private let mebibyte = 1 << 20

/// Random bytes from the system generator, eight at a time (`count` is a multiple of 8).
private func randomBytes(_ count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    var bytes = [UInt8](repeating: 0, count: count)
    bytes.withUnsafeMutableBytes { raw in
        for index in stride(from: 0, to: raw.count, by: 8) {
            raw.storeBytes(of: generator.next() as UInt64, toByteOffset: index, as: UInt64.self)
        }
    }
    return bytes
}

let benchmarks: @Sendable () -> Void = {
    let short = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(2), maxIterations: 100_000)

    // MARK: SHA-256 of a 64 MiB blob

    let blob = randomBytes(64 * mebibyte)
    let blobData = Data(blob)
    // Uploads arrive as NIO buffers turned into `Data` chunks and go through `SHA256.update(data:)`
    // (BlobUploads.append); 1 MiB is a typical chunk of a streamed PATCH.
    let chunks = stride(from: 0, to: blob.count, by: mebibyte).map { Data(blob[$0..<min($0 + mebibyte, blob.count)]) }
    let hashing = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal], warmupIterations: 1, maxDuration: .seconds(3), maxIterations: 40)

    Benchmark("SHA-256 64 MiB, streamed in 1 MiB chunks", configuration: hashing) { benchmark in
        for _ in benchmark.scaledIterations {
            var hasher = SHA256()
            for chunk in chunks { hasher.update(data: chunk) }
            blackHole(hasher.finalize())
        }
    }

    Benchmark("SHA-256 64 MiB, one shot", configuration: hashing) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(SHA256.hash(data: blobData))
        }
    }

    // MARK: Notary JWS (ES384) vs the bare P-384 signature

    let key = P384.Signing.PrivateKey()
    let payload = Data(
        #"{"targetArtifact":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:24c86293f763e102a8a6211dd4bf77a48f59f26bc9cf3c007080883de85d76b2","size":418}}"#
            .utf8)
    let attributes = JWSSigner.Attributes(
        signingTime: Date(timeIntervalSince1970: 1_796_003_125), expiry: Date(timeIntervalSince1970: 2_150_934_325),
        signingProfileVersionArn: "arn:aws:signer:us-east-1:123456789012:/signing-profiles/BenchProfile/kRCfMws4Ok",
        signingJobArn: "arn:aws:signer:us-east-1:123456789012:/signing-jobs/88c526ae-e352-4ffe-b7c2-965af77b2aa8")
    // The chain a profile signs with: its leaf and the root, from Signet's own authority.
    let chain: [[UInt8]]
    do {
        let authority = try CertificateAuthority(storage: InMemoryKeyStorage())
        chain = [authority.rootDER, authority.rootDER]
    } catch {
        fatalError("certificate authority: \(error)")
    }
    // What JWSSigner.sign signs: base64url(protected header).base64url(payload), about 1 KB.
    let signingInput = Data(repeating: 0x41, count: 1024)

    let fastSigner = P384FastSigner(key)

    Benchmark("JWSSigner.sign (Notary envelope, ES384)", configuration: short) { benchmark throws in
        for _ in benchmark.scaledIterations {
            blackHole(try JWSSigner.sign(payload: payload, attributes: attributes, chain: chain, signer: fastSigner))
        }
    }

    Benchmark("P384.Signing.PrivateKey.signature(for:) 1 KB (BoringSSL)", configuration: short) { benchmark throws in
        for _ in benchmark.scaledIterations {
            blackHole(try key.signature(for: signingInput))
        }
    }

    Benchmark("P384FastSigner.signature(for:) 1 KB (Signet)", configuration: short) { benchmark throws in
        blackHole(try fastSigner.signature(for: signingInput))  // the generator table, once per process
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try fastSigner.signature(for: signingInput))
        }
    }

    // MARK: SigV4 verification

    let verifier = SigV4Verifier(keys: [AccessKey(accessKeyId: "test", secretAccessKey: "test", accountId: "123456789012")])
    let body = Data(#"{"repositoryName":"team/app"}"#.utf8)
    let unsigned = SigV4.Request(
        method: "POST", path: "/", query: "",
        headers: [
            ("host", "127.0.0.1:5050"), ("Content-Type", "application/x-amz-json-1.1"),
            ("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.CreateRepository"),
        ],
        payloadHash: SigV4.hex(SHA256.hash(data: body)))
    let signedAt = Date()
    var signedRequest = unsigned
    signedRequest.headers += SigV4.sign(
        unsigned, accessKey: "test", secret: "test", region: "us-east-1", service: "ecr", date: signedAt)
    let request = signedRequest

    Benchmark("SigV4Verifier.verify (ECR call, header form)", configuration: short) { benchmark throws in
        for _ in benchmark.scaledIterations {
            blackHole(try verifier.verify(request, service: "ecr", now: signedAt))
        }
    }

    // MARK: Repository filters: 10 rules x 100 filters

    let rules = (0..<SigningConfiguration.maxRules).map { rule in
        SigningRule.Input(
            signingProfileArn: "arn:aws:signer:us-east-1:123456789012:/signing-profiles/Profile_\(rule)",
            repositoryFilters: (0..<SigningConfiguration.maxFiltersPerRule).map { filter in
                (filter: "team-\(rule)/service-\(filter)*", filterType: RepositoryFilter.wildcardMatch)
            })
    }
    let configuration: SigningConfiguration
    do {
        configuration = try SigningConfiguration(validating: rules)
    } catch {
        fatalError("signing configuration: \(error)")
    }
    let lastFilter = RepositoryName(trusted: "team-9/service-99-api")  // matches only the very last filter
    let noFilter = RepositoryName(trusted: "other/service-1")  // matches nothing: every filter is tried

    Benchmark("SigningConfiguration.profiles(matching:) 10x100, last filter matches", configuration: short) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(configuration.profiles(matching: lastFilter))
        }
    }

    Benchmark("SigningConfiguration.profiles(matching:) 10x100, no match", configuration: short) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(configuration.profiles(matching: noFilter))
        }
    }

    // MARK: SQLite: one image with 3 tags and 2 signing statuses, one transaction (synchronous=FULL)

    let sqlite = SQLiteFixture()
    Benchmark(
        "SQLiteMetadataStore.apply (image + 3 tags + 2 statuses)",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal, .syscalls], maxDuration: .seconds(3), maxIterations: 2_000,
            setup: { try await sqlite.open() }, teardown: { sqlite.close() })
    ) { benchmark async throws in
        for _ in benchmark.scaledIterations {
            let (store, serial) = try sqlite.next()
            let digest = SignetDomain.Digest.sha256(of: Data("image \(serial)".utf8))
            var change = ImageChange(
                upsert: Image(
                    digest: digest, manifest: sqlite.manifest, mediaType: "application/vnd.oci.image.manifest.v1+json",
                    artifactMediaType: nil, subject: nil, sizeInBytes: 1_048_576, pushedAt: Date()))
            change.setTags = [
                ImageTag(trusted: "v\(serial)"): digest, ImageTag(trusted: "build-\(serial)"): digest, ImageTag(trusted: "latest"): digest,
            ]
            change.signingStatuses = [
                SigningStatus(signingProfileArn: "arn:aws:signer:us-east-1:123456789012:/signing-profiles/A1", state: .inProgress),
                SigningStatus(signingProfileArn: "arn:aws:signer:us-east-1:123456789012:/signing-profiles/B2", state: .inProgress),
            ]
            try await store.apply(change, repository: sqlite.repository, registry: sqlite.registry)
        }
    }
}

/// One database in a temporary directory for the whole SQLite benchmark, and a serial for unique digests.
private final class SQLiteFixture: @unchecked Sendable {
    // `store`, `serial` and `directory` are only touched while `lock` is held.
    private let lock = NSLock()
    private var store: SQLiteMetadataStore?
    private var serial = 0
    private var directory: URL?
    let registry = RegistryKey(account: AccountID(trusted: "123456789012"), region: Region("us-east-1"))
    let repository = RepositoryName(trusted: "team/app")
    let manifest = Data(repeating: 0x7B, count: 900)

    struct NotOpen: Error {}

    func open() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteMetadataStore(path: directory.appendingPathComponent("signet.sqlite").path)
        _ = try await store.insertRepository(Repository(registry: registry, name: repository, createdAt: Date()))
        lock.withLock {
            self.store = store
            self.directory = directory
        }
    }

    func next() throws -> (SQLiteMetadataStore, Int) {
        try lock.withLock {
            guard let store else { throw NotOpen() }
            serial += 1
            return (store, serial)
        }
    }

    func close() {
        lock.withLock {
            store = nil
            if let directory { try? FileManager.default.removeItem(at: directory) }
            directory = nil
        }
    }
}

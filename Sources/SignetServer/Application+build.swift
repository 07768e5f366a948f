import Foundation
public import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import SignetDomain
import SignetNotary
import SignetStorage
import SignetWire

/// The stores a server runs on.
struct StoreSet: Sendable {
    let metadata: any MetadataStore
    let signer: any SignerStore
    let blobs: any BlobStore
    /// Signs registry tokens and presigned URLs; kept in the data directory so tokens survive restarts.
    let secret: Data
    /// The certificate authority's keys: `<data-dir>/ca/`, or memory.
    let keys: any KeyStorage

    /// In memory when `dataDirectory` is `nil`, else SQLite + files in that (locked) directory.
    static func make(dataDirectory: String?) throws -> StoreSet {
        guard let dataDirectory else {
            var generator = SystemRandomNumberGenerator()
            let secret = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
            return StoreSet(
                metadata: InMemoryMetadataStore(), signer: InMemorySignerStore(), blobs: InMemoryBlobStore(), secret: secret, keys: InMemoryKeyStorage())
        }
        let directory = try DataDirectory(path: dataDirectory)
        let database = try SQLiteMetadataStore(path: directory.databasePath)
        return StoreSet(
            metadata: database, signer: database, blobs: DataDirectoryBlobStore(files: FileSystemBlobStore(directory: directory), database: database), secret: try directory.secret(named: "registry-secret"),
            keys: FileKeyStorage(directory: directory))
    }
}

/// Builds the whole server; the CLI and the tests share this one wiring path.
/// - Parameter onReady: called with the base URL once the listener is bound (the real port when `port` is 0).
public func buildApplication(
    _ arguments: some AppArguments, clock: any SignetClock = SystemClock(), onReady: @escaping @Sendable (String) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    try buildApplication(
        arguments, stores: try StoreSet.make(dataDirectory: arguments.dataDirectory), clock: clock, ids: RandomIDGenerator(), onReady: onReady)
}

/// The same wiring over stores the caller made (tests seed blobs this way).
func buildApplication(
    _ arguments: some AppArguments, stores: StoreSet, clock: any SignetClock, ids: any IDGenerator, onReady: @escaping @Sendable (String) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    var logger = Logger(label: "signet")
    logger.logLevel = Logger.Level(rawValue: arguments.logLevel.lowercased()) ?? .info
    let defaultCaller = CallerIdentity(account: try AccountID(arguments.accountID, field: "account-id"), region: Region(arguments.region))
    let endpoint = RegistryEndpoint(hostname: arguments.hostname, port: arguments.port)
    let authority = try CertificateAuthority(storage: stores.keys, now: clock.now)
    let signer = SignerService(store: stores.signer, clock: clock, ids: ids, payloadSigner: NotaryPayloadSigner(authority: authority))
    let signingQueue = SigningQueue()
    let registry = RegistryService(metadata: stores.metadata, blobs: stores.blobs, clock: clock, events: signingQueue)
    let engine = ManagedSigningEngine(
        signer: signer, registry: registry, queue: signingQueue, delayMilliseconds: arguments.signingDelayMilliseconds, logger: logger)
    let tokens = RegistryTokens(secret: stores.secret, clock: clock)
    let uploads = BlobUploads(blobs: stores.blobs)

    let router = Router(context: SignetRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: ErrorFramingMiddleware(endpoint: endpoint))
    AdminController(storeKind: stores.metadata.kind, defaultCaller: defaultCaller, authority: authority, signer: stores.signer).addRoutes(to: router)
    LayerDownloadURL.addRoute(to: router, blobs: stores.blobs, tokens: tokens)
    OCIController(registry: registry, uploads: uploads, ids: ids).addRoutes(
        to: router, auth: RegistryAuthMiddleware(tokens: tokens, defaultRegistry: defaultCaller.registry, required: arguments.auth != "none"))
    let verifier = arguments.auth == "none" ? nil : SigV4Verifier(keys: try accessKeys(arguments, defaultAccount: defaultCaller.account))
    let sigV4 = SigV4AuthMiddleware(verifier: verifier, defaultCaller: defaultCaller, clock: clock)
    // before the SigV4 middleware: the ECR endpoint authenticates itself (the fast path calls it without the router)
    let ecr = ECRController(
        registry: registry, uploads: uploads, tokens: tokens, ids: ids, endpoint: endpoint, defaultRegistry: defaultCaller.registry, clock: clock
    ).addRoutes(to: router, auth: sigV4)
    router.add(middleware: sigV4)
    SignerController(signer: signer).addRoutes(to: router)
    let hostname = arguments.hostname
    let responder = router.buildResponder()
    let fastPathResponder: ControlPlaneFastPath.Responder = { request, context in
        do {
            return try await responder.respond(to: request, context: context)
        } catch {
            // what Hummingbird answers for an error that escaped every middleware (ErrorFramingMiddleware maps all)
            return Response(status: .internalServerError)
        }
    }
    let fastPathLogger = logger
    return Application(
        responder: responder,
        server: HTTPServerBuilder { responder in
            SignetHTTP1Channel(inner: HTTP1Channel(
                responder: responder,
                configuration: .init(additionalChannelHandlers: [ControlPlaneFastPath(responder: fastPathResponder, ecr: ecr, logger: fastPathLogger)])))
        },
        configuration: .init(address: .hostname(arguments.hostname, port: arguments.port), serverName: "signet"),
        services: [engine],
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? arguments.port
            endpoint.bound(hostname: hostname, port: port)
            await onReady("http://\(endpoint.defaultHost)")
        },
        logger: logger)
}

/// The built-in key `test`/`test` (default account) plus the keys of `--credentials`.
///
/// The file is JSON: `{"credentials": [{"accessKeyId": "…", "secretAccessKey": "…", "accountId": "…", "sessionToken": "…"}]}`
/// (`sessionToken` optional; a key with one accepts only requests that carry it).
func accessKeys(_ arguments: some AppArguments, defaultAccount: AccountID) throws -> [AccessKey] {
    var keys = [AccessKey(accessKeyId: "test", secretAccessKey: "test", accountId: defaultAccount.value)]
    guard let path = arguments.credentialsFile else { return keys }
    guard let data = FileManager.default.contents(atPath: path) else { throw ConfigurationError("cannot read --credentials file \(path)") }
    let file: CredentialsFile
    do {
        file = try JSONDecoder().decode(CredentialsFile.self, from: data)
    } catch {
        throw ConfigurationError("--credentials file \(path) is not {\"credentials\": [{accessKeyId, secretAccessKey, accountId, sessionToken?}]}: \(error)")
    }
    for key in file.credentials {
        guard (try? AccountID(key.accountId)) != nil else { throw ConfigurationError("--credentials: accountId \(key.accountId) is not 12 digits") }
        keys.removeAll { $0.accessKeyId == key.accessKeyId }
        keys.append(key)
    }
    return keys
}

struct CredentialsFile: Decodable {
    let credentials: [AccessKey]
}

struct ConfigurationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

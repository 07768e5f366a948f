import Foundation
import Logging
import ServiceLifecycle
import SignetDomain
import SignetNotary
import Synchronization

/// The registry's event sink for managed signing: pushes that need signatures become queue items.
/// (A separate object, so that the registry service and the engine do not reference each other.)
final class SigningQueue: ImageEventSink, Sendable {
    let items: AsyncStream<PendingSignature>
    let continuation: AsyncStream<PendingSignature>.Continuation

    init() {
        (items, continuation) = AsyncStream.makeStream(of: PendingSignature.self)
    }

    func imageStored(_ event: ImageStoredEvent) async {
        for arn in event.signingProfiles {
            continuation.yield(
                PendingSignature(
                    registry: event.registry, repository: event.repository, digest: event.digest,
                    status: SigningStatus(signingProfileArn: arn, state: .inProgress, pushedBy: event.pushedBy.value)))
        }
    }
}

/// ECR managed signing: signs every image whose push recorded IN_PROGRESS statuses, as the pushing principal,
/// through the same code path as Signer SignPayload, and stores each signature as a referrer of the image.
///
/// Work is durable: the statuses themselves are the queue. New pushes arrive through ``SigningQueue``; on start
/// the engine also picks up every IN_PROGRESS status left by a previous process.
///
/// A few workers each take up to ``batchSize`` pending signatures at a time, sign them one after the other, and store
/// them together: on a data directory in one transaction (``RegistryService/storeManagedSignatures(_:)``), so one
/// commit — one fsync — serves the whole batch. Measured on a backlog of 1,500 (2 cores): one signature per worker
/// and transaction, 16 workers, drained 820–930 signatures/s with the writer busy ~95 % committing 2.5–4 signatures
/// at a time; batches are the fix for that.
final class ManagedSigningEngine: Service, Sendable {
    private let signer: SignerService
    private let registry: RegistryService
    private let queue: SigningQueue
    private let delay: Duration
    private let logger: Logger
    private let inFlight = Mutex<Set<String>>([])
    private let pending = PendingWork()
    /// Workers: each signs its batch on one thread while others wait for their commits. Measured on a backlog of
    /// 1,500 (rate once running, three runs each): 4 workers × 32 1,261–1,483/s, 8 × 32 1,284–1,590/s, 8 × 16
    /// 1,086–1,185/s, 3 × 64 1,311–1,333/s; this VM's speed drifts by ~30 %, so only large differences count.
    private let workers = 8
    /// Most signatures a worker takes at once (and stores in one transaction).
    static let batchSize = 32

    init(signer: SignerService, registry: RegistryService, queue: SigningQueue, delayMilliseconds: Int, logger: Logger) {
        self.signer = signer
        self.registry = registry
        self.queue = queue
        self.delay = .milliseconds(max(0, delayMilliseconds))
        self.logger = logger
    }

    func run() async throws {
        let service = registry
        let continuation = queue.continuation
        do {
            for pending in try await service.metadata.pendingSigningWork() { continuation.yield(pending) }
        } catch {
            logger.error("cannot read pending signing work", metadata: ["error": "\(error)"])
        }
        // On graceful shutdown the whole engine is cancelled: workers waiting for work or sleeping out
        // --signing-delay-ms stop at once (waiting for them held `signet serve` open for the full delay). Work not
        // finished stays IN_PROGRESS in the store and resumes on the next start.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for _ in 0..<self.workers {
                    group.addTask { await self.work(service: service) }
                }
                for await item in self.queue.items { self.pending.add(item) }
                group.cancelAll()
            }
        }
    }

    private func work(service: RegistryService) async {
        while let batch = await pending.take(upTo: Self.batchSize) {
            if delay > .zero {
                try? await Task.sleep(for: delay)
                if Task.isCancelled { return }
            }
            await process(batch, service: service)
        }
    }

    /// Signs a batch: each item once (an item already being signed by another worker is skipped), and only while its
    /// status is still IN_PROGRESS.
    func process(_ batch: [PendingSignature], service: RegistryService) async {
        let claimed = batch.filter { item in inFlight.withLock { $0.insert(item.key).inserted } }
        defer { inFlight.withLock { for item in claimed { $0.remove(item.key) } } }
        let subjects: [(statuses: [SigningStatus], image: Image?)]
        do {
            subjects = try await service.metadata.signingSubjects(of: claimed)
        } catch {
            logger.error("managed signing cannot read its batch", metadata: ["error": "\(error)"])
            return
        }
        let pending = zip(claimed, subjects).filter { item, found in
            found.statuses.contains { $0.signingProfileArn == item.status.signingProfileArn && $0.state == .inProgress }
        }.map { (item: $0, image: $1.image) }
        var profiles = ProfileLookups()
        if service.recordsSignaturesInOneTransaction {
            await signTogether(pending, service: service, profiles: &profiles)
        } else {
            for (item, image) in pending {
                // COMPLETE is recorded with the signature itself (one transaction); a failure is recorded here
                if let failed = await signAlone(item, image: image, service: service, profiles: &profiles) {
                    await record(failed, of: item, service: service)
                }
            }
        }
    }

    /// Data directory: every signature of the batch, then one transaction for all of them.
    private func signTogether(_ items: [(item: PendingSignature, image: Image?)], service: RegistryService, profiles: inout ProfileLookups) async {
        var made: [(item: PendingSignature, signature: ManagedSignature)] = []
        var failed: [(item: PendingSignature, status: SigningStatus)] = []
        for (item, image) in items {
            do {
                let (subject, pusher, profile, payload) = try await prepare(item, image: image, profiles: &profiles)
                let signed = try await signer.makeSignature(payload, format: NotaryPayload.mediaType, profile: profile, caller: pusher)
                let manifest = try SignatureManifest.described(envelope: signed.envelope, subject: subject, signingTime: signed.job.createdAt)
                made.append(
                    (item, ManagedSignature(
                        manifest: manifest.bytes, envelope: signed.envelope, job: signed.job, repository: item.repository, registry: item.registry,
                        pushedBy: pusher.account, subject: item.digest, status: item.status.completed, parsed: manifest.manifest)))
            } catch {
                failed.append((item, failure(item, error)))
            }
        }
        if !made.isEmpty {
            do {
                try await service.blobs.put(SignatureManifest.emptyConfig)
                let results = try await service.storeManagedSignatures(made.map(\.signature))
                for (entry, result) in zip(made, results) {
                    if case .failure(let error) = result { failed.append((entry.item, failure(entry.item, error))) }
                }
            } catch {
                for entry in made { failed.append((entry.item, failure(entry.item, error))) }
            }
        }
        for (item, status) in failed { await record(status, of: item, service: service) }
    }

    /// Other stores: one signature, its job, envelope and manifest written one after the other. Returns the FAILED
    /// status to record, or nil once the signature is stored.
    private func signAlone(_ item: PendingSignature, image: Image?, service: RegistryService, profiles: inout ProfileLookups) async
        -> SigningStatus?
    {
        do {
            let (subject, pusher, profile, payload) = try await prepare(item, image: image, profiles: &profiles)
            let blobs = service.blobs
            let signed = try await signer.signPayload(
                payload, format: NotaryPayload.mediaType, profile: profile, caller: pusher, storingEnvelope: { try await blobs.put($0) })
            try await blobs.put(SignatureManifest.emptyConfig)
            let manifest = try SignatureManifest.build(envelope: signed.envelope, subject: subject, signingTime: signed.job.createdAt)
            // the signature and its subject's COMPLETE status in one transaction (one commit instead of two)
            _ = try await service.putImage(
                manifest, mediaType: ImageManifest.MediaType.ociManifest, tag: nil, expectedDigest: nil, repository: item.repository,
                registry: item.registry, pushedBy: pusher.account, existing: .accept, updatingStatus: (item.digest, item.status.completed))
            return nil
        } catch {
            return failure(item, error)
        }
    }

    /// What signing an item needs: the image as a descriptor, the pushing principal, the profile it may sign with, and
    /// the Notary payload.
    private func prepare(_ item: PendingSignature, image: Image?, profiles: inout ProfileLookups) async throws
        -> (subject: Descriptor, pusher: CallerIdentity, profile: SigningProfile, payload: Data)
    {
        guard let image else { throw SigningFailure("the image was deleted before it could be signed") }
        let pusher = CallerIdentity(account: AccountID(trusted: item.status.pushedBy ?? item.registry.account.value), region: item.registry.region)
        let profile = try await profiles.profile(item.status.signingProfileArn, for: pusher, signer: signer)
        let subject = Descriptor(mediaType: image.mediaType, digest: image.digest, size: Int64(image.manifest.count))
        return (subject, pusher, profile, try NotaryPayload(descriptor: subject).encoded())
    }

    /// The FAILED status for `error`, with the failure codes of DESIGN §5.
    private func failure(_ item: PendingSignature, _ error: any Error) -> SigningStatus {
        var status = item.status
        status.state = .failed
        if let refusal = error as? SigningRefusal {
            status.failureCode = refusal.failureCode
            status.failureReason = refusal.reason
        } else {
            status.failureCode = "INTERNAL_ERROR"
            status.failureReason = "Signing failed: \(error)"
            logger.error(
                "managed signing failed", metadata: ["digest": "\(item.digest)", "profile": "\(item.status.signingProfileArn)", "error": "\(error)"])
        }
        return status
    }

    private func record(_ status: SigningStatus, of item: PendingSignature, service: RegistryService) async {
        do {
            try await service.metadata.updateSigningStatus(status, of: item.digest, repository: item.repository, registry: item.registry)
        } catch {
            logger.error("managed signing failed to record a status", metadata: ["digest": "\(item.digest)", "error": "\(error)"])
        }
    }
}

extension PendingSignature {
    /// One signature to make: an image of a repository and a profile.
    var key: String { "\(registry)/\(repository)/\(digest)/\(status.signingProfileArn)" }
}

extension SigningStatus {
    /// This status, COMPLETE.
    var completed: SigningStatus {
        var status = self
        status.state = .complete
        return status
    }
}

/// Profiles resolved for one batch, by profile ARN and pushing account (refusals too): a batch of one push's images
/// reads its profile once.
struct ProfileLookups {
    private var resolved: [String: Result<SigningProfile, any Error>] = [:]

    mutating func profile(_ arn: String, for pusher: CallerIdentity, signer: SignerService) async throws -> SigningProfile {
        let key = "\(arn) \(pusher.account) \(pusher.region)"
        if let known = resolved[key] { return try known.get() }
        let result: Result<SigningProfile, any Error>
        do {
            guard let parsed = SignerARN(arn), let name = parsed.profileName else { throw SigningRefusal.profileNotFound(arn) }
            result = .success(try await signer.profileForSigning(name: name, owner: parsed.account, region: parsed.region, caller: pusher))
        } catch {
            result = .failure(error)
        }
        resolved[key] = result
        return try result.get()
    }
}

/// Signatures waiting for a worker, in arrival order. `take` waits for at least one; it returns nil once the task
/// waiting is cancelled.
final class PendingWork: Sendable {
    private struct State {
        var items: [PendingSignature] = []
        var head = 0
        var waiters: [(id: Int, continuation: CheckedContinuation<Bool, Never>)] = []
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    func add(_ item: PendingSignature) {
        let waiter: CheckedContinuation<Bool, Never>? = state.withLock { state in
            state.items.append(item)
            return state.waiters.isEmpty ? nil : state.waiters.removeFirst().continuation
        }
        waiter?.resume(returning: true)
    }

    func take(upTo limit: Int) async -> [PendingSignature]? {
        while !Task.isCancelled {
            if let batch = takeNow(upTo: limit) { return batch }
            let id = state.withLock { state -> Int in
                state.nextWaiter += 1
                return state.nextWaiter
            }
            let woken = await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        if state.head < state.items.count || Task.isCancelled { return true }
                        state.waiters.append((id, continuation))
                        return false
                    }
                    if resumeNow { continuation.resume(returning: true) }
                }
            } onCancel: {
                let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
                    guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return state.waiters.remove(at: index).continuation
                }
                waiter?.resume(returning: false)
            }
            if !woken { return nil }
        }
        return nil
    }

    private func takeNow(upTo limit: Int) -> [PendingSignature]? {
        let (batch, next): ([PendingSignature]?, CheckedContinuation<Bool, Never>?) = state.withLock { state in
            guard state.head < state.items.count else { return (nil, nil) }
            let end = min(state.items.count, state.head + limit)
            let batch = Array(state.items[state.head..<end])
            state.head = end
            if state.head == state.items.count {
                state.items.removeAll(keepingCapacity: true)
                state.head = 0
            } else if state.head > 4096 {
                state.items.removeFirst(state.head)
                state.head = 0
            }
            // more is waiting: wake another worker for it
            let next = state.head < state.items.count && !state.waiters.isEmpty ? state.waiters.removeFirst().continuation : nil
            return (batch, next)
        }
        next?.resume(returning: true)
        return batch
    }
}

struct SigningFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

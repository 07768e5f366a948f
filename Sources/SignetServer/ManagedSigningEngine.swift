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
final class ManagedSigningEngine: Service, Sendable {
    private let signer: SignerService
    private let registry: RegistryService
    private let queue: SigningQueue
    private let delay: Duration
    private let logger: Logger
    private let inFlight = Mutex<Set<String>>([])
    /// Signatures in flight at once. Measured on a backlog of 1,500 (2 cores, data dir), once signing took ~0.2 ms
    /// (``P384FastSigner``) and envelopes went to the database: 4 workers drained 363–443 signatures/s, 8 531/s,
    /// 16 560–595/s, 32 605/s. The store's commits are shared by concurrent writers (group commit), so more
    /// signatures in flight mean fewer fsyncs each. Since a signature is one transaction
    /// (``RegistryService/storeManagedSignature``), 16 drain ~820–930/s, and 32 or 64 no more (836–925/s).
    /// (With BoringSSL's ~1.1 ms signatures, 4 and 16 were even: the engine was CPU-bound then.)
    private let parallelism = 16

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
        // On graceful shutdown the whole engine is cancelled: a worker sleeping out --signing-delay-ms, and the loop
        // waiting for a free worker, stop at once (waiting for them held `signet serve` open for the full delay).
        // Work not finished stays IN_PROGRESS in the store and resumes on the next start.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                var running = 0
                let (done, doneContinuation) = AsyncStream.makeStream(of: Void.self)
                var doneIterator = done.makeAsyncIterator()
                for await item in self.queue.items {
                    if running >= self.parallelism {
                        guard await doneIterator.next() != nil else { break }
                        running -= 1
                    }
                    running += 1
                    group.addTask {
                        await self.process(item, service: service)
                        doneContinuation.yield()
                    }
                }
                group.cancelAll()
            }
        }
    }

    func process(_ item: PendingSignature, service: RegistryService) async {
        let key = "\(item.registry)/\(item.repository)/\(item.digest)/\(item.status.signingProfileArn)"
        guard inFlight.withLock({ $0.insert(key).inserted }) else { return }
        defer { _ = inFlight.withLock { $0.remove(key) } }
        if delay > .zero {
            try? await Task.sleep(for: delay)
            if Task.isCancelled { return }
        }
        do {
            let current = try await service.metadata.signingStatuses(of: item.digest, repository: item.repository, registry: item.registry)
            guard current.contains(where: { $0.signingProfileArn == item.status.signingProfileArn && $0.state == .inProgress }) else { return }
            let status = await sign(item, service: service)
            // COMPLETE was recorded with the signature itself (one transaction); a failure is recorded here
            if status.state != .complete {
                try await service.metadata.updateSigningStatus(status, of: item.digest, repository: item.repository, registry: item.registry)
            }
        } catch {
            logger.error("managed signing failed to record a status", metadata: ["digest": "\(item.digest)", "error": "\(error)"])
        }
    }

    /// Makes one signature and stores it; returns the final status.
    func sign(_ item: PendingSignature, service: RegistryService) async -> SigningStatus {
        var status = item.status
        let arn = status.signingProfileArn
        let pusher = CallerIdentity(account: AccountID(trusted: status.pushedBy ?? item.registry.account.value), region: item.registry.region)
        do {
            guard let image = try await service.metadata.image(item.digest, repository: item.repository, registry: item.registry) else {
                throw SigningFailure("the image was deleted before it could be signed")
            }
            guard let parsed = SignerARN(arn), let name = parsed.profileName else { throw SigningRefusal.profileNotFound(arn) }
            let profile = try await signer.profileForSigning(name: name, owner: parsed.account, region: parsed.region, caller: pusher)
            let subject = Descriptor(mediaType: image.mediaType, digest: image.digest, size: Int64(image.manifest.count))
            let payload = try NotaryPayload(descriptor: subject).encoded()
            let blobs = service.blobs
            var complete = status
            complete.state = .complete
            if service.recordsSignaturesInOneTransaction {
                // data directory: the job, the envelope, the signature manifest and the subject's COMPLETE status in
                // one transaction. Three writes, each waiting for its commit, bounded the engine's rate: the writer
                // committed ~4.5 writes per commit, 1.5 signatures.
                let signed = try await signer.makeSignature(payload, format: NotaryPayload.mediaType, profile: profile, caller: pusher)
                try await blobs.put(SignatureManifest.emptyConfig)
                let manifest = try SignatureManifest.build(envelope: signed.envelope, subject: subject, signingTime: signed.job.createdAt)
                _ = try await service.storeManagedSignature(
                    manifest, envelope: signed.envelope, job: signed.job, repository: item.repository, registry: item.registry,
                    pushedBy: pusher.account, updatingStatus: (item.digest, complete))
            } else {
                let signed = try await signer.signPayload(
                    payload, format: NotaryPayload.mediaType, profile: profile, caller: pusher, storingEnvelope: { try await blobs.put($0) })
                try await blobs.put(SignatureManifest.emptyConfig)
                let manifest = try SignatureManifest.build(envelope: signed.envelope, subject: subject, signingTime: signed.job.createdAt)
                // the signature and its subject's COMPLETE status in one transaction (one commit instead of two)
                _ = try await service.putImage(
                    manifest, mediaType: ImageManifest.MediaType.ociManifest, tag: nil, expectedDigest: nil, repository: item.repository,
                    registry: item.registry, pushedBy: pusher.account, existing: .accept, updatingStatus: (item.digest, complete))
            }
            status = complete
        } catch let refusal as SigningRefusal {
            status.state = .failed
            status.failureCode = refusal.failureCode
            status.failureReason = refusal.reason
        } catch {
            status.state = .failed
            status.failureCode = "INTERNAL_ERROR"
            status.failureReason = "Signing failed: \(error)"
            logger.error("managed signing failed", metadata: ["digest": "\(item.digest)", "profile": "\(arn)", "error": "\(error)"])
        }
        return status
    }
}

struct SigningFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

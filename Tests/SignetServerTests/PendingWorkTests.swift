import Foundation
import SignetDomain
import Testing

@testable import SignetServer

/// The managed-signing engine's queue: batches in arrival order, waiting for work, and stopping on cancellation.
@Suite("Managed signing work queue")
struct PendingWorkTests {
    static func item(_ n: Int) -> PendingSignature {
        PendingSignature(
            registry: RegistryKey(account: AccountID(trusted: "123456789012"), region: Region("us-east-1")), repository: RepositoryName(trusted: "r"),
            digest: Digest.sha256(of: Data("\(n)".utf8)),
            status: SigningStatus(signingProfileArn: "arn:aws:signer:us-east-1:123456789012:/signing-profiles/P", state: .inProgress, pushedBy: nil))
    }

    @Test func batchesComeInArrivalOrderUpToTheLimit() async throws {
        let work = PendingWork()
        for n in 0..<70 { work.add(Self.item(n)) }
        var taken: [PendingSignature] = []
        var sizes: [Int] = []
        while taken.count < 70, let batch = await work.take(upTo: 32) {
            sizes.append(batch.count)
            taken += batch
        }
        #expect(sizes == [32, 32, 6])
        #expect(taken == (0..<70).map(Self.item))
    }

    @Test func aWaitingWorkerGetsWhatArrivesLater() async throws {
        let work = PendingWork()
        async let first = work.take(upTo: 8)
        try await Task.sleep(for: .milliseconds(50))
        work.add(Self.item(1))
        #expect(await first == [Self.item(1)])
    }

    @Test func waitingWorkersStopWhenCancelled() async throws {
        let work = PendingWork()
        let waiters = (0..<3).map { _ in Task { await work.take(upTo: 8) } }
        try await Task.sleep(for: .milliseconds(50))
        for waiter in waiters { waiter.cancel() }
        for waiter in waiters { #expect(await waiter.value == nil) }
        // items added afterwards are still there for the next worker
        work.add(Self.item(2))
        #expect(await work.take(upTo: 8) == [Self.item(2)])
    }
}

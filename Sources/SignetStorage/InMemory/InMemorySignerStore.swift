public import SignetDomain
import Synchronization

/// Signing profiles kept in process memory (`--in-memory`); a class over a `Mutex` for the reason given on
/// `InMemoryMetadataStore`.
public final class InMemorySignerStore: SignerStore {
    private struct Key: Hashable {
        let registry: RegistryKey
        let name: String
    }
    private struct State {
        var profiles: [Key: SigningProfile] = [:]
        var jobs: [String: SigningJob] = [:]
    }
    private let state = Mutex(State())

    public init() {}

    public func signingProfile(named name: SigningProfileName, in registry: RegistryKey) -> SigningProfile? {
        state.withLock { $0.profiles[Key(registry: registry, name: name.value)] }
    }

    public func signingProfiles(in registry: RegistryKey) -> [SigningProfile] {
        state.withLock { $0.profiles.filter { $0.key.registry == registry }.values }.sorted { $0.name < $1.name }
    }

    public func insertSigningProfile(_ profile: SigningProfile) -> Bool {
        let key = Key(registry: profile.registryKey, name: profile.name)
        return state.withLock { state in
            guard state.profiles[key] == nil else { return false }
            state.profiles[key] = profile
            return true
        }
    }

    public func updateSigningProfile(_ profile: SigningProfile) {
        state.withLock { $0.profiles[Key(registry: profile.registryKey, name: profile.name)] = profile }
    }

    public func insertSigningJob(_ job: SigningJob) { state.withLock { $0.jobs[job.jobId] = job } }
    public func updateSigningJob(_ job: SigningJob) { state.withLock { $0.jobs[job.jobId] = job } }

    public func signingJob(_ jobId: String, owner: AccountID, region: Region) -> SigningJob? {
        state.withLock { $0.jobs[jobId] }.flatMap { $0.owner == owner.value && $0.region == region.value ? $0 : nil }
    }

    public func signingJobs(in registry: RegistryKey) -> [SigningJob] {
        state.withLock { $0.jobs.values.filter { $0.owner == registry.account.value && $0.region == registry.region.value } }
            .sorted { ($0.createdAt, $0.jobId) > ($1.createdAt, $1.jobId) }
    }

    public func signatureCounts() -> [RegistryKey: Int] {
        var counts: [RegistryKey: Int] = [:]
        for job in state.withLock({ Array($0.jobs.values) }) {
            counts[RegistryKey(account: AccountID(trusted: job.owner), region: Region(job.region)), default: 0] += 1
        }
        return counts
    }
}

extension SigningProfile {
    var registryKey: RegistryKey { RegistryKey(account: AccountID(trusted: account), region: Region(region)) }
}

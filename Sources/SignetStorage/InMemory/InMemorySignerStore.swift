public import SignetDomain

/// Signing profiles kept in process memory (`--in-memory`).
public actor InMemorySignerStore: SignerStore {
    private struct Key: Hashable {
        let registry: RegistryKey
        let name: String
    }
    private var profiles: [Key: SigningProfile] = [:]
    private var jobs: [String: SigningJob] = [:]

    public init() {}

    public func signingProfile(named name: SigningProfileName, in registry: RegistryKey) -> SigningProfile? {
        profiles[Key(registry: registry, name: name.value)]
    }

    public func signingProfiles(in registry: RegistryKey) -> [SigningProfile] {
        profiles.filter { $0.key.registry == registry }.values.sorted { $0.name < $1.name }
    }

    public func insertSigningProfile(_ profile: SigningProfile) -> Bool {
        let key = Key(registry: profile.registryKey, name: profile.name)
        guard profiles[key] == nil else { return false }
        profiles[key] = profile
        return true
    }

    public func updateSigningProfile(_ profile: SigningProfile) {
        profiles[Key(registry: profile.registryKey, name: profile.name)] = profile
    }

    public func insertSigningJob(_ job: SigningJob) { jobs[job.jobId] = job }
    public func updateSigningJob(_ job: SigningJob) { jobs[job.jobId] = job }

    public func signingJob(_ jobId: String, owner: AccountID, region: Region) -> SigningJob? {
        jobs[jobId].flatMap { $0.owner == owner.value && $0.region == region.value ? $0 : nil }
    }

    public func signingJobs(in registry: RegistryKey) -> [SigningJob] {
        jobs.values.filter { $0.owner == registry.account.value && $0.region == registry.region.value }
            .sorted { ($0.createdAt, $0.jobId) > ($1.createdAt, $1.jobId) }
    }

    public func signatureCounts() -> [RegistryKey: Int] {
        var counts: [RegistryKey: Int] = [:]
        for job in jobs.values { counts[RegistryKey(account: AccountID(trusted: job.owner), region: Region(job.region)), default: 0] += 1 }
        return counts
    }
}

extension SigningProfile {
    var registryKey: RegistryKey { RegistryKey(account: AccountID(trusted: account), region: Region(region)) }
}

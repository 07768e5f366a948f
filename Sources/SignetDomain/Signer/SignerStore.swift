/// Signing profiles (with their tags and permissions), per registry (account, region).
public protocol SignerStore: Sendable {
    func signingProfile(named name: SigningProfileName, in registry: RegistryKey) async throws -> SigningProfile?
    /// All profiles of a registry, sorted by name.
    func signingProfiles(in registry: RegistryKey) async throws -> [SigningProfile]
    /// Inserts `profile`; returns `false` if the name is taken in its registry (whatever its status).
    func insertSigningProfile(_ profile: SigningProfile) async throws -> Bool
    func updateSigningProfile(_ profile: SigningProfile) async throws

    func insertSigningJob(_ job: SigningJob) async throws
    func updateSigningJob(_ job: SigningJob) async throws
    func signingJob(_ jobId: String, owner: AccountID, region: Region) async throws -> SigningJob?
    /// Jobs of profiles owned by `registry`'s account in its region, newest first.
    func signingJobs(in registry: RegistryKey) async throws -> [SigningJob]
    /// Number of jobs (signatures) per registry, for metering.
    func signatureCounts() async throws -> [RegistryKey: Int]
}

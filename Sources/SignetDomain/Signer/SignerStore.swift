/// Signing profiles (with their tags and permissions), per registry (account, region).
public protocol SignerStore: Sendable {
    func signingProfile(named name: SigningProfileName, in registry: RegistryKey) async throws -> SigningProfile?
    /// All profiles of a registry, sorted by name.
    func signingProfiles(in registry: RegistryKey) async throws -> [SigningProfile]
    /// Inserts `profile`; returns `false` if the name is taken in its registry (whatever its status).
    func insertSigningProfile(_ profile: SigningProfile) async throws -> Bool
    func updateSigningProfile(_ profile: SigningProfile) async throws
}

public import SignetDomain

/// Signing profiles kept in process memory (`--in-memory`).
public actor InMemorySignerStore: SignerStore {
    private struct Key: Hashable {
        let registry: RegistryKey
        let name: String
    }
    private var profiles: [Key: SigningProfile] = [:]

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
}

extension SigningProfile {
    var registryKey: RegistryKey { RegistryKey(account: AccountID(trusted: account), region: Region(region)) }
}

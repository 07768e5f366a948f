import Foundation
import SignetDomain
import Testing

@testable import SignetStorage

/// The SQLite store keeps decoded signing profiles, but every lookup still reads the row: a change is seen at once,
/// whoever made it.
@Suite("Decoded signing profiles")
struct DecodedProfilesTests {
    @Test func aChangedProfileIsNeverServedFromTheCache() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("signet-profiles-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let path = try DataDirectory(path: url.path).databasePath
        let store = try SQLiteMetadataStore(path: path)
        let caller = CallerIdentity(account: AccountID(trusted: "123456789012"), region: Region("us-east-1"))
        let service = SignerService(store: store, clock: ManualClock(), ids: SequentialIDGenerator())
        let name = SigningProfileName(trusted: "p1")
        _ = try await service.putSigningProfile(
            name,
            SigningProfileRequest(platformId: "Notation-OCI-SHA384-ECDSA", validity: nil, certificateArn: nil, overrides: nil, signingParameters: nil, tags: nil),
            caller: caller)
        for _ in 0..<2 { #expect(try await store.signingProfile(named: name, in: caller.registry)?.status == .active) }

        try await service.cancelSigningProfile(name, caller: caller)
        #expect(try await store.signingProfile(named: name, in: caller.registry)?.status == .canceled)

        // another store on the same database (another process, say) changes it back behind this one's cache
        let other = try SQLiteMetadataStore(path: path)
        var profile = try #require(try await other.signingProfile(named: name, in: caller.registry))
        profile.status = .active
        try await other.updateSigningProfile(profile)
        #expect(try await store.signingProfile(named: name, in: caller.registry)?.status == .active)
        #expect(try await store.signingProfile(named: SigningProfileName(trusted: "p2"), in: caller.registry) == nil)
    }
}

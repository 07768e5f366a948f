import Foundation
import GRDB
public import SignetDomain

/// Signing profiles live in the same database as the registry, one JSON document per profile.
extension SQLiteMetadataStore: SignerStore {
    public func signingProfile(named name: SigningProfileName, in registry: RegistryKey) async throws -> SigningProfile? {
        let json = try await pool.read { db in
            try Data.fetchOne(
                db, sql: "SELECT profile FROM signing_profile WHERE account = ? AND region = ? AND name = ?",
                arguments: [registry.account.value, registry.region.value, name.value])
        }
        return try json.map { try JSONDecoder().decode(SigningProfile.self, from: $0) }
    }

    public func signingProfiles(in registry: RegistryKey) async throws -> [SigningProfile] {
        let rows = try await pool.read { db in
            try Data.fetchAll(
                db, sql: "SELECT profile FROM signing_profile WHERE account = ? AND region = ? ORDER BY name",
                arguments: [registry.account.value, registry.region.value])
        }
        return try rows.map { try JSONDecoder().decode(SigningProfile.self, from: $0) }
    }

    public func insertSigningProfile(_ profile: SigningProfile) async throws -> Bool {
        let json = try JSONEncoder().encode(profile)
        return try await pool.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO signing_profile (account, region, name, profile) VALUES (?, ?, ?, ?)",
                arguments: [profile.account, profile.region, profile.name, json])
            return db.changesCount == 1
        }
    }

    public func updateSigningProfile(_ profile: SigningProfile) async throws {
        let json = try JSONEncoder().encode(profile)
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE signing_profile SET profile = ? WHERE account = ? AND region = ? AND name = ?",
                arguments: [json, profile.account, profile.region, profile.name])
        }
    }
}

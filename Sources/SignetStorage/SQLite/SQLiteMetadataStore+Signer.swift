import Foundation
import GRDB
import Synchronization
public import SignetDomain

/// Signing profiles live in the same database as the registry, one JSON document per profile.
extension SQLiteMetadataStore: SignerStore {
    public func signingProfile(named name: SigningProfileName, in registry: RegistryKey) async throws -> SigningProfile? {
        let json = try lookup { db in
            try Data.fetchOne(
                db.cachedStatement(sql: "SELECT profile FROM signing_profile WHERE account = ? AND region = ? AND name = ?"),
                arguments: [registry.account.value, registry.region.value, name.value])
        }
        guard let json else { return nil }
        return try decodedProfiles.decode(json, key: "\(registry.account)/\(registry.region)/\(name)")
    }

    public func signingProfiles(in registry: RegistryKey) async throws -> [SigningProfile] {
        let rows = try lookup { db in
            try Data.fetchAll(
                db.cachedStatement(sql: "SELECT profile FROM signing_profile WHERE account = ? AND region = ? ORDER BY name"),
                arguments: [registry.account.value, registry.region.value])
        }
        return try rows.map { try JSONDecoder().decode(SigningProfile.self, from: $0) }
    }

    public func insertSigningProfile(_ profile: SigningProfile) async throws -> Bool {
        let json = try JSONEncoder().encode(profile)
        return try await committer.write { db in
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO signing_profile (account, region, name, profile) VALUES (?, ?, ?, ?)")
                .execute(arguments: [profile.account, profile.region, profile.name, json])
            return db.changesCount == 1
        }
    }

    public func updateSigningProfile(_ profile: SigningProfile) async throws {
        let json = try JSONEncoder().encode(profile)
        try await committer.write { db in
            try db.cachedStatement(sql: "UPDATE signing_profile SET profile = ? WHERE account = ? AND region = ? AND name = ?")
                .execute(arguments: [json, profile.account, profile.region, profile.name])
        }
    }

    public func insertSigningJob(_ job: SigningJob) async throws {
        let json = try JSONEncoder().encode(job)
        try await committer.write { db in try Self.insertSigningJob(job, json: json, db: db) }
    }

    /// The job's row and its count (``signatureCounts()``).
    static func insertSigningJob(_ job: SigningJob, json: Data, db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO signing_job (job_id, account, region, created_at, job) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [job.jobId, job.owner, job.region, job.createdAt.timeIntervalSince1970, json])
        try db.cachedStatement(
            sql: "INSERT INTO signature_count (account, region, n) VALUES (?, ?, 1) ON CONFLICT (account, region) DO UPDATE SET n = n + 1"
        ).execute(arguments: [job.owner, job.region])
    }

    public func updateSigningJob(_ job: SigningJob) async throws {
        let json = try JSONEncoder().encode(job)
        try await committer.write { db in
            try db.cachedStatement(sql: "UPDATE signing_job SET job = ? WHERE job_id = ?").execute(arguments: [json, job.jobId])
        }
    }

    public func signingJob(_ jobId: String, owner: AccountID, region: Region) async throws -> SigningJob? {
        let json = try lookup { db in
            try Data.fetchOne(
                db.cachedStatement(sql: "SELECT job FROM signing_job WHERE job_id = ? AND account = ? AND region = ?"),
                arguments: [jobId, owner.value, region.value])
        }
        return try json.map { try JSONDecoder().decode(SigningJob.self, from: $0) }
    }

    public func signingJobs(in registry: RegistryKey) async throws -> [SigningJob] {
        let rows = try lookup { db in
            try Data.fetchAll(
                db.cachedStatement(sql: "SELECT job FROM signing_job WHERE account = ? AND region = ? ORDER BY created_at DESC, job_id DESC"),
                arguments: [registry.account.value, registry.region.value])
        }
        return try rows.map { try JSONDecoder().decode(SigningJob.self, from: $0) }
    }

    public func signatureCounts() async throws -> [RegistryKey: Int] {
        // Plain values out of the closure (rows are not Sendable, which made this the blocking overload of `read`).
        let rows: [(account: String, region: String, count: Int)] = try lookup { db in
            // a counter per registry, kept with each job insert: /metrics is scraped often, and counting the jobs
            // was a scan of every job ever made (the signing benchmark's 5 ms polls cost the engine ~10 % of its CPU)
            try Row.fetchAll(db.cachedStatement(sql: "SELECT account, region, n FROM signature_count")).map {
                ($0["account"], $0["region"], $0["n"])
            }
        }
        var counts: [RegistryKey: Int] = [:]
        for row in rows {
            counts[RegistryKey(account: AccountID(trusted: row.account), region: Region(row.region))] = row.count
        }
        return counts
    }
}

/// Signing profiles as last decoded, by registry and name, with the stored JSON they came from: a lookup still reads
/// the row (the database stays the only truth), and decodes it only when its bytes changed. Managed signing reads
/// its profile for every signature, and decoding it was ~3 % of the engine's CPU.
final class DecodedProfiles: Sendable {
    private let entries = Mutex<[String: (json: Data, profile: SigningProfile)]>([:])

    func decode(_ json: Data, key: String) throws -> SigningProfile {
        if let entry = entries.withLock({ $0[key] }), entry.json == json { return entry.profile }
        let profile = try JSONDecoder().decode(SigningProfile.self, from: json)
        entries.withLock {
            if $0.count > 1024 { $0.removeAll() }
            $0[key] = (json, profile)
        }
        return profile
    }
}

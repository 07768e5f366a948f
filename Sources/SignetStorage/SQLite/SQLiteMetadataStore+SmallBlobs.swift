import Foundation
import GRDB
import SignetDomain

/// Small blobs kept in the database (``DataDirectoryBlobStore`` decides which): a row written in a group-committed
/// transaction instead of a file created, fsynced, renamed and its directory fsynced.
extension SQLiteMetadataStore {
    func smallBlob(_ digest: Digest) throws -> Data? {
        try lookup { db in
            try Data.fetchOne(db.cachedStatement(sql: "SELECT content FROM small_blob WHERE digest = ?"), arguments: [digest.description])
        }
    }

    func smallBlobSize(_ digest: Digest) throws -> Int64? {
        try lookup { db in
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT length(content) FROM small_blob WHERE digest = ?"), arguments: [digest.description])
        }
    }

    func putSmallBlob(_ bytes: Data, as digest: Digest) async throws {
        try await committer.write { db in try Self.putSmallBlob(bytes, as: digest, db: db) }
    }

    static func putSmallBlob(_ bytes: Data, as digest: Digest, db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO small_blob (digest, content) VALUES (?, ?) ON CONFLICT (digest) DO NOTHING")
            .execute(arguments: [digest.description, bytes])
    }

    func deleteSmallBlob(_ digest: Digest) async throws -> Bool {
        try await committer.write { db in
            try db.cachedStatement(sql: "DELETE FROM small_blob WHERE digest = ?").execute(arguments: [digest.description])
            return db.changesCount > 0
        }
    }
}

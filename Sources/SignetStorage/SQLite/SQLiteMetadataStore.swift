import Foundation
import GRDB
public import SignetDomain

/// Metadata in one SQLite database (`<data-dir>/signet.sqlite`, WAL, `synchronous=FULL`).
///
/// Every ``MetadataStore`` mutation is atomic (one savepoint of a group-committed transaction), so an image, its
/// tags and its signing statuses change together or not at all, and a write acknowledged to a client survives
/// a crash.
public struct SQLiteMetadataStore: MetadataStore {
    let pool: DatabasePool
    /// Every mutation goes through here: concurrent writes share a commit (``GroupCommit``).
    let committer: GroupCommit
    let decodedProfiles = DecodedProfiles()
    /// Tags' digests, images and repository listings between writes; emptied after every transaction.
    let cache = ReadCache()

    /// Opens (creating and migrating if needed) the database at `path`.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB switches its writer to `synchronous = NORMAL` when it turns WAL on, after `prepareDatabase` ran: a
        // commit was then not fsynced (durable across a crash of the process, not of the machine). Commits happen
        // on the writer, so it is set again there.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try Self.migrator.migrate(pool)
        committer = GroupCommit(pool: pool, afterTransaction: cache.invalidate)
    }

    public var kind: StoreKind { .sqlite }

    /// Every read of this store: synchronous, on the calling thread.
    ///
    /// GRDB's async `read` hands the block to a reader's dispatch queue and resumes the task afterwards: two thread
    /// hops that cost far more than an indexed point query (a manifest GET made two of them). The synchronous
    /// `read` takes a reader connection and runs the block right here (`DispatchQueue.sync` runs it on the calling
    /// thread).
    ///
    /// All reads must go this way, none through the async `read`: an async read holds its reader connection until
    /// its task resumes on the cooperative pool, and synchronous reads waiting for a reader can occupy every thread
    /// of that pool — a deadlock, seen with 16 signing workers. When no reader is ever held across a suspension,
    /// a read waiting for a reader waits only for reads that are running.
    ///
    /// A lookup is one SQL statement, which SQLite runs as its own read transaction: it goes through GRDB's
    /// `unsafeRead`, without the BEGIN/COMMIT pair (and its bookkeeping) that `read` wraps around the block, which
    /// cost twice the query itself on a manifest GET. Reads of more than one statement use ``snapshot(_:)``.
    func lookup<T>(_ block: (Database) throws -> T) throws -> T {
        try pool.unsafeRead(block)
    }

    /// A ``lookup(_:)`` answered from ``cache`` when it holds `cached`; otherwise read, and a found answer handed to
    /// `keep` with the generation taken *before* the read — the rule ``ReadCache`` rests on, kept in this one place.
    func cachedLookup<T>(_ cached: T?, keep: (T, UInt64) -> Void, _ block: (Database) throws -> T?) throws -> T? {
        if let cached { return cached }
        let generation = cache.generation
        let value = try lookup(block)
        if let value { keep(value, generation) }
        return value
    }

    /// A read of several statements that must see one state of the database (one read transaction).
    func snapshot<T>(_ block: (Database) throws -> T) throws -> T {
        try pool.read(block)
    }

    // MARK: Repositories

    public func insertRepository(_ repository: Repository) async throws -> Bool {
        try await committer.write { db in
            let exists = try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT 1 FROM repository WHERE account = ? AND region = ? AND name = ?"),
                arguments: Self.key(repository.registry, repository.name)) ?? false
            guard !exists else { return false }
            try Self.write(repository, db: db, update: false)
            return true
        }
    }

    public func repository(_ name: RepositoryName, in registry: RegistryKey) async throws -> Repository? {
        try lookup { db in try Self.repository(name, in: registry, db: db) }
    }

    static func repository(_ name: RepositoryName, in registry: RegistryKey, db: Database) throws -> Repository? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(Self.repositoryColumns) FROM repository WHERE account = ? AND region = ? AND name = ?"),
            arguments: Self.key(registry, name)
        ).map { try Self.repository(from: $0, registry: registry) }
    }

    public func repositories(in registry: RegistryKey) async throws -> [Repository] {
        try cachedLookup(cache.repositories(in: registry), keep: { cache.store($0, in: registry, readAt: $1) }) { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT \(Self.repositoryColumns) FROM repository WHERE account = ? AND region = ? ORDER BY name"),
                arguments: [registry.account.value, registry.region.value]
            ).map { try Self.repository(from: $0, registry: registry) }
        } ?? []
    }

    public func updateRepository(_ repository: Repository) async throws {
        try await committer.write { db in try Self.write(repository, db: db, update: true) }
    }

    public func deleteRepository(_ name: RepositoryName, in registry: RegistryKey) async throws {
        try await committer.write { db in
            // image_tag and signing_status go with their images (ON DELETE CASCADE)
            try db.cachedStatement(sql: "DELETE FROM image WHERE account = ? AND region = ? AND repository = ?")
                .execute(arguments: Self.key(registry, name))
            try db.cachedStatement(sql: "DELETE FROM repository WHERE account = ? AND region = ? AND name = ?")
                .execute(arguments: Self.key(registry, name))
        }
    }

    // MARK: Images

    public func image(_ digest: Digest, repository: RepositoryName, registry: RegistryKey) async throws -> Image? {
        let key = ReadCache.ImageKey(registry: registry, repository: repository, digest: digest)
        return try cachedLookup(cache.image(key), keep: { cache.store($0, for: key, readAt: $1) }) { db in
            try Self.image(digest, repository: repository, registry: registry, db: db)
        }
    }

    static func image(_ digest: Digest, repository: RepositoryName, registry: RegistryKey, db: Database) throws -> Image? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(Self.imageColumns) FROM image WHERE account = ? AND region = ? AND repository = ? AND digest = ?"),
            arguments: Self.key(registry, repository) + [digest.description]
        ).map(Self.image(from:))
    }

    public func images(repository: RepositoryName, registry: RegistryKey) async throws -> [TaggedImage] {
        try snapshot { db in
            var tags: [String: [ImageTag]] = [:]
            for row in try Row.fetchAll(
                db.cachedStatement(sql: "SELECT tag, digest FROM image_tag WHERE account = ? AND region = ? AND repository = ? ORDER BY tag"),
                arguments: Self.key(registry, repository))
            {
                tags[row["digest"], default: []].append(ImageTag(trusted: row["tag"]))
            }
            return try Row.fetchAll(
                db.cachedStatement(sql: "SELECT \(Self.imageColumns) FROM image WHERE account = ? AND region = ? AND repository = ? ORDER BY pushed_at, digest"),
                arguments: Self.key(registry, repository)
            ).map { row in
                let image = try Self.image(from: row)
                return TaggedImage(image: image, tags: tags[image.digest.description] ?? [])
            }
        }
    }

    public func digest(forTag tag: ImageTag, repository: RepositoryName, registry: RegistryKey) async throws -> Digest? {
        let key = ReadCache.TagKey(registry: registry, repository: repository, tag: tag)
        return try cachedLookup(cache.digest(key), keep: { cache.store($0, for: key, readAt: $1) }) { db in
            try Self.digest(forTag: tag, repository: repository, registry: registry, db: db)
        }
    }

    static func digest(forTag tag: ImageTag, repository: RepositoryName, registry: RegistryKey, db: Database) throws -> Digest? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT digest FROM image_tag WHERE account = ? AND region = ? AND repository = ? AND tag = ?"),
            arguments: Self.key(registry, repository) + [tag.value]
        ).flatMap(Digest.init(parsing:))
    }

    public func imageCount(repository: RepositoryName, registry: RegistryKey) async throws -> Int {
        try lookup { db in
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) FROM image WHERE account = ? AND region = ? AND repository = ?"),
                arguments: Self.key(registry, repository)) ?? 0
        }
    }

    public func apply(_ change: ImageChange, repository: RepositoryName, registry: RegistryKey) async throws {
        try await committer.write { db in try Self.apply(change, repository: repository, registry: registry, db: db) }
    }

    /// A change to one repository's images, in the caller's transaction.
    static func apply(_ change: ImageChange, repository: RepositoryName, registry: RegistryKey, db: Database) throws {
        let key = Self.key(registry, repository)
        if let image = change.upsert {
            try db.cachedStatement(sql: """
                    INSERT INTO image
                    (account, region, repository, digest, manifest, media_type, artifact_media_type, subject, size, pushed_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: key + [
                    image.digest.description, image.manifest, image.mediaType, image.artifactMediaType,
                    image.subject?.description, image.sizeInBytes, image.pushedAt.timeIntervalSince1970,
                ])
            for (ordinal, status) in change.signingStatuses.enumerated() {
                try db.cachedStatement(sql: """
                        INSERT OR REPLACE INTO signing_status
                        (account, region, repository, digest, profile_arn, ordinal, status, failure_code, failure_reason, pushed_by)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """).execute(arguments: key + [
                        image.digest.description, status.signingProfileArn, ordinal, status.state.rawValue, status.failureCode,
                        status.failureReason, status.pushedBy,
                    ])
            }
        }
        for tag in change.removeTags {
            try db.cachedStatement(sql: "DELETE FROM image_tag WHERE account = ? AND region = ? AND repository = ? AND tag = ?")
                .execute(arguments: key + [tag.value])
        }
        for digest in change.deleteDigests {
            try db.cachedStatement(sql: "DELETE FROM image WHERE account = ? AND region = ? AND repository = ? AND digest = ?")
                .execute(arguments: key + [digest.description])
        }
        for (tag, digest) in change.setTags {
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO image_tag (account, region, repository, tag, digest) VALUES (?, ?, ?, ?, ?)")
                .execute(arguments: key + [tag.value, digest.description])
        }
        if let (digest, status) = change.updateStatus {
            try updateSigningStatus(status, of: digest, key: key, db: db)
        }
    }

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any MetadataTransaction) throws -> T) async throws -> T {
        // One savepoint of a group commit: the reads go through the writer connection, so they see every write
        // before this one, committed or in the same group; no other write runs until the body returns.
        try await committer.write { db in try body(Transaction(db: db)) }
    }

    /// Managed signing writes a signature's job, envelope and manifest in one of these transactions.
    public var recordsSignaturesInTransactions: Bool { true }

    private struct Transaction: SignatureRecordingTransaction {
        let db: Database

        func insertSigningJob(_ job: SigningJob) throws {
            try SQLiteMetadataStore.insertSigningJob(job, json: try JSONEncoder().encode(job), db: db)
        }

        /// A savepoint of its own, through cached statements: GRDB's `inSavepoint` compiles its SAVEPOINT and
        /// RELEASE statements each time, which was a quarter of the writer's time storing a batch of signatures.
        func isolated<T>(_ body: () throws -> T) throws -> T {
            try db.cachedStatement(sql: "SAVEPOINT signet_isolated").execute()
            let result: T
            do {
                result = try body()
            } catch {
                try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT signet_isolated").execute()
                try db.cachedStatement(sql: "RELEASE SAVEPOINT signet_isolated").execute()
                throw error
            }
            try db.cachedStatement(sql: "RELEASE SAVEPOINT signet_isolated").execute()
            return result
        }

        func putSmallBlob(_ bytes: Data, digest: Digest) throws {
            guard bytes.count <= DataDirectoryBlobStore.smallBlobLimit else { throw DatabaseError(message: "blob too large for the database") }
            try SQLiteMetadataStore.putSmallBlob(bytes, as: digest, db: db)
        }

        func repository(_ name: RepositoryName, in registry: RegistryKey) throws -> Repository? {
            try SQLiteMetadataStore.repository(name, in: registry, db: db)
        }

        func image(_ digest: Digest, repository: RepositoryName, registry: RegistryKey) throws -> Image? {
            try SQLiteMetadataStore.image(digest, repository: repository, registry: registry, db: db)
        }

        func digest(forTag tag: ImageTag, repository: RepositoryName, registry: RegistryKey) throws -> Digest? {
            try SQLiteMetadataStore.digest(forTag: tag, repository: repository, registry: registry, db: db)
        }

        func signingConfiguration(for registry: RegistryKey) throws -> SigningConfiguration? {
            try SQLiteMetadataStore.signingConfiguration(for: registry, db: db)
        }

        func apply(_ change: ImageChange, repository: RepositoryName, registry: RegistryKey) throws {
            try SQLiteMetadataStore.apply(change, repository: repository, registry: registry, db: db)
        }
    }

    // MARK: Signing

    public func signingConfiguration(for registry: RegistryKey) async throws -> SigningConfiguration? {
        try lookup { db in try Self.signingConfiguration(for: registry, db: db) }
    }

    static func signingConfiguration(for registry: RegistryKey, db: Database) throws -> SigningConfiguration? {
        let json = try Data.fetchOne(
            db.cachedStatement(sql: "SELECT configuration FROM signing_configuration WHERE account = ? AND region = ?"),
            arguments: [registry.account.value, registry.region.value])
        return try json.map { try JSONDecoder().decode(SigningConfiguration.self, from: $0) }
    }

    public func setSigningConfiguration(_ configuration: SigningConfiguration?, for registry: RegistryKey) async throws {
        let json = try configuration.map { try JSONEncoder().encode($0) }
        try await committer.write { db in
            if let json {
                try db.cachedStatement(sql: "INSERT OR REPLACE INTO signing_configuration (account, region, configuration) VALUES (?, ?, ?)")
                    .execute(arguments: [registry.account.value, registry.region.value, json])
            } else {
                try db.cachedStatement(sql: "DELETE FROM signing_configuration WHERE account = ? AND region = ?")
                    .execute(arguments: [registry.account.value, registry.region.value])
            }
        }
    }

    public func signingStatuses(of digest: Digest, repository: RepositoryName, registry: RegistryKey) async throws -> [SigningStatus] {
        try lookup { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT * FROM signing_status WHERE account = ? AND region = ? AND repository = ? AND digest = ?
                    ORDER BY ordinal
                    """),
                arguments: Self.key(registry, repository) + [digest.description]
            ).map(Self.status(from:))
        }
    }

    /// One read transaction for the whole batch (two lookups per signature were ~10 % of the engine's CPU, most of it
    /// GRDB's reader-pool bookkeeping around each).
    public func signingSubjects(of items: [PendingSignature]) async throws -> [(statuses: [SigningStatus], image: Image?)] {
        try snapshot { db in
            try items.map { item in
                let statuses = try Row.fetchAll(
                    db.cachedStatement(sql: """
                        SELECT * FROM signing_status WHERE account = ? AND region = ? AND repository = ? AND digest = ?
                        ORDER BY ordinal
                        """),
                    arguments: Self.key(item.registry, item.repository) + [item.digest.description]
                ).map(Self.status(from:))
                return (statuses, try Self.image(item.digest, repository: item.repository, registry: item.registry, db: db))
            }
        }
    }

    public func updateSigningStatus(_ status: SigningStatus, of digest: Digest, repository: RepositoryName, registry: RegistryKey) async throws {
        try await committer.write { db in try Self.updateSigningStatus(status, of: digest, key: Self.key(registry, repository), db: db) }
    }

    static func updateSigningStatus(_ status: SigningStatus, of digest: Digest, key: StatementArguments, db: Database) throws {
        try db.cachedStatement(sql: """
                UPDATE signing_status SET status = ?, failure_code = ?, failure_reason = ?
                WHERE account = ? AND region = ? AND repository = ? AND digest = ? AND profile_arn = ?
                """).execute(arguments: [status.state.rawValue, status.failureCode, status.failureReason] + key + [digest.description, status.signingProfileArn])
    }

    public func pendingSigningWork() async throws -> [PendingSignature] {
        try lookup { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM signing_status WHERE status = 'IN_PROGRESS' ORDER BY account, region, repository, digest, ordinal")).compactMap { row in
                let digestText: String = row["digest"]
                guard let digest = Digest(parsing: digestText) else { return nil }
                return PendingSignature(
                    registry: RegistryKey(account: AccountID(trusted: row["account"]), region: Region(row["region"])),
                    repository: RepositoryName(trusted: row["repository"]), digest: digest, status: Self.status(from: row))
            }
        }
    }

    private static func status(from row: Row) -> SigningStatus {
        SigningStatus(
            signingProfileArn: row["profile_arn"], state: SigningStatus.State(rawValue: row["status"]) ?? .failed,
            failureCode: row["failure_code"], failureReason: row["failure_reason"], pushedBy: row["pushed_by"])
    }

    // MARK: Rows

    private static func key(_ registry: RegistryKey, _ name: RepositoryName) -> StatementArguments {
        [registry.account.value, registry.region.value, name.value]
    }

    /// Inserts or updates a repository row. Never `INSERT OR REPLACE`: a replace deletes the row first,
    /// and the delete would cascade to the repository's images.
    private static func write(_ repository: Repository, db: Database, update: Bool) throws {
        let filters = try JSONEncoder().encode(repository.tagMutability.exclusionFilters)
        let tags = try JSONEncoder().encode(repository.tags)
        let values: StatementArguments = [
            repository.createdAt.timeIntervalSince1970, repository.tagMutability.mode.rawValue, filters, repository.scanOnPush,
            repository.encryption.type.rawValue, repository.encryption.kmsKey, tags,
        ]
        if update {
            try db.cachedStatement(sql: """
                    UPDATE repository SET created_at = ?, tag_mutability = ?, exclusion_filters = ?, scan_on_push = ?,
                    encryption_type = ?, kms_key = ?, tags = ? WHERE account = ? AND region = ? AND name = ?
                    """).execute(arguments: values + key(repository.registry, repository.name))
        } else {
            try db.cachedStatement(sql: """
                    INSERT INTO repository
                    (account, region, name, created_at, tag_mutability, exclusion_filters, scan_on_push, encryption_type, kms_key, tags)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: key(repository.registry, repository.name) + values)
        }
    }

    /// The columns `repository(from:registry:)` reads, by position: GRDB's lookup by name compares names
    /// case-insensitively through Foundation, which was a visible part of every manifest GET.
    static let repositoryColumns = "name, created_at, tag_mutability, exclusion_filters, scan_on_push, encryption_type, kms_key, tags"

    private static func repository(from row: Row, registry: RegistryKey) throws -> Repository {
        let filters: [String] = try decodeJSONList(row[3])
        return Repository(
            registry: registry,
            name: RepositoryName(trusted: row[0]),
            createdAt: Date(timeIntervalSince1970: row[1]),
            tagMutability: TagMutability(trustedMode: TagMutability.Mode(rawValue: row[2]) ?? .mutable, exclusionFilters: filters),
            scanOnPush: row[4],
            encryption: EncryptionConfiguration(trustedType: EncryptionConfiguration.EncryptionType(rawValue: row[5]) ?? .aes256, kmsKey: row[6]),
            tags: try decodeJSONList(row[7]))
    }

    /// A JSON array column; the common empty list without a decoder.
    private static func decodeJSONList<Element: Decodable>(_ data: Data) throws -> [Element] {
        if data.elementsEqual("[]".utf8) { return [] }
        return try JSONDecoder().decode([Element].self, from: data)
    }

    /// The columns `image(from:)` reads, by position.
    static let imageColumns = "digest, manifest, media_type, artifact_media_type, subject, size, pushed_at"

    private static func image(from row: Row) throws -> Image {
        let digestText: String = row[0]
        guard let digest = Digest(parsing: digestText) else { throw CorruptRow(description: "bad digest \(digestText)") }
        let subject: String? = row[4]
        return Image(
            digest: digest, manifest: row[1], mediaType: row[2], artifactMediaType: row[3], subject: subject.flatMap(Digest.init(parsing:)),
            sizeInBytes: row[5], pushedAt: Date(timeIntervalSince1970: row[6]))
    }

    struct CorruptRow: Error, CustomStringConvertible {
        let description: String
    }

    // MARK: Schema

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: repositories, images, tags, signing") { db in
            try db.execute(
                sql: """
                    CREATE TABLE repository (
                        account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        tag_mutability TEXT NOT NULL, exclusion_filters BLOB NOT NULL,
                        scan_on_push INTEGER NOT NULL,
                        encryption_type TEXT NOT NULL, kms_key TEXT,
                        tags BLOB NOT NULL,
                        PRIMARY KEY (account, region, name)
                    ) WITHOUT ROWID;
                    CREATE TABLE image (
                        account TEXT NOT NULL, region TEXT NOT NULL, repository TEXT NOT NULL, digest TEXT NOT NULL,
                        manifest BLOB NOT NULL, media_type TEXT NOT NULL, artifact_media_type TEXT, subject TEXT,
                        size INTEGER NOT NULL, pushed_at REAL NOT NULL,
                        PRIMARY KEY (account, region, repository, digest),
                        FOREIGN KEY (account, region, repository) REFERENCES repository (account, region, name) ON DELETE CASCADE
                    );
                    CREATE INDEX image_by_subject ON image (account, region, repository, subject);
                    CREATE TABLE image_tag (
                        account TEXT NOT NULL, region TEXT NOT NULL, repository TEXT NOT NULL, tag TEXT NOT NULL, digest TEXT NOT NULL,
                        PRIMARY KEY (account, region, repository, tag),
                        FOREIGN KEY (account, region, repository, digest) REFERENCES image (account, region, repository, digest) ON DELETE CASCADE
                    ) WITHOUT ROWID;
                    CREATE TABLE signing_status (
                        account TEXT NOT NULL, region TEXT NOT NULL, repository TEXT NOT NULL, digest TEXT NOT NULL,
                        profile_arn TEXT NOT NULL, ordinal INTEGER NOT NULL, status TEXT NOT NULL,
                        failure_code TEXT, failure_reason TEXT,
                        PRIMARY KEY (account, region, repository, digest, profile_arn),
                        FOREIGN KEY (account, region, repository, digest) REFERENCES image (account, region, repository, digest) ON DELETE CASCADE
                    ) WITHOUT ROWID;
                    CREATE TABLE signing_configuration (
                        account TEXT NOT NULL, region TEXT NOT NULL, configuration BLOB NOT NULL,
                        PRIMARY KEY (account, region)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v2: signing profiles") { db in
            try db.execute(
                sql: """
                    CREATE TABLE signing_profile (
                        account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, profile BLOB NOT NULL,
                        PRIMARY KEY (account, region, name)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v3: signing jobs, pending signing work") { db in
            try db.execute(
                sql: """
                    CREATE TABLE signing_job (
                        job_id TEXT NOT NULL PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL,
                        created_at REAL NOT NULL, job BLOB NOT NULL
                    );
                    CREATE INDEX signing_job_by_owner ON signing_job (account, region, created_at);
                    ALTER TABLE signing_status ADD COLUMN pushed_by TEXT;
                    CREATE INDEX signing_status_by_state ON signing_status (status);
                    """)
        }
        migrator.registerMigration("v4: small blobs") { db in
            try db.execute(sql: "CREATE TABLE small_blob (digest TEXT NOT NULL PRIMARY KEY, content BLOB NOT NULL) WITHOUT ROWID")
        }
        migrator.registerMigration("v5: signature counts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE signature_count (
                        account TEXT NOT NULL, region TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (account, region)
                    ) WITHOUT ROWID;
                    INSERT INTO signature_count (account, region, n) SELECT account, region, COUNT(*) FROM signing_job GROUP BY account, region;
                    """)
        }
        return migrator
    }
}

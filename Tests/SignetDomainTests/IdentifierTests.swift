import Foundation
@testable import SignetDomain
import Testing

@Suite("Identifiers")
struct IdentifierTests {
    @Test(arguments: ["ab", "team/app", "a-b", "a--b", "a__b", "a.b/c_d", "x1/y2/z3"])
    func validRepositoryNames(_ name: String) throws {
        #expect(try RepositoryName(name).value == name)
    }

    @Test(arguments: ["a", "Team", "a/", "/a", "a//b", "-a", "a-", "a___b", "a..b", "a b", String(repeating: "a", count: 257)])
    func invalidRepositoryNames(_ name: String) {
        #expect(throws: RegistryError.self) { try RepositoryName(name) }
    }

    @Test func repositoryNameErrorsNameTheConstraint() {
        #expect(throws: RegistryError.invalidParameter(.init(path: "repositoryName", value: "a", constraint: .minLength(2)))) {
            try RepositoryName("a")
        }
        #expect(
            throws: RegistryError.invalidParameter(.init(path: "repositoryName", value: "A1", constraint: .pattern(RepositoryName.pattern)))
        ) { try RepositoryName("A1") }
    }

    @Test func digestsParseStrictly() {
        let hex = String(repeating: "a", count: 64)
        #expect(Digest(parsing: "sha256:\(hex)")?.hex == hex)
        #expect(Digest(parsing: "sha256:\(hex.uppercased())") == nil)
        #expect(Digest(parsing: "sha256:abc") == nil)
        #expect(Digest(parsing: "md5:\(hex)") == nil)
        #expect(Digest.sha256(of: Data("{}".utf8)).description == "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
    }

    @Test func ecrDigestShapeFollowsTheQuotedRegex() {
        #expect(Digest.hasECRShape("sha256:ABCdef01"))
        #expect(!Digest.hasECRShape("sha256"))
        #expect(!Digest.hasECRShape("sha256:xyz"))
        #expect(!Digest.hasECRShape(":abc"))
    }

    @Test func tagMutabilityWithExclusions() throws {
        let immutableExcept = try TagMutability(mode: "IMMUTABLE_WITH_EXCLUSION", exclusionFilters: [("WILDCARD", "latest*")])
        #expect(immutableExcept.allowsOverwriting(try ImageTag("latest")))
        #expect(!immutableExcept.allowsOverwriting(try ImageTag("v1")))
        let mutableExcept = try TagMutability(mode: "MUTABLE_WITH_EXCLUSION", exclusionFilters: [("WILDCARD", "release-*")])
        #expect(mutableExcept.allowsOverwriting(try ImageTag("dev")))
        #expect(!mutableExcept.allowsOverwriting(try ImageTag("release-1")))
        #expect(throws: RegistryError.self) { try TagMutability(mode: "IMMUTABLE_WITH_EXCLUSION", exclusionFilters: nil) }
        #expect(throws: RegistryError.self) { try TagMutability(mode: "MUTABLE", exclusionFilters: [("WILDCARD", "x")]) }
        #expect(throws: RegistryError.self) { try TagMutability(mode: "SOMETIMES", exclusionFilters: nil) }
    }

    @Test func paginationTokensResumeAfterTheLastKey() throws {
        let items = ["a", "b", "c", "d", "e"]
        let first = try Paginator.page(items, key: { $0 }, scope: "ListImages r", maxResults: 2, defaultSize: 100, token: nil)
        #expect(first.items == ["a", "b"])
        let second = try Paginator.page(["a", "c", "d", "e"], key: { $0 }, scope: "ListImages r", maxResults: 2, defaultSize: 100, token: first.nextToken)
        #expect(second.items == ["c", "d"])
        let last = try Paginator.page(items, key: { $0 }, scope: "ListImages r", maxResults: 2, defaultSize: 100, token: second.nextToken)
        #expect(last.items == ["e"] && last.nextToken == nil)
        #expect(throws: RegistryError.self) { try Paginator.page(items, key: { $0 }, scope: "ListImages r", maxResults: 2, defaultSize: 100, token: "garbage") }
    }

    /// The binary-search pager gives the pages of the general one on sorted listings: every page size, every token
    /// (including one whose key is gone, one past the end, and one from another scope).
    @Test func sortedListingsPageLikeAnyListing() throws {
        let items = (0..<23).map { String(format: "repo-%03d", $0 * 2) }
        let scope = "DescribeRepositories 123456789012/us-east-1"
        for size in [nil, 1, 2, 5, 22, 23, 24] {
            var tokens: [String?] = [nil, Paginator.encode("repo-007", scope: scope), Paginator.encode("repo-999", scope: scope), Paginator.encode("", scope: scope)]
            var token: String? = nil
            repeat {
                let general = try Paginator.page(items, key: { $0 }, scope: scope, maxResults: size, defaultSize: 10, token: token)
                let sorted = try Paginator.pageOfSorted(items, key: { $0 }, scope: scope, maxResults: size, defaultSize: 10, token: token)
                #expect(general.items == sorted.items && general.nextToken == sorted.nextToken)
                token = general.nextToken
                tokens.append(token)
            } while token != nil
            for token in tokens {
                let general = try Paginator.page(items, key: { $0 }, scope: scope, maxResults: size, defaultSize: 10, token: token)
                let sorted = try Paginator.pageOfSorted(items, key: { $0 }, scope: scope, maxResults: size, defaultSize: 10, token: token)
                #expect(general.items == sorted.items && general.nextToken == sorted.nextToken)
            }
        }
        #expect(try Paginator.pageOfSorted([String](), key: { $0 }, scope: scope, maxResults: nil, defaultSize: 10, token: nil).items.isEmpty)
        let foreign = Paginator.encode("repo-002", scope: "ListImages r")
        #expect(throws: RegistryError.invalidParameter(.init(path: "nextToken", value: foreign, constraint: .custom("must be a token returned by a previous call")))) {
            try Paginator.pageOfSorted(items, key: { $0 }, scope: scope, maxResults: 1, defaultSize: 10, token: foreign)
        }
    }

    /// A token works only for the listing that issued it: another operation's or another repository's is refused.
    @Test func paginationTokensBelongToTheirListing() throws {
        let items = ["a", "b", "c"]
        let token = try #require(try Paginator.page(items, key: { $0 }, scope: "ListImages r", maxResults: 1, defaultSize: 100, token: nil).nextToken)
        for scope in ["ListImages s", "DescribeImages r", "ListImages r "] {
            #expect(throws: RegistryError.invalidParameter(.init(path: "nextToken", value: token, constraint: .custom("must be a token returned by a previous call")))) {
                try Paginator.page(items, key: { $0 }, scope: scope, maxResults: 1, defaultSize: 100, token: token)
            }
        }
        #expect(try Paginator.page(items, key: { $0 }, scope: "ListImages r", maxResults: 1, defaultSize: 100, token: token).items == ["b"])
    }
}

@Suite("AsyncLock")
struct AsyncLockTests {
    /// Counts holders and remembers the worst overlap seen.
    final class Holders: @unchecked Sendable {
        private let lock = NSLock()
        private var exclusive = 0
        private var shared = 0
        private(set) var maxShared = 0
        private(set) var violated = false

        func enter(exclusive isExclusive: Bool) {
            lock.withLock {
                if isExclusive { exclusive += 1 } else { shared += 1 }
                maxShared = max(maxShared, shared)
                if exclusive > 1 || (exclusive == 1 && shared > 0) { violated = true }
            }
        }

        func leave(exclusive isExclusive: Bool) {
            lock.withLock { if isExclusive { exclusive -= 1 } else { shared -= 1 } }
        }
    }

    @Test func sharedHoldersOverlapButNeverWithAnExclusiveOne() async {
        let lock = AsyncLock()
        let holders = Holders()
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<200 {
                let exclusive = i % 5 == 0
                group.addTask {
                    let body = {
                        holders.enter(exclusive: exclusive)
                        try? await Task.sleep(for: .microseconds(200))
                        holders.leave(exclusive: exclusive)
                    }
                    if exclusive { await lock.withLock(body) } else { await lock.withSharedLock(body) }
                }
            }
        }
        #expect(!holders.violated)
        #expect(holders.maxShared > 1)
    }
}

@Suite("Random UUIDs")
struct RandomUUIDTests {
    @Test func versionFourInLowercaseText() {
        var seen = Set<String>()
        for _ in 0..<2_000 {
            let text = RandomUUID.string()
            let bytes = Array(text.utf8)
            #expect(bytes.count == 36)
            #expect([8, 13, 18, 23].allSatisfy { bytes[$0] == UInt8(ascii: "-") }, "\(text)")
            #expect(bytes.enumerated().allSatisfy { [8, 13, 18, 23].contains($0.offset) || "0123456789abcdef".utf8.contains($0.element) }, "\(text)")
            #expect(bytes[14] == UInt8(ascii: "4"), "version nibble of \(text)")
            #expect("89ab".utf8.contains(bytes[19]), "variant nibble of \(text)")
            #expect(UUID(uuidString: text) != nil)
            seen.insert(text)
        }
        #expect(seen.count == 2_000)
        #expect(RandomIDGenerator().uuid().count == 36)
    }
}

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

    /// Both pagers give the pages a linear scan gives — the first item whose key is greater than the token's, then
    /// `maxResults` items — for every page size and token (including one whose key is gone, one past the end, one
    /// before the start), with repeated keys, and (the general pager) for a listing that arrives out of order.
    @Test func pagesResumeAfterTheTokensKeyAtEverySize() throws {
        let scope = "DescribeRepositories 123456789012/us-east-1"
        func reference(_ sorted: [String], size: Int?, token: String?) throws -> Page<String> {
            let start = try token.map { token in
                let after = try #require(Paginator.decode(token, scope: scope))
                return sorted.firstIndex { $0 > after } ?? sorted.count
            } ?? 0
            let end = min(sorted.count, start + (size ?? 10))
            return Page(items: Array(sorted[start..<end]), nextToken: end < sorted.count && end > 0 ? Paginator.encode(sorted[end - 1], scope: scope) : nil)
        }
        let lists = [(0..<23).map { String(format: "repo-%03d", $0 * 2) }, ["a", "b", "b", "b", "c", "d", "d"], []]
        for sorted in lists {
            for size in [nil, 1, 2, 3, 5, 22, 23, 24] {
                var tokens = [nil] + ["repo-007", "repo-999", "", "b", "d"].map { Paginator.encode($0, scope: scope) }
                var token: String? = nil
                repeat {
                    token = try Paginator.pageOfSorted(sorted, key: { $0 }, scope: scope, maxResults: size, defaultSize: 10, token: token).nextToken
                    tokens.append(token)
                } while token != nil
                for token in tokens {
                    let expected = try reference(sorted, size: size, token: token)
                    for page in [
                        try Paginator.pageOfSorted(sorted, key: { $0 }, scope: scope, maxResults: size, defaultSize: 10, token: token),
                        try Paginator.page(sorted.reversed(), key: { $0 }, scope: scope, maxResults: size, defaultSize: 10, token: token),
                    ] {
                        #expect(page.items == expected.items && page.nextToken == expected.nextToken, "\(sorted) size \(String(describing: size))")
                    }
                }
            }
        }
        let foreign = Paginator.encode("repo-002", scope: "ListImages r")
        #expect(throws: RegistryError.invalidParameter(.init(path: "nextToken", value: foreign, constraint: .custom("must be a token returned by a previous call")))) {
            try Paginator.pageOfSorted(lists[0], key: { $0 }, scope: scope, maxResults: 1, defaultSize: 10, token: foreign)
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

import Foundation
import NIOCore
import SignetDomain
import SignetWire
import Testing

/// ``AWSJSONEncoder`` must write exactly what Foundation's encoder with the AWS settings writes.
@Suite("AWS JSON encoder")
struct AWSJSONEncoderTests {
    struct Inner: Encodable {
        var Key: String
        var value: String?
        var when: Date
    }

    struct Everything: Encodable {
        var zeta = "/slashes/stay/"
        var alpha = Date(timeIntervalSince1970: 1_764_460_800)
        var fraction = Date(timeIntervalSince1970: 1_764_460_800.125)
        var escapes = "quote \" backslash \\ newline \n tab \t return \r bell \u{7} formfeed \u{C} backspace \u{8} unit \u{1F}"
        var unicode = "grüße ✓ 🚀 日本"
        var empty = ""
        var negative = -42
        var big: Int64 = 9_007_199_254_740_993
        var unsigned: UInt64 = 18_446_744_073_709_551_615
        var zero = 0
        var ratio = 0.1
        var huge = 1e300
        var flag = true
        var off = false
        var missing: String? = nil
        var present: Int? = 7
        var bytes = Data([0, 1, 2, 250, 255])
        var list = [1, 2, 3]
        var emptyList: [String] = []
        var nested = [Inner(Key: "b", value: nil, when: Date(timeIntervalSince1970: 0)), Inner(Key: "a", value: "v", when: Date(timeIntervalSince1970: 1))]
        var map = ["b": 1, "B": 2, "a": 3, "A": 4, "ab": 5, "Ab": 6, "aB": 7, "imageId": 8, "imageIds": 9, "image_id": 10, "é": 11, "z": 12, "ä": 13, "": 14, "🚀": 15]
        var emptyMap: [String: String] = [:]
        var optionals: [String?] = ["x", nil]
        var nestedLists = [[1], [], [2, 3]]
        var repository = RepositoryShape(
            repositoryArn: "arn:aws:ecr:us-east-1:123456789012:repository/team/app", registryId: "123456789012", repositoryName: "team/app",
            repositoryUri: "localhost:5050/team/app", createdAt: Date(timeIntervalSince1970: 1_764_460_800), imageTagMutability: "MUTABLE",
            imageTagMutabilityExclusionFilters: [ExclusionFilterShape(filterType: "WILDCARD", filter: "v*")],
            imageScanningConfiguration: ImageScanningConfigurationShape(scanOnPush: false), encryptionConfiguration: EncryptionConfigurationShape(encryptionType: "AES256"))
    }

    func foundation(_ value: some Encodable) throws -> String {
        String(decoding: try AWSJSON.encoder().encode(value), as: UTF8.self)
    }

    func ours(_ value: some Encodable) throws -> String {
        String(decoding: try AWSJSONEncoder().encode(value), as: UTF8.self)
    }

    @Test func writesTheBytesFoundationWrites() throws {
        let (a, b) = (try ours(Everything()), try foundation(Everything()))
        if a != b {
            let index = zip(a, b).prefix { $0 == $1 }.count
            Issue.record("differs at \(index): ours …\(a.dropFirst(max(0, index - 40)).prefix(120))… foundation …\(b.dropFirst(max(0, index - 40)).prefix(120))…")
        }
    }

    /// Containers kept and written after a later member, and a super encoder: written as Foundation writes them.
    @Test func containersUsedOutOfOrderAreWrittenAsFoundationWritesThem() throws {
        struct Interleaved: Encodable {
            func encode(to encoder: any Encoder) throws {
                var object = encoder.container(keyedBy: AnyKey.self)
                var inner = object.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("m"))
                var list = object.nestedUnkeyedContainer(forKey: AnyKey("b"))
                try object.encode("first", forKey: AnyKey("z"))
                try inner.encode(2, forKey: AnyKey("y"))
                try list.encode("one")
                try inner.encode(1, forKey: AnyKey("x"))
                try object.encode(true, forKey: AnyKey("a"))
                try list.encode("two")
            }
        }
        struct WithSuper: Encodable {
            func encode(to encoder: any Encoder) throws {
                var object = encoder.container(keyedBy: AnyKey.self)
                try object.encode(1, forKey: AnyKey("k"))
                var parent = object.superEncoder().container(keyedBy: AnyKey.self)
                try parent.encode("p", forKey: AnyKey("q"))
            }
        }
        struct Holder<T: Encodable>: Encodable { var before = 1; var value: T; var after = [3] }
        #expect(try ours(Holder(value: Interleaved())) == (try foundation(Holder(value: Interleaved()))))
        #expect(try ours([Interleaved(), Interleaved()]) == (try foundation([Interleaved(), Interleaved()])))
        #expect(try ours(Holder(value: WithSuper())) == (try foundation(Holder(value: WithSuper()))))
        #expect(try ours(Holder(value: WithSuper())) == #"{"after":[3],"before":1,"value":{"k":1,"super":{"q":"p"}}}"#)
    }

    /// Keys arriving out of order at every depth, including objects inside arrays inside reordered objects.
    @Test func membersAreSortedAtEveryDepth() throws {
        struct Backwards: Encodable {
            var zz = ["b": ["d": 1, "c": 2], "a": ["f": 3, "e": 4]]
            var yy = [["z": "1", "y": "2"], [:], ["x": "3"]]
            var aa = "first"
        }
        let bytes = try AWSJSONEncoder().encode(Backwards())
        #expect(String(decoding: bytes, as: UTF8.self) == (try foundation(Backwards())))
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"aa":"first","yy":[{"y":"2","z":"1"},{},{"x":"3"}],"zz":{"a":{"e":4,"f":3},"b":{"c":2,"d":1}}}"#)
    }

    /// Shapes that write their own JSON (``AWSJSONWritable``) write what Foundation writes for their `Encodable`
    /// conformance, with every optional member present and absent and strings that need escaping.
    @Test func handWrittenShapesWriteWhatFoundationWrites() throws {
        func repository(_ name: String, filters: [ExclusionFilterShape]?, scan: Bool?, kms: String?, at seconds: Double) -> RepositoryShape {
            RepositoryShape(
                repositoryArn: "arn:aws:ecr:us-east-1:123456789012:repository/\(name)", registryId: "123456789012", repositoryName: name,
                repositoryUri: "localhost:5050/\(name)", createdAt: Date(timeIntervalSince1970: seconds), imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
                imageTagMutabilityExclusionFilters: filters, imageScanningConfiguration: ImageScanningConfigurationShape(scanOnPush: scan),
                encryptionConfiguration: EncryptionConfigurationShape(encryptionType: kms == nil ? "AES256" : "KMS", kmsKey: kms))
        }
        let shapes = [
            repository("team/app", filters: nil, scan: false, kms: nil, at: 1_764_460_800),
            repository("a\"b\\c/é", filters: [], scan: nil, kms: "arn:aws:kms:us-east-1:123456789012:key/x", at: 1_764_460_800.25),
            repository("x", filters: [ExclusionFilterShape(filterType: "WILDCARD", filter: "v*"), ExclusionFilterShape(filterType: "WILDCARD", filter: "tab\there")],
                       scan: true, kms: nil, at: 0),
        ]
        for shape in shapes {
            #expect(try ours(shape) == (try foundation(shape)))
        }
        let list = DescribeRepositoriesOutput(repositories: shapes, nextToken: "next")
        #expect(try ours(list) == (try foundation(list)))
        #expect(try ours(DescribeRepositoriesOutput(repositories: [])) == #"{"repositories":[]}"#)

        // the same answer written straight from the domain's repositories
        let key = RegistryKey(account: try AccountID("123456789012"), region: Region("eu-west-3"))
        let repositories = [
            Repository(registry: key, name: try RepositoryName("team/app"), createdAt: Date(timeIntervalSince1970: 1_764_460_800)),
            Repository(
                registry: key, name: try RepositoryName("xy"), createdAt: Date(timeIntervalSince1970: 1_764_460_800.375),
                tagMutability: try TagMutability(mode: "IMMUTABLE_WITH_EXCLUSION", exclusionFilters: [("WILDCARD", "v*"), ("WILDCARD", "rc-*")]),
                scanOnPush: true, encryption: try EncryptionConfiguration(type: "KMS", kmsKey: "arn:aws:kms:eu-west-3:123456789012:key/k")),
            Repository(registry: key, name: try RepositoryName("a/b.c_d-e"), createdAt: Date(timeIntervalSince1970: 0),
                       tagMutability: try TagMutability(mode: "IMMUTABLE", exclusionFilters: nil)),
        ]
        for (host, token) in [("127.0.0.1:5050", nil), ("123456789012.dkr.ecr.eu-west-3.localhost:5050", "tok\"en")] {
            let page = DescribeRepositoriesPage(repositories: repositories, registryHost: host, nextToken: token)
            #expect(try ours(page) == (try foundation(page.output)))
            #expect(try foundation(page) == (try foundation(page.output)))
            #expect(page.output.repositories.map(\.repositoryArn) == repositories.map(\.arn))
        }
        #expect(try ours(DescribeRepositoriesPage(repositories: [], registryHost: "h:1", nextToken: nil)) == #"{"repositories":[]}"#)

        let rules = [
            SigningRuleShape(signingProfileArn: "arn:aws:signer:us-east-1:123456789012:/signing-profiles/P", repositoryFilters: [
                SigningRepositoryFilterShape(filter: "team/*", filterType: "WILDCARD_MATCH"),
                SigningRepositoryFilterShape(filter: "q\"uote", filterType: "WILDCARD_MATCH"),
            ]),
            SigningRuleShape(signingProfileArn: "arn:aws:signer:us-east-1:123456789012:/signing-profiles/Q", repositoryFilters: nil),
            SigningRuleShape(signingProfileArn: "arn:aws:signer:us-east-1:123456789012:/signing-profiles/R", repositoryFilters: []),
        ]
        for configuration in [SigningConfigurationShape(rules: rules), SigningConfigurationShape(rules: [])] {
            let output = RegistrySigningConfigurationOutput(registryId: "123456789012", signingConfiguration: configuration)
            #expect(try ours(output) == (try foundation(output)))
        }
    }

    /// A cached `DescribeRepositories` page is reused only while it would be written the same: a change to any member
    /// the page writes, even one that `==` does not see (a string spelled in another Unicode form), gives the newly
    /// written bytes; the cache stays within its bounds.
    @Test func describeRepositoriesPagesAreReusedOnlyWhileTheyWouldBeWrittenTheSame() throws {
        let key = RegistryKey(account: try AccountID("123456789012"), region: Region("eu-west-3"))
        let base = [
            Repository(registry: key, name: try RepositoryName("team/app"), createdAt: Date(timeIntervalSince1970: 0)),
            Repository(
                registry: key, name: try RepositoryName("xy"), createdAt: Date(timeIntervalSince1970: 1_764_460_800.375),
                tagMutability: try TagMutability(mode: "IMMUTABLE_WITH_EXCLUSION", exclusionFilters: [("WILDCARD", "v*")]),
                scanOnPush: true, encryption: try EncryptionConfiguration(type: "KMS", kmsKey: "alias/caf\u{E9}")),
        ]
        let cache = DescribeRepositoriesPageCache()
        // bytes, not `String`s: `String`'s `==` would take canonically equivalent JSON for the same
        func written(_ page: DescribeRepositoriesPage) throws -> [UInt8] { Array(try AWSJSON.encode(page).readableBytesView) }
        func cached(_ page: DescribeRepositoriesPage) throws -> [UInt8] { Array(try cache.encode(page).readableBytesView) }
        func page(_ repositories: [Repository], host: String = "127.0.0.1:5050", token: String? = "t") -> DescribeRepositoriesPage {
            DescribeRepositoriesPage(repositories: repositories, registryHost: host, nextToken: token)
        }
        let original = page(base)
        #expect(try cached(original) == (try written(original)))
        #expect(try cached(original) == (try written(original)))
        #expect(cache.occupancy.entries == 1)

        // each member the page writes, changed on the second repository (the cache's key is the first one), with the
        // original page cached before each change
        let changes: [(String, (inout Repository) throws -> Void)] = [
            ("name", { $0.name = try RepositoryName("xz") }),
            ("account", { $0.registry = RegistryKey(account: try AccountID("123456789013"), region: $0.registry.region) }),
            ("region", { $0.registry = RegistryKey(account: $0.registry.account, region: Region("eu-west-4")) }),
            ("createdAt", { $0.createdAt = Date(timeIntervalSince1970: 1_764_460_800.5) }),
            ("scanOnPush", { $0.scanOnPush = false }),
            ("mode", { $0.tagMutability = try TagMutability(mode: "MUTABLE_WITH_EXCLUSION", exclusionFilters: [("WILDCARD", "v*")]) }),
            ("filters", { $0.tagMutability = try TagMutability(mode: "IMMUTABLE_WITH_EXCLUSION", exclusionFilters: [("WILDCARD", "v*"), ("WILDCARD", "w")]) }),
            ("filter", { $0.tagMutability = try TagMutability(mode: "IMMUTABLE_WITH_EXCLUSION", exclusionFilters: [("WILDCARD", "w*")]) }),
            ("encryptionType", { $0.encryption = try EncryptionConfiguration(type: "KMS_DSSE", kmsKey: "alias/caf\u{E9}") }),
            ("kmsKey", { $0.encryption = try EncryptionConfiguration(type: "KMS", kmsKey: "alias/cafe") }),
            // the same key to `==` (canonically equivalent), other bytes
            ("kmsKey decomposed", { $0.encryption = try EncryptionConfiguration(type: "KMS", kmsKey: "alias/cafe\u{301}") }),
        ]
        #expect("alias/cafe\u{301}" == "alias/caf\u{E9}")
        for (member, change) in changes {
            _ = try cached(original)
            var repositories = base
            try change(&repositories[1])
            let changed = page(repositories)
            #expect(try cached(changed) == (try written(changed)), "\(member)")
            #expect(try cached(changed) != (try written(original)), "\(member)")
        }
        for changed in [page(base, host: "localhost:5050"), page(base, token: nil), page(base, token: "u"), page(Array(base.prefix(1)))] {
            #expect(try cached(changed) == (try written(changed)))
        }
        // tags are not in the page: a change to them reuses the page, rightly
        var tagged = base
        tagged[1].tags = [try ResourceTag(key: "k", value: "v")]
        #expect(try cached(page(tagged)) == (try written(original)))

        // bounds: at most maxEntries pages, and a page over a quarter of maxBytes is written but not kept
        for index in 0..<(DescribeRepositoriesPageCache.maxEntries + 40) {
            let one = Repository(registry: key, name: try RepositoryName("r\(index)"), createdAt: Date(timeIntervalSince1970: 1))
            #expect(try cached(page([one])) == (try written(page([one]))))
        }
        #expect(cache.occupancy.entries == DescribeRepositoriesPageCache.maxEntries)
        let many = try (0..<10_000).map { Repository(registry: key, name: try RepositoryName("big/repository-\($0)"), createdAt: Date(timeIntervalSince1970: 1)) }
        let before = cache.occupancy
        #expect(try cached(page(many)) == (try written(page(many))))
        #expect(cache.occupancy == before)
        #expect(before.bytes <= DescribeRepositoriesPageCache.maxBytes)
    }

    @Test func topLevelValuesAndEmptyShapes() throws {
        struct Empty: Encodable {}
        #expect(try ours(Empty()) == "{}")
        #expect(try ours(["x": [String]()]) == #"{"x":[]}"#)
        #expect(try ours([Date(timeIntervalSince1970: 5)]) == "[5]")
    }

    @Test func nonFiniteNumbersAreRefusedWithTheirPath() {
        struct Bad: Encodable { var items = [1.0, .infinity] }
        #expect(throws: EncodingError.self) { try AWSJSONEncoder().encode(Bad()) }
        do {
            _ = try AWSJSONEncoder().encode(Bad())
        } catch let EncodingError.invalidValue(_, context) {
            #expect(context.codingPath.map(\.stringValue) == ["items", "Index 1"])
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    /// Every encoder handed to `encode(to:)` is freed once the bytes are written, with and without nested
    /// containers. A child that kept its parent strongly made each encoded tree a retain cycle: the server grew
    /// by ~22 KB per DescribeRepositories response.
    @Test(arguments: [false, true]) func freesEveryEncoder(nestedContainers: Bool) throws {
        final class Seen: @unchecked Sendable {
            struct Weak { weak var encoder: AnyObject? }
            var encoders: [Weak] = []
        }
        struct Leaf: Encodable {
            let seen: Seen
            let nestedContainers: Bool
            func encode(to encoder: any Encoder) throws {
                seen.encoders.append(.init(encoder: encoder as AnyObject))
                var object = encoder.container(keyedBy: AnyKey.self)
                try object.encode("v", forKey: AnyKey("k"))
                if nestedContainers {
                    var list = object.nestedUnkeyedContainer(forKey: AnyKey("list"))
                    try list.encode(1)
                    var inner = list.nestedContainer(keyedBy: AnyKey.self)
                    try inner.encode(true, forKey: AnyKey("b"))
                } else {
                    try object.encode([1], forKey: AnyKey("list"))
                }
            }
        }
        struct Tree: Encodable {
            let seen: Seen
            let nestedContainers: Bool
            func encode(to encoder: any Encoder) throws {
                seen.encoders.append(.init(encoder: encoder as AnyObject))
                var object = encoder.container(keyedBy: AnyKey.self)
                let leaf = Leaf(seen: seen, nestedContainers: nestedContainers)
                try object.encode([leaf, leaf], forKey: AnyKey("leaves"))
                try object.encode(["m": leaf], forKey: AnyKey("map"))
            }
        }
        let seen = Seen()
        let bytes = try AWSJSONEncoder().encode(Tree(seen: seen, nestedContainers: nestedContainers))
        let list = nestedContainers ? #"[1,{"b":true}]"# : "[1]"
        let leaf = #"{"k":"v","list":\#(list)}"#
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"leaves":[\#(leaf),\#(leaf)],"map":{"m":\#(leaf)}}"#)
        #expect(seen.encoders.count >= 4)
        #expect(seen.encoders.allSatisfy { $0.encoder == nil }, "encoders still alive after encoding: a retain cycle")
    }
}

private struct AnyKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

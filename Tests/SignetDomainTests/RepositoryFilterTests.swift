import SignetDomain
import Testing

@Suite("Repository filters and signing rules")
struct RepositoryFilterTests {
    /// aws-behavior.md §2.3: anchored glob, `*` spans `/` and the empty run.
    static let table: [(filter: String, repository: String, matches: Bool)] = [
        ("myapp/*", "myapp", false), ("myapp/*", "myapp/web", true), ("myapp/*", "myapp/web/v2", true),
        ("myapp/*", "team/production", false), ("myapp/*", "prod-api", false),
        ("*/production", "myapp", false), ("*/production", "myapp/web", false), ("*/production", "myapp/web/v2", false),
        ("*/production", "team/production", true), ("*/production", "prod-api", false),
        ("*prod*", "myapp", false), ("*prod*", "myapp/web", false), ("*prod*", "myapp/web/v2", false),
        ("*prod*", "team/production", true), ("*prod*", "prod-api", true),
        ("myapp", "myapp", true), ("myapp", "myapp/web", false), ("myapp", "myapp/web/v2", false),
        ("myapp", "team/production", false), ("myapp", "prod-api", false),
        ("*", "myapp", true), ("*", "myapp/web", true), ("*", "myapp/web/v2", true), ("*", "team/production", true), ("*", "prod-api", true),
        ("test*", "test", true), ("test*", "test-1", true), ("test*", "atest", false),
        ("a*b*c", "abc", true), ("a*b*c", "a/x/b/y/c", true), ("a*b*c", "acb", false), ("**", "ab", true),
    ]

    @Test(arguments: table)
    func filterMatchesAsDocumented(_ row: (filter: String, repository: String, matches: Bool)) throws {
        let filter = RepositoryFilter(filter: row.filter)
        #expect(filter.matches(try RepositoryName(row.repository)) == row.matches, "\(row.filter) vs \(row.repository)")
    }

    @Test func ruleWithoutFiltersMatchesEveryRepository() throws {
        let rule = SigningRule(signingProfileArn: "arn:aws:signer:us-east-1:123456789012:/signing-profiles/p1", repositoryFilters: nil)
        #expect(rule.matches(try RepositoryName("anything/at/all")))
    }

    @Test func filtersOfARuleAreOred() throws {
        let rule = SigningRule(
            signingProfileArn: "arn:aws:signer:us-east-1:123456789012:/signing-profiles/p1",
            repositoryFilters: [RepositoryFilter(filter: "a/*"), RepositoryFilter(filter: "b")])
        #expect(rule.matches(try RepositoryName("a/x")))
        #expect(rule.matches(try RepositoryName("b1") ) == false)
        #expect(rule.matches(try RepositoryName("bb")) == false)
    }

    @Test func matchingProfilesAreDistinctAndInRuleOrder() throws {
        let p1 = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/p1"
        let p2 = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/p2"
        let configuration = try SigningConfiguration(validating: [
            .init(signingProfileArn: p2, repositoryFilters: [("team/*", "WILDCARD_MATCH")]),
            .init(signingProfileArn: p1, repositoryFilters: nil),
            .init(signingProfileArn: p2, repositoryFilters: [("*", "WILDCARD_MATCH")]),
            .init(signingProfileArn: p1, repositoryFilters: [("other", "WILDCARD_MATCH")]),
        ])
        #expect(configuration.profiles(matching: try RepositoryName("team/app")) == [p2, p1])
        #expect(configuration.profiles(matching: try RepositoryName("solo")) == [p1, p2])
    }
}

@Suite("Signing configuration validation")
struct SigningConfigurationValidationTests {
    static let arn = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/EcrSignerProfile"

    func violations(_ rules: [SigningRule.Input]) -> [ConstraintViolation] {
        do {
            _ = try SigningConfiguration(validating: rules)
            return []
        } catch RegistryError.validation(let violations) {
            return violations
        } catch {
            Issue.record("unexpected \(error)")
            return []
        }
    }

    @Test func elevenRulesAreRefused() {
        let found = violations(Array(repeating: .init(signingProfileArn: Self.arn, repositoryFilters: nil), count: 11))
        #expect(found == [.init(path: "signingConfiguration.rules", value: nil, constraint: .maxItems(10))])
    }

    @Test func tenRulesAndEmptyRulesAreAccepted() {
        #expect(violations(Array(repeating: .init(signingProfileArn: Self.arn, repositoryFilters: nil), count: 10)).isEmpty)
        #expect(violations([]).isEmpty)
    }

    @Test func filterCountMustBeOneToHundred() {
        #expect(
            violations([.init(signingProfileArn: Self.arn, repositoryFilters: [])])
                == [.init(path: "signingConfiguration.rules.1.repositoryFilters", value: nil, constraint: .minItems(1))])
        let many = Array(repeating: (filter: "a*", filterType: "WILDCARD_MATCH"), count: 101)
        #expect(
            violations([.init(signingProfileArn: Self.arn, repositoryFilters: many)])
                == [.init(path: "signingConfiguration.rules.1.repositoryFilters", value: nil, constraint: .maxItems(100))])
    }

    @Test(arguments: ["*", "test*", "myapp/*", "*/production", "*prod*", "team-a/*/svc", "a.b_c-d", "x"])
    func validFiltersAreAccepted(_ filter: String) {
        #expect(violations([.init(signingProfileArn: Self.arn, repositoryFilters: [(filter, "WILDCARD_MATCH")])]).isEmpty)
    }

    @Test(arguments: ["Prod*", "-x", "a//b", "a/", "a.-b", "?", "", "/a", "a b", String(repeating: "a", count: 257)])
    func invalidFiltersNameTheirPath(_ filter: String) {
        let found = violations([
            .init(signingProfileArn: Self.arn, repositoryFilters: [("ok", "WILDCARD_MATCH"), (filter, "WILDCARD_MATCH")])
        ])
        #expect(found.count == 1)
        #expect(found.first?.path == "signingConfiguration.rules.1.repositoryFilters.2.filter")
    }

    @Test func onlyWildcardMatchIsAFilterType() {
        let found = violations([.init(signingProfileArn: Self.arn, repositoryFilters: [("a*", "PREFIX")])])
        #expect(found == [.init(path: "signingConfiguration.rules.1.repositoryFilters.1.filterType", value: "PREFIX", constraint: .oneOf(["WILDCARD_MATCH"]))])
    }

    @Test(arguments: [
        "arn:aws:signer:us-east-1:123456789012:/signing-profiles/p",
        "arn:aws:signer:us-east-1:123456789012:/signing-profiles/p1/ABCDEFGHIJ",
        "arn:aws:signer:us-east-1:12345678901:/signing-profiles/p1",
        "arn:aws:ecr:us-east-1:123456789012:/signing-profiles/p1",
        "arn:aws:signer:us-east-1:123456789012:signing-profiles/p1",
        "arn:aws:signer:us-east-1:123456789012:/signing-profiles/bad-name",
        "not an arn",
    ])
    func malformedProfileArnsAreRefused(_ arn: String) {
        let found = violations([.init(signingProfileArn: arn, repositoryFilters: nil)])
        #expect(found.map(\.path) == ["signingConfiguration.rules.1.signingProfileArn"])
    }

    @Test(arguments: [
        "arn:aws:signer:ap-northeast-1:123456789012:/signing-profiles/EcrSignerProfile",
        "arn:aws-us-gov:signer:us-gov-west-1:123456789012:/signing-profiles/p_1",
        "arn:aws-cn:signer:cn-north-1:123456789012:/signing-profiles/AB",
    ])
    func wellFormedProfileArnsAreAccepted(_ arn: String) {
        #expect(violations([.init(signingProfileArn: arn, repositoryFilters: nil)]).isEmpty)
    }

    @Test func arnsLongerThan200AreRefused() {
        let arn = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/" + String(repeating: "a", count: 160)
        #expect(violations([.init(signingProfileArn: arn, repositoryFilters: nil)]) == [.init(path: "signingConfiguration.rules.1.signingProfileArn", value: arn, constraint: .maxLength(200))])
    }
}

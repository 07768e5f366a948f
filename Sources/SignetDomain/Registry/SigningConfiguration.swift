/// The registry's managed-signing configuration: up to 10 rules, each a Signer profile plus repository filters.
public struct SigningConfiguration: Sendable, Equatable, Codable {
    public let rules: [SigningRule]

    public static let maxRules = 10
    public static let maxFiltersPerRule = 100
    public static let profileArnPattern =
        #"^arn:aws(-[a-z]+)*:signer:[a-z0-9-]+:[0-9]{12}:\/signing-profiles\/[a-zA-Z0-9_]{2,}$"#
    public static let filterPattern =
        #"^(?:[a-z0-9*]+(?:[._-][a-z0-9*]+)*/)*[a-z0-9*]+(?:[._-][a-z0-9*]+)*$"#

    /// Validates everything the model constrains (the SDKs check none of it).
    /// - Throws: ``RegistryError/validation(_:)`` listing every violation, paths 1-based as AWS reports them.
    public init(validating rules: [SigningRule.Input]) throws {
        var violations: [ConstraintViolation] = []
        let base = "signingConfiguration.rules"
        if rules.count > Self.maxRules {
            violations.append(.init(path: base, value: nil, constraint: .maxItems(Self.maxRules)))
        }
        for (ruleIndex, rule) in rules.enumerated() {
            let rulePath = "\(base).\(ruleIndex + 1)"
            if rule.signingProfileArn.utf8.count > 200 {
                violations.append(.init(path: rulePath + ".signingProfileArn", value: rule.signingProfileArn, constraint: .maxLength(200)))
            } else if !Self.isValidProfileArn(rule.signingProfileArn) {
                violations.append(
                    .init(path: rulePath + ".signingProfileArn", value: rule.signingProfileArn, constraint: .pattern(Self.profileArnPattern)))
            }
            guard let filters = rule.repositoryFilters else { continue }
            if filters.isEmpty {
                violations.append(.init(path: rulePath + ".repositoryFilters", value: nil, constraint: .minItems(1)))
            } else if filters.count > Self.maxFiltersPerRule {
                violations.append(.init(path: rulePath + ".repositoryFilters", value: nil, constraint: .maxItems(Self.maxFiltersPerRule)))
            }
            for (filterIndex, filter) in filters.enumerated() {
                let filterPath = "\(rulePath).repositoryFilters.\(filterIndex + 1)"
                if filter.filter.isEmpty {
                    violations.append(.init(path: filterPath + ".filter", value: filter.filter, constraint: .minLength(1)))
                } else if filter.filter.utf8.count > 256 {
                    violations.append(.init(path: filterPath + ".filter", value: filter.filter, constraint: .maxLength(256)))
                } else if !Self.isValidFilter(filter.filter) {
                    violations.append(.init(path: filterPath + ".filter", value: filter.filter, constraint: .pattern(Self.filterPattern)))
                }
                if filter.filterType != RepositoryFilter.wildcardMatch {
                    violations.append(
                        .init(path: filterPath + ".filterType", value: filter.filterType, constraint: .oneOf([RepositoryFilter.wildcardMatch])))
                }
            }
        }
        guard violations.isEmpty else { throw RegistryError.validation(violations) }
        self.rules = rules.map { rule in
            SigningRule(
                signingProfileArn: rule.signingProfileArn,
                repositoryFilters: rule.repositoryFilters?.map { RepositoryFilter(filter: $0.filter) })
        }
    }

    /// The distinct profile ARNs whose rules match `repository`, in rule order.
    public func profiles(matching repository: RepositoryName) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for rule in rules where rule.matches(repository) && seen.insert(rule.signingProfileArn).inserted {
            result.append(rule.signingProfileArn)
        }
        return result
    }

    static func isValidProfileArn(_ arn: String) -> Bool {
        // ^arn:aws(-[a-z]+)*:signer:[a-z0-9-]+:[0-9]{12}:/signing-profiles/[a-zA-Z0-9_]{2,}$
        var rest = Substring(arn)
        guard rest.hasPrefix("arn:aws") else { return false }
        rest = rest.dropFirst(7)
        while rest.first == "-" {
            rest = rest.dropFirst()
            let letters = rest.prefix { $0.isASCII && $0.isLowercase }
            guard !letters.isEmpty else { return false }
            rest = rest.dropFirst(letters.count)
        }
        guard rest.hasPrefix(":signer:") else { return false }
        rest = rest.dropFirst(8)
        let region = rest.prefix { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
        guard !region.isEmpty else { return false }
        rest = rest.dropFirst(region.count)
        guard rest.first == ":" else { return false }
        rest = rest.dropFirst()
        let account = rest.prefix { $0.isASCII && $0.isNumber }
        guard account.count == 12 else { return false }
        rest = rest.dropFirst(12)
        guard rest.hasPrefix(":/signing-profiles/") else { return false }
        rest = rest.dropFirst(19)
        return rest.count >= 2 && rest.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    static func isValidFilter(_ filter: String) -> Bool {
        // components of words ([a-z0-9*]+) joined by single [._-], separated by single '/'
        func isWordChar(_ b: UInt8) -> Bool { (0x61...0x7A).contains(b) || (0x30...0x39).contains(b) || b == 0x2A }
        for component in filter.utf8.split(separator: 0x2F, omittingEmptySubsequences: false) {
            var previousWasSeparator = true
            for byte in component {
                if isWordChar(byte) {
                    previousWasSeparator = false
                } else if byte == 0x2E || byte == 0x5F || byte == 0x2D {
                    if previousWasSeparator { return false }
                    previousWasSeparator = true
                } else {
                    return false
                }
            }
            if previousWasSeparator { return false }  // empty component or trailing separator
        }
        return true
    }
}

/// One signing rule: a Signer profile ARN and optional repository filters (OR-ed; none = every repository).
public struct SigningRule: Sendable, Equatable, Codable {
    public let signingProfileArn: String
    public let repositoryFilters: [RepositoryFilter]?

    /// Unvalidated rule data as it arrives from a client.
    public struct Input: Sendable {
        public let signingProfileArn: String
        public let repositoryFilters: [(filter: String, filterType: String)]?
        public init(signingProfileArn: String, repositoryFilters: [(filter: String, filterType: String)]?) {
            self.signingProfileArn = signingProfileArn
            self.repositoryFilters = repositoryFilters
        }
    }

    public init(signingProfileArn: String, repositoryFilters: [RepositoryFilter]?) {
        self.signingProfileArn = signingProfileArn
        self.repositoryFilters = repositoryFilters
    }

    /// Whether this rule applies to `repository`.
    public func matches(_ repository: RepositoryName) -> Bool {
        guard let filters = repositoryFilters, !filters.isEmpty else { return true }
        return filters.contains { $0.matches(repository) }
    }
}

/// A `WILDCARD_MATCH` repository filter.
public struct RepositoryFilter: Sendable, Equatable, Codable {
    public static let wildcardMatch = "WILDCARD_MATCH"
    public let filter: String
    public var filterType: String { Self.wildcardMatch }

    public init(filter: String) { self.filter = filter }

    /// Anchored glob: `*` matches any run of characters, `/` and the empty run included.
    public func matches(_ repository: RepositoryName) -> Bool {
        Wildcard.matches(pattern: filter, candidate: repository.value)
    }

    enum CodingKeys: String, CodingKey { case filter }
}

/// Per-profile signing state of one image, as `DescribeImageSigningStatus` reports it.
public struct SigningStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        case inProgress = "IN_PROGRESS"
        case complete = "COMPLETE"
        case failed = "FAILED"
    }
    public var signingProfileArn: String
    public var state: State
    public var failureCode: String?
    public var failureReason: String?
    /// The account that pushed the image: managed signing signs as the pushing principal.
    public var pushedBy: String?

    public init(signingProfileArn: String, state: State, failureCode: String? = nil, failureReason: String? = nil, pushedBy: String? = nil) {
        self.signingProfileArn = signingProfileArn
        self.state = state
        self.failureCode = failureCode
        self.failureReason = failureReason
        self.pushedBy = pushedBy
    }
}

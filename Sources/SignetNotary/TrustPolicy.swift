import Foundation

/// A notation trust policy document (`trustpolicy.oci.json`, version 1.0), validated as notation validates it.
public struct TrustPolicy: Sendable, Equatable {
    public enum Level: String, Sendable {
        case strict, permissive, audit, skip
    }

    /// What a check does when it fails: stop the signature, log a warning, or not run.
    public enum Action: String, Sendable {
        case enforce, log, skip
    }

    public enum Check: String, Sendable, CaseIterable {
        case integrity, authenticity, authenticTimestamp, expiry, revocation
    }

    public struct Statement: Sendable, Equatable {
        public let name: String
        public let registryScopes: [String]
        public let level: Level
        public let overrides: [Check: Action]
        public let trustStores: [(type: String, name: String)]
        public let trustedIdentities: [String]

        public static func == (lhs: Statement, rhs: Statement) -> Bool { lhs.name == rhs.name }

        /// The action for `check` under this statement's level and overrides (notary-format §8).
        public func action(for check: Check) -> Action {
            if check == .integrity { return .enforce }
            if level == .skip { return .skip }
            if let override = overrides[check] { return override }
            switch (level, check) {
            case (.strict, _): return .enforce
            case (.permissive, .authenticity): return .enforce
            case (.permissive, _): return .log
            case (.audit, _): return .log
            default: return .skip
            }
        }
    }

    public let statements: [Statement]

    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Parses and validates a policy document.
    public init(json: Data) throws {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw Invalid(description: "trust policy is not a valid JSON document")
        }
        guard object["version"] as? String == "1.0" else {
            throw Invalid(description: "trust policy document uses unsupported version \"\(object["version"] ?? "")\"")
        }
        guard let raw = object["trustPolicies"] as? [[String: Any]], !raw.isEmpty else {
            throw Invalid(description: "trust policy document can not have zero trust policy statements")
        }
        var names = Set<String>()
        var scopes = Set<String>()
        var wildcardSeen = false
        var statements: [Statement] = []
        for entry in raw {
            guard let name = entry["name"] as? String, !name.isEmpty else {
                throw Invalid(description: "a trust policy statement is missing a name, every statement requires a name")
            }
            guard names.insert(name).inserted else {
                throw Invalid(description: "multiple trust policy statements use the same name \"\(name)\", statement names must be unique")
            }
            guard let registryScopes = entry["registryScopes"] as? [String], !registryScopes.isEmpty else {
                throw Invalid(description: "trust policy statement \"\(name)\" has zero registry scopes, it must specify registry scopes with at least one value")
            }
            if registryScopes.contains("*") {
                guard registryScopes.count == 1 else {
                    throw Invalid(description: "trust policy statement \"\(name)\" uses wildcard registry scope '*', a wildcard scope cannot be used in conjunction with other scope values")
                }
                guard !wildcardSeen else {
                    throw Invalid(description: "registry scope \"*\" is present in multiple trust policy statements, one registry scope value can only be associated with one statement")
                }
                wildcardSeen = true
            }
            for scope in registryScopes where scope != "*" {
                guard scopes.insert(scope).inserted else {
                    throw Invalid(description: "registry scope \"\(scope)\" is present in multiple trust policy statements, one registry scope value can only be associated with one statement")
                }
            }
            guard let verification = entry["signatureVerification"] as? [String: Any], let levelText = verification["level"] as? String,
                let level = Level(rawValue: levelText)
            else {
                throw Invalid(description: "trust policy statement \"\(name)\" has invalid signatureVerification")
            }
            var overrides: [Check: Action] = [:]
            if let override = verification["override"] as? [String: String] {
                guard level != .skip else {
                    throw Invalid(description: "signature verification level \"skip\" can't be used to customize signature verification")
                }
                for (key, value) in override {
                    guard let check = Check(rawValue: key), check != .integrity else {
                        throw Invalid(description: "verification type \"\(key)\" in custom signature verification can not be overridden")
                    }
                    guard let action = Action(rawValue: value), action != .skip || check == .revocation else {
                        throw Invalid(description: "invalid verification action \"\(value)\" for \"\(key)\"")
                    }
                    overrides[check] = action
                }
            }
            let storeNames = entry["trustStores"] as? [String] ?? []
            let identities = entry["trustedIdentities"] as? [String] ?? []
            if level == .skip {
                guard storeNames.isEmpty, identities.isEmpty else {
                    throw Invalid(description: "trust policy statement \"\(name)\" is set to skip signature verification but configured with trust stores and/or trusted identities, remove them as they are not needed")
                }
            } else {
                guard !storeNames.isEmpty else {
                    throw Invalid(description: "trust policy statement \"\(name)\" is either missing trust stores or trusted identities, both must be specified")
                }
                guard !identities.isEmpty else {
                    throw Invalid(description: "trust policy statement \"\(name)\" is either missing trust stores or trusted identities, both must be specified")
                }
            }
            var stores: [(String, String)] = []
            for store in storeNames {
                let parts = store.split(separator: ":", maxSplits: 1).map(String.init)
                guard parts.count == 2, ["ca", "signingAuthority", "tsa"].contains(parts[0]), !parts[1].isEmpty,
                    parts[1].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" })
                else {
                    throw Invalid(description: "trust policy statement \"\(name)\" uses an unsupported trust store type or name in \"\(store)\"")
                }
                stores.append((parts[0], parts[1]))
            }
            if identities.contains("*"), identities.count > 1 {
                throw Invalid(description: "trust policy statement \"\(name)\" uses a wildcard trusted identity '*', a wildcard identity cannot be used in conjunction with other values")
            }
            var subjects: [[(String, String)]] = []
            for identity in identities where identity != "*" {
                guard let colon = identity.firstIndex(of: ":") else {
                    throw Invalid(description: "trust policy statement \"\(name)\" has trusted identity \"\(identity)\" missing separator")
                }
                let prefix = identity[..<colon]
                guard prefix == "x509.subject" else { continue }  // other prefixes (e.g. AWS Signer ARNs) are for plugins
                let value = identity[identity.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                guard let attributes = DistinguishedNameText.parse(value) else {
                    throw Invalid(description: "trust policy statement \"\(name)\" has trusted identity \"\(identity)\" with invalid identity value")
                }
                let keys = Set(attributes.map(\.0))
                guard keys.contains("C"), keys.contains("ST") || keys.contains("S"), keys.contains("O") else {
                    throw Invalid(description: "trust policy statement \"\(name)\" has trusted identity \"\(identity)\" without required attributes. C, ST or S, and O attributes are required")
                }
                for other in subjects where DistinguishedNameText.isSubset(other, of: attributes) || DistinguishedNameText.isSubset(attributes, of: other) {
                    throw Invalid(description: "trust policy statement \"\(name)\" has overlapping x509 trustedIdentities")
                }
                subjects.append(attributes)
            }
            statements.append(
                Statement(name: name, registryScopes: registryScopes, level: level, overrides: overrides, trustStores: stores, trustedIdentities: identities))
        }
        self.statements = statements
    }

    /// The statement for `host/repository`: an exact scope first, then `*`.
    public func statement(for scope: String) -> Statement? {
        statements.first { $0.registryScopes.contains(scope) } ?? statements.first { $0.registryScopes == ["*"] }
    }
}

/// RFC 4514 distinguished names as notation writes them (`C=US, ST=WA, O=Signet`).
public enum DistinguishedNameText {
    public static func parse(_ text: String) -> [(String, String)]? {
        var result: [(String, String)] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, !pair[0].isEmpty else { return nil }
            result.append((pair[0] == "S" ? "ST" : pair[0], pair[1]))
        }
        let names = result.map(\.0)
        guard Set(names).count == names.count else { return nil }
        return result
    }

    /// Whether every attribute of `subset` is in `set` with the same value.
    public static func isSubset(_ subset: [(String, String)], of set: [(String, String)]) -> Bool {
        subset.allSatisfy { attribute in set.contains { $0.0 == attribute.0 && $0.1 == attribute.1 } }
    }
}

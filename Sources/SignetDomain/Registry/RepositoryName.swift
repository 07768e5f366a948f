/// A repository name that has passed ECR's rules, e.g. `team/app` (2–256 chars, lowercase path components).
public struct RepositoryName: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: String

    /// The model pattern, as ECR quotes it in its error messages.
    public static let pattern = "(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*"

    /// - Throws: ``RegistryError/invalidParameter(_:)`` when `value` breaks the naming rules.
    public init(_ value: String, field: String = "repositoryName") throws {
        guard value.utf8.count >= 2 else {
            throw RegistryError.invalidParameter(.init(path: field, value: value, constraint: .minLength(2)))
        }
        guard value.utf8.count <= 256 else {
            throw RegistryError.invalidParameter(.init(path: field, value: value, constraint: .maxLength(256)))
        }
        guard Self.isWellFormed(value) else {
            throw RegistryError.invalidParameter(.init(path: field, value: value, constraint: .pattern(Self.pattern)))
        }
        self.value = value
    }

    /// A name read back from storage, validated when it was first stored.
    public init(trusted value: String) { self.value = value }

    public var description: String { value }
    public static func < (lhs: RepositoryName, rhs: RepositoryName) -> Bool { lhs.value < rhs.value }

    /// The current model grammar: components of `[a-z0-9]+` joined by `.`, `_`, `__` or a run of `-`,
    /// components separated by single `/`.
    public static func isWellFormed(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        var index = 0
        func isAlnum(_ b: UInt8) -> Bool { (0x61...0x7A).contains(b) || (0x30...0x39).contains(b) }
        func word() -> Bool {
            let start = index
            while index < bytes.count, isAlnum(bytes[index]) { index += 1 }
            return index > start
        }
        while true {
            // one path component
            guard word() else { return false }
            while index < bytes.count {
                let b = bytes[index]
                if b == 0x2E {  // .
                    index += 1
                } else if b == 0x5F {  // _ or __
                    index += 1
                    if index < bytes.count, bytes[index] == 0x5F { index += 1 }
                } else if b == 0x2D {  // -+
                    while index < bytes.count, bytes[index] == 0x2D { index += 1 }
                } else {
                    break
                }
                guard word() else { return false }
            }
            if index == bytes.count { return true }
            guard bytes[index] == 0x2F else { return false }  // /
            index += 1
        }
    }
}

/// An image tag (1–300 characters; ECR's model has no pattern, the registry path uses the Docker charset).
public struct ImageTag: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: String

    public init(_ value: String, field: String = "imageTag") throws {
        guard !value.isEmpty else {
            throw RegistryError.invalidParameter(.init(path: field, value: value, constraint: .minLength(1)))
        }
        guard value.unicodeScalars.count <= 300 else {
            throw RegistryError.invalidParameter(.init(path: field, value: value, constraint: .maxLength(300)))
        }
        self.value = value
    }

    public init(trusted value: String) { self.value = value }
    public var description: String { value }
    public static func < (lhs: ImageTag, rhs: ImageTag) -> Bool { lhs.value < rhs.value }

    /// The Docker tag characters, `[A-Za-z0-9_][A-Za-z0-9_.-]*`, at any length: what PutImage accepts. ECR's model
    /// gives imageTag no pattern; Signet takes the registry's characters with the model's 1–300 length, so that every
    /// tag the API stores can also be pulled as `<repository>:<tag>`.
    public var hasDockerCharacters: Bool {
        let bytes = Array(value.utf8)
        func ok(_ b: UInt8, first: Bool) -> Bool {
            (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x5F
                || (!first && (b == 0x2E || b == 0x2D))
        }
        return !bytes.isEmpty && bytes.enumerated().allSatisfy { ok($1, first: $0 == 0) }
    }

    /// The Docker/OCI reference grammar `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`, required on the `/v2/` path.
    public var isDockerReference: Bool {
        value.utf8.count <= 128 && hasDockerCharacters
    }
}

/// `imageDigest` and/or `imageTag`, exactly as a request named an image (both optional on the wire).
public struct ImageIdentifier: Hashable, Sendable {
    public var digest: String?
    public var tag: String?
    public init(digest: String? = nil, tag: String? = nil) {
        self.digest = digest
        self.tag = tag
    }
}

import Foundation
public import SignetDomain
public import X509

/// notation's verification of one signature against a trust-policy statement (notary-format §9), plus what
/// Signet adds: signing-profile ARNs as trusted identities and revocation from the Signer state.
public struct Verifier: Sendable {
    /// Trust anchors by store type (`signingAuthority`, `ca`) and name.
    public let trustStore: @Sendable (_ type: String, _ name: String) -> [Certificate]
    /// Whether a named store exists at all (notation tells a missing store from an empty one).
    public let storeExists: @Sendable (_ type: String, _ name: String) -> Bool
    /// Asks the Signer service which of the signature's entities are revoked; throws when it cannot tell.
    public let revokedEntities: @Sendable (_ envelope: JWSEnvelope) async throws -> [String]
    public let now: Date

    public init(
        trustStore: @escaping @Sendable (String, String) -> [Certificate], storeExists: @escaping @Sendable (String, String) -> Bool = { _, _ in true },
        revokedEntities: @escaping @Sendable (JWSEnvelope) async throws -> [String], now: Date = Date()
    ) {
        self.trustStore = trustStore
        self.storeExists = storeExists
        self.revokedEntities = revokedEntities
        self.now = now
    }

    /// The outcome for one signature.
    public enum Outcome: Sendable, Equatable {
        /// Verified; `warnings` are the checks set to "log" that failed.
        case verified(warnings: [String])
        case failed(String)
    }

    /// Verifies one envelope for the artifact `descriptor` (as resolved from the registry).
    public func verify(envelope data: Data, mediaType: String, descriptor: Descriptor, statement: TrustPolicy.Statement) async -> Outcome {
        // 1. integrity (always enforced)
        guard mediaType == JWSSigner.envelopeMediaType else {
            return .failed("unable to parse the digital signature, error : signature envelope format with media type \"\(mediaType)\" is not supported")
        }
        let envelope: JWSEnvelope
        do {
            envelope = try JWSEnvelope(verifying: data)
        } catch {
            return .failed("\(error)")
        }
        // 2. verification plugin (fatal whatever the level: Signet runs no plugins)
        if let plugin = envelope.verificationPlugin {
            return .failed("error while locating the verification plugin \"\(plugin)\", make sure the plugin is installed successfully before verifying the signature")
        }
        var warnings: [String] = []
        // Critical attributes nobody defines: the specification says verification MUST fail, notation-go (without a
        // plugin) accepts them. Signet decides as notation does, and says so (notary-format §4, crit rule 3).
        let known: Set<String> = [
            "io.cncf.notary.signingScheme", "io.cncf.notary.authenticSigningTime", "io.cncf.notary.expiry",
            "io.cncf.notary.verificationPlugin", "io.cncf.notary.verificationPluginMinVersion",
        ]
        if case .array(let critical)? = envelope.protectedHeader["crit"] {
            for case .string(let name) in critical where !known.contains(name) {
                warnings.append(
                    "Warning: the signature marks the unknown attribute \"\(name)\" as critical: the Notary Project specification says "
                        + "verification must fail, notation accepts it, and so does Signet")
            }
        }
        func apply(_ check: TrustPolicy.Check, _ failure: String?) -> Outcome? {
            guard let failure else { return nil }
            switch statement.action(for: check) {
            case .enforce: return .failed(failure)
            case .log:
                warnings.append("Warning: \(check.rawValue) was set to \"log\" and failed with error: \(failure)")
                return nil
            case .skip: return nil
            }
        }
        // 3. authenticity
        if let failed = apply(.authenticity, authenticityFailure(envelope, statement: statement)) { return failed }
        // 4. expiry
        if let expiry = envelope.expiry, now >= expiry {
            let written = envelope.attribute("io.cncf.notary.expiry")
            if let failed = apply(.expiry, "digital signature has expired on \"\(Self.rfc1123(expiry, asWritten: written))\"") { return failed }
        }
        // 5. authentic timestamp
        if let failed = apply(.authenticTimestamp, timestampFailure(envelope)) { return failed }
        // 6. revocation
        if statement.action(for: .revocation) != .skip {
            var failure: String?
            do {
                let revoked = try await revokedEntities(envelope)
                if !revoked.isEmpty {
                    failure = "signature is revoked: Resource(s) \(revoked.joined(separator: ", ")) have been revoked."
                }
            } catch {
                failure = "revocation status could not be determined: \(error)"
            }
            if let failed = apply(.revocation, failure) { return failed }
        }
        // 7. the payload describes the artifact that was resolved
        let target = envelope.payload.targetArtifact
        guard target.mediaType == descriptor.mediaType, target.digest == descriptor.digest.description, target.size == descriptor.size else {
            return .failed("content descriptor mismatch")
        }
        return .verified(warnings: warnings)
    }

    func authenticityFailure(_ envelope: JWSEnvelope, statement: TrustPolicy.Statement) -> String? {
        let storeType = envelope.signingScheme == "notary.x509.signingAuthority" ? "signingAuthority" : "ca"
        let stores = statement.trustStores.filter { $0.type == storeType }
        if let missing = stores.first(where: { !storeExists($0.type, $0.name) }) {
            return "the trust store \"\(missing.name)\" of type \"\(missing.type)\" does not exist. "
                + "Use command 'notation cert add' to create and add trusted certificates to the trust store"
        }
        let anchors = stores.flatMap { trustStore($0.type, $0.name) }
        guard !anchors.isEmpty else { return "no trusted certificates are found to verify authenticity" }
        guard envelope.certificates.contains(where: { anchors.contains($0) }) else {
            return "the signature's certificate chain does not contain any trusted certificate"
        }
        let identities = statement.trustedIdentities
        if identities.contains("*") { return nil }
        let leafAttributes = CertificateChain.subjectAttributes(of: envelope.certificates[0])
        var x509Identities: [String] = []
        var arnIdentities: [String] = []
        for identity in identities {
            if identity.hasPrefix("x509.subject:") {
                let value = String(identity.dropFirst("x509.subject:".count)).trimmingCharacters(in: .whitespaces)
                x509Identities.append(value)
                if let attributes = DistinguishedNameText.parse(value), DistinguishedNameText.isSubset(attributes, of: leafAttributes) { return nil }
            } else if Self.isSignerProfileArn(identity) {
                arnIdentities.append(identity)
                if let version = envelope.attribute("com.amazonaws.signer.signingProfileVersion"), Self.arn(identity, matchesVersion: version) {
                    return nil
                }
            }
        }
        if !arnIdentities.isEmpty {
            return "Signature publisher doesn't match any trusted identities."
        }
        if x509Identities.isEmpty {
            return "no x509 trusted identities are configured in the trust policy \"\(statement.name)\""
        }
        return "signing certificate from the digital signature does not match the X.509 trusted identities \(Self.goQuoted(x509Identities)) defined in the trust policy \"\(statement.name)\""
    }

    func timestampFailure(_ envelope: JWSEnvelope) -> String? {
        if envelope.signingScheme == "notary.x509.signingAuthority" {
            for certificate in envelope.certificates where envelope.signingTime < certificate.notValidBefore || envelope.signingTime > certificate.notValidAfter {
                let written = envelope.attribute("io.cncf.notary.authenticSigningTime")
                return "certificate \"\(CertificateChain.goString(certificate.subject))\" was not valid when the digital signature was produced at \"\(Self.rfc1123(envelope.signingTime, asWritten: written))\""
            }
            return nil
        }
        for certificate in envelope.certificates {
            if now > certificate.notValidAfter {
                return "verification time is after certificate \"\(CertificateChain.goString(certificate.subject))\" validity period, it was expired at \"\(Self.rfc1123(certificate.notValidAfter))\""
            }
            if now < certificate.notValidBefore {
                return "verification time is before certificate \"\(CertificateChain.goString(certificate.subject))\" validity period, it will be valid from \"\(Self.rfc1123(certificate.notValidBefore))\""
            }
        }
        return nil
    }

    /// The x509.subject identities as notation quotes them (Go's `%q` of `[]map[string]string`):
    /// `[map["C":"US" "O":"Notary" "ST":"WA"]]`, keys sorted.
    static func goQuoted(_ identities: [String]) -> String {
        func quote(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        let maps = identities.map { identity -> String in
            guard let attributes = DistinguishedNameText.parse(identity) else { return "map[\(identity)]" }
            return "map[" + attributes.sorted { $0.0 < $1.0 }.map { "\(quote($0.0)):\(quote($0.1))" }.joined(separator: " ") + "]"
        }
        return "[" + maps.joined(separator: " ") + "]"
    }

    /// `arn:aws…:signer:<region>:<account>:/signing-profiles/<name>[/<version>]`.
    static func isSignerProfileArn(_ text: String) -> Bool {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        return parts.count == 6 && parts[0] == "arn" && parts[2] == "signer" && parts[5].hasPrefix("/signing-profiles/")
    }

    /// The AWS plugin's rule: a profile ARN matches the version ARN minus its last segment; a version ARN must
    /// equal it; both case-insensitively.
    static func arn(_ identity: String, matchesVersion versionArn: String) -> Bool {
        if identity.caseInsensitiveCompare(versionArn) == .orderedSame { return true }
        guard let slash = versionArn.lastIndex(of: "/") else { return false }
        return identity.caseInsensitiveCompare(String(versionArn[..<slash])) == .orderedSame
    }

    /// Go's `time.RFC1123Z`: `Fri, 29 Jul 2022 23:59:00 +0000`. Go keeps the UTC offset a signed time was written with
    /// (`2023-06-27T13:21:21+08:00` prints as `Tue, 27 Jun 2023 13:21:21 +0800`), so `asWritten` (the RFC 3339 text)
    /// supplies it; certificate times are UTC.
    static func rfc1123(_ date: Date, asWritten text: String? = nil) -> String {
        var offset = 0
        if let text, !text.hasSuffix("Z"), !text.hasSuffix("z"), text.count >= 6 {
            let tail = Array(text.suffix(6))
            if tail[0] == "+" || tail[0] == "-", tail[3] == ":", let hours = Int(String(tail[1...2])), let minutes = Int(String(tail[4...5])) {
                offset = (tail[0] == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
            }
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: offset)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}

import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// Certificate-chain rules of the Notary Project signature specification, as notation enforces them (§6).
public enum CertificateChain {
    static func invalid(_ reason: String) -> NotaryError { .invalidCertificateChain("certificate-chain is invalid, \(reason)") }

    /// Structure: leaf → … → self-signed root, each certificate signed by the next; extension rules for leaf and CAs.
    public static func validateStructure(_ chain: [Certificate]) throws {
        guard let leaf = chain.first else { throw invalid("the chain is empty") }
        for certificate in chain where certificate.signatureAlgorithm == .sha1WithRSAEncryption {
            throw invalid("certificate \"\(certificate.subject)\" is signed with SHA-1")
        }
        if chain.count == 1 {
            guard leaf.issuer == leaf.subject, leaf.publicKey.isValidSignature(leaf.signature, for: leaf) else {
                throw invalid("a single certificate must be self-signed")
            }
            guard (try? leaf.extensions.basicConstraints) != .isCertificateAuthority(maxPathLength: nil) else {
                throw invalid("a single certificate must not be a CA certificate")
            }
            try validateLeaf(leaf)
            return
        }
        for index in 0..<(chain.count - 1) {
            let child = chain[index]
            let parent = chain[index + 1]
            guard child.issuer == parent.subject, parent.publicKey.isValidSignature(child.signature, for: child) else {
                throw invalid("certificate \"\(child.subject)\" is not signed by \"\(parent.subject)\"")
            }
            if index > 0, child.issuer == child.subject {
                throw invalid("certificate \"\(child.subject)\" is self-signed but is not the root")
            }
        }
        guard let root = chain.last, root.issuer == root.subject, root.publicKey.isValidSignature(root.signature, for: root) else {
            throw invalid("the last certificate must be a self-signed root")
        }
        try validateLeaf(leaf)
        for (position, certificate) in chain.enumerated().dropFirst() {
            try validateCA(certificate, caCertificatesBelow: position - 1)
        }
    }

    static func validateLeaf(_ leaf: Certificate) throws {
        guard let usageExtension = leaf.extensions[oid: .X509ExtensionID.keyUsage], usageExtension.critical,
            let usage = try? KeyUsage(usageExtension)
        else { throw invalid("the signing certificate's key usage extension must be present and critical") }
        guard usage.digitalSignature else { throw invalid("the signing certificate's key usage must include digitalSignature") }
        if usage.keyEncipherment || usage.dataEncipherment || usage.keyAgreement || usage.keyCertSign || usage.cRLSign || usage.encipherOnly
            || usage.decipherOnly
        {
            throw invalid("the signing certificate's key usage must only include digitalSignature (and nonRepudiation)")
        }
        if let constraints = try? leaf.extensions.basicConstraints, case .isCertificateAuthority = constraints {
            throw invalid("the signing certificate must not be a CA certificate")
        }
        if let eku = try? leaf.extensions.extendedKeyUsage {
            let forbidden: [ExtendedKeyUsage.Usage] = [.serverAuth, .clientAuth, .emailProtection, .timeStamping, .ocspSigning]
            for usage in forbidden where eku.contains(usage) {
                throw invalid("the signing certificate's extended key usage must not contain \(usage)")
            }
        }
        _ = try algorithm(for: leaf)
    }

    static func validateCA(_ certificate: Certificate, caCertificatesBelow: Int) throws {
        guard let constraints = try? certificate.extensions.basicConstraints, case .isCertificateAuthority(let maxPathLength) = constraints else {
            throw invalid("certificate \"\(certificate.subject)\" must have basicConstraints CA=true")
        }
        if let maxPathLength, maxPathLength < caCertificatesBelow {
            throw invalid("certificate \"\(certificate.subject)\" path length constraint is violated")
        }
        guard let usageExtension = certificate.extensions[oid: .X509ExtensionID.keyUsage], usageExtension.critical,
            let usage = try? KeyUsage(usageExtension), usage.keyCertSign
        else { throw invalid("certificate \"\(certificate.subject)\" must have a critical key usage with keyCertSign") }
    }

    /// The JWS algorithm a signing certificate's key implies (only the combinations notation accepts).
    public static func algorithm(for certificate: Certificate) throws -> String {
        if P256.Signing.PublicKey(certificate.publicKey) != nil { return "ES256" }
        if P384.Signing.PublicKey(certificate.publicKey) != nil { return "ES384" }
        if P521.Signing.PublicKey(certificate.publicKey) != nil { return "ES512" }
        if let rsa = _RSA.Signing.PublicKey(certificate.publicKey) {
            switch rsa.keySizeInBits {
            case 2048: return "PS256"
            case 3072: return "PS384"
            case 4096: return "PS512"
            default: throw invalid("RSA key size \(rsa.keySizeInBits) is not supported")
            }
        }
        throw invalid("the signing certificate's key type is not supported")
    }

    /// A name as Go's `pkix.Name.String()` prints it, which is what notation's messages quote: a fixed attribute order
    /// (SERIALNUMBER, CN, OU, O, POSTALCODE, STREET, L, ST, C, then other types as `OID=#hex`) whatever the encoded order,
    /// comma-separated without spaces. swift-certificates' `description` reverses the encoded order instead, which differs
    /// for certificates whose subject is not encoded C…CN (e.g. notation's `expired_e2e.crt`: `O=…,ST=…,C=AU`).
    public static func goString(_ name: DistinguishedName) -> String {
        let named: [(type: ASN1ObjectIdentifier, key: String)] = [
            (.RDNAttributeType.countryName, "C"), (.RDNAttributeType.stateOrProvinceName, "ST"), (.RDNAttributeType.localityName, "L"),
            (.RDNAttributeType.streetAddress, "STREET"), ([2, 5, 4, 17], "POSTALCODE"), (.RDNAttributeType.organizationName, "O"),
            (.RDNAttributeType.organizationalUnitName, "OU"), (.RDNAttributeType.commonName, "CN"), ([2, 5, 4, 5], "SERIALNUMBER"),
        ]
        var values: [ASN1ObjectIdentifier: [String]] = [:]
        var others: [String] = []
        for rdn in name {
            for attribute in rdn {
                if let entry = named.first(where: { $0.type == attribute.type }) {
                    guard let text = String(attribute.value) else { continue }  // Go skips non-string values of named types
                    // Go keeps only the last CN and SERIALNUMBER, and every value of the other named types.
                    if entry.key == "CN" || entry.key == "SERIALNUMBER" { values[entry.type] = [text] } else { values[entry.type, default: []].append(text) }
                } else {
                    var serializer = DER.Serializer()
                    let der = (try? serializer.serialize(ASN1Any(attribute.value))).map { serializer.serializedBytes } ?? []
                    others.append("\(attribute.type)=#" + der.map { String(format: "%02x", $0) }.joined())
                }
            }
        }
        var rdns = others
        for entry in named {
            if let texts = values[entry.type] { rdns.append(texts.map { "\(entry.key)=\(goEscape($0))" }.joined(separator: "+")) }
        }
        return rdns.reversed().joined(separator: ",")
    }

    /// Go's RFC 4514 value escaping in `pkix.RDNSequence.String()`.
    static func goEscape(_ value: String) -> String {
        let characters = Array(value)
        var result = ""
        for (index, character) in characters.enumerated() {
            let escape: Bool
            switch character {
            case ",", "+", "\"", "\\", "<", ">", ";": escape = true
            case " ": escape = index == 0 || index == characters.count - 1
            case "#": escape = index == 0
            default: escape = false
            }
            if escape { result.append("\\") }
            result.append(character)
        }
        return result
    }

    /// `x509.subject` rendering notation uses: RFC 4514 attributes as Go prints them.
    public static func subjectAttributes(of certificate: Certificate) -> [(String, String)] {
        var result: [(String, String)] = []
        for rdn in certificate.subject {
            for attribute in rdn {
                let name: String
                switch attribute.type {
                case .RDNAttributeType.commonName: name = "CN"
                case .RDNAttributeType.countryName: name = "C"
                case .RDNAttributeType.stateOrProvinceName: name = "ST"
                case .RDNAttributeType.localityName: name = "L"
                case .RDNAttributeType.organizationName: name = "O"
                case .RDNAttributeType.organizationalUnitName: name = "OU"
                case .RDNAttributeType.streetAddress: name = "STREET"
                default: name = attribute.type.description
                }
                result.append((name, "\(attribute.value)"))
            }
        }
        return result
    }
}

import Crypto
import Foundation
import Testing

@testable import SignetNotary

/// The table-driven P-384 signer produces ordinary ECDSA signatures: RFC 6979's fixed-nonce vectors to the byte,
/// k·G equal to BoringSSL's public keys (edge scalars included), and random signatures that swift-crypto verifies.
@Suite("P-384 fast signer")
struct P384FastSignerTests {
    static func bytes(_ hex: String) -> [UInt8] {
        var bytes = [UInt8]()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    // RFC 6979 appendix A.2.6 (P-384): the key, and for SHA-384 the nonce k and signature of "sample" and "test".
    static let rfcKey = bytes("6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5")
    static let rfcPublicX = bytes("EC3A4E415B4E19A4568618029F427FA5DA9A8BC4AE92E02E06AAE5286B300C64DEF8F0EA9055866064A254515480BC13")

    @Test(arguments: [
        (
            "sample", "94ED910D1A099DAD3254E9242AE85ABDE4BA15168EAF0CA87A555FD56D10FBCA2907E3E83BA95368623B8C4686915CF9",
            "94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA73D64C4EA95AD133C81A648152E44ACF96E36DD1E80FABE46"
                + "99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526203B6351D0A3A94FA329C145786E679E7B82C71A38628AC8"
        ),
        (
            "test", "015EE46A5BF88773ED9123A5AB0807962D193719503C527B031B4C2D225092ADA71F4A459BC0DA98ADB95837DB8312EA",
            "8203B63D3C853E8D77227FB377BCF7B7B772E97892A80F36AB775D509D7A5FEB0542A7F0812998DA8F1DD3CA3CF023DB"
                + "DDD0760448D42D8A43AF45AF836FCE4DE8BE06B485E9B61B827C2F13173923E06A739F040649A667BF3B828246BAA5A5"
        ),
    ])
    func reproducesRFC6979Vectors(message: String, nonce: String, signature: String) throws {
        let digest = Array(SHA384.hash(data: Data(message.utf8)))
        let raw = P384FastSigner.sign(digest: digest, privateScalar: P384Scalar.mul(U384(bigEndian: Self.rfcKey), P384Scalar.rSquared), nonce: Self.bytes(nonce))
        #expect(raw == Self.bytes(signature))
        let key = try P384.Signing.PrivateKey(rawRepresentation: Self.rfcKey)
        #expect(Array(key.publicKey.rawRepresentation.prefix(48)) == Self.rfcPublicX)
        #expect(key.publicKey.isValidSignature(try P384.Signing.ECDSASignature(rawRepresentation: raw!), for: Data(message.utf8)))
    }

    @Test func multipliesTheGeneratorLikeBoringSSL() throws {
        let order = Self.bytes("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973")
        func minus(_ value: UInt8) -> [UInt8] { var bytes = order; bytes[47] -= value; return bytes }
        func small(_ value: UInt8) -> [UInt8] { var bytes = [UInt8](repeating: 0, count: 48); bytes[47] = value; return bytes }
        var scalars = [small(1), small(2), small(15), small(16), small(17), small(255), minus(1), minus(2), minus(16)]
        scalars.append([0x01] + [UInt8](repeating: 0, count: 47))  // a single bit in the top window
        scalars.append([0x7F] + [UInt8](repeating: 0xFF, count: 47))
        scalars.append([UInt8](repeating: 0x11, count: 48))  // every window digit 1
        for _ in 0..<40 { scalars.append(Array(P384.Signing.PrivateKey().rawRepresentation)) }
        for scalar in scalars {
            let expected = try P384.Signing.PrivateKey(rawRepresentation: scalar).publicKey.rawRepresentation.prefix(48)
            #expect(P384Table.multiplyGenerator(nonce: scalar).bigEndianBytes == Array(expected), "k = \(scalar)")
        }
    }

    @Test func rejectsNoncesOutsideTheGroupOrder() {
        let digest = Array(SHA384.hash(data: Data("x".utf8)))
        let d = P384Scalar.mul(U384(bigEndian: Self.rfcKey), P384Scalar.rSquared)
        #expect(P384FastSigner.sign(digest: digest, privateScalar: d, nonce: [UInt8](repeating: 0, count: 48)) == nil)
        #expect(P384FastSigner.sign(digest: digest, privateScalar: d, nonce: [UInt8](repeating: 0xFF, count: 48)) == nil)
        let order = Self.bytes("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973")
        #expect(P384FastSigner.sign(digest: digest, privateScalar: d, nonce: order) == nil)
    }

    @Test func signaturesVerifyWithSwiftCrypto() throws {
        for round in 0..<100 {
            let key = P384.Signing.PrivateKey()
            let message = Data((0..<(round % 97)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ round) })
            let signature = try P384FastSigner(key).signature(for: message)
            #expect(key.publicKey.isValidSignature(signature, for: message))
            #expect(!key.publicKey.isValidSignature(signature, for: message + [1]))
        }
    }

    @Test func wideAndPortableMultiplyAddAgree() {
        var generator = SystemRandomNumberGenerator()
        let edges: [UInt64] = [0, 1, .max, .max - 1, 1 << 63]
        for round in 0..<2_000 {
            let pick = { (index: Int) -> UInt64 in round < 125 ? edges[(round / [1, 5, 25][index]) % 5] : generator.next() }
            let (acc, a, b, carry) = (pick(0), pick(1), pick(2), round < 125 ? edges[round % 5] : generator.next())
            let wide = U384.mac(acc, a, b, carry)
            #expect(wide == U384.macPortable(acc, a, b, carry))
        }
    }

    @Test func twoSignaturesOfOneMessageDiffer() throws {
        let key = P384.Signing.PrivateKey()
        let signer = P384FastSigner(key)
        #expect(try signer.signature(for: Data("m".utf8)).rawRepresentation != signer.signature(for: Data("m".utf8)).rawRepresentation)
    }
}

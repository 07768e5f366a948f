import Foundation

/// The SigV4 credential scope `AKID/<yyyymmdd>/<region>/<service>/aws4_request` of a request.
public struct CredentialScope: Sendable, Equatable {
    public let accessKeyId: String
    public let date: String
    public let region: String
    public let service: String

    /// Reads the scope from an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header.
    public init?(authorizationHeader header: String) {
        guard header.hasPrefix("AWS4-HMAC-SHA256"), let range = header.range(of: "Credential=") else { return nil }
        let value = header[range.upperBound...].prefix { $0 != "," && $0 != " " }
        self.init(credential: String(value))
    }

    /// Parses the `Credential` value (also the presigned `X-Amz-Credential` query parameter).
    public init?(credential: String) {
        // over UTF-8 bytes: this runs for every signed request
        let utf8 = credential.utf8
        var parts: [Substring] = []
        parts.reserveCapacity(5)
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == UInt8(ascii: "/") {
                guard parts.count < 4 else { return nil }
                parts.append(Substring(utf8[start..<index]))
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        parts.append(Substring(utf8[start...]))
        guard parts.count == 5, parts[4] == "aws4_request", !parts[0].isEmpty, !parts[2].isEmpty else { return nil }
        accessKeyId = String(parts[0])
        date = String(parts[1])
        region = String(parts[2])
        service = String(parts[3])
    }
}

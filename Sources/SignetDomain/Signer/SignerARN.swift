/// A Signer ARN `arn:<partition>:signer:<region>:<account>:/<path>`, parsed once for every caller
/// (signing rules, tag routes, revocation status).
public struct SignerARN: Sendable, Equatable {
    public let region: Region
    public let account: AccountID
    /// The resource path after the leading `/`, split on `/`: `["signing-profiles", name(, version)]`, `["signing-jobs", id]`.
    public let path: [String]

    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1].hasPrefix("aws"), parts[2] == "signer", parts[5].hasPrefix("/"),
            let account = try? AccountID(String(parts[4]))
        else { return nil }
        region = Region(String(parts[3]))
        self.account = account
        path = parts[5].dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    }

    /// `…/signing-profiles/<name>`: the profile name.
    public var profileName: SigningProfileName? {
        guard path.count == 2, path[0] == "signing-profiles" else { return nil }
        return try? SigningProfileName(path[1])
    }

    /// `…/signing-profiles/<name>/<version>`: the name and version.
    public var profileVersion: (name: SigningProfileName, version: String)? {
        guard path.count == 3, path[0] == "signing-profiles", let name = try? SigningProfileName(path[1]) else { return nil }
        return (name, path[2])
    }

    /// `…/signing-jobs/<id>`: the job id.
    public var jobId: String? {
        guard path.count == 2, path[0] == "signing-jobs", !path[1].isEmpty else { return nil }
        return path[1]
    }

    public var registry: RegistryKey { RegistryKey(account: account, region: region) }
}

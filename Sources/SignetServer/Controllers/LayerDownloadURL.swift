import Foundation
import Hummingbird
import NIOCore
import SignetDomain
import SignetWire

/// GetDownloadUrlForLayer's answer: like ECR's presigned S3 URLs, a URL that needs no credentials, is valid
/// for a limited time and serves exactly one layer: `/_signet/layers/<digest>?registry=&region=&repository=&expires=&signature=`.
enum LayerDownloadURL {
    static let lifetime: TimeInterval = 3600

    static func presign(digest: Digest, registry: RegistryKey, repository: RepositoryName, tokens: RegistryTokens, base: String) -> String {
        let expires = Int64(tokens.now.addingTimeInterval(lifetime).timeIntervalSince1970)
        let signature = tokens.signature(for: canonical(digest, registry.account.value, registry.region.value, repository.value, expires))
        let repositoryParameter = repository.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? repository.value
        return "\(base)/_signet/layers/\(digest)?registry=\(registry.account)&region=\(registry.region)&repository=\(repositoryParameter)&expires=\(expires)&signature=\(signature)"
    }

    static func canonical(_ digest: Digest, _ account: String, _ region: String, _ repository: String, _ expires: Int64) -> String {
        "layer|\(digest)|\(account)|\(region)|\(repository)|\(expires)"
    }

    /// Serves presigned layer downloads (errors in the S3 style are not emulated: 403/404 with a plain message).
    static func addRoute(to router: Router<SignetRequestContext>, blobs: any BlobStore, tokens: RegistryTokens) {
        let fileIO = FileIO()
        router.get("/_signet/layers/:digest") { request, context in
            let query = request.uri.queryParameters
            guard let digest = context.parameters.get("digest").flatMap({ Digest(parsing: $0.removingPercentEncoding ?? $0) }),
                let account = query.get("registry"), let region = query.get("region"), let repository = query.get("repository"),
                let expires = query.get("expires").flatMap(Int64.init), let signature = query.get("signature"),
                tokens.isValid(signature: signature, for: canonical(digest, account, region, repository, expires))
            else {
                return Response(status: .forbidden, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "Request has an invalid signature\n")))
            }
            guard Double(expires) > tokens.now.timeIntervalSince1970 else {
                return Response(status: .forbidden, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "Request has expired\n")))
            }
            guard let content = try await blobs.content(of: digest) else {
                return Response(status: .notFound, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "The layer does not exist\n")))
            }
            let headers: HTTPFields = [.contentType: "application/octet-stream", .contentLength: String(content.size)]
            switch content {
            case .bytes(let data): return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
            case .file(let path, let size):
                guard size > 0 else { return Response(status: .ok, headers: headers) }
                return Response(status: .ok, headers: headers, body: try await fileIO.loadFile(path: path, context: context, chunkLength: 1 << 20))
            }
        }
    }
}

/// A single `Data` as an async sequence (one ECR layer part).
struct OneChunk: AsyncSequence, Sendable {
    typealias Element = Data
    let data: Data
    struct AsyncIterator: AsyncIteratorProtocol {
        var data: Data?
        mutating func next() async -> Data? {
            defer { data = nil }
            return data
        }
    }
    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(data: data) }
}

import Foundation
import Hummingbird
import NIOCore
import SignetDomain
import SignetNotary
import SignetWire

/// Unauthenticated admin routes under `/_signet/`.
struct AdminController: Sendable {
    let storeKind: StoreKind
    let defaultCaller: CallerIdentity
    let authority: CertificateAuthority
    let signer: any SignerStore

    /// Price of one managed signature (as one user saw in the console; unconfirmed by AWS, see aws-behavior OPEN-9).
    static let pricePerSignature = 0.02

    func addRoutes(to router: Router<SignetRequestContext>) {
        let body =
            "{\"account\":\(JSONText.quote(defaultCaller.account.value)),\"region\":\(JSONText.quote(defaultCaller.region.value)),"
            + "\"status\":\"ok\",\"store\":\(JSONText.quote(storeKind.rawValue)),\"version\":\(JSONText.quote(SignetVersion.current))}"
        router.get("/_signet/health") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        let rootPEM = authority.rootPEM.hasSuffix("\n") ? authority.rootPEM : authority.rootPEM + "\n"
        router.get("/_signet/ca.pem") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/x-pem-file"], body: .init(byteBuffer: ByteBuffer(string: rootPEM)))
        }
        let signer = self.signer
        router.get("/metrics") { _, _ in
            let counts = try await signer.signatureCounts().sorted { $0.key.description < $1.key.description }
            var text = "# HELP signet_signatures_total Notary signatures made (SignPayload and managed signing), per registry.\n"
            text += "# TYPE signet_signatures_total counter\n"
            for (registry, count) in counts {
                text += "signet_signatures_total{registry=\"\(registry.account)\",region=\"\(registry.region)\"} \(count)\n"
            }
            text += "# HELP signet_signatures_cost_dollars What the signatures would cost on AWS at $0.02 each, per registry.\n"
            text += "# TYPE signet_signatures_cost_dollars gauge\n"
            for (registry, count) in counts {
                let cost = String(format: "%.2f", Double(count) * Self.pricePerSignature)
                text += "signet_signatures_cost_dollars{registry=\"\(registry.account)\",region=\"\(registry.region)\"} \(cost)\n"
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}

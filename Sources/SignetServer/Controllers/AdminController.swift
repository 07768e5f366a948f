import Hummingbird
import NIOCore
import SignetDomain
import SignetWire

/// Unauthenticated admin routes under `/_signet/`.
struct AdminController: Sendable {
    let storeKind: StoreKind

    func addRoutes(to router: Router<SignetRequestContext>) {
        let body = "{\"status\":\"ok\",\"version\":\(JSONText.quote(SignetVersion.current)),\"store\":\(JSONText.quote(storeKind.rawValue))}"
        router.get("/_signet/health") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
    }
}

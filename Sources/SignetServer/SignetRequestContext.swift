public import Hummingbird
import SignetDomain
import SignetWire

/// Per-request state: who is calling, and the id every response carries.
public struct SignetRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``SigV4AuthMiddleware`` (AWS surfaces) or ``RegistryAuthMiddleware`` (`/v2/`) on the AWS surfaces.
    var caller: CallerIdentity?
    /// The `x-amzn-RequestId` of this request.
    var requestID: String = ""

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// Bodies are collected only on the AWS surfaces; larger ones are refused with 413.
    public var maxUploadSize: Int { AWSJSON.maxRequestBody }
}

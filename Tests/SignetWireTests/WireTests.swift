import Foundation
import NIOCore
import SignetDomain
import SignetWire
import Testing

@Suite("Wire framing")
struct WireTests {
    @Test func invalidParameterMessagesFollowECRStyle() {
        let message = ConstraintMessages.invalidParameter(.init(path: "repositoryName", value: "a", constraint: .minLength(2)))
        #expect(message == "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must have length greater than or equal to 2'")
        let range = ConstraintMessages.invalidParameter(.init(path: "maxResults", value: "0", constraint: .range(1, 1000)))
        #expect(range == "Invalid parameter at 'maxResults' failed to satisfy constraint: 'must have value greater than or equal to 1'")
    }

    @Test func validationMessagesCountAndJoinViolations() {
        let message = ConstraintMessages.validation([
            .init(path: "a.b", value: "x", constraint: .pattern("^y$")),
            .init(path: "c", value: nil, constraint: .notNull),
        ])
        #expect(
            message
                == "2 validation errors detected: Value 'x' at 'a.b' failed to satisfy constraint: Member must satisfy regular expression pattern: ^y$; Value null at 'c' failed to satisfy constraint: Member must not be null"
        )
    }

    @Test func errorBodiesAreFramedPerProtocol() {
        let error = AWSError(code: "RepositoryNotFoundException", message: "say \"hi\"\n")
        #expect(error.body(framing: .json11) == #"{"__type":"RepositoryNotFoundException","message":"say \"hi\"\n"}"#)
        #expect(error.body(framing: .restJSON) == #"{"message":"say \"hi\"\n"}"#)
        let extra = AWSError(code: "InvalidLayerPartException", message: "m", extraFields: ["lastValidByteReceived": "41"])
        #expect(extra.body(framing: .json11) == #"{"__type":"InvalidLayerPartException","message":"m","lastValidByteReceived":41}"#)
    }

    struct Shape: Decodable {
        var name: String
        var count: Int?
        var items: [Item]?
        struct Item: Decodable { var value: String }
    }

    func decodeError(_ json: String) -> AWSError? {
        do {
            _ = try AWSJSON.decode(Shape.self, from: ByteBuffer(string: json))
            return nil
        } catch {
            return error as? AWSError
        }
    }

    @Test func decodingFailuresBecomeTypedErrors() {
        #expect(decodeError("{").map(\.code) == "SerializationException")
        #expect(decodeError("[]").map(\.code) == "SerializationException")
        #expect(decodeError(#"{"name":1}"#)?.message == "Unable to parse the request: the value at 'name' is not a string")
        #expect(decodeError(#"{"name":"x","count":"3"}"#)?.message == "Unable to parse the request: the value at 'count' is not an integer")
        #expect(
            decodeError(#"{"name":"x","items":[{"value":"a"},{}]}"#)?.message
                == "1 validation error detected: Value null at 'items.2.value' failed to satisfy constraint: Member must not be null")
        #expect(decodeError(#"{"name":"x","unknown":true}"#) == nil)
    }

    /// `{}` is decoded without JSONDecoder when every member is optional; the outcome is JSONDecoder's either way.
    @Test func anEmptyObjectDecodesAsJSONDecoderWouldDecodeIt() throws {
        struct AllOptional: Decodable, Equatable {
            var registryId: String?
            var maxResults: Int?
            var names: [String]?
        }
        for body in ["{}", " { } ", "\n{\t}\r\n", "", "  "] {
            #expect(try AWSJSON.decode(AllOptional.self, from: ByteBuffer(string: body)) == AllOptional(), "\(body)")
        }
        #expect(decodeError("{}")?.message == "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null")
        #expect(decodeError(" { } ")?.code == "ValidationException")
        for malformed in ["{}}", "{{}", "}{", "{", "{}{}", "[]", "{} x"] {
            #expect(throws: AWSError.self, "\(malformed)") { _ = try AWSJSON.decode(AllOptional.self, from: ByteBuffer(string: malformed)) }
        }
    }

    @Test func outputIsDeterministicWithEpochSeconds() throws {
        struct Output: Encodable {
            var zeta = "/a/b"
            var alpha = Date(timeIntervalSince1970: 1_764_460_800.5)
        }
        let buffer = try AWSJSON.encode(Output())
        #expect(String(buffer: buffer) == #"{"alpha":1764460800.5,"zeta":"/a/b"}"#)
    }

    @Test func credentialScopeIsReadFromTheAuthorizationHeader() {
        let scope = CredentialScope(
            authorizationHeader: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/ap-northeast-1/ecr/aws4_request, SignedHeaders=host, Signature=abc")
        #expect(scope == CredentialScope(credential: "AKIDEXAMPLE/20261130/ap-northeast-1/ecr/aws4_request"))
        #expect(scope?.region == "ap-northeast-1")
        #expect(scope?.service == "ecr")
        #expect(CredentialScope(authorizationHeader: "Basic abc") == nil)
        #expect(CredentialScope(credential: "AKID/20261130/us-east-1/ecr") == nil)
    }
}

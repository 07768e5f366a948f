import Foundation
import Testing

/// The control-plane fast path (``ControlPlaneFastPath``) on a real connection: HTTP/1.1 pipelining across it and
/// Hummingbird keeps responses in request order, `Connection: close` is honoured, and an oversized body gets
/// the same 413 as before, then the connection closes.
@Suite("Control-plane fast path on the wire", .serialized)
struct FastPathEndToEndTests {
    @Test func pipeliningCloseAndOversizedBodies() throws {
        let server = try SignetProcess(arguments: ["--in-memory", "--auth", "none"])
        try server.start()
        defer { server.stop() }
        let result = try run("python3", ["-c", Self.script, server.baseURL])
        #expect(result.status == 0, "\(result.stderr)")
        let out = result.json
        let pipelined = (out["pipelined"] as? [[String]]) ?? []
        #expect(pipelined.map { $0[0] } == Array(repeating: "HTTP/1.1 200 OK", count: 5), "\(result.stdout)")
        #expect(pipelined.map { $0[1] } == ["application/x-amz-json-1.1", "application/json", "application/x-amz-json-1.1", "application/json", "application/json"])
        #expect(pipelined.first?[2].hasPrefix(#"{"registryId":"123456789012""#) == true)
        #expect(pipelined.dropFirst(3).first?[2].hasPrefix(#"{"platforms":"#) == true)
        #expect(pipelined.last?[2].hasPrefix(#"{"account":"#) == true)
        #expect((out["close"] as? [Any])?.first as? String == "HTTP/1.1 200 OK")
        #expect((out["close"] as? [Any])?.last as? Bool == true, "the server kept the connection open after Connection: close")
        #expect((out["garbage"] as? [String]) == ["HTTP/1.1 200 OK", "application/x-amz-json-1.1"], "\(result.stdout)")
        #expect((out["deep"] as? [Any])?.first as? Int == 600, "\(result.stdout)")
        #expect((out["deep"] as? [Any])?.dropFirst().first as? Bool == true, "answers out of order: \(result.stdout)")
        #expect((out["continue"] as? [String]) == ["HTTP/1.1 100 Continue", "HTTP/1.1 405 Method Not Allowed"], "\(result.stdout)")
        #expect((out["large"] as? [String]) == ["HTTP/1.1 413 Payload Too Large", "RequestEntityTooLargeException", "close"], "\(result.stdout)")
    }

    /// ECR requests are answered by their endpoint straight from the connection, or through the router when the fast
    /// path steps aside (here: `Expect: 100-continue`). Both answers must be the same, for successes and for every kind
    /// of refusal (SigV4, unknown operation, bad JSON, too large), on `POST /` and on `POST /ecr/<Op>`.
    @Test func ecrAnswersAreTheSameWithAndWithoutTheRouter() throws {
        let server = try SignetProcess(arguments: ["--in-memory"])
        try server.start()
        defer { server.stop() }
        let result = try run("python3", ["-c", Self.sameAnswersScript, server.baseURL])
        #expect(result.status == 0, "\(result.stderr)")
        let cases = result.json["cases"] as? [[String: Any]] ?? []
        #expect(cases.count == 9, "\(result.stdout)")
        for entry in cases {
            let name = entry["name"] as? String ?? "?"
            let direct = entry["direct"] as? [String] ?? []
            let routed = entry["routed"] as? [String] ?? []
            #expect(direct == routed, "\(name): the fast path answered \(direct), the router \(routed)")
            #expect(direct.first == entry["expected"] as? String, "\(name): \(direct)")
        }
    }

    static let sameAnswersScript = readResponse + #"""
import socket, sys, json, botocore.auth, botocore.awsrequest, botocore.credentials
base = sys.argv[1]
host, port = base.replace("http://", "").split(":")
port = int(port)

def signed(path, target, body, secret="test"):
    headers = {"Content-Type": "application/x-amz-json-1.1"}
    if target:
        headers["X-Amz-Target"] = "AmazonEC2ContainerRegistry_V20150921." + target
    r = botocore.awsrequest.AWSRequest(method="POST", url=base + path, data=body, headers=headers)
    botocore.auth.SigV4Auth(botocore.credentials.Credentials("test", secret), "ecr", "us-east-1").add_auth(r)
    return dict(r.headers.items())

def exchange(path, headers, body, expect):
    s = socket.create_connection((host, port))
    s.settimeout(10)
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items() if k.lower() not in ("host", "content-length")]
    if expect:
        lines.append("Expect: 100-continue")
    s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + (b"" if expect else body))
    f = s.makefile("rb")
    status, h, b = read_response(f)
    if expect:
        assert status == "HTTP/1.1 100 Continue", status
        s.sendall(body)
        status, h, b = read_response(f)
    s.close()
    assert len(h.get("x-amzn-requestid", "")) == 36, h
    return [status, h.get("content-type", ""), h.get("x-amzn-errortype", ""), h.get("connection", ""), b.decode()]

cases = [
    ("signed", "/", signed("/", "DescribeRegistry", b"{}"), b"{}", "HTTP/1.1 200 OK"),
    ("signed /ecr/<Op>", "/ecr/DescribeRegistry", signed("/ecr/DescribeRegistry", None, b"{}"), b"{}", "HTTP/1.1 200 OK"),
    ("no configuration", "/", signed("/", "GetSigningConfiguration", b"{}"), b"{}", "HTTP/1.1 400 Bad Request"),
    ("unsigned", "/", {"X-Amz-Target": "AmazonEC2ContainerRegistry_V20150921.DescribeRegistry"}, b"{}", "HTTP/1.1 400 Bad Request"),
    ("wrong secret", "/", signed("/", "DescribeRegistry", b"{}", secret="nope"), b"{}", "HTTP/1.1 400 Bad Request"),
    ("unknown target", "/", signed("/", "NoSuchOperation", b"{}"), b"{}", "HTTP/1.1 400 Bad Request"),
    ("unknown /ecr/<Op>", "/ecr/NoSuchOperation", signed("/ecr/NoSuchOperation", None, b"{}"), b"{}", "HTTP/1.1 400 Bad Request"),
    ("not JSON", "/", signed("/", "DescribeRepositories", b"{nope"), b"{nope", "HTTP/1.1 400 Bad Request"),
    ("too large", "/", signed("/", "DescribeRegistry", b"{}"), b"{" + b" " * (32 * 1024 * 1024) + b"}", "HTTP/1.1 413 Payload Too Large"),
]
out = []
for name, path, headers, body, expected in cases:
    out.append({"name": name, "expected": expected, "direct": exchange(path, headers, body, False), "routed": exchange(path, headers, body, True)})
print(json.dumps({"cases": out}))
"""#

    /// Reads one HTTP/1.1 response (status line, lowercased headers, a Content-Length body) from a socket file.
    static let readResponse = #"""
def read_response(f):
    status = f.readline().decode().strip()
    headers = {}
    while True:
        line = f.readline().decode()
        if line in ("\r\n", "\n", ""):
            break
        k, v = line.split(":", 1)
        headers[k.strip().lower()] = v.strip()
    body = f.read(int(headers.get("content-length", "0")))
    return status, headers, body

"""#

    /// Raw sockets (no client library would pipeline): prints what came back as JSON.
    static let script = readResponse + #"""
import socket, sys, json
host, port = sys.argv[1].replace("http://", "").split(":")
port = int(port)

def request(method, path, headers, body=b""):
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {len(body)}"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

ecr = {"X-Amz-Target": "AmazonEC2ContainerRegistry_V20150921.DescribeRegistry", "Content-Type": "application/x-amz-json-1.1"}
out = {}
# 1. pipelined: fast, Hummingbird (/v2/), fast, Signer (fast), health — one write
s = socket.create_connection((host, port))
s.sendall(request("POST", "/", ecr, b"{}") + request("GET", "/v2/", {}) + request("POST", "/ecr/DescribeRegistry", {"Content-Type": "application/x-amz-json-1.1"}, b"{}")
          + request("GET", "/signing-platforms", {}) + request("GET", "/_signet/health", {}))
f = s.makefile("rb")
out["pipelined"] = [(st, h.get("content-type", ""), b[:40].decode(errors="replace")) for st, h, b in (read_response(f) for _ in range(5))]
s.close()
# 2. Connection: close is honoured
s = socket.create_connection((host, port))
s.sendall(request("POST", "/", {**ecr, "Connection": "close"}, b"{}"))
f = s.makefile("rb")
st, h, b = read_response(f)
out["close"] = [st, f.read() == b""]
s.close()
# 3. a body over 32 MiB: 413 RequestEntityTooLargeException, then the connection closes
s = socket.create_connection((host, port))
big = b"{" + b" " * (32 * 1024 * 1024 + 10) + b"}"
try:
    s.sendall(request("POST", "/", ecr, big))
except OSError:
    pass
f = s.makefile("rb")
st, h, b = read_response(f)
out["large"] = [st, h.get("x-amzn-errortype", ""), h.get("connection", "")]
s.close()
# 4. a request followed by bytes that are not HTTP: its answer still comes first, then the 400 for the garbage
s = socket.create_connection((host, port))
s.sendall(request("POST", "/", ecr, b"{}") + b"NOT HTTP AT ALL\r\n\r\n")
f = s.makefile("rb")
first = read_response(f)
out["garbage"] = [first[0], first[1].get("content-type", "")]
s.close()
# 5. a deep pipeline (600 requests in one stream, far past the parts the fast path queues before it holds reads):
#    every answer comes, in order
import threading
#    (the blob GET is Hummingbird's, not the fast path's: both kinds interleave)
kinds = [("POST", "/", ecr, b"{}"), ("GET", "/_signet/health", {}, b""), ("GET", "/v2/nothing/blobs/sha256:" + "0" * 64, {}, b"")]
order = [i % 3 for i in range(600)]
s = socket.create_connection((host, port))
sender = threading.Thread(target=lambda: s.sendall(b"".join(request(*kinds[k]) for k in order)))
sender.start()
f = s.makefile("rb")
seen = []
for _ in order:
    st, h, b = read_response(f)
    seen.append(2 if st.startswith("HTTP/1.1 404") and b"NAME_UNKNOWN" in b else -1 if not st.endswith("200 OK") else 0 if b.startswith(b'{"registryId"') else 1 if b.startswith(b'{"account"') else -2)
sender.join()
s.close()
out["deep"] = [len(seen), seen == order, next(([i, seen[i]] for i in range(len(order)) if seen[i] != order[i]), None)]
# 6. Expect: 100-continue: the interim answer comes before the body is sent (curl would otherwise wait 1 s)
s = socket.create_connection((host, port))
s.settimeout(5)
s.sendall(b"POST /v2/ HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
f = s.makefile("rb")
interim = f.readline().decode().strip()
while f.readline() not in (b"\r\n", b""):
    pass
s.sendall(b"body")
final = read_response(f)
out["continue"] = [interim, final[0]]
s.close()
print(json.dumps(out))
"""#
}

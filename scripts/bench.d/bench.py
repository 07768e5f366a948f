#!/usr/bin/env python3
"""The measuring half of scripts/bench: one subcommand per workload; each appends JSON lines to a results
file (see benchlib.record). scripts/bench starts and stops the servers; this file only talks to them.

Every loop here is bounded in count and in time, and every request goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import gzip
import hashlib
import json
import os
import re
import shutil
import socket
import signal
import subprocess
import sys
import tarfile
import threading
import time
import uuid

sys.dont_write_bytecode = True  # no __pycache__ in the work tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as lib  # noqa: E402

PROFILE = "BenchProfile"
PROFILE_ARN = f"arn:aws:signer:{lib.REGION}:{lib.ACCOUNT}:/signing-profiles/{PROFILE}"
PLATFORM = "Notation-OCI-SHA384-ECDSA"


# --- fixtures --------------------------------------------------------------------------------------------

def cmd_seed_control(args) -> None:
    """20 repositories and a Notation signing profile on either server; on Signet also a signing rule for
    bench/* and one signed image, for DescribeImageSigningStatus and ListImageReferrers."""
    client = lib.Client(args.base)
    for i in range(1, 21):
        client.ecr("CreateRepository", {"repositoryName": f"bench/service-{i:02d}"})
    client.signer("PUT", f"/signing-profiles/{PROFILE}", {"platformId": PLATFORM})
    fixtures: dict = {"repository": "bench/service-01"}
    if args.kind == "signet":
        client.ecr("PutSigningConfiguration", {"signingConfiguration": {"rules": [
            {"signingProfileArn": PROFILE_ARN, "repositoryFilters": [{"filter": "bench/*", "filterType": "WILDCARD_MATCH"}]}]}})
        auth = lib.registry_auth(args.base, "ecr")
        blobs, manifest = lib.small_image("control-plane fixture")
        digest = lib.push_image(client, auth, "bench/service-01", "v1", blobs, manifest)
        wait_signed(client, "bench/service-01", [digest], deadline=time.monotonic() + 30)
        fixtures["digest"] = digest
    client.close()
    with open(args.out, "w") as out:
        json.dump(fixtures, out)


def signing_states(client: lib.Client, repository: str, digest: str) -> list[str]:
    answer = client.ecr("DescribeImageSigningStatus", {"repositoryName": repository, "imageId": {"imageDigest": digest}})
    return [s["status"] for s in answer.get("signingStatuses", [])]


def wait_signed(client: lib.Client, repository: str, digests: list[str], deadline: float,
                pause: float = 0.01) -> dict[str, float]:
    """Polls DescribeImageSigningStatus until every digest is COMPLETE; returns when each was first seen so.
    Each round asks about the pending digests in push order and stops at the first one not yet signed, so the
    polling itself stays a small load (when the last one is seen COMPLETE, all are)."""
    pending = list(digests)
    seen: dict[str, float] = {}
    while pending:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(pending)} of {len(digests)} images not signed in time (e.g. {pending[0]})")
        while pending:
            states = signing_states(client, repository, pending[0])
            if any(s == "FAILED" for s in states):
                raise RuntimeError(f"signing FAILED for {repository}@{pending[0]}")
            if not states or not all(s == "COMPLETE" for s in states):
                break
            seen[pending.pop(0)] = time.monotonic()
        if pending:
            time.sleep(pause)
    return seen


# --- wrk -------------------------------------------------------------------------------------------------

def lua_string(text: str | bytes) -> str:
    data = text.encode() if isinstance(text, str) else text
    out = []
    for byte in data:
        if 0x20 <= byte < 0x7F and byte not in (0x22, 0x5C):
            out.append(chr(byte))
        else:
            out.append(f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


LUA_CLOCK = r'''
local ffi = require("ffi")
pcall(ffi.cdef, "typedef struct { long tv_sec; long tv_nsec; } bench_timespec; int clock_gettime(int, bench_timespec *);")
local ts = ffi.new("bench_timespec")
local function now_us() ffi.C.clock_gettime(1, ts) return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000 end
'''

LUA_DONE = r'''
function done(summary, latency, requests)
  local e = summary.errors
  local first, last, issued = math.huge, 0, 0
  for _, t in ipairs(threads) do
    local f, l = t:get("t_first"), t:get("t_last")
    if f and f >= 0 and f < first then first = f end
    if l and l > last then last = l end
    issued = issued + (t:get("issued") or 0)
  end
  local elapsed = (last > 0 and first < math.huge) and (last - first) or 0
  io.write(string.format(
    "SIGNET-BENCH requests=%d duration_us=%d elapsed_us=%d issued=%d p50_us=%d p90_us=%d p99_us=%d errors=%d non2xx=%d\n",
    summary.requests, summary.duration, elapsed, issued, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
'''


def write_fixed_lua(path: str, method: str, req_path: str, headers: dict[str, str], body: bytes) -> None:
    lines = [f"wrk.method = {lua_string(method)}", f"wrk.path = {lua_string(req_path)}"]
    if body:
        lines.append(f"wrk.body = {lua_string(body)}")
    for name, value in headers.items():
        lines.append(f"wrk.headers[{lua_string(name)}] = {lua_string(value)}")
    lines.append("threads = {}\nfunction setup(thread) table.insert(threads, thread) end")
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n" + LUA_DONE)


def write_cycle_lua(path: str, data_path: str, threads: int, marker: str) -> None:
    """Each wrk thread takes every n-th pre-built request and stops once it has sent them all: a fixed amount
    of work whose rate is measured with the monotonic clock from the first request to the last."""
    with open(path, "w") as out:
        out.write(LUA_CLOCK + f'''
MARKER = {lua_string(marker)}
threads = {{}}
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  local f = assert(io.open({lua_string(data_path)}, "rb"))
  local all = f:read("*a")
  f:close()
  mine = {{}}
  local i = 0
  for req in all:gmatch("([^%z]+)") do
    if i % {threads} == tid then mine[#mine + 1] = req end
    i = i + 1
  end
  idx, issued, t_first, t_last = 0, 0, -1, -1
end
function request()
  local t = now_us()
  if t_first < 0 then t_first = t end
  t_last = t
  idx = idx + 1
  if idx > #mine then
    if not marked then  -- tells bench.py this thread is done, so it can end wrk before -d runs out
      marked = true
      local f = io.open(MARKER .. tid, "w")
      if f then f:close() end
    end
    wrk.thread:stop()
    return mine[#mine]
  end
  issued = idx
  return mine[idx]
end
''' + LUA_DONE)


def raw_request(host: str, method: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def build_requests(workload: str, host: str, fixtures: dict, count: int, tag: str):
    """Fixed: (method, path, headers, body) signed now. Unique (CreateRepository, PutSigningProfile): a list of
    `count` raw HTTP requests, each with its own name and its own signature."""
    if workload in ("DescribeRepositories", "GetAuthorizationToken", "GetSigningConfiguration"):
        method, path, headers, body = lib.ecr_request(workload, "{}")
        return "fixed", (method, path, lib.sign(method, host, path, "", headers, body, "ecr"), body)
    if workload in ("DescribeImageSigningStatus", "ListImageReferrers"):
        payload = ({"repositoryName": fixtures["repository"], "imageId": {"imageDigest": fixtures["digest"]}}
                   if workload == "DescribeImageSigningStatus" else
                   {"repositoryName": fixtures["repository"], "subjectId": {"imageDigest": fixtures["digest"]}})
        method, path, headers, body = lib.ecr_request(workload, json.dumps(payload))
        return "fixed", (method, path, lib.sign(method, host, path, "", headers, body, "ecr"), body)
    if workload == "GetSigningProfile":
        path = f"/signing-profiles/{PROFILE}"
        return "fixed", ("GET", path, lib.sign("GET", host, path, "", {}, b"", "signer"), b"")
    if workload == "SignPayload":
        payload = json.dumps({"targetArtifact": {"mediaType": lib.OCI_MANIFEST, "digest": fixtures["digest"], "size": 418}})
        body = json.dumps({"profileName": PROFILE, "payloadFormat": lib.NOTARY_PAYLOAD_TYPE,
                           "payload": base64.b64encode(payload.encode()).decode()}).encode()
        path = "/signing-jobs/with-payload"
        headers = lib.sign("POST", host, path, "", {"Content-Type": "application/json"}, body, "signer")
        return "fixed", ("POST", path, headers, body)
    if workload == "GetManifest":
        return "fixed", ("GET", f"/v2/{fixtures['repository']}/manifests/v1",
                         {**fixtures.get("auth", {}), "Accept": lib.OCI_MANIFEST}, b"")
    if workload == "CreateRepository":
        requests = []
        date = lib.amz_date()
        for i in range(count):
            method, path, headers, body = lib.ecr_request(workload, json.dumps({"repositoryName": f"bench/new-{tag}-{i}"}))
            requests.append(raw_request(host, method, path, lib.sign(method, host, path, "", headers, body, "ecr", date), body))
        return "cycle", requests
    if workload == "PutSigningProfile":
        requests = []
        date = lib.amz_date()
        body = json.dumps({"platformId": PLATFORM}).encode()
        for i in range(count):
            path = f"/signing-profiles/p_{tag}_{i}"
            headers = lib.sign("PUT", host, path, "", {"Content-Type": "application/json"}, body, "signer", date)
            requests.append(raw_request(host, "PUT", path, headers, body))
        return "cycle", requests
    lib.die(f"unknown wrk workload {workload}")


def cmd_wrk(args) -> None:
    parts = lib.check_loopback(args.base)
    fixtures = json.load(open(args.fixtures)) if args.fixtures else {}
    tag = f"{args.target[:1]}{args.run}c{args.connections}{uuid.uuid4().hex[:6]}".replace("-", "")
    kind, spec = build_requests(args.workload, parts.netloc, fixtures, args.count, tag)
    stem = os.path.join(args.work, f"{args.workload}-{args.target}-c{args.connections}-r{args.run}")
    threads = min(args.threads, args.connections)
    if kind == "fixed":
        method, path, headers, body = spec
        write_fixed_lua(stem + ".lua", method, path, headers, body)
        duration = args.duration
    else:
        with open(stem + ".data", "wb") as out:
            out.write(b"\0".join(spec))
        write_cycle_lua(stem + ".lua", stem + ".data", threads, stem + ".done-")
        duration = args.cap
    argv = ["wrk", f"-t{threads}", f"-c{args.connections}", f"-d{max(1, int(duration))}s", "--timeout", "5s", "--latency",
            "-s", stem + ".lua", args.base + "/"]
    markers = [f"{stem}.done-{i}" for i in range(threads)] if kind == "cycle" else None
    result = lib.run_child(argv, timeout=duration + 60, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           finished_when=markers)
    with open(stem + ".out", "w") as out:
        out.write(result.stdout)
    line = next((l for l in result.stdout.splitlines() if l.startswith("SIGNET-BENCH")), None)
    if result.returncode != 0 or line is None:
        lib.die(f"wrk failed for {args.workload} on {args.target}:\n{result.stdout}")
    values = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}
    seconds = (values["elapsed_us"] if kind == "cycle" else values["duration_us"]) / 1e6
    rate = values["requests"] / seconds if seconds > 0 else 0.0
    failed = values["errors"] + values["non2xx"]
    label = {"GetManifest": "GET /v2/<name>/manifests/<tag> (wrk)"}.get(args.workload, args.workload)
    common = dict(section=args.section, workload=label, load=f"c{args.connections}", target=args.target,
                  run=args.run, errors=failed)
    lib.record(args.results, metric="req/s", better="higher", value=rate, **common)
    lib.record(args.results, metric="p50 ms", better="lower", value=values["p50_us"] / 1000, **common)
    lib.record(args.results, metric="p99 ms", better="lower", value=values["p99_us"] / 1000, **common)
    note = f" (count-bound: {values['requests']} of {args.count} in {seconds:.2f} s)" if kind == "cycle" else ""
    lib.log(f"  {args.target:<16} {args.workload:<27} c{args.connections:<3} {rate:10.0f} req/s  p50 {values['p50_us'] / 1000:7.2f} ms"
            f"  p99 {values['p99_us'] / 1000:8.2f} ms  errors {failed}{note}")
    if failed and not args.allow_errors:
        lib.log(f"  !! {failed} requests failed or were not 2xx (see {stem}.out)")


# --- data plane ------------------------------------------------------------------------------------------

class RandomStream:
    """Incompressible bytes, generated once per MiB and varied by a counter (fast, never all in memory)."""

    def __init__(self, size: int):
        self.size = size
        self.base = bytearray(os.urandom(1 << 20))

    def chunks(self):
        sent, index = 0, 0
        while sent < self.size:
            n = min(1 << 20, self.size - sent)
            self.base[:16] = index.to_bytes(8, "big") + os.urandom(8)
            yield bytes(self.base[:n])
            sent += n
            index += 1


def write_layer(path: str, size: int) -> tuple[str, int, str]:
    """A tar of one random file, gzip level 0 (store only: the data is incompressible anyway)."""
    payload_path = path + ".payload"
    with open(payload_path, "wb") as out:
        for chunk in RandomStream(size).chunks():
            out.write(chunk)
    tar_hash = hashlib.sha256()

    class Hashing:
        def __init__(self, inner):
            self.inner = inner

        def write(self, data):
            tar_hash.update(data)
            return self.inner.write(data)

        def flush(self):
            self.inner.flush()

    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=0, mtime=0) as gz:
        with tarfile.open(fileobj=Hashing(gz), mode="w|") as tar:
            info = tarfile.TarInfo("data.bin")
            info.size = size
            info.mtime = 0
            with open(payload_path, "rb") as payload:
                tar.addfile(info, payload)
    os.remove(payload_path)
    digest = hashlib.sha256()
    with open(path, "rb") as layer:
        for block in iter(lambda: layer.read(1 << 20), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest(), os.path.getsize(path), "sha256:" + tar_hash.hexdigest()


def make_layout(directory: str, layer_sizes: list[int]) -> int:
    blobs = os.path.join(directory, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)

    def put(data: bytes) -> dict:
        digest = hashlib.sha256(data).hexdigest()
        with open(os.path.join(blobs, digest), "wb") as out:
            out.write(data)
        return {"digest": "sha256:" + digest, "size": len(data)}

    layers, diff_ids, total = [], [], 0
    for size in layer_sizes:
        temp = os.path.join(blobs, "layer.tmp")
        digest, length, diff_id = write_layer(temp, size)
        os.rename(temp, os.path.join(blobs, digest.split(":")[1]))
        layers.append({"mediaType": lib.OCI_LAYER_GZIP, "digest": digest, "size": length})
        diff_ids.append(diff_id)
        total += length
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                         "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
    manifest = json.dumps({"schemaVersion": 2, "mediaType": lib.OCI_MANIFEST,
                           "config": {"mediaType": lib.OCI_CONFIG, **put(config)}, "layers": layers}).encode()
    index = {"schemaVersion": 2, "manifests": [{"mediaType": lib.OCI_MANIFEST, **put(manifest),
                                                "annotations": {"org.opencontainers.image.ref.name": "v1"}}]}
    with open(os.path.join(directory, "index.json"), "w") as out:
        json.dump(index, out)
    with open(os.path.join(directory, "oci-layout"), "w") as out:
        json.dump({"imageLayoutVersion": "1.0.0"}, out)
    return total


def cmd_make_layouts(args) -> None:
    mib = 1 << 20
    specs = {"single": [args.single_mib * mib],
             "multi": [round(args.multi_mb * 1e6 * share) for share in (0.6, 0.3, 0.1)]}
    for name, sizes in specs.items():
        directory = os.path.join(args.dir, name)
        if os.path.exists(os.path.join(directory, "index.json")):
            continue
        started = time.monotonic()
        total = make_layout(directory, sizes)
        lib.log(f"  layout {name}: {len(sizes)} layer(s), {total / 1e6:.1f} MB, made in {time.monotonic() - started:.1f} s")


def skopeo_creds(base: str, auth: str, direction: str) -> list[str]:
    if auth == "none":
        return [f"--{direction}-no-creds"]
    header = lib.registry_auth(base, "ecr")["Authorization"]
    return [f"--{direction}-creds", base64.b64decode(header.split()[1]).decode()]


def layout_size(layout: str) -> int:
    index = json.load(open(os.path.join(layout, "index.json")))
    manifest_digest = index["manifests"][0]["digest"].split(":")[1]
    manifest = json.load(open(os.path.join(layout, "blobs", "sha256", manifest_digest)))
    return sum(layer["size"] for layer in manifest["layers"]) + manifest["config"]["size"]


def ensure_repository(base: str, auth: str, repository: str) -> None:
    if auth == "ecr":  # Signet creates no repository on push (as ECR); docker-registry does
        client = lib.Client(base)
        client.ecr("CreateRepository", {"repositoryName": repository}, expect=(200, 400))
        client.close()


def cmd_skopeo(args) -> None:
    parts = lib.check_loopback(args.base)
    ensure_repository(args.base, args.auth, args.repository)
    policy = os.path.join(args.work, "policy.json")
    if not os.path.exists(policy):
        with open(policy, "w") as out:
            json.dump({"default": [{"type": "insecureAcceptAnything"}]}, out)
    size = layout_size(args.layout)
    remote = f"docker://{parts.netloc}/{args.repository}:v1"
    common = ["skopeo", "--policy", policy, "--tmpdir", args.work, "copy", "--retry-times", "0"]
    pulled = os.path.join(args.work, f"pulled-{uuid.uuid4().hex[:8]}")
    results = {}
    for op in ("push", "pull"):
        if op == "push":
            argv = common + ["--dest-tls-verify=false", *skopeo_creds(args.base, args.auth, "dest"), f"oci:{args.layout}:v1", remote]
        else:
            argv = common + ["--src-tls-verify=false", *skopeo_creds(args.base, args.auth, "src"), remote, f"oci:{pulled}:v1"]
        started = time.monotonic()
        result = lib.run_child(argv, timeout=args.timeout, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        seconds = time.monotonic() - started
        if result.returncode != 0:
            lib.die(f"skopeo {op} to {args.target} failed:\n{result.stdout}")
        results[op] = seconds
        common_fields = dict(section="data", workload=f"skopeo {op} {args.label}", load="1 client", target=args.target, run=args.run)
        lib.record(args.results, metric="s", better="lower", value=seconds, **common_fields)
        lib.record(args.results, metric="MB/s", better="higher", value=size / 1e6 / seconds, **common_fields)
    shutil.rmtree(pulled, ignore_errors=True)
    lib.log(f"  {args.target:<16} skopeo {args.label:<22} push {results['push']:6.2f} s ({size / 1e6 / results['push']:7.1f} MB/s)"
            f"  pull {results['pull']:6.2f} s ({size / 1e6 / results['pull']:7.1f} MB/s)")


def push_many(base: str, auth_headers: dict, repository: str, count: int, concurrency: int, deadline: float,
              prefix: str) -> tuple[float, list[float], list[str]]:
    """Pushes `count` unique small images with `concurrency` keep-alive connections.
    Returns (elapsed s, per-image seconds, manifest digests)."""
    images = [lib.small_image(f"{prefix}-{i}") for i in range(count)]
    lock = threading.Lock()
    next_index = [0]
    latencies: list[float] = []
    digests: list[str] = []

    def worker():
        client = lib.Client(base)
        try:
            while time.monotonic() < deadline:
                with lock:
                    index = next_index[0]
                    next_index[0] += 1
                if index >= count:
                    return
                blobs, manifest = images[index]
                started = time.monotonic()
                digest = lib.push_image(client, auth_headers, repository, f"t{index}", blobs, manifest)
                with lock:
                    latencies.append(time.monotonic() - started)
                    digests.append(digest)
        finally:
            client.close()

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        for future in [pool.submit(worker) for _ in range(concurrency)]:
            future.result()
    elapsed = time.monotonic() - started
    if len(digests) < count:
        raise RuntimeError(f"only {len(digests)} of {count} images pushed before the deadline")
    return elapsed, latencies, digests


def cmd_push_small(args) -> None:
    ensure_repository(args.base, args.auth, args.repository)
    auth = lib.registry_auth(args.base, args.auth)
    elapsed, latencies, _ = push_many(args.base, auth, args.repository, args.count, args.concurrency,
                                      time.monotonic() + args.timeout, f"{args.target}-{args.run}-{uuid.uuid4().hex[:6]}")
    fields = dict(section="data", workload=f"push {args.count} small images (http.client)", load=f"c{args.concurrency}",
                  target=args.target, run=args.run)
    lib.record(args.results, metric="images/s", better="higher", value=args.count / elapsed, **fields)
    lib.record(args.results, metric="p50 ms", better="lower", value=lib.percentile(latencies, 50) * 1000, **fields)
    lib.record(args.results, metric="p99 ms", better="lower", value=lib.percentile(latencies, 99) * 1000, **fields)
    lib.log(f"  {args.target:<16} push {args.count} small images     c{args.concurrency:<3} {args.count / elapsed:8.1f} images/s"
            f"  p50 {lib.percentile(latencies, 50) * 1000:7.2f} ms  p99 {lib.percentile(latencies, 99) * 1000:7.2f} ms")


def cmd_seed_manifest(args) -> None:
    ensure_repository(args.base, args.auth, args.repository)
    auth = lib.registry_auth(args.base, args.auth)
    client = lib.Client(args.base)
    blobs, manifest = lib.small_image("manifest fixture")
    digest = lib.push_image(client, auth, args.repository, "v1", blobs, manifest)
    client.close()
    with open(args.out, "w") as out:
        json.dump({"repository": args.repository, "auth": auth, "digest": digest}, out)


# --- signing ---------------------------------------------------------------------------------------------

def seed_signing_rule(client: lib.Client) -> None:
    client.signer("PUT", f"/signing-profiles/{PROFILE}", {"platformId": PLATFORM})
    client.ecr("PutSigningConfiguration", {"signingConfiguration": {"rules": [
        {"signingProfileArn": PROFILE_ARN, "repositoryFilters": [{"filter": "signed/*", "filterType": "WILDCARD_MATCH"}]}]}})


def cmd_seed_signing_rule(args) -> None:
    """The profile and a signing rule for signed/*."""
    client = lib.Client(args.base)
    seed_signing_rule(client)
    client.close()


def cmd_seed_signing(args) -> None:
    """Profile, a signing rule for signed/* and one image (the digest SignPayload's payload names)."""
    client = lib.Client(args.base)
    seed_signing_rule(client)
    client.ecr("CreateRepository", {"repositoryName": "signed/fixture"})
    auth = lib.registry_auth(args.base, "ecr")
    blobs, manifest = lib.small_image("signing fixture")
    digest = lib.push_image(client, auth, "signed/fixture", "v1", blobs, manifest)
    wait_signed(client, "signed/fixture", [digest], deadline=time.monotonic() + 30)
    client.close()
    with open(args.out, "w") as out:
        json.dump({"repository": "signed/fixture", "digest": digest}, out)


def cmd_managed_signing(args) -> None:
    """Pushes N images to a repository under the signing rule, then waits until every image is COMPLETE."""
    repository = f"signed/throughput-{args.run}-{uuid.uuid4().hex[:6]}"
    client = lib.Client(args.base)
    client.ecr("CreateRepository", {"repositoryName": repository})
    auth = lib.registry_auth(args.base, "ecr")
    deadline = time.monotonic() + args.timeout
    started = time.monotonic()
    push_seconds, _, digests = push_many(args.base, auth, repository, args.count, args.concurrency, deadline, repository)
    seen = wait_signed(client, repository, digests, deadline, pause=0.005)
    elapsed = max(seen.values()) - started
    client.close()
    fields = dict(section="signing", workload=f"managed signing, {args.count} pushes", load=f"c{args.concurrency}",
                  target="signet", run=args.run)
    lib.record(args.results, metric="signatures/s", better="higher", value=args.count / elapsed, **fields)
    lib.record(args.results, metric="push s", better="lower", value=push_seconds, **fields)
    lib.record(args.results, metric="all COMPLETE s", better="lower", value=elapsed, **fields)
    lib.log(f"  signet           managed signing of {args.count} pushes c{args.concurrency}: pushed in {push_seconds:.2f} s,"
            f" all COMPLETE after {elapsed:.2f} s ({args.count / elapsed:.1f} signatures/s)")


def cmd_backlog_push(args) -> None:
    """Pushes N images under the signing rule to a server started with a long --signing-delay-ms, so that every
    signature is still pending when it stops; writes the repository and digests for backlog-drain."""
    repository = f"signed/backlog-{args.run}-{uuid.uuid4().hex[:6]}"
    client = lib.Client(args.base)
    client.ecr("CreateRepository", {"repositoryName": repository})
    auth = lib.registry_auth(args.base, "ecr")
    deadline = time.monotonic() + args.timeout
    _, _, digests = push_many(args.base, auth, repository, args.count, args.concurrency, deadline, repository)
    states = signing_states(client, repository, digests[-1])
    if states != ["IN_PROGRESS"]:
        raise RuntimeError(f"backlog image is {states}, expected IN_PROGRESS (is --signing-delay-ms set?)")
    client.close()
    with open(args.out, "w") as out:
        json.dump({"repository": repository, "digests": digests}, out)


def signature_count(client: lib.Client) -> int:
    status, _, body = client.request("GET", "/metrics", b"", {})
    if status != 200:
        raise RuntimeError(f"/metrics answered {status}")
    return sum(int(line.rsplit(" ", 1)[1]) for line in body.decode().splitlines() if line.startswith("signet_signatures_total{"))


def cmd_backlog_drain(args) -> None:
    """After a restart without delay: the engine finds the N pending signatures in the store and signs them
    back to back. Measures from the server's launch until /metrics counts them all, then checks every status."""
    with open(args.fixtures) as source:
        fixtures = json.load(source)
    client = lib.Client(args.base)
    deadline = time.monotonic() + args.timeout
    wanted = args.before + len(fixtures["digests"])
    # Polled every 20 ms: at 5 ms, answering /metrics took ~9 % of the server's CPU (and the poller more) while the
    # engine it measures was CPU-bound on the same two cores. The first poll that sees signatures starts the
    # sustained rate (the engine running, without the process's start).
    first = None
    while (count := signature_count(client)) < wanted:
        if first is None and count > args.before:
            first = (time.time(), count)
        if time.monotonic() > deadline:
            raise RuntimeError(f"backlog not drained in time ({count} of {wanted} signatures)")
        time.sleep(0.02)
    finished = time.time()
    elapsed = finished - args.started
    wait_signed(client, fixtures["repository"], fixtures["digests"], deadline)
    client.close()
    count = len(fixtures["digests"])
    fields = dict(section="signing", workload=f"managed signing, backlog of {count} at start", load="engine",
                  target="signet", run=args.run)
    lib.record(args.results, metric="signatures/s", better="higher", value=count / elapsed, **fields)
    lib.record(args.results, metric="all COMPLETE s", better="lower", value=elapsed, **fields)
    sustained = ""
    if first is not None and finished > first[0]:
        rate = (wanted - first[1]) / (finished - first[0])
        lib.record(args.results, metric="signatures/s once running", better="higher", value=rate, **fields)
        sustained = f", {rate:.0f}/s once running"
    lib.log(f"  signet           managed signing backlog of {count}: all signed {elapsed:.2f} s after launch"
            f" ({count / elapsed:.1f} signatures/s{sustained})")


def cmd_signing_latency(args) -> None:
    """One image at a time: from sending the manifest PUT until DescribeImageSigningStatus first says COMPLETE."""
    repository = f"signed/latency-{args.run}-{uuid.uuid4().hex[:6]}"
    client = lib.Client(args.base)
    poller = lib.Client(args.base)
    client.ecr("CreateRepository", {"repositoryName": repository})
    auth = lib.registry_auth(args.base, "ecr")
    deadline = time.monotonic() + args.timeout
    latencies = []
    for i in range(args.count):
        if time.monotonic() > deadline:
            raise RuntimeError("signing latency run out of time")
        blobs, manifest = lib.small_image(f"{repository}-{i}")
        for digest, data in blobs:
            lib.upload_blob(client, auth, repository, digest, data)
        started = time.monotonic()
        client.request("PUT", f"/v2/{repository}/manifests/t{i}", body=manifest,
                       headers={**auth, "Content-Type": lib.OCI_MANIFEST}, expect=(201,))
        seen = wait_signed(poller, repository, [lib.sha256_digest(manifest)], deadline, pause=0.001)
        latencies.append(max(seen.values()) - started)
        time.sleep(0.05)  # low load: one image at a time, with a pause
    client.close()
    poller.close()
    fields = dict(section="signing", workload="push-to-COMPLETE latency (one at a time)", load="c1", target="signet", run=args.run)
    lib.record(args.results, metric="p50 ms", better="lower", value=lib.percentile(latencies, 50) * 1000, **fields)
    lib.record(args.results, metric="p99 ms", better="lower", value=lib.percentile(latencies, 99) * 1000, **fields)
    lib.log(f"  signet           push-to-COMPLETE over {args.count} images: p50 {lib.percentile(latencies, 50) * 1000:.1f} ms,"
            f" p99 {lib.percentile(latencies, 99) * 1000:.1f} ms")


# --- resources -------------------------------------------------------------------------------------------

def proc_status(pid: int) -> dict[str, int]:
    values = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    name, amount = line.split(":", 1)
                    values[name] = int(amount.split()[0]) * 1024
    except FileNotFoundError:
        pass
    return values


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def health_ok(port: int, path: str) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
            return conn.recv(64).startswith((b"HTTP/1.1 200", b"HTTP/1.0 200"))
    except OSError:
        return False


def cmd_startup(args) -> None:
    """Starts a server (its command after --, with {port} and {dir} filled in), times it to its first 200 on the
    health path (polled every 5 ms), waits 2 s idle, reads VmRSS, and stops it."""
    port = free_port()
    data_dir = os.path.join(args.work, f"startup-{args.target}-{args.run}")
    os.makedirs(data_dir, exist_ok=True)
    argv = [part.replace("{port}", str(port)).replace("{dir}", data_dir) for part in args.command]
    if args.config_template:
        config = open(args.config_template).read().replace("{port}", str(port)).replace("{dir}", data_dir)
        config_path = os.path.join(data_dir, "config.yml")
        with open(config_path, "w") as out:
            out.write(config)
        argv = [part.replace("{config}", config_path) for part in argv]
    log_path = os.path.join(args.work, f"startup-{args.target}-{args.run}.log")
    started = time.monotonic()
    with open(log_path, "w") as log_file:
        child = subprocess.Popen(argv, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    with open(args.pidfile, "a") as pids:
        pids.write(f"{child.pid}\n")

    def stop(*_):
        try:
            os.killpg(child.pid, signal.SIGTERM)
            child.wait(timeout=5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            child.wait()
        # reaped: the PID may be reused from now on, so scripts/bench must no longer kill it
        with open(args.pidfile) as pids:
            kept = [line for line in pids if line.strip() != str(child.pid)]
        with open(args.pidfile, "w") as pids:
            pids.writelines(kept)

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(143)))
    try:
        ready = None
        while time.monotonic() - started < 30:
            if child.poll() is not None:
                lib.die(f"{args.target} exited during startup (see {log_path})")
            if health_ok(port, args.health):
                ready = time.monotonic() - started
                break
            time.sleep(0.005)
        if ready is None:
            lib.die(f"{args.target} was not ready within 30 s (see {log_path})")
        time.sleep(2)
        idle = proc_status(child.pid).get("VmRSS", 0)
    finally:
        stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    fields = dict(section="resources", workload="start to ready, idle RSS", load=args.load, target=args.target, run=args.run)
    lib.record(args.results, metric="start-to-ready ms", better="lower", value=ready * 1000, **fields)
    lib.record(args.results, metric="idle RSS MiB", better="lower", value=idle / (1 << 20), **fields)
    lib.log(f"  {args.target:<16} ready after {ready * 1000:7.1f} ms, idle RSS {idle / (1 << 20):6.1f} MiB")


def cmd_peak_rss(args) -> None:
    """Streams one blob of --mib MiB (POST, one streamed PATCH, PUT ?digest=) while sampling the server's
    /proc/<pid>/status every 50 ms; records peak VmRSS seen, VmHWM at the end, and the rate."""
    ensure_repository(args.base, args.auth, args.repository)
    auth = lib.registry_auth(args.base, args.auth)
    client = lib.Client(args.base, timeout=args.timeout)
    before = proc_status(args.pid)
    peak = [before.get("VmRSS", 0)]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], proc_status(args.pid).get("VmRSS", 0))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    size = args.mib << 20
    digest = hashlib.sha256()
    deadline = time.monotonic() + args.timeout

    def body():
        for chunk in RandomStream(size).chunks():
            if time.monotonic() > deadline:
                raise RuntimeError("blob push ran out of time")
            digest.update(chunk)
            yield chunk

    started = time.monotonic()
    try:
        _, headers, _ = client.request("POST", f"/v2/{args.repository}/blobs/uploads/", body=b"",
                                       headers={**auth, "Content-Length": "0"}, expect=(202,))
        location = headers["Location"]
        _, headers, _ = client.request("PATCH", location, body=body(),
                                       headers={**auth, "Content-Type": "application/octet-stream", "Content-Length": str(size)},
                                       expect=(202,))
        location = headers["Location"]
        separator = "&" if "?" in location else "?"
        client.request("PUT", f"{location}{separator}digest=sha256:{digest.hexdigest()}", body=b"",
                       headers={**auth, "Content-Length": "0"}, expect=(201,))
        seconds = time.monotonic() - started
    finally:
        stop.set()
        sampler.join()
        client.close()
    after = proc_status(args.pid)
    peak_rss = max(peak[0], after.get("VmRSS", 0))
    fields = dict(section="resources", workload=f"{args.mib} MiB blob push (streamed PATCH)", load="1 client",
                  target=args.target, run=args.run)
    lib.record(args.results, metric="peak RSS MiB", better="lower", value=peak_rss / (1 << 20), **fields)
    lib.record(args.results, metric="VmHWM MiB", better="lower", value=after.get("VmHWM", 0) / (1 << 20), **fields)
    lib.record(args.results, metric="RSS before MiB", better="lower", value=before.get("VmRSS", 0) / (1 << 20), **fields)
    lib.record(args.results, metric="MB/s", better="higher", value=size / 1e6 / seconds, **fields)
    lib.log(f"  {args.target:<16} {args.mib} MiB blob in {seconds:6.2f} s ({size / 1e6 / seconds:7.1f} MB/s):"
            f" RSS {before.get('VmRSS', 0) / (1 << 20):.1f} -> peak {peak_rss / (1 << 20):.1f} MiB, VmHWM {after.get('VmHWM', 0) / (1 << 20):.1f} MiB")


# --- self-test -------------------------------------------------------------------------------------------

def cmd_selftest(_args) -> None:
    """Checks benchlib.sign against botocore for an ECR and a Signer request at a fixed date."""
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials
    from unittest import mock

    date = "20261130T010203Z"
    cases = [("ecr", *lib.ecr_request("CreateRepository", '{"repositoryName":"bench/x"}')),
             ("signer", "PUT", "/signing-profiles/P1", {"Content-Type": "application/json"}, b'{"platformId":"x"}'),
             ("signer", "GET", "/signing-profiles/P1", {}, b"")]
    for service, method, path, headers, body in cases:
        request = botocore.awsrequest.AWSRequest(method=method, url="http://127.0.0.1:5050" + path, data=body, headers=dict(headers))
        with mock.patch("botocore.auth.get_current_datetime",
                        return_value=__import__("datetime").datetime(2026, 11, 30, 1, 2, 3)):
            botocore.auth.SigV4Auth(botocore.credentials.Credentials(lib.ACCESS_KEY, lib.SECRET_KEY), service, lib.REGION).add_auth(request)
        ours = lib.sign(method, "127.0.0.1:5050", path, "", headers, body, service, date)
        if ours["Authorization"] != request.headers["Authorization"]:
            lib.die(f"SigV4 mismatch for {service} {method} {path}:\n ours     {ours['Authorization']}\n botocore {request.headers['Authorization']}")
    lib.log("  sigv4 self-test: benchlib.sign matches botocore")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="subcommand", required=True)

    def add(name, func, *options):
        p = sub.add_parser(name)
        p.set_defaults(func=func)
        for option in options:
            if option in ("base", "results", "target", "work", "out", "repository", "layout", "label", "pidfile", "health"):
                p.add_argument("--" + option, required=option in ("base", "results", "out", "repository", "layout"))
            elif option == "kind":
                p.add_argument("--kind", choices=["signet", "moto"], required=True)
            elif option == "auth":
                p.add_argument("--auth", choices=["ecr", "none"], default="ecr")
            elif option in ("run", "count", "concurrency", "connections", "threads", "mib", "pid", "single-mib", "before"):
                p.add_argument("--" + option, type=int, default=1)
            elif option in ("duration", "cap", "timeout", "multi-mb", "started"):
                p.add_argument("--" + option, type=float, default=60)
            else:
                p.add_argument("--" + option)
        return p

    add("selftest", cmd_selftest)
    add("seed-control", cmd_seed_control, "base", "kind", "out")
    w = add("wrk", cmd_wrk, "base", "results", "target", "work", "run", "count", "connections", "threads", "duration", "cap",
            "section", "workload", "fixtures")
    w.add_argument("--allow-errors", action="store_true")
    add("make-layouts", cmd_make_layouts, "dir", "single-mib", "multi-mb")
    add("skopeo", cmd_skopeo, "base", "auth", "results", "target", "work", "run", "repository", "layout", "label", "timeout")
    add("push-small", cmd_push_small, "base", "auth", "results", "target", "run", "repository", "count", "concurrency", "timeout")
    add("seed-manifest", cmd_seed_manifest, "base", "auth", "repository", "out")
    add("seed-signing", cmd_seed_signing, "base", "out")
    add("seed-signing-rule", cmd_seed_signing_rule, "base")
    add("managed-signing", cmd_managed_signing, "base", "results", "run", "count", "concurrency", "timeout")
    add("backlog-push", cmd_backlog_push, "base", "run", "count", "concurrency", "timeout", "out")
    add("backlog-drain", cmd_backlog_drain, "base", "results", "run", "fixtures", "timeout", "started", "before")
    add("signing-latency", cmd_signing_latency, "base", "results", "run", "count", "timeout")
    s = add("startup", cmd_startup, "results", "target", "work", "run", "pidfile", "health")
    s.add_argument("--config-template")
    s.add_argument("--load", default="data dir")
    s.add_argument("command", nargs=argparse.REMAINDER)
    add("peak-rss", cmd_peak_rss, "base", "auth", "results", "target", "run", "repository", "mib", "pid", "timeout")
    args = parser.parse_args()
    if isinstance(getattr(args, "command", None), list) and args.command[:1] == ["--"]:
        args.command = args.command[1:]
    try:
        args.func(args)
    except (RuntimeError, OSError) as error:
        lib.die(f"{args.func.__name__.removeprefix('cmd_').replace('_', '-')}: {error}")


if __name__ == "__main__":
    main()

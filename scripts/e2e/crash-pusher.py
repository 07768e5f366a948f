#!/usr/bin/env python3
"""Pushes small images to a Signet registry from several threads until the server goes away.

Used by the SIGKILL durability test: every push the server acknowledged (2xx on both the blob and the
manifest) is appended to ACKED_FILE as "<manifest digest> <tag> <layer digest> <config digest>" and fsynced,
so the test can check after a restart that each acknowledged image is intact.

usage: crash-pusher.py BASE_URL REPOSITORY PASSWORD ACKED_FILE [THREADS] [SECONDS]
       crash-pusher.py --verify BASE_URL REPOSITORY PASSWORD ACKED_FILE
           checks every acknowledged image (manifest bytes hash to their digest, blobs present);
           prints one line per problem and exits 1 if there is any.
"""
import base64, hashlib, http.client, json, os, sys, threading, time, urllib.parse

verify = sys.argv[1] == "--verify"
if verify:
    sys.argv.pop(1)
base, repository, password, acked_path = sys.argv[1:5]
threads = int(sys.argv[5]) if len(sys.argv) > 5 else 8
seconds = float(sys.argv[6]) if len(sys.argv) > 6 else 20
url = urllib.parse.urlparse(base)
auth = "Basic " + base64.b64encode(f"AWS:{password}".encode()).decode()
lock = threading.Lock()
acked = open(acked_path, "a")
deadline = time.time() + seconds


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def request(conn, method, path, body=b"", headers=None):
    headers = dict(headers or {})
    headers["Authorization"] = auth
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


def worker(index):
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    n = 0
    while time.time() < deadline:
        n += 1
        try:
            layer = os.urandom(32 * 1024 + n)
            config = json.dumps({"os": "linux", "worker": index, "n": n}).encode()
            for blob in (layer, config):
                status = request(conn, "POST", f"/v2/{repository}/blobs/uploads/?digest={digest(blob)}", blob,
                                 {"Content-Type": "application/octet-stream"})
                if status != 201:
                    raise RuntimeError(f"blob {status}")
            manifest = json.dumps({
                "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": digest(config), "size": len(config)},
                "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest(layer), "size": len(layer)}],
            }).encode()
            tag = f"w{index}-{n}"
            status = request(conn, "PUT", f"/v2/{repository}/manifests/{tag}", manifest,
                             {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
            if status != 201:
                raise RuntimeError(f"manifest {status}")
            with lock:
                acked.write(f"{digest(manifest)} {tag} {digest(layer)} {digest(config)}\n")
                acked.flush()
                os.fsync(acked.fileno())
        except Exception:
            return  # the server is gone (or refused): stop this worker


if verify:
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    problems = 0
    for line in open(acked_path):
        fields = line.split()
        if len(fields) != 4:
            continue
        manifest_digest, tag, layer, config = fields
        conn.request("GET", f"/v2/{repository}/manifests/{tag}", headers={"Authorization": auth})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200 or digest(body) != manifest_digest:
            print(f"manifest {tag}: status {response.status}, digest {digest(body)} != {manifest_digest}")
            problems += 1
        for blob in (layer, config):
            conn.request("HEAD", f"/v2/{repository}/blobs/{blob}", headers={"Authorization": auth})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                print(f"blob {blob}: status {response.status}")
                problems += 1
    sys.exit(1 if problems else 0)

workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
for w in workers:
    w.start()
for w in workers:
    w.join()

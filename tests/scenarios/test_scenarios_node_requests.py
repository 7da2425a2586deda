"""The scenarios against two more real client stacks on the real binary: Python's `requests` (its Digest auth,
redirects, conditional requests, ranges, a rate limit) and Node's `fetch` (undici), `http` and `http2` (h2c)
modules, each run as the program a user would write."""

from __future__ import annotations

import json
import subprocess
import uuid

import requests
from requests.auth import HTTPDigestAuth


def key(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}"


def test_requests_digest_redirects_and_conditionals(server_url):
    base = f"{server_url}/scenario"
    for algorithm in ("MD5", "SHA-256"):
        url = f"{base}/digest/bob/pw?algorithm={algorithm}"
        assert requests.get(url, timeout=10).status_code == 401
        assert requests.get(url, auth=HTTPDigestAuth("bob", "pw"), timeout=10).status_code == 200
    # requests turns a POST into a GET after 301, 302 and 303, and keeps it after 307 and 308.
    for status, method in ((301, "GET"), (302, "GET"), (303, "GET"), (307, "POST"), (308, "POST")):
        got = requests.post(f"{base}/redirect/1?status={status}", data=b"x", timeout=10)
        assert [r.status_code for r in got.history] == [status]
        assert got.json()["received"]["method"] == method, status
    resource = f"{base}/conditional/{key('requests')}"
    etag = requests.get(resource, timeout=10).headers["ETag"]
    assert requests.get(resource, headers={"If-None-Match": etag}, timeout=10).status_code == 304
    assert requests.put(resource, headers={"If-Match": '"stale"'}, data=b"v", timeout=10).status_code == 412
    ranged = requests.get(f"{base}/range/1000", headers={"Range": "bytes=10-19"}, timeout=10)
    assert ranged.status_code == 206 and ranged.headers["Content-Range"] == "bytes 10-19/1000"
    limited = f"{base}/rate-limit/{key('requests')}?limit=1&window=60"
    assert requests.get(limited, timeout=10).status_code == 200
    refused = requests.get(limited, timeout=10)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    too_big = requests.post(f"{base}/upload?limit=10", data=b"x" * 100, timeout=10)
    assert too_big.status_code == 413


NODE = r"""
import http from "node:http";
import http2 from "node:http2";

const base = process.argv[2];
const key = process.argv[3];
const out = {};

// fetch (undici): a redirect chain, and a POST that a 303 turns into a GET.
let r = await fetch(`${base}/scenario/redirect/3?status=302`);
out.chain = [r.status, r.redirected, (await r.json()).received.method];
r = await fetch(`${base}/scenario/redirect/1?status=303`, { method: "POST", body: "x" });
out.see_other = (await r.json()).received.method;
r = await fetch(`${base}/scenario/redirect/1?status=307`, { method: "POST", body: "x" });
out.temporary = (await r.json()).received;

// http: a write with a stale ETag, then a range.
const request = (path, options, body) => new Promise((resolve, reject) => {
  const req = http.request(`${base}${path}`, options, (res) => {
    let data = "";
    res.on("data", (c) => (data += c));
    res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, data }));
  });
  req.on("error", reject);
  req.end(body);
});
out.stale = (await request(`/scenario/conditional/${key}`, { method: "PUT", headers: { "If-Match": '"stale"' } }, "v")).status;
const ranged = await request("/scenario/range/1000", { headers: { Range: "bytes=0-9,100-109" } });
out.multipart = [ranged.status, ranged.headers["content-type"].split(";")[0]];

// http2 with prior knowledge (h2c): a rate-limited key.
const session = http2.connect(base);
const h2get = (path) => new Promise((resolve, reject) => {
  const stream = session.request({ ":path": path });
  stream.on("response", (headers) => { stream.resume(); stream.on("end", () => resolve(headers)); });
  stream.on("error", reject);
});
const limited = `/scenario/rate-limit/${key}?limit=1&window=60`;
const first = await h2get(limited);
const second = await h2get(limited);
out.h2 = [first[":status"], second[":status"], second["retry-after"] !== undefined, second["ratelimit"]];
session.close();
console.log(JSON.stringify(out));
"""


def test_node_fetch_http_and_http2(server_url, tmp_path):
    script = tmp_path / "scenarios.mjs"
    script.write_text(NODE)
    done = subprocess.run(["node", str(script), server_url, key("node")], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["chain"] == [200, True, "GET"]
    assert out["see_other"] == "GET"
    assert out["temporary"]["method"] == "POST" and out["temporary"]["body"] == "x"
    assert out["stale"] == 412
    assert out["multipart"] == [206, "multipart/byteranges"]
    assert out["h2"][:3] == [200, 429, True]
    assert out["h2"][3].startswith('"window";r=0;t=')

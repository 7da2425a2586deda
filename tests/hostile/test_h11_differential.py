"""Our verdict on every hostile request against a strict, independent HTTP/1.1 parser: Python's h11.

Both sides get the same bytes: a case from `corpus.json` (shared with the Rust corpus test in
crates/httpstatus-server/tests/hostile_corpus.rs, so the two cannot drift) followed by the corpus's probe request
and the end of the stream. A parser *accepts* the case when it reads its way through the case to the probe as a
request of its own; it *refuses* when it rejects the bytes or can no longer find where the next request starts.

Our side is the real `httpstatus serve` binary on a raw socket; h11 runs in-process as a server-role connection
with our head-size limit, fed the bytes in 1 KiB reads as a socket would deliver them. h11 implements no HTTP/1.0
keep-alive, so after an HTTP/1.0 request the test carries on with a fresh h11 connection on the remaining bytes.

Every disagreement must be listed in KNOWN_DIFFERENCES with the reason; an unexplained difference fails, and so
does an entry for a case on which the two now agree.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from urllib.parse import urlsplit

import h11
import pytest

CORPUS = json.loads((Path(__file__).resolve().parent / "corpus.json").read_text(encoding="ascii"))
PROBE = CORPUS["probe"].encode("latin-1")
PROBE_TARGET = b"/status/226"
# Our server's limit on a whole request head (httpstatus-wire `Limits::max_head`).
MAX_HEAD = 32 * 1024

_OBS_FOLD = (
    "h11 unfolds obsolete line folding; we refuse it. RFC 9112 section 5.2 lets a server either reject obs-fold "
    "with 400 or replace it with spaces, and a folded line is a classic way to hide a field from one parser "
    "and not another (PortSwigger's TE.TE list)"
)
_CL_AND_TE = (
    "h11 lets Transfer-Encoding override Content-Length (RFC 9112 section 6.3 item 3); we refuse the message, "
    "which the same item recommends (\"ought to be handled as an error\") because it is the CL.TE / TE.CL "
    "smuggling shape"
)
_TE_IN_HTTP10 = (
    "h11 decodes a chunked body in an HTTP/1.0 request; RFC 9112 section 6.1 says a server must treat that "
    "framing as faulty, and we refuse it outright"
)
_CTL_IN_VALUE = (
    "h11 keeps control characters other than NUL, CR and LF in field values; we refuse them. RFC 9110 "
    "section 5.5 makes them invalid and allows either"
)
_HOST = (
    "h11 does not check the syntax of Host; RFC 9112 section 3.2 requires a 400 for a Host that is not "
    "uri-host[:port], and we give it"
)
_TARGET_FORM = (
    "h11 accepts any visible characters as the target; we check the four forms of RFC 9112 section 3.2 "
    "(authority-form only with CONNECT, * only with OPTIONS) and refuse the rest with 400"
)
_VERSION = (
    "h11 reads any HTTP/d.d version and leaves the policy to the application; we speak only HTTP/1.x and answer "
    "505 (RFC 9110 section 15.6.6)"
)
_FIELD_COUNT = (
    "h11 has no limit on the number of fields; we answer 431 past 100 fields, a limit against floods of tiny "
    "fields (RFC 6585 section 5)"
)

_FIELD_LINE = (
    "h11 bounds only the whole head; we also refuse one field line over 8 KiB with 431, as nginx "
    "(large_client_header_buffers, 8k by default) and Apache (LimitRequestFieldSize, 8190 bytes) refuse one "
    "long line even when the whole head fits"
)

KNOWN_DIFFERENCES: dict[str, str] = {
    # Limits: one long field line.
    "one field line past the per-field limit, the head within its limit": _FIELD_LINE,
    "one field value past the per-field limit, the head within its limit": _FIELD_LINE,
    # Framing: both length headers, and chunked in HTTP/1.0.
    "cl.te smuggled prefix": _CL_AND_TE,
    "te.cl smuggled request": _CL_AND_TE,
    "cl.te with content-length 0": _CL_AND_TE,
    "te.cl with te first": _CL_AND_TE,
    "pipelined get then cl.te": _CL_AND_TE,
    "cl with te in http/1.0": _CL_AND_TE + "; " + _TE_IN_HTTP10,
    "te in http/1.0": _TE_IN_HTTP10,
    # Obsolete line folding, in the head and in trailers.
    "te value folded": _OBS_FOLD,
    "obs-fold with space": _OBS_FOLD,
    "obs-fold with tab": _OBS_FOLD,
    "obs-fold of the host": _OBS_FOLD,
    "pipelined get then obs-fold": _OBS_FOLD,
    "trailer folded": _OBS_FOLD,
    "whitespace-only line in the head": _OBS_FOLD + " (a line of one space after a field is a fold of that field)",
    # Chunk-size lines.
    "chunk size with many leading zeros": (
        "h11 caps a chunk size at 20 hex digits, leading zeros included; RFC 9112 section 7.1 allows any number "
        "(1*HEXDIG) and we accept leading zeros, refusing only more than 16 significant digits"
    ),
    "chunk size with trailing space": (
        "h11 allows whitespace after the chunk size; RFC 9112 section 7.1 allows it only before a ';' extension, "
        "and the HTTP Garden found servers that read '2 ' differently, so we refuse it"
    ),
    "chunk extension after whitespace": (
        "RFC 9112 section 7.1.1 allows whitespace (BWS) before the ';' of a chunk extension; we accept it, h11 "
        "does not"
    ),
    "chunk extension with nul": (
        "h11 skips chunk extensions without looking at them; we refuse a NUL in one, which RFC 9112 section 7.1.1 "
        "never allows (token or quoted-string)"
    ),
    "chunk extension with bare cr": (
        "h11 skips chunk extensions without looking at them; we refuse a bare CR anywhere in a line (RFC 9112 "
        "section 2.2)"
    ),
    # Field values and counts.
    "del in a field value": _CTL_IN_VALUE,
    "escape in a field value": _CTL_IN_VALUE,
    "soh in a field value": _CTL_IN_VALUE,
    "many small fields past the count limit": _FIELD_COUNT,
    "many empty fields past the count limit": _FIELD_COUNT,
    # Host values.
    "host with space": _HOST,
    "host with slash": _HOST,
    "host with userinfo": _HOST,
    "host with two colons": _HOST,
    "host with letters in the port": _HOST,
    "host with unclosed ipv6 literal": _HOST,
    "host with bad percent-encoding": _HOST,
    # Request targets and versions.
    "absolute-form with userinfo": (
        "h11 accepts http://user@host/ as a target; RFC 9110 section 4.2.4 says to treat userinfo in an http URI "
        "as an error, since the part before '@' is easily taken for the host"
    ),
    "authority-form target with get": _TARGET_FORM,
    "origin-form target with connect": _TARGET_FORM,
    "asterisk-form with get": _TARGET_FORM,
    "target without a leading slash": _TARGET_FORM,
    "target past the request-line limit": (
        "h11 has only a limit on the whole head; we also limit the request line to 8 KiB and answer 414 past it "
        "(RFC 9112 section 3)"
    ),
    "version http/2.0": _VERSION,
    "version http/3.0": _VERSION,
    "version http/9.9": _VERSION,
    "pipelined get then http/2.0": _VERSION,
    # Leading empty lines.
    "empty lines before the request line": (
        "RFC 9112 section 2.2 says a server SHOULD ignore at least one empty line before the request line; we "
        "do, h11 refuses it"
    ),
    "empty lf line before the request line": (
        "RFC 9112 section 2.2: a server SHOULD ignore empty lines (CRLF or bare LF) before the request line; we "
        "do, h11 refuses it"
    ),
    "only empty lines before the probe": (
        "RFC 9112 section 2.2: a server SHOULD ignore empty lines before the request line; we do, h11 refuses them"
    ),
    # Not parsing: what the server decides about the exchange.
    "expect 100-continue with a body sent at once": (
        "both parse it; but the endpoint answers without reading the body, and a server cannot know whether a "
        "client that asked for 100-continue will send its body, so it closes after the response (RFC 9110 "
        "section 10.1.1) rather than guess where the next request starts"
    ),
    "unsupported expectation": (
        "h11 leaves Expect to the application; we answer an expectation other than 100-continue with 417 and "
        "close (RFC 9110 section 10.1.1)"
    ),
}


def expand(case: dict) -> bytes:
    request = case["request"]
    if "repeat" in case:
        repeat = case["repeat"]
        request = request.replace(repeat["marker"], repeat["unit"] * repeat["count"])
    return request.encode("latin-1")


def h11_verdict(data: bytes) -> tuple[bool, str]:
    """Whether h11 reads through `data` to the probe request, and why not if it does not."""

    def pieces(buffer: bytes) -> list[bytes]:
        return [buffer[i : i + 1024] for i in range(0, len(buffer), 1024)]

    def new_connection() -> h11.Connection:
        return h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD)

    conn = new_connection()
    chunks, fed, eof = pieces(data), 0, False
    last_target = None
    for _ in range(100_000):
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError as error:
            return False, f"h11: {error} (status hint {error.error_status_hint})"
        if event is h11.NEED_DATA:
            if fed < len(chunks):
                conn.receive_data(chunks[fed])
                fed += 1
            elif not eof:
                conn.receive_data(b"")
                eof = True
            else:
                return False, "h11 wants more data after the end of the stream"
        elif isinstance(event, h11.Request):
            last_target = event.target
        elif isinstance(event, h11.EndOfMessage):
            if last_target == PROBE_TARGET:
                return True, "h11 reached the probe"
            # Answer (never with 2xx, which would switch protocols after CONNECT) so the next request is read.
            conn.send(h11.Response(status_code=404, headers=[("Content-Length", "0")]))
            conn.send(h11.EndOfMessage())
            if conn.our_state is h11.MUST_CLOSE:
                rest, _ = conn.trailing_data
                chunks, fed = pieces(bytes(rest) + b"".join(chunks[fed:])), 0
                conn = new_connection()
            else:
                conn.start_next_cycle()
        elif isinstance(event, h11.ConnectionClosed):
            return False, "h11 saw the end of the stream before the probe"
        elif event is h11.PAUSED:
            return False, "h11 paused"
    return False, "h11 did not finish"


def read_responses(data: bytes) -> list[tuple[int, bytes]]:
    """Splits Content-Length-framed responses into (status, head)."""
    responses = []
    while data:
        end = data.find(b"\r\n\r\n")
        assert end >= 0, f"an unfinished head: {data[:200]!r}"
        head = data[:end]
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        responses.append((int(head[9:12]), head))
        data = data[end + 4 + length :]
    return responses


def our_verdict(server_url: str, data: bytes) -> tuple[bool, list[int]]:
    """Sends `data` to the real server, half-closes, and reads until it closes: whether the probe was answered,
    and the statuses of the case's own responses."""
    url = urlsplit(server_url)
    with socket.create_connection((url.hostname, url.port), timeout=20) as sock:
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading after its answer (a 431, say)
        received = b""
        while True:
            try:
                piece = sock.recv(65536)
            except ConnectionResetError:
                break
            if not piece:
                break
            received += piece
    statuses = [status for status, _ in read_responses(received)]
    if statuses and statuses[-1] == 226:
        return True, statuses[:-1]
    return False, statuses


CASES = CORPUS["cases"]


def test_the_corpus_is_large_and_known_differences_name_real_cases():
    assert len(CASES) >= 150
    names = {case["name"] for case in CASES}
    assert len(names) == len(CASES), "case names are unique"
    stale = sorted(set(KNOWN_DIFFERENCES) - names)
    assert not stale, f"KNOWN_DIFFERENCES names cases that are not in the corpus: {stale}"


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_h11_and_httpstatus_agree_or_the_difference_is_explained(server_url, case):
    data = expand(case) + PROBE
    h11_accepts, h11_reason = h11_verdict(data)
    we_accept, statuses = our_verdict(server_url, data)

    # The binary behaves as the corpus says (the Rust test checks the same on the library).
    assert statuses == case["expect"], f"statuses {statuses}, corpus says {case['expect']}"
    assert we_accept == (case["connection"] == "keep"), "connection handling differs from the corpus"

    verdict = {True: "accepts", False: "refuses"}
    if h11_accepts == we_accept:
        assert case["name"] not in KNOWN_DIFFERENCES, (
            f"h11 and httpstatus now agree ({verdict[we_accept]}): remove the KNOWN_DIFFERENCES entry"
        )
    else:
        assert case["name"] in KNOWN_DIFFERENCES, (
            f"unexplained difference: httpstatus {verdict[we_accept]} ({statuses}), "
            f"h11 {verdict[h11_accepts]} ({h11_reason})"
        )

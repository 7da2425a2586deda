//! The `/scenario/...` endpoints on real sockets, each over HTTP/1.1 (raw bytes) and HTTP/2 (h2c with the
//! `h2` crate's client): every status code produced by its real cause, with the fields that go with it.

mod common;

use std::future::poll_fn;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use common::{TestServer, quick_config};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The two ways in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Proto {
    H1,
    H2,
}

const BOTH: [Proto; 2] = [Proto::H1, Proto::H2];

/// What came back: interim statuses, the final status, its fields (lowercase names) and body.
#[derive(Debug)]
struct Reply {
    interim: Vec<u16>,
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// One request with a fresh connection.
async fn call(
    proto: Proto,
    addr: SocketAddr,
    method: &str,
    path: &str,
    fields: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Reply {
    let reply = match proto {
        Proto::H1 => h1(addr, method, path, fields, body).await,
        Proto::H2 => h2(addr, method, path, fields, body).await,
    };
    tokio::time::timeout(Duration::from_secs(20), async { reply })
        .await
        .unwrap()
}

async fn get(proto: Proto, addr: SocketAddr, path: &str, fields: &[(&str, &str)]) -> Reply {
    call(proto, addr, "GET", path, fields, None).await
}

/// HTTP/1.1 on a raw socket: the request as bytes, the response read to the close and parsed.
async fn h1(
    addr: SocketAddr,
    method: &str,
    path: &str,
    fields: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Reply {
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (name, value) in fields {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    let has_length = fields.iter().any(|(n, _)| {
        n.eq_ignore_ascii_case("content-length") || n.eq_ignore_ascii_case("transfer-encoding")
    });
    if let Some(body) = body
        && !has_length
    {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    if let Some(body) = body {
        stream.write_all(body).await.unwrap();
    }
    let mut bytes = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut bytes)).await;
    parse_h1(&bytes, method == "HEAD")
}

/// Splits raw HTTP/1.1 responses: interim heads, then the final head and its body (by Content-Length or
/// chunked).
fn parse_h1(bytes: &[u8], head_request: bool) -> Reply {
    let mut rest = bytes;
    let mut interim = Vec::new();
    loop {
        let end = rest
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no complete head in {:?}", String::from_utf8_lossy(bytes)));
        let head = String::from_utf8_lossy(&rest[..end]).into_owned();
        rest = &rest[end + 4..];
        let mut lines = head.split("\r\n");
        let status: u16 = lines.next().unwrap()[9..12].parse().unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        if (100..200).contains(&status) {
            interim.push(status);
            continue;
        }
        let find = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let body = if head_request || status == 204 || status == 304 {
            Vec::new()
        } else if let Some(length) = find("content-length") {
            let length: usize = length.parse().unwrap();
            rest[..length.min(rest.len())].to_vec()
        } else if find("transfer-encoding").is_some() {
            dechunk(rest)
        } else {
            rest.to_vec()
        };
        return Reply {
            interim,
            status,
            headers,
            body,
        };
    }
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&rest[..line_end]).unwrap().trim(), 16)
                .unwrap();
        rest = &rest[line_end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

/// HTTP/2 with prior knowledge (h2c) with the `h2` crate's client.
async fn h2(
    addr: SocketAddr,
    method: &str,
    path: &str,
    fields: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Reply {
    let tcp = TcpStream::connect(addr).await.unwrap();
    let (send, connection) = h2::client::handshake(tcp)
        .await
        .expect("an HTTP/2 handshake");
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let mut request = http::Request::builder()
        .method(method)
        .uri(format!("http://localhost{path}"));
    for (name, value) in fields {
        request = request.header(*name, *value);
    }
    let mut ready = send.ready().await.unwrap();
    let (mut response, mut stream) = ready
        .send_request(request.body(()).unwrap(), body.is_none())
        .unwrap();
    let mut interim = Vec::new();
    if let Some(body) = body {
        if fields.iter().any(|(n, _)| n.eq_ignore_ascii_case("expect")) {
            // A careful client waits for the 100; a final response instead means the body is not wanted.
            if let Some(Ok(info)) = poll_fn(|cx| response.poll_informational(cx)).await {
                interim.push(info.status().as_u16());
                stream
                    .send_data(Bytes::copy_from_slice(body), true)
                    .unwrap();
            }
        } else {
            // The server may answer (and end the stream) before it reads the body, as RFC 9113 section 8.1
            // allows: a client then stops sending, so a stream already closed here is not an error.
            let _ = stream.send_data(Bytes::copy_from_slice(body), true);
        }
    }
    while let Some(Ok(info)) = poll_fn(|cx| response.poll_informational(cx)).await {
        interim.push(info.status().as_u16());
    }
    let (head, mut received) = response.await.expect("a final response").into_parts();
    let mut data = Vec::new();
    while let Some(chunk) = received.data().await {
        let Ok(chunk) = chunk else { break };
        let _ = received.flow_control().release_capacity(chunk.len());
        data.extend_from_slice(&chunk);
    }
    Reply {
        interim,
        status: head.status.as_u16(),
        headers: head
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect(),
        body: data,
    }
}

fn server() -> TestServer {
    TestServer::start(quick_config())
}

/// A key no other test uses.
fn key(name: &str, proto: Proto) -> String {
    format!("{name}-{proto:?}-{}", std::process::id())
}

// ---------------------------------------------------------------------------------------------------------
// Conditional requests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conditional_requests_follow_rfc_9110() {
    let server = server();
    let addr = server.addr;
    for proto in BOTH {
        let path = format!("/scenario/conditional/{}", key("cond", proto));
        let first = get(proto, addr, &path, &[]).await;
        assert_eq!(first.status, 200, "{proto:?} {}", first.text());
        let etag = first.header("etag").unwrap().to_owned();
        let modified = first.header("last-modified").unwrap().to_owned();
        assert!(
            etag.starts_with('"') && etag.ends_with('"'),
            "a strong ETag: {etag}"
        );

        // 304 for If-None-Match (weak comparison) and If-Modified-Since, with the validators.
        for fields in [
            vec![("If-None-Match", etag.clone())],
            vec![("If-None-Match", format!("W/{etag}"))],
            vec![("If-Modified-Since", modified.clone())],
        ] {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let reply = get(proto, addr, &path, &fields).await;
            assert_eq!(reply.status, 304, "{proto:?} {fields:?}");
            assert_eq!(reply.header("etag"), Some(etag.as_str()));
            assert!(reply.body.is_empty());
        }
        // If-None-Match wins over If-Modified-Since (step 3 before step 4).
        let reply = get(
            proto,
            addr,
            &path,
            &[
                ("If-None-Match", "\"other\""),
                ("If-Modified-Since", &modified),
            ],
        )
        .await;
        assert_eq!(reply.status, 200, "{proto:?}");

        // 428 for a write without a precondition; the body is not read.
        let reply = call(proto, addr, "PUT", &path, &[], Some(b"new")).await;
        assert_eq!(reply.status, 428, "{proto:?} {}", reply.text());
        assert_eq!(
            reply.header("content-type"),
            Some("application/problem+json")
        );
        assert!(
            reply.json()["detail"]
                .as_str()
                .unwrap()
                .contains("If-Match")
        );

        // 412 for a stale If-Match, for If-None-Match: * on an existing resource, and for an old
        // If-Unmodified-Since; If-Match is evaluated first and a weak tag never matches it.
        for (name, value) in [
            ("If-Match", "\"stale\"".to_owned()),
            ("If-Match", format!("W/{etag}")),
            ("If-None-Match", "*".to_owned()),
            (
                "If-Unmodified-Since",
                "Sat, 01 Jan 2000 00:00:00 GMT".to_owned(),
            ),
        ] {
            let reply = call(proto, addr, "PUT", &path, &[(name, &value)], Some(b"new")).await;
            assert_eq!(reply.status, 412, "{proto:?} {name}: {value}");
            assert_eq!(
                reply.header("etag"),
                Some(etag.as_str()),
                "the current ETag comes back"
            );
        }
        let reply = call(
            proto,
            addr,
            "PUT",
            &path,
            &[
                ("If-Match", &etag),
                ("If-Unmodified-Since", "Sat, 01 Jan 2000 00:00:00 GMT"),
            ],
            Some(b"x"),
        )
        .await;
        assert_eq!(
            reply.status, 204,
            "If-Unmodified-Since is ignored when If-Match is there: {proto:?}"
        );
        let etag = reply.header("etag").unwrap().to_owned();

        // A PUT with the right ETag changes the validators; the old ETag now fails.
        let reply = call(
            proto,
            addr,
            "PUT",
            &path,
            &[("If-Match", &etag), ("Content-Type", "text/plain")],
            Some(b"second version"),
        )
        .await;
        assert_eq!(reply.status, 204, "{proto:?} {}", reply.text());
        let new_etag = reply.header("etag").unwrap().to_owned();
        assert_ne!(new_etag, etag);
        let reply = get(proto, addr, &path, &[("If-None-Match", &etag)]).await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body, b"second version");
        assert_eq!(reply.header("content-type"), Some("text/plain"));
        let reply = call(
            proto,
            addr,
            "PUT",
            &path,
            &[("If-Match", &etag)],
            Some(b"lost update"),
        )
        .await;
        assert_eq!(reply.status, 412);

        // DELETE, then 404; If-None-Match: * creates it again with 201 and a new ETag.
        let reply = call(
            proto,
            addr,
            "DELETE",
            &path,
            &[("If-Match", &new_etag)],
            None,
        )
        .await;
        assert_eq!(reply.status, 204, "{proto:?}");
        assert_eq!(get(proto, addr, &path, &[]).await.status, 404);
        let reply = call(proto, addr, "PUT", &path, &[("If-Match", "*")], Some(b"x")).await;
        assert_eq!(reply.status, 412, "If-Match: * needs a resource");
        let reply = call(
            proto,
            addr,
            "PUT",
            &path,
            &[("If-None-Match", "*")],
            Some(b"again"),
        )
        .await;
        assert_eq!(reply.status, 201, "{proto:?} {}", reply.text());
        assert_eq!(reply.header("location"), Some(path.as_str()));
        assert_ne!(reply.header("etag"), Some(new_etag.as_str()));

        // Other methods, bad keys and unknown parameters.
        let reply = call(proto, addr, "POST", &path, &[], Some(b"x")).await;
        assert_eq!(reply.status, 405);
        assert_eq!(reply.header("allow"), Some("GET, HEAD, PUT, DELETE"));
        for bad in [
            "/scenario/conditional/",
            "/scenario/conditional/a%20b",
            "/scenario/conditional/k?x=1",
        ] {
            let reply = get(proto, addr, bad, &[]).await;
            assert_eq!(reply.status, 400, "{bad}");
            assert!(reply.json()["detail"].as_str().unwrap().len() > 20);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_write_sends_no_100_continue() {
    let server = server();
    for proto in BOTH {
        let path = format!("/scenario/conditional/{}", key("expect", proto));
        let reply = call(
            proto,
            server.addr,
            "PUT",
            &path,
            &[("If-Match", "\"stale\""), ("Expect", "100-continue")],
            Some(b"never read"),
        )
        .await;
        assert_eq!(reply.status, 412, "{proto:?}");
        assert!(reply.interim.is_empty(), "{proto:?}: {:?}", reply.interim);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_put_over_the_size_limit_is_413() {
    let server = server();
    for proto in BOTH {
        let path = format!("/scenario/conditional/{}", key("big", proto));
        let body = vec![b'x'; 16 * 1024 + 1];
        let reply = call(
            proto,
            server.addr,
            "PUT",
            &path,
            &[("If-None-Match", "*")],
            Some(&body),
        )
        .await;
        // The resource exists (every key starts with one), so If-None-Match: * fails first.
        assert_eq!(reply.status, 412, "{proto:?}");
        let etag = get(proto, server.addr, &path, &[])
            .await
            .header("etag")
            .unwrap()
            .to_owned();
        let reply = call(
            proto,
            server.addr,
            "PUT",
            &path,
            &[("If-Match", &etag)],
            Some(&body),
        )
        .await;
        assert_eq!(reply.status, 413, "{proto:?} {}", reply.text());
    }
}

// ---------------------------------------------------------------------------------------------------------
// Ranges

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ranges_single_multiple_if_range_and_unsatisfiable() {
    let server = server();
    let addr = server.addr;
    for proto in BOTH {
        let whole = get(proto, addr, "/scenario/range/100", &[]).await;
        assert_eq!(whole.status, 200);
        assert_eq!(whole.body.len(), 100);
        assert_eq!(whole.header("accept-ranges"), Some("bytes"));
        let etag = whole.header("etag").unwrap().to_owned();

        let reply = get(
            proto,
            addr,
            "/scenario/range/100",
            &[("Range", "bytes=26-29")],
        )
        .await;
        assert_eq!(reply.status, 206, "{proto:?}");
        assert_eq!(reply.body, b"abcd");
        assert_eq!(reply.header("content-range"), Some("bytes 26-29/100"));
        let reply = get(proto, addr, "/scenario/range/100", &[("Range", "bytes=-2")]).await;
        assert_eq!((reply.status, reply.body.as_slice()), (206, &b"uv"[..]));

        let reply = get(
            proto,
            addr,
            "/scenario/range/100",
            &[("Range", "bytes=0-1,50-51")],
        )
        .await;
        assert_eq!(reply.status, 206);
        let content_type = reply.header("content-type").unwrap();
        let boundary = content_type
            .strip_prefix("multipart/byteranges; boundary=")
            .unwrap();
        let text = reply.text();
        assert!(text.starts_with(&format!("--{boundary}\r\n")), "{text}");
        assert!(
            text.contains("Content-Range: bytes 0-1/100\r\n\r\nab\r\n"),
            "{text}"
        );
        assert!(
            text.contains("Content-Range: bytes 50-51/100\r\n\r\nyz\r\n"),
            "{text}"
        );
        assert!(text.ends_with(&format!("--{boundary}--\r\n")), "{text}");

        // If-Range: a matching strong ETag or date gives the part; anything else the whole.
        for (validator, status) in [
            (etag.as_str(), 206),
            ("Sat, 01 Jan 2000 00:00:00 GMT", 206),
            ("\"old\"", 200),
            ("Sun, 02 Jan 2000 00:00:00 GMT", 200),
        ] {
            let reply = get(
                proto,
                addr,
                "/scenario/range/100",
                &[("Range", "bytes=0-0"), ("If-Range", validator)],
            )
            .await;
            assert_eq!(reply.status, status, "{proto:?} If-Range: {validator}");
        }

        // 416 with bytes */N, past the end and past the range limit.
        let many = format!("bytes={}", vec!["0-0"; 17].join(","));
        for range in ["bytes=100-", many.as_str()] {
            let reply = get(proto, addr, "/scenario/range/100", &[("Range", range)]).await;
            assert_eq!(reply.status, 416, "{proto:?} {range}");
            assert_eq!(reply.header("content-range"), Some("bytes */100"));
        }
        // A Range that does not parse is ignored.
        let reply = get(proto, addr, "/scenario/range/100", &[("Range", "bytes=z-")]).await;
        assert_eq!(reply.status, 200);
        for bad in [
            "/scenario/range/0",
            "/scenario/range/1048577",
            "/scenario/range/x",
            "/scenario/range",
        ] {
            assert_eq!(get(proto, addr, bad, &[]).await.status, 400, "{bad}");
        }
        let reply = call(proto, addr, "DELETE", "/scenario/range/10", &[], None).await;
        assert_eq!(
            (reply.status, reply.header("allow")),
            (405, Some("GET, HEAD"))
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_methods_are_501_and_unknown_scenarios_404() {
    let server = server();
    for proto in BOTH {
        let reply = call(proto, server.addr, "BREW", "/scenario/range/10", &[], None).await;
        assert_eq!(reply.status, 501, "{proto:?}");
        let reply = get(proto, server.addr, "/scenario/nothing-here", &[]).await;
        assert_eq!(reply.status, 404);
        assert!(
            reply.json()["detail"]
                .as_str()
                .unwrap()
                .contains("/scenario/conditional/{key}")
        );
        let index = get(proto, server.addr, "/scenario", &[]).await;
        assert_eq!(index.status, 200);
        assert!(index.json()["scenarios"].as_array().unwrap().len() >= 2);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Methods and content

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_produce_every_content_error_from_its_cause() {
    let server = server();
    let addr = server.addr;
    let json = [("Content-Type", "application/json")];
    for proto in BOTH {
        let items = format!("/scenario/items/{}", key("items", proto));
        let reply = call(
            proto,
            addr,
            "POST",
            &items,
            &json,
            Some(br#"{"name": "apple", "quantity": 3}"#),
        )
        .await;
        assert_eq!(reply.status, 201, "{proto:?} {}", reply.text());
        let location = format!("{items}/apple");
        assert_eq!(reply.header("location"), Some(location.as_str()));
        assert_eq!(reply.json()["quantity"], 3);

        // 409: the same name again.
        let reply = call(
            proto,
            addr,
            "POST",
            &items,
            &json,
            Some(br#"{"name": "apple", "quantity": 1}"#),
        )
        .await;
        assert_eq!(reply.status, 409, "{proto:?}");
        assert_eq!(reply.json()["existing"], location.as_str());

        // 415 with Accept-Post, 400 for malformed JSON, 422 naming each field.
        let reply = call(
            proto,
            addr,
            "POST",
            &items,
            &[("Content-Type", "text/plain")],
            Some(b"apple"),
        )
        .await;
        assert_eq!(reply.status, 415);
        assert_eq!(reply.header("accept-post"), Some("application/json"));
        let reply = call(proto, addr, "POST", &items, &json, Some(b"{\"name\": ")).await;
        assert_eq!(reply.status, 400);
        assert!(
            reply.json()["detail"]
                .as_str()
                .unwrap()
                .contains("not valid JSON")
        );
        let reply = call(
            proto,
            addr,
            "POST",
            &items,
            &json,
            Some(br#"{"name": "A B", "quantity": 5000}"#),
        )
        .await;
        assert_eq!(reply.status, 422, "{}", reply.text());
        assert_eq!(
            reply.header("content-type"),
            Some("application/problem+json")
        );
        let problem = reply.json();
        let pointers: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["pointer"].as_str().unwrap())
            .collect();
        assert_eq!(pointers, ["#/name", "#/quantity"]);
        assert_eq!(problem["status"], 422);
        assert_eq!(problem["type"], "/422");

        // 406 when Accept excludes JSON.
        let reply = get(proto, addr, &location, &[("Accept", "text/html")]).await;
        assert_eq!(reply.status, 406);
        assert_eq!(
            get(proto, addr, &location, &[("Accept", "application/json")])
                .await
                .status,
            200
        );

        // 405 with each resource's own Allow.
        let reply = call(proto, addr, "PUT", &items, &json, Some(b"{}")).await;
        assert_eq!(
            (reply.status, reply.header("allow")),
            (405, Some("GET, HEAD, POST"))
        );
        let reply = call(proto, addr, "POST", &location, &json, Some(b"{}")).await;
        assert_eq!(
            (reply.status, reply.header("allow")),
            (405, Some("GET, HEAD, PATCH, DELETE"))
        );

        // PATCH takes a merge patch only (415 with Accept-Patch), and validates it.
        let reply = call(
            proto,
            addr,
            "PATCH",
            &location,
            &json,
            Some(br#"{"quantity": 4}"#),
        )
        .await;
        assert_eq!(reply.status, 415);
        assert_eq!(
            reply.header("accept-patch"),
            Some("application/merge-patch+json")
        );
        let patch = [("Content-Type", "application/merge-patch+json")];
        let reply = call(
            proto,
            addr,
            "PATCH",
            &location,
            &patch,
            Some(br#"{"quantity": 4}"#),
        )
        .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        assert_eq!(reply.json()["quantity"], 4);
        let reply = call(
            proto,
            addr,
            "PATCH",
            &location,
            &patch,
            Some(br#"{"name": "pear"}"#),
        )
        .await;
        assert_eq!(reply.status, 422);

        // 410 once deleted (a name never created is a 404).
        let reply = call(proto, addr, "DELETE", &location, &[], None).await;
        assert_eq!(reply.status, 204);
        assert_eq!(get(proto, addr, &location, &[]).await.status, 410);
        assert_eq!(
            call(proto, addr, "DELETE", &location, &[], None)
                .await
                .status,
            410
        );
        assert_eq!(
            get(proto, addr, &format!("{items}/never"), &[])
                .await
                .status,
            404
        );
        let list = get(proto, addr, &items, &[]).await;
        assert_eq!(list.json()["items"].as_array().unwrap().len(), 0);
        assert_eq!(
            get(proto, addr, &format!("{items}/Bad%20Name"), &[])
                .await
                .status,
            400
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_over_the_limit_are_413_before_the_body_is_read() {
    let server = server();
    let addr = server.addr;
    for proto in BOTH {
        // Within the limit, with 100-continue honoured.
        let reply = call(
            proto,
            addr,
            "POST",
            "/scenario/upload?limit=10",
            &[("Expect", "100-continue"), ("Content-Length", "5")],
            Some(b"hello"),
        )
        .await;
        assert_eq!(reply.status, 200, "{proto:?} {}", reply.text());
        assert_eq!(reply.interim, [100], "{proto:?}");
        assert_eq!(reply.json()["received_bytes"], 5);
        // A declared length over the limit: 413 and no 100.
        let reply = call(
            proto,
            addr,
            "POST",
            "/scenario/upload?limit=10",
            &[("Expect", "100-continue"), ("Content-Length", "11")],
            Some(b"hello world"),
        )
        .await;
        assert_eq!(reply.status, 413, "{proto:?}");
        assert!(reply.interim.is_empty(), "{proto:?}: {:?}", reply.interim);
        assert_eq!(reply.json()["limit"], 10);
        for bad in [
            "limit=-1",
            "limit=1048577",
            "limit=x",
            "length=maybe",
            "other=1",
        ] {
            let reply = call(
                proto,
                addr,
                "POST",
                &format!("/scenario/upload?{bad}"),
                &[],
                Some(b""),
            )
            .await;
            assert_eq!(reply.status, 400, "{bad}");
        }
        let reply = get(proto, addr, "/scenario/upload", &[]).await;
        assert_eq!(
            (reply.status, reply.header("allow")),
            (405, Some("POST, PUT"))
        );
    }

    // HTTP/2 without content-length: counted as it arrives, no 411.
    let reply = call(
        Proto::H2,
        addr,
        "POST",
        "/scenario/upload?limit=10",
        &[],
        Some(b"0123456789"),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(reply.json()["note"].as_str().unwrap().contains("HTTP/2"));
    let reply = call(
        Proto::H2,
        addr,
        "POST",
        "/scenario/upload?limit=10",
        &[],
        Some(b"0123456789a"),
    )
    .await;
    assert_eq!(reply.status, 413);

    // HTTP/1.1 chunked: 411 by default, counted and refused with length=optional.
    let chunked = [("Transfer-Encoding", "chunked")];
    let reply = call(
        Proto::H1,
        addr,
        "POST",
        "/scenario/upload",
        &chunked,
        Some(b"3\r\nabc\r\n0\r\n\r\n"),
    )
    .await;
    assert_eq!(reply.status, 411, "{}", reply.text());
    let path = "/scenario/upload?limit=4&length=optional";
    let reply = call(
        Proto::H1,
        addr,
        "POST",
        path,
        &chunked,
        Some(b"3\r\nabc\r\n0\r\n\r\n"),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let reply = call(
        Proto::H1,
        addr,
        "POST",
        path,
        &chunked,
        Some(b"3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n"),
    )
    .await;
    assert_eq!(reply.status, 413);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_413_arrives_while_the_client_is_still_sending() {
    let server = server();
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    // A megabyte declared, ten bytes sent: the answer must not wait for the rest.
    stream
        .write_all(b"POST /scenario/upload?limit=100 HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n0123456789")
        .await
        .unwrap();
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(2), stream.read(&mut buf))
            .await
            .expect("the 413 comes before the body is complete")
            .unwrap();
        assert!(n > 0);
        head.extend_from_slice(&buf[..n]);
    }
    assert!(
        head.starts_with(b"HTTP/1.1 413 "),
        "{}",
        String::from_utf8_lossy(&head)
    );
}

// ---------------------------------------------------------------------------------------------------------
// Redirects

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_chains_report_what_the_last_hop_received() {
    let server = server();
    let addr = server.addr;
    for proto in BOTH {
        // Each hop's code in turn, counted from the last: 3 hops with 301,307 are 301, 307, 301.
        let mut path = "/scenario/redirect/3?status=301,307".to_owned();
        let mut codes = Vec::new();
        loop {
            let reply = call(
                proto,
                addr,
                "POST",
                &path,
                &[("Content-Type", "text/plain")],
                Some(b"payload"),
            )
            .await;
            if reply.status == 200 {
                let received = &reply.json()["received"];
                assert_eq!(received["method"], "POST", "{proto:?}");
                assert_eq!(received["body"], "payload");
                assert_eq!(received["content_type"], "text/plain");
                break;
            }
            codes.push(reply.status);
            path = reply.header("location").unwrap().to_owned();
            assert!(
                path.starts_with("/scenario/redirect/"),
                "relative by default: {path}"
            );
        }
        assert_eq!(codes, [301, 307, 301], "{proto:?}");

        // Absolute URLs come from Host (:authority over HTTP/2).
        let reply = get(
            proto,
            addr,
            "/scenario/redirect/2?absolute=true&status=308",
            &[],
        )
        .await;
        assert_eq!(reply.status, 308);
        assert_eq!(
            reply.header("location"),
            Some("http://localhost/scenario/redirect/1?absolute=true&status=308")
        );
        // A chain that ends in a failure, and a loop.
        let reply = get(proto, addr, "/scenario/redirect/0?then=503", &[]).await;
        assert_eq!(reply.status, 503);
        assert_eq!(reply.json()["received"]["method"], "GET");
        let reply = get(proto, addr, "/scenario/loop?status=307", &[]).await;
        assert_eq!(
            (reply.status, reply.header("location")),
            (307, Some("/scenario/loop?status=307"))
        );
        for bad in [
            "/scenario/redirect/21",
            "/scenario/redirect/x",
            "/scenario/redirect/1?status=200",
            "/scenario/redirect/1?then=401",
            "/scenario/redirect/1?absolute=yes",
        ] {
            assert_eq!(get(proto, addr, bad, &[]).await.status, 400, "{bad}");
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Rate limits and availability

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_count_a_real_window_per_key() {
    let server = server();
    for proto in BOTH {
        let path = format!(
            "/scenario/rate-limit/{}?limit=2&window=2",
            key("rate", proto)
        );
        for (request, remaining) in [(1, 1), (2, 0)] {
            let reply = get(proto, server.addr, &path, &[]).await;
            assert_eq!(reply.status, 200, "{proto:?} request {request}");
            assert_eq!(reply.header("ratelimit-policy"), Some("\"window\";q=2;w=2"));
            let limit = reply.header("ratelimit").unwrap();
            assert!(
                limit.starts_with(&format!("\"window\";r={remaining};t=")),
                "{limit}"
            );
        }
        let reply = get(proto, server.addr, &path, &[]).await;
        assert_eq!(reply.status, 429, "{proto:?}");
        let retry_after: u64 = reply.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=2).contains(&retry_after), "{retry_after}");
        assert!(
            reply
                .header("ratelimit")
                .unwrap()
                .starts_with("\"window\";r=0;t=")
        );
        // Another key has its own window.
        let other = format!(
            "/scenario/rate-limit/{}?limit=2&window=2",
            key("rate-other", proto)
        );
        assert_eq!(get(proto, server.addr, &other, &[]).await.status, 200);
        // The window ends when Retry-After says.
        tokio::time::sleep(Duration::from_secs(retry_after)).await;
        assert_eq!(
            get(proto, server.addr, &path, &[]).await.status,
            200,
            "{proto:?}"
        );
        assert_eq!(
            get(proto, server.addr, "/scenario/rate-limit/k?limit=0", &[])
                .await
                .status,
            400
        );
        assert_eq!(
            get(
                proto,
                server.addr,
                "/scenario/rate-limit/k?window=3601",
                &[]
            )
            .await
            .status,
            400
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn maintenance_is_503_with_retry_after_until_the_window_ends() {
    let server = server();
    for proto in BOTH {
        let path = format!("/scenario/maintenance/{}?seconds=1", key("maint", proto));
        let reply = get(proto, server.addr, &path, &[]).await;
        assert_eq!(reply.status, 503, "{proto:?}");
        assert_eq!(reply.header("retry-after"), Some("1"));
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let reply = get(proto, server.addr, &path, &[]).await;
        assert_eq!(reply.status, 200, "{proto:?} {}", reply.text());
        assert_eq!(reply.json()["maintenance"], "over");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flaky_keys_fail_n_times_then_succeed() {
    let server = server();
    for proto in BOTH {
        let path = format!("/scenario/flaky/{}?fail=2&status=429", key("flaky", proto));
        for attempt in 1..=2 {
            let reply = get(proto, server.addr, &path, &[]).await;
            assert_eq!(reply.status, 429, "{proto:?} attempt {attempt}");
            assert_eq!(reply.header("retry-after"), Some("1"));
            assert_eq!(reply.json()["attempt"], attempt);
        }
        for attempt in 3..=4 {
            let reply = get(proto, server.addr, &path, &[]).await;
            assert_eq!(reply.status, 200, "{proto:?}");
            assert_eq!(reply.json()["attempt"], attempt);
        }
        let path = format!(
            "/scenario/flaky/{}?fail=1&status=502",
            key("flaky-502", proto)
        );
        let reply = get(proto, server.addr, &path, &[]).await;
        assert_eq!((reply.status, reply.header("retry-after")), (502, None));
        for bad in [
            "/scenario/flaky/k?status=200",
            "/scenario/flaky/k?fail=101",
            "/scenario/flaky/",
            "/scenario/flaky/k/x",
        ] {
            assert_eq!(get(proto, server.addr, bad, &[]).await.status, 400, "{bad}");
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Authentication

fn basic_credentials(user: &str, password: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn basic_and_bearer_challenge_then_accept_and_forbid() {
    let server = server();
    let addr = server.addr;
    for proto in BOTH {
        for (prefix, status, challenge, credentials) in [
            ("/scenario", 401, "www-authenticate", "Authorization"),
            (
                "/scenario/proxy",
                407,
                "proxy-authenticate",
                "Proxy-Authorization",
            ),
        ] {
            let path = format!("{prefix}/basic/alice/s3cret");
            let reply = get(proto, addr, &path, &[]).await;
            assert_eq!(reply.status, status, "{proto:?} {path}");
            assert_eq!(
                reply.header(challenge),
                Some("Basic realm=\"httpstatus scenario\", charset=\"UTF-8\"")
            );
            let wrong = basic_credentials("alice", "nope");
            assert_eq!(
                get(proto, addr, &path, &[(credentials, &wrong)])
                    .await
                    .status,
                status
            );
            let right = basic_credentials("alice", "s3cret");
            let reply = get(proto, addr, &path, &[(credentials, &right)]).await;
            assert_eq!(reply.status, 200, "{proto:?} {path}");
            assert_eq!(reply.json()["user"], "alice");
            // The origin's credentials do not answer a proxy's challenge, nor the reverse.
            let other = if status == 401 {
                "Proxy-Authorization"
            } else {
                "Authorization"
            };
            assert_eq!(
                get(proto, addr, &path, &[(other, &right)]).await.status,
                status
            );

            let path = format!("{prefix}/bearer/write");
            let reply = get(proto, addr, &path, &[]).await;
            assert_eq!(reply.status, status);
            assert_eq!(
                reply.header(challenge),
                Some("Bearer realm=\"httpstatus scenario\", scope=\"write\"")
            );
            let reply = get(proto, addr, &path, &[(credentials, "Bearer forged")]).await;
            assert_eq!(reply.status, status);
            assert!(
                reply
                    .header(challenge)
                    .unwrap()
                    .contains("error=\"invalid_token\"")
            );
            let reply = get(proto, addr, &path, &[(credentials, "Bearer valid.read")]).await;
            assert_eq!(
                reply.status, 403,
                "{proto:?} a valid token without the scope"
            );
            assert!(
                reply
                    .header(challenge)
                    .unwrap()
                    .contains("error=\"insufficient_scope\"")
            );
            let reply = get(
                proto,
                addr,
                &path,
                &[(credentials, "Bearer valid.read.write")],
            )
            .await;
            assert_eq!(reply.status, 200);
        }
        for bad in [
            "/scenario/basic/alice",
            "/scenario/basic/a/b?x=1",
            "/scenario/bearer/a%20b",
            "/scenario/digest/a/b?algorithm=SHA-512",
        ] {
            assert_eq!(get(proto, addr, bad, &[]).await.status, 400, "{bad}");
        }
    }
}

/// Answers a Digest challenge as a client does (RFC 7616 section 3.4).
fn digest_answer(challenge: &str, method: &str, uri: &str, user: &str, password: &str) -> String {
    let param = |name: &str| {
        let start = challenge.find(&format!("{name}=")).unwrap() + name.len() + 1;
        let rest = &challenge[start..];
        let value = rest.trim_start_matches('"');
        let end = value.find(['"', ',']).unwrap_or(value.len());
        value[..end].to_owned()
    };
    let algorithm = param("algorithm");
    let (realm, nonce, opaque) = (param("realm"), param("nonce"), param("opaque"));
    let h = |text: String| httpstatus_live::scenario::digest::hash(&algorithm, &text);
    let ha1 = h(format!("{user}:{realm}:{password}"));
    let ha2 = h(format!("{method}:{uri}"));
    let response = h(format!("{ha1}:{nonce}:00000001:0a4f113b:auth:{ha2}"));
    format!(
        "Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", \
         algorithm={algorithm}, qop=auth, nc=00000001, cnonce=\"0a4f113b\", response=\"{response}\", \
         opaque=\"{opaque}\""
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digest_with_md5_and_sha_256() {
    let server = server();
    let addr = server.addr;
    for proto in BOTH {
        // Without an algorithm both are offered, SHA-256 first.
        let reply = get(proto, addr, "/scenario/digest/bob/pw", &[]).await;
        assert_eq!(reply.status, 401);
        let offers: Vec<&str> = reply
            .headers
            .iter()
            .filter(|(n, _)| n == "www-authenticate")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(offers.len(), 2, "{offers:?}");
        assert!(offers[0].contains("algorithm=SHA-256") && offers[1].contains("algorithm=MD5"));

        for (prefix, status, challenge, credentials) in [
            ("/scenario", 401, "www-authenticate", "Authorization"),
            (
                "/scenario/proxy",
                407,
                "proxy-authenticate",
                "Proxy-Authorization",
            ),
        ] {
            for algorithm in ["MD5", "SHA-256"] {
                let path = format!("{prefix}/digest/bob/pw?algorithm={algorithm}");
                let reply = get(proto, addr, &path, &[]).await;
                assert_eq!(reply.status, status, "{proto:?} {path}");
                let offer = reply.header(challenge).unwrap().to_owned();
                assert!(
                    offer.starts_with("Digest realm=\"httpstatus scenario\", qop=\"auth\""),
                    "{offer}"
                );
                let answer = digest_answer(&offer, "GET", &path, "bob", "pw");
                let reply = get(proto, addr, &path, &[(credentials, &answer)]).await;
                assert_eq!(reply.status, 200, "{proto:?} {path}: {}", reply.text());
                assert_eq!(reply.json()["scheme"], "Digest");
                let wrong = digest_answer(&offer, "GET", &path, "bob", "nope");
                assert_eq!(
                    get(proto, addr, &path, &[(credentials, &wrong)])
                        .await
                        .status,
                    status
                );
                // An answer for another URL is refused.
                let elsewhere = digest_answer(&offer, "GET", "/elsewhere", "bob", "pw");
                assert_eq!(
                    get(proto, addr, &path, &[(credentials, &elsewhere)])
                        .await
                        .status,
                    status
                );
            }
        }
    }
}

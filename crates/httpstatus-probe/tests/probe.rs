//! The probe against the real live server, and against a scripted fake server that sends malformed replies.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use httpstatus_probe::{ProbeRequest, Transcript, parse_target, probe};

/// Starts the real server (site, API and live endpoints) on a free port; returns its base URL.
fn live_server() -> String {
    let (sender, receiver) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}", listener.local_addr().unwrap());
            let handler = Arc::new(httpstatus_server::Everything::new(&url));
            sender.send(url).unwrap();
            let config = httpstatus_server::Config {
                access_log: false,
                ..Default::default()
            };
            httpstatus_server::run_with(listener, config, handler, std::future::pending::<()>())
                .await
                .unwrap();
        });
    });
    receiver
        .recv_timeout(Duration::from_secs(10))
        .expect("the server starts")
}

fn get(url: &str) -> Transcript {
    probe(&ProbeRequest::get(parse_target(url).unwrap()))
}

fn statuses(t: &Transcript) -> Vec<u16> {
    t.responses.iter().map(|r| r.status).collect()
}

#[test]
fn names_a_429_and_shows_its_retry_after() {
    let base = live_server();
    let t = get(&format!("{base}/status/429"));
    assert_eq!(t.error, None);
    assert_eq!(statuses(&t), [429]);
    let r = &t.responses[0];
    assert!(
        r.explanation.starts_with("429 Too Many Requests: "),
        "{}",
        r.explanation
    );
    assert!(r.header("retry-after").is_some());
    assert!(t.warnings.is_empty(), "{:?}", t.warnings);
    let f = t.final_response.as_ref().unwrap();
    assert!(f.body_bytes > 0 && f.total_ms >= f.ttfb_ms);
    let json = serde_json::to_value(&t).unwrap();
    assert_eq!(json["responses"][0]["status"], 429);
    assert_eq!(json["final"]["status"], 429);
}

#[test]
fn records_every_interim_response_in_order() {
    let base = live_server();
    let t = get(&format!("{base}/status/200?interim=103,102"));
    assert_eq!(statuses(&t), [103, 102, 200]);
    assert!(t.responses[0].interim && t.responses[1].interim && !t.responses[2].interim);
    assert!(t.responses[0].header("link").is_some());
    assert!(t.responses[0].at_ms <= t.responses[2].at_ms);
    let t = get(&format!("{base}/long?seconds=1&heartbeat=0.3"));
    assert!(
        statuses(&t).iter().filter(|s| **s == 102).count() >= 2,
        "{:?}",
        statuses(&t)
    );
    assert_eq!(statuses(&t).last(), Some(&200));
}

#[test]
fn expect_continue_gets_a_100_only_when_asked() {
    let base = live_server();
    let mut request = ProbeRequest::get(parse_target(&format!("{base}/status/100")).unwrap());
    request.method = "POST".into();
    request.body = Some(b"hello".to_vec());
    request
        .headers
        .push(("Expect".into(), "100-continue".into()));
    let t = probe(&request);
    assert_eq!(t.error, None);
    assert_eq!(statuses(&t).first(), Some(&100));
    assert!(
        !t.warnings.iter().any(|w| w.contains("did not send")),
        "{:?}",
        t.warnings
    );
}

/// Serves `reply` to one connection after reading the request head, then closes (or waits, with `hold`).
fn fake(reply: &'static [u8], hold: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            let _ = stream.write_all(reply);
            if hold {
                thread::sleep(Duration::from_secs(3));
            }
        }
    });
    url
}

#[test]
fn malformed_and_questionable_replies_are_reported_not_panicked_on() {
    type Check = fn(&Transcript);
    let cases: &[(&str, &[u8], bool, Check)] = &[
        ("not http", b"SSH-2.0-OpenSSH_9.0\r\n", false, |t| assert!(t.error.as_ref().unwrap().contains("malformed response"))),
        ("two-digit status", b"HTTP/1.1 20 OK\r\n\r\n", false, |t| assert!(t.error.as_ref().unwrap().contains("malformed"))),
        ("nothing at all", b"", false, |t| assert!(t.error.as_ref().unwrap().contains("without sending a response"))),
        ("head cut short", b"HTTP/1.1 200 OK\r\nContent-Le", false, |t| assert!(t.error.as_ref().unwrap().contains("middle of a response head"))),
        ("interim only", b"HTTP/1.1 102 Processing\r\n\r\n", false, |t| {
            assert_eq!(statuses(t), [102]);
            assert!(t.error.as_ref().unwrap().contains("without a final response"));
        }),
        ("body shorter than Content-Length", b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", false, |t| {
            assert!(t.error.as_ref().unwrap().contains("ended early"), "{:?}", t.error)
        }),
        ("conflicting Content-Length", b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", false, |t| {
            assert!(t.error.as_ref().unwrap().contains("framing"), "{:?}", t.error)
        }),
        ("bad chunk size", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", false, |t| {
            assert!(t.error.as_ref().unwrap().contains("malformed body"), "{:?}", t.error)
        }),
        ("chunked with trailers", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nDigest: x\r\n\r\n", false, |t| {
            let f = t.final_response.as_ref().unwrap();
            assert_eq!((f.body_bytes, f.framing), (11, "chunked"));
        }),
        ("close-delimited body", b"HTTP/1.1 200 OK\r\n\r\nuntil the end", false, |t| {
            let f = t.final_response.as_ref().unwrap();
            assert_eq!((f.body_bytes, f.framing), (13, "close-delimited"));
        }),
        ("unsolicited 100", b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false, |t| {
            assert_eq!(statuses(t), [100, 200]);
            assert!(t.warnings.iter().any(|w| w.contains("did not send `Expect: 100-continue`")), "{:?}", t.warnings);
        }),
        ("429 without Retry-After", b"HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n", false, |t| {
            assert!(t.warnings.iter().any(|w| w.contains("without Retry-After")), "{:?}", t.warnings)
        }),
        ("503 with a bad Retry-After", b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: soon\r\nContent-Length: 0\r\n\r\n", false, |t| {
            assert!(t.warnings.iter().any(|w| w.contains("neither a number of seconds nor an HTTP date")), "{:?}", t.warnings)
        }),
        ("redirect without Location", b"HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n", false, |t| {
            assert!(t.warnings.iter().any(|w| w.contains("without Location")), "{:?}", t.warnings)
        }),
        ("204 with a body", b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello", true, |t| {
            assert_eq!(t.final_response.as_ref().unwrap().body_bytes, 0);
            assert!(t.warnings.iter().any(|w| w.contains("bytes of body after a 204")), "{:?}", t.warnings);
            assert!(t.warnings.iter().any(|w| w.contains("204 with Content-Length")), "{:?}", t.warnings);
        }),
        ("unknown code", b"HTTP/1.1 299 Whatever\r\nContent-Length: 0\r\n\r\n", false, |t| {
            assert!(t.responses[0].explanation.contains("treat it as 200"), "{}", t.responses[0].explanation);
            assert!(t.warnings.iter().any(|w| w.contains("not a registered")), "{:?}", t.warnings);
        }),
        ("vendor code", b"HTTP/1.1 520 Unknown Error\r\nContent-Length: 0\r\n\r\n", false, |t| {
            assert!(t.warnings.iter().any(|w| w.contains("vendor code")), "{:?}", t.warnings)
        }),
    ];
    for (name, reply, hold, check) in cases {
        let t = get(&format!("{}/", fake(reply, *hold)));
        eprintln!("{name}: {:?} {:?}", t.error, t.warnings);
        check(&t);
    }
}

#[test]
fn a_silent_server_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let mut request = ProbeRequest::get(parse_target(&url).unwrap());
    request.timeout = Duration::from_millis(300);
    let t = probe(&request);
    assert!(
        t.error
            .as_ref()
            .unwrap()
            .contains("no complete response within"),
        "{:?}",
        t.error
    );
    drop(listener);
}

#[test]
fn a_closed_port_is_a_clear_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let t = get(&format!("http://127.0.0.1:{port}/"));
    assert!(
        t.error
            .as_ref()
            .unwrap()
            .starts_with("cannot connect to 127.0.0.1:"),
        "{:?}",
        t.error
    );
}

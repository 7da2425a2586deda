//! The probe over HTTP/1.1 against scripted servers: interim responses in order, `100 Continue`, timings that add
//! up, and malformed or questionable replies reported, never panicked on.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

mod common;

use common::{get, statuses};
use httpstatus_probe::{ProbeRequest, Transcript, parse_target, probe};

/// Serves one connection with `script`, which gets the stream and the request head.
fn scripted(script: fn(&mut TcpStream, &[u8])) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let head = read_head(&mut stream);
            script(&mut stream, &head);
        }
    });
    url
}

fn read_head(stream: &mut TcpStream) -> Vec<u8> {
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !seen.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(0) | Err(_) => break,
            Ok(_) => seen.push(byte[0]),
        }
    }
    seen
}

#[test]
fn records_every_interim_response_in_order_with_timings_that_add_up() {
    let url = scripted(|stream, _| {
        let _ = stream.write_all(
            b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload; as=style\r\n\r\n",
        );
        thread::sleep(Duration::from_millis(30));
        let _ = stream.write_all(b"HTTP/1.1 102 Processing\r\n\r\n");
        thread::sleep(Duration::from_millis(30));
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    let t = get(&format!("{url}/"));
    assert_eq!(t.error, None);
    assert_eq!(t.protocol, "HTTP/1.1");
    assert_eq!(statuses(&t), [103, 102, 200]);
    assert!(t.responses[0].interim && t.responses[1].interim && !t.responses[2].interim);
    assert!(t.responses[0].header("link").is_some());
    assert!(
        t.responses[0].at_ms < t.responses[1].at_ms && t.responses[1].at_ms < t.responses[2].at_ms
    );
    let f = t.final_response.as_ref().unwrap();
    assert!(
        f.ttfb_ms < f.ttfb_final_ms && f.ttfb_final_ms >= 50.0,
        "{f:?}"
    );
    common::assert_timings_add_up(&t);
    let timings = t.timings.as_ref().unwrap();
    assert!(timings.interim_ms >= 50.0, "{timings:?}");
    assert_eq!(timings.tls_ms, 0.0);
    let json = serde_json::to_value(&t).unwrap();
    assert_eq!(json["final"]["status"], 200);
    assert_eq!(json["protocol"], "HTTP/1.1");
    assert!(json["timings"]["total_ms"].as_f64().unwrap() > 0.0);
}

#[test]
fn expect_continue_holds_the_body_until_the_100() {
    let url = scripted(|stream, head| {
        assert!(String::from_utf8_lossy(head).contains("Expect: 100-continue"));
        // Nothing of the body may have arrived before the 100.
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut early = [0u8; 5];
        assert!(
            stream.read(&mut early).is_err(),
            "the body came before 100 Continue"
        );
        let _ = stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
        stream
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        let mut body = [0u8; 5];
        let _ = stream.read_exact(&mut body);
        let reply = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}",
            String::from_utf8_lossy(&body)
        );
        let _ = stream.write_all(reply.as_bytes());
    });
    let mut request = ProbeRequest::get(parse_target(&format!("{url}/upload")).unwrap());
    request.method = "POST".into();
    request.body = Some(b"hello".to_vec());
    request
        .headers
        .push(("Expect".into(), "100-continue".into()));
    let t = probe(&request);
    assert_eq!(t.error, None);
    assert_eq!(statuses(&t), [100, 200]);
    assert_eq!(t.final_response.as_ref().unwrap().body_bytes, 5);
    assert!(
        !t.warnings
            .iter()
            .any(|w| w.message.contains("did not send")),
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
        ("nothing at all", b"", false, |t| assert!(t.error.as_ref().unwrap().contains("closed before any response arrived"))),
        ("head cut short", b"HTTP/1.1 200 OK\r\nContent-Le", false, |t| assert!(t.error.as_ref().unwrap().contains("middle of a response head"))),
        ("interim only", b"HTTP/1.1 102 Processing\r\n\r\n", false, |t| {
            assert_eq!(statuses(t), [102]);
            assert!(t.error.as_ref().unwrap().contains("after interim responses, before the final response"));
        }),
        ("body shorter than Content-Length", b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", false, |t| {
            assert!(t.error.as_ref().unwrap().contains("before the body was complete"), "{:?}", t.error)
        }),
        ("conflicting Content-Length", b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", false, |t| {
            assert!(t.error.as_ref().unwrap().contains("malformed response"), "{:?}", t.error)
        }),
        ("bad chunk size", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", false, |t| {
            assert!(t.error.as_ref().unwrap().contains("malformed response"), "{:?}", t.error)
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
            common::assert_warned(t, "did not send `Expect: 100-continue`");
        }),
        ("429 without Retry-After", b"HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n", false, |t| {
            common::assert_warned(t, "without Retry-After")
        }),
        ("503 with a bad Retry-After", b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: soon\r\nContent-Length: 0\r\n\r\n", false, |t| {
            common::assert_warned(t, "neither a number of seconds nor an HTTP date")
        }),
        ("redirect without Location", b"HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n", false, |t| {
            common::assert_warned(t, "without Location")
        }),
        ("204 with a body", b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello", true, |t| {
            assert_eq!(t.final_response.as_ref().unwrap().body_bytes, 0);
            common::assert_warned(t, "bytes of body after a 204");
            common::assert_warned(t, "204 with Content-Length");
        }),
        ("a 1xx after the final response", b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 103 Early Hints\r\n\r\n", true, |t| {
            assert_eq!(t.final_response.as_ref().unwrap().status, 200);
            assert!(t.error.as_ref().unwrap().contains("interim response arrived after the final response"), "{:?}", t.error);
        }),
        ("bytes after the body", b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokAND MORE", false, |t| {
            assert_eq!(t.final_response.as_ref().unwrap().body_bytes, 2);
            common::assert_warned(t, "8 bytes after the end of the body");
        }),
        ("unknown code", b"HTTP/1.1 299 Whatever\r\nContent-Length: 0\r\n\r\n", false, |t| {
            assert!(t.responses[0].explanation.contains("treat it as 200"), "{}", t.responses[0].explanation);
            common::assert_warned(t, "not a registered");
        }),
        ("vendor code", b"HTTP/1.1 520 Unknown Error\r\nContent-Length: 0\r\n\r\n", false, |t| {
            common::assert_warned(t, "vendor code")
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

/// Answers every connection with `route(method, path)`, until the test ends.
fn router(route: fn(&str, &str) -> String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let head = String::from_utf8_lossy(&read_head(&mut stream)).into_owned();
            let mut words = head.split_whitespace();
            let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
            let _ = stream.write_all(route(method, path).as_bytes());
        }
    });
    url
}

fn redirect_to(status: u16, location: &str) -> String {
    format!("HTTP/1.1 {status} X\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n")
}

#[test]
fn redirects_are_followed_hop_by_hop() {
    let base = router(|method, path| match path {
        "/a" => redirect_to(302, "/b"),
        "/b" => redirect_to(307, "/c"),
        "/c" => format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{method}",
            method.len()
        ),
        "/see-other" => redirect_to(303, "/c"),
        "/loop" => redirect_to(301, "/loop2"),
        "/loop2" => redirect_to(301, "/loop"),
        "/down" => redirect_to(308, "http://127.0.0.1:1/"),
        _ => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".into(),
    });
    let follow = |path: &str, method: &str, max: usize| {
        let mut request = ProbeRequest::get(parse_target(&format!("{base}{path}")).unwrap());
        request.method = method.into();
        if method == "POST" {
            request.body = Some(b"x=1".to_vec());
        }
        request.follow = Some(max);
        probe(&request)
    };

    let t = follow("/a", "POST", 10);
    assert_eq!(t.error, None);
    let hops: Vec<(String, u16)> = t
        .hops
        .iter()
        .map(|h| (h.method.clone(), h.responses[0].status))
        .collect();
    assert_eq!(hops, [("POST".into(), 302), ("GET".into(), 307)]);
    let first = t.hops[0].redirect.as_ref().unwrap();
    assert!(
        first.note.contains("a POST becomes a GET"),
        "{}",
        first.note
    );
    assert!(
        t.hops[1]
            .redirect
            .as_ref()
            .unwrap()
            .note
            .contains("must be kept")
    );
    assert_eq!((t.method.as_str(), statuses(&t)), ("GET", vec![200]));
    assert_eq!(t.final_response.as_ref().unwrap().body_bytes, 3);

    let t = follow("/see-other", "PUT", 10);
    assert!(t.hops[0].redirect.as_ref().unwrap().note.contains("GET"));
    assert_eq!(t.method, "GET");

    let t = follow("/loop", "GET", 10);
    assert_eq!(t.hops.len(), 1);
    common::assert_warned(&t, "redirect loop");

    let t = follow("/a", "GET", 1);
    assert_eq!(t.hops.len(), 1);
    common::assert_warned(&t, "stopped after 1 redirects");

    // Not followed without -L.
    let t = probe(&ProbeRequest::get(
        parse_target(&format!("{base}/a")).unwrap(),
    ));
    assert!(t.hops.is_empty() && t.redirect.is_none());
    assert_eq!(statuses(&t), [302]);

    let json = serde_json::to_value(follow("/a", "GET", 10)).unwrap();
    assert_eq!(json["hops"].as_array().unwrap().len(), 2);
    assert_eq!(json["hops"][0]["redirect"]["status"], 302);
}

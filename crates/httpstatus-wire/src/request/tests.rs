//! Table tests of request-head parsing, checking and body framing.

use super::*;

fn parse(bytes: &[u8]) -> Result<Option<(RequestHead, usize)>, WireError> {
    parse_request_head(bytes, &Limits::default())
}

fn status_of(bytes: &[u8]) -> u16 {
    match parse(bytes) {
        Ok(Some(_)) => 200,
        Ok(None) => 0,
        Err(error) => error.status(),
    }
}

#[test]
fn parses_a_simple_get() {
    let (head, used) = parse(b"GET /status/200?x=1 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\nNEXT")
        .unwrap()
        .unwrap();
    assert_eq!(used, 54);
    assert_eq!(head.method, "GET");
    assert_eq!(head.path(), "/status/200");
    assert_eq!(head.query(), Some("x=1"));
    assert_eq!(head.version, Version::Http11);
    assert_eq!(head.headers.get("accept"), Some(&b"*/*"[..]));
    assert_eq!(head.framing, BodyFraming::None);
    assert!(head.keep_alive);
    assert!(!head.expect_continue);
}

#[test]
fn incomplete_heads_ask_for_more() {
    let full = b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n";
    for end in 0..full.len() {
        assert_eq!(parse(&full[..end]), Ok(None), "prefix of {end} bytes");
    }
    assert!(parse(full).unwrap().is_some());
}

#[test]
fn skips_leading_empty_lines() {
    let (head, used) = parse(b"\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
        .unwrap()
        .unwrap();
    assert_eq!(head.target, "/");
    assert_eq!(used, 30);
}

#[test]
fn accepts_bare_lf_line_endings() {
    let (head, _) = parse(b"GET / HTTP/1.1\nHost: a\n\n").unwrap().unwrap();
    assert_eq!(head.headers.get("host"), Some(&b"a"[..]));
}

#[test]
fn absolute_form_targets_have_a_path() {
    let (head, _) = parse(b"GET http://a/status/204?q HTTP/1.1\r\nHost: a\r\n\r\n")
        .unwrap()
        .unwrap();
    assert_eq!(head.path(), "/status/204");
    assert_eq!(head.query(), Some("q"));
}

#[test]
fn absolute_form_authority_ends_at_the_first_slash_question_mark_or_hash() {
    let cases = [
        ("HTTP://A/status/204?q", "/status/204", Some("q")),
        ("https://a", "/", None),
        ("http://a?x=/status/500", "/", Some("x=/status/500")),
        ("http://a#/status/500", "/", None),
        (
            "/status/200?a=http://b/c",
            "/status/200",
            Some("a=http://b/c"),
        ),
    ];
    for (target, path, query) in cases {
        let bytes = format!("GET {target} HTTP/1.1\r\nHost: a\r\n\r\n");
        let (head, _) = parse(bytes.as_bytes()).unwrap().unwrap();
        assert_eq!((head.path(), head.query()), (path, query), "{target}");
    }
}

#[test]
fn target_forms_and_host_values_table() {
    let cases: &[(&str, u16)] = &[
        ("GET /x HTTP/1.1\r\nHost: a", 200),
        ("GET http://a/x HTTP/1.1\r\nHost: b", 200),
        ("GET urn:x HTTP/1.1\r\nHost: a", 200),
        ("GET http://u@a/x HTTP/1.1\r\nHost: a", 400),
        ("GET http://a/x@y HTTP/1.1\r\nHost: a", 200),
        ("GET a:80 HTTP/1.1\r\nHost: a", 400),
        ("GET x HTTP/1.1\r\nHost: a", 400),
        ("GET * HTTP/1.1\r\nHost: a", 400),
        ("OPTIONS * HTTP/1.1\r\nHost: a", 200),
        ("CONNECT a:443 HTTP/1.1\r\nHost: a:443", 200),
        ("CONNECT [::1]:443 HTTP/1.1\r\nHost: a", 200),
        ("CONNECT a HTTP/1.1\r\nHost: a", 400),
        ("CONNECT /x HTTP/1.1\r\nHost: a", 400),
        ("GET / HTTP/1.1\r\nHost: a:8080", 200),
        ("GET / HTTP/1.1\r\nHost: [::1]:80", 200),
        ("GET / HTTP/1.1\r\nHost: xn--e1a.example%2e", 200),
        ("GET / HTTP/1.1\r\nHost:", 200),
        ("GET / HTTP/1.1\r\nHost: a:b:c", 400),
        ("GET / HTTP/1.1\r\nHost: a:8o", 400),
        ("GET / HTTP/1.1\r\nHost: [::1", 400),
        ("GET / HTTP/1.1\r\nHost: [::1]x", 400),
        ("GET / HTTP/1.1\r\nHost: a%zz", 400),
        ("GET / HTTP/1.1\r\nHost: user@a", 400),
    ];
    for (head, status) in cases {
        let bytes = format!("{head}\r\n\r\n");
        assert_eq!(status_of(bytes.as_bytes()), *status, "{head}");
    }
}

#[test]
fn keep_alive_follows_version_and_connection() {
    let cases: &[(&[u8], bool)] = &[
        (b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", true),
        (
            b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
            false,
        ),
        (
            b"GET / HTTP/1.1\r\nHost: a\r\nConnection: Keep-Alive, Close\r\n\r\n",
            false,
        ),
        (b"GET / HTTP/1.0\r\n\r\n", false),
        (b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true),
    ];
    for (bytes, keep_alive) in cases {
        let (head, _) = parse(bytes).unwrap().unwrap();
        assert_eq!(
            head.keep_alive,
            *keep_alive,
            "{}",
            String::from_utf8_lossy(bytes)
        );
    }
}

#[test]
fn expect_continue_is_honoured_only_in_http11() {
    let (head, _) =
        parse(b"PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n")
            .unwrap()
            .unwrap();
    assert!(head.expect_continue);
    let (head, _) = parse(b"PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n")
        .unwrap()
        .unwrap();
    assert!(!head.expect_continue);
}

#[test]
fn framing_table() {
    let cases: &[(&str, Result<BodyFraming, u16>)] = &[
        ("Content-Length: 10", Ok(BodyFraming::Length(10))),
        ("Content-Length: 0", Ok(BodyFraming::None)),
        (
            "Content-Length: 10\r\nContent-Length: 10",
            Ok(BodyFraming::Length(10)),
        ),
        ("Content-Length: 10, 10", Ok(BodyFraming::Length(10))),
        ("Content-Length: 10\r\nContent-Length: 11", Err(400)),
        ("Content-Length: 10, 11", Err(400)),
        ("Content-Length: -1", Err(400)),
        ("Content-Length: +1", Err(400)),
        ("Content-Length: 1 0", Err(400)),
        ("Content-Length: 0x10", Err(400)),
        ("Content-Length:", Err(400)),
        ("Content-Length: 99999999999999999999999", Err(400)),
        ("Content-Length: 18446744073709551616", Err(400)),
        ("Content-Length: 2000000", Err(413)),
        ("Transfer-Encoding: chunked", Ok(BodyFraming::Chunked)),
        ("Transfer-Encoding: Chunked", Ok(BodyFraming::Chunked)),
        ("Transfer-Encoding: chunked\r\nContent-Length: 3", Err(400)),
        ("Transfer-Encoding: gzip, chunked", Err(501)),
        (
            "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked",
            Err(501),
        ),
        ("Transfer-Encoding: chunked, gzip", Err(400)),
        ("Transfer-Encoding: gzip", Err(400)),
        ("Transfer-Encoding: chunked, chunked", Err(400)),
        (
            "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
            Err(400),
        ),
        ("Transfer-Encoding: ", Err(400)),
        ("Transfer-Encoding: xchunked", Err(400)),
        ("Transfer-Encoding: identity", Err(400)),
    ];
    for (fields, expected) in cases {
        let bytes = format!("POST / HTTP/1.1\r\nHost: a\r\n{fields}\r\n\r\n");
        let got = parse(bytes.as_bytes())
            .map(|r| r.unwrap().0.framing)
            .map_err(|e| e.status());
        assert_eq!(&got, expected, "{fields:?}");
    }
    let got = parse(b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n");
    assert_eq!(got, Err(WireError::TransferEncodingInHttp10));
}

#[test]
fn malformed_heads_table() {
    let cases: &[(&[u8], u16)] = &[
        (b"GET / HTTP/1.1\r\n\r\n", 400),                       // no Host
        (b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400), // two Hosts
        (b"GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", 400), // two Hosts in 1.0
        (b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),          // space in Host
        (b"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),          // slash in Host
        (b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n folded\r\n\r\n", 400), // obs-fold
        (
            b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\tfolded\r\n\r\n",
            400,
        ),
        (b"GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400), // whitespace before first field
        (b"GET / HTTP/1.1\rHost: a\r\n\r\n", 400),    // bare CR
        (b"GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400), // space before colon
        (b"GET / HTTP/1.1\r\nHo\"st: a\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\n: empty\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fb\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x01b\r\n\r\n", 400),
        (b"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400), // double space
        (b"GET /\tx HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        (b"GET / HTTP/1.1 extra\r\nHost: a\r\n\r\n", 400),
        (b"GET /\r\nHost: a\r\n\r\n", 400), // HTTP/0.9 style
        (b"G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        (b"GET / HTTX/1.1\r\nHost: a\r\n\r\n", 400),
        (b"GET / HTTP/1\r\nHost: a\r\n\r\n", 400),
        (b"GET / http/1.1\r\nHost: a\r\n\r\n", 400),
        (b"GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
        (b"GET / HTTP/3.0\r\nHost: a\r\n\r\n", 505),
        (b"GET /\xff HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n", 417),
    ];
    for (bytes, status) in cases {
        assert_eq!(
            status_of(bytes),
            *status,
            "{}",
            String::from_utf8_lossy(bytes).escape_debug()
        );
    }
}

#[test]
fn later_http1_minor_versions_are_served_as_http11() {
    let (head, _) = parse(b"GET / HTTP/1.2\r\nHost: a\r\n\r\n")
        .unwrap()
        .unwrap();
    assert_eq!(head.version, Version::Http11);
}

#[test]
fn limits_are_enforced_with_their_status() {
    let limits = Limits {
        max_request_line: 32,
        max_head: 64,
        max_headers: 3,
        ..Limits::default()
    };
    let long_line = format!("GET /{} HTTP/1.1\r\n", "a".repeat(40));
    assert_eq!(
        parse_request_head(long_line.as_bytes(), &limits),
        Err(WireError::RequestLineTooLong { limit: 32 })
    );
    // Too long even before the line ends.
    assert_eq!(
        parse_request_head(&long_line.as_bytes()[..34], &limits),
        Err(WireError::RequestLineTooLong { limit: 32 })
    );
    let big_head = format!("GET / HTTP/1.1\r\nHost: a\r\nX: {}\r\n", "b".repeat(60));
    assert_eq!(
        parse_request_head(big_head.as_bytes(), &limits),
        Err(WireError::HeaderSectionTooLarge { limit: 64 })
    );
    let many = b"GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
    assert_eq!(
        parse_request_head(many, &limits),
        Err(WireError::TooManyHeaders { limit: 3 })
    );
}

#[test]
fn a_request_line_at_the_limit_is_accepted_whatever_the_reads() {
    // Found by fuzzing: with the CR in one read and the LF in the next, the CR was counted towards the
    // request-line limit, so a line of exactly the limit got a 414 or not depending on how it arrived.
    let full = b"GET /0123456 HTTP/1.1\r\nHost: a\r\n\r\n"; // the line is 21 bytes
    let limits = Limits {
        max_request_line: 21,
        ..Limits::default()
    };
    for end in 0..full.len() {
        assert_eq!(
            parse_request_head(&full[..end], &limits),
            Ok(None),
            "prefix of {end} bytes"
        );
    }
    assert!(parse_request_head(full, &limits).unwrap().is_some());
    let one_over = Limits {
        max_request_line: 20,
        ..limits
    };
    assert_eq!(
        parse_request_head(&full[..22], &one_over),
        Err(WireError::RequestLineTooLong { limit: 20 })
    );
}

#[test]
fn one_long_field_line_is_a_431_even_when_the_head_fits() {
    let limits = Limits::default();
    let fits = format!("x-a: {}", "a".repeat(limits.max_field_line - 5));
    let over = format!("x-a: {}", "a".repeat(limits.max_field_line - 4));
    let request = |field: &str| format!("GET / HTTP/1.1\r\nHost: h\r\n{field}\r\n\r\n");
    assert!(matches!(
        parse_request_head(request(&fits).as_bytes(), &limits),
        Ok(Some(_))
    ));
    let error = parse_request_head(request(&over).as_bytes(), &limits).unwrap_err();
    assert_eq!(
        error,
        WireError::FieldLineTooLarge {
            limit: limits.max_field_line
        }
    );
    assert_eq!(error.status(), 431);
}

#[test]
fn upgrade_requests_are_recognised() {
    let (head, _) =
        parse(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
            .unwrap()
            .unwrap();
    assert!(head.wants_upgrade());
    let (head, _) = parse(b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n")
        .unwrap()
        .unwrap();
    assert!(!head.wants_upgrade());
}

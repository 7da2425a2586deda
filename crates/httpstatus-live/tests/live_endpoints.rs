//! The live endpoints over a raw socket: interim responses on the wire, fields per code, delays and heartbeats,
//! random choice, the long operation, Server-Sent Events and the WebSocket echo.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::{TestServer, normalise, quick_config, read_to_close, status_of};

fn get(server: &TestServer, target: &str, extra: &str) -> String {
    let extra = if extra.is_empty() || extra.ends_with("\r\n") {
        extra.to_owned()
    } else {
        format!("{extra}\r\n")
    };
    let request = format!("GET {target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n{extra}\r\n");
    normalise(&server.exchange(request.as_bytes()))
}

/// The status lines in order.
fn statuses(response: &str) -> Vec<u16> {
    response
        .match_indices("HTTP/1.1 ")
        .filter_map(|(i, _)| response[i + 9..i + 12].parse().ok())
        .collect()
}

#[test]
fn interim_responses_come_before_the_final_one() {
    let server = TestServer::start(quick_config());
    let response = get(&server, "/status/200?interim=103,102", "");
    assert_eq!(statuses(&response), [103, 102, 200], "{response}");
    let first_head = response.split("\r\n\r\n").next().unwrap();
    assert!(first_head.starts_with("HTTP/1.1 103 "), "{response}");
    assert!(
        first_head.contains("\r\nLink: </style.css>; rel=preload; as=style\r\n"),
        "{response}"
    );
    let response = get(&server, "/status/102", "Accept: application/json");
    assert_eq!(statuses(&response), [102, 200], "{response}");
    assert!(
        response.contains("\"code\": 102") && response.contains("\"interim\": [\n      102\n    ]"),
        "{response}"
    );
    // HTTP/1.0 gets no interim responses, and the body says so.
    let response = normalise(&server.exchange(b"GET /status/103 HTTP/1.0\r\n\r\n"));
    assert_eq!(statuses(&response), [200], "{response}");
    assert!(
        response.contains("HTTP/1.0 clients get no interim responses"),
        "{response}"
    );
}

#[test]
fn sleep_with_heartbeats_sends_102s() {
    let server = TestServer::start(quick_config());
    let started = Instant::now();
    let response = get(&server, "/status/503?sleep=450&heartbeat=100", "");
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(450), "{elapsed:?}");
    assert_eq!(statuses(&response), [102, 102, 102, 102, 503], "{response}");
    assert!(response.contains("Retry-After: 5\r\n"), "{response}");
}

#[test]
fn fields_each_code_calls_for() {
    let server = TestServer::start(quick_config());
    let cases: &[(&str, &[&str])] = &[
        ("/status/301", &["Location: /status/200\r\n"]),
        (
            "/status/307?location=/status/201",
            &["Location: /status/201\r\n"],
        ),
        (
            "/status/401",
            &["WWW-Authenticate: Basic realm=\"httpstatus\""],
        ),
        (
            "/status/407",
            &["Proxy-Authenticate: Basic realm=\"httpstatus\""],
        ),
        ("/status/405", &["Allow: GET, HEAD\r\n"]),
        ("/status/429?retry_after=30", &["Retry-After: 30\r\n"]),
        ("/status/206", &["Content-Range: bytes 0-"]),
        ("/status/416", &["Content-Range: bytes */"]),
        (
            "/status/426",
            &["Upgrade: websocket\r\n", "Connection: Upgrade, close\r\n"],
        ),
        (
            "/status/200?header=X-Test:one&header=X-Other:two%20words",
            &["X-Test: one\r\n", "X-Other: two words\r\n"],
        ),
        (
            "/status/418",
            &["Access-Control-Allow-Origin: *\r\n", "Vary: Accept\r\n"],
        ),
    ];
    for (target, needles) in cases {
        let response = get(&server, target, "");
        for needle in *needles {
            assert!(
                response.contains(needle),
                "{target}: {needle:?} missing in {response}"
            );
        }
    }
}

#[test]
fn no_body_for_204_304_and_head() {
    let server = TestServer::start(quick_config());
    for target in ["/status/204", "/status/304"] {
        let response = get(&server, target, "");
        assert!(response.ends_with("\r\n\r\n"), "{response}");
        assert!(!response.contains("Content-Length"), "{response}");
    }
    let response = normalise(
        &server.exchange(b"HEAD /status/404 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"),
    );
    assert!(
        response.ends_with("\r\n\r\n") && response.contains("Content-Length: "),
        "{response}"
    );
}

#[test]
fn unassigned_codes_are_sent_as_they_are() {
    let server = TestServer::start(quick_config());
    let response = get(&server, "/status/299", "");
    assert!(response.starts_with("HTTP/1.1 299 "), "{response}");
    assert!(response.contains("/299"), "{response}");
}

#[test]
fn negotiated_bodies() {
    let server = TestServer::start(quick_config());
    let json = get(&server, "/status/404", "Accept: application/json");
    assert!(
        json.contains("Content-Type: application/json\r\n")
            && json.contains("\"reference\": \"/404\""),
        "{json}"
    );
    let html = get(&server, "/status/404", "Accept: text/html");
    assert!(html.contains("<a href=\"/404\">"), "{html}");
    let text = get(&server, "/status/404", "");
    assert!(
        text.contains("Content-Type: text/plain; charset=utf-8\r\n")
            && text.contains("Reference: /404"),
        "{text}"
    );
}

#[test]
fn invalid_requests_say_what_is_valid() {
    let server = TestServer::start(quick_config());
    let cases: &[(&str, &str)] = &[
        ("/status/abc", "three-digit code from 100 to 599"),
        ("/status/42", "three digits, 100 to 599"),
        ("/status/600", "100 to 599"),
        ("/status/", "no status code given"),
        ("/status/200?sleep=60001", "from 0 to 60000"),
        ("/status/200?bogus=1", "valid parameters"),
        ("/status/200?interim=101", "other than 101"),
        ("/status/302?location=https://example.com/", "same-origin"),
        ("/status/200?header=Connection:close", "cannot be set"),
        ("/long", "seconds is required"),
        ("/long/events?seconds=1000", "from 0 to 300"),
    ];
    for (target, needle) in cases {
        let response = get(&server, target, "");
        assert_eq!(status_of(response.as_bytes()), 400, "{target}: {response}");
        assert!(
            response.contains(needle),
            "{target}: {needle:?} missing in {response}"
        );
    }
    assert_eq!(status_of(get(&server, "/nowhere", "").as_bytes()), 404);
}

#[test]
fn random_choice_picks_only_listed_codes_by_weight() {
    let server = TestServer::start(quick_config());
    let mut seen = std::collections::BTreeMap::new();
    for _ in 0..40 {
        let status = status_of(get(&server, "/status/200,503", "").as_bytes());
        *seen.entry(status).or_insert(0) += 1;
    }
    assert_eq!(
        seen.keys().copied().collect::<Vec<_>>(),
        [200, 503],
        "{seen:?}"
    );
    for _ in 0..10 {
        assert_eq!(
            status_of(get(&server, "/status/200:0,418:1", "").as_bytes()),
            418
        );
    }
}

#[test]
fn cors_preflight_is_answered() {
    let server = TestServer::start(quick_config());
    let request = "OPTIONS /status/503 HTTP/1.1\r\nHost: t\r\nConnection: close\r\nOrigin: https://a.example\r\n\
                   Access-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: x-test\r\n\r\n";
    let response = normalise(&server.exchange(request.as_bytes()));
    assert!(
        response.starts_with("HTTP/1.1 204 No Content\r\n"),
        "{response}"
    );
    assert!(
        response.contains("Access-Control-Allow-Methods: PUT\r\n"),
        "{response}"
    );
    assert!(
        response.contains("Access-Control-Allow-Headers: x-test\r\n"),
        "{response}"
    );
}

#[test]
fn the_long_operation_sends_heartbeats_then_the_result() {
    let server = TestServer::start(quick_config());
    let response = get(
        &server,
        "/long?seconds=0.35&heartbeat=0.1",
        "Accept: application/json",
    );
    assert_eq!(statuses(&response), [102, 102, 102, 200], "{response}");
    assert!(response.contains("\"heartbeats_sent\": 3"), "{response}");
}

#[test]
fn long_events_stream_progress_then_end() {
    let server = TestServer::start(quick_config());
    let response = get(
        &server,
        "/long/events?seconds=0.3",
        "Accept: text/event-stream",
    );
    assert!(
        response.contains("Content-Type: text/event-stream\r\n"),
        "{response}"
    );
    assert!(
        response.contains("Transfer-Encoding: chunked\r\n"),
        "{response}"
    );
    assert!(response.contains("retry: 3000\n"), "{response}");
    assert!(
        response
            .contains("id: 1\nevent: progress\ndata: {\"of\":1,\"percent\":100,\"step\":1}\n\n"),
        "{response}"
    );
    assert!(response.contains("id: 2\nevent: done\n"), "{response}");
    assert!(response.ends_with("0\r\n\r\n"), "{response}");
    // A reconnect after the final event is told to stop.
    let again = get(&server, "/long/events?seconds=0.3", "Last-Event-ID: 2");
    assert!(again.starts_with("HTTP/1.1 204 "), "{again}");
}

#[test]
fn long_work_stops_when_the_client_goes_away() {
    let server = TestServer::start(quick_config());
    let mut stream = server.connect();
    stream
        .write_all(b"GET /long/events?seconds=30 HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    drop(stream);
    // Shutdown would wait the whole grace period if the stream were still running.
    let mut server = server;
    let waited = server.stop();
    assert!(waited < Duration::from_secs(1), "{waited:?}");
}

#[test]
fn status_101_without_upgrade_is_426() {
    let server = TestServer::start(quick_config());
    let response = get(&server, "/status/101", "");
    assert!(
        response.starts_with("HTTP/1.1 426 Upgrade Required\r\n"),
        "{response}"
    );
    assert!(response.contains("Upgrade: websocket\r\n"), "{response}");
    let response = get(
        &server,
        "/status/101",
        "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 8\r\n",
    );
    assert!(
        response.contains("Sec-WebSocket-Version: 13\r\n"),
        "{response}"
    );
}

#[test]
fn status_101_is_a_websocket_echo() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;

    let server = TestServer::start(quick_config());
    let addr = server.addr;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (mut socket, response) =
            tokio_tungstenite::client_async(format!("ws://{addr}/status/101"), stream)
                .await
                .unwrap();
        assert_eq!(response.status().as_u16(), 101);
        socket.send(Message::text("hello")).await.unwrap();
        assert_eq!(
            socket.next().await.unwrap().unwrap(),
            Message::text("hello")
        );
        socket.send(Message::binary(vec![1, 2, 3])).await.unwrap();
        assert_eq!(
            socket.next().await.unwrap().unwrap(),
            Message::binary(vec![1, 2, 3])
        );
        socket.close(None).await.unwrap();
    });
    let _ = read_to_close;
}

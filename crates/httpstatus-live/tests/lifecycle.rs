//! Timeouts, graceful shutdown, the connection limit and panic isolation, with short configured timeouts.

mod common;

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{TestHandler, TestServer, normalise, quick_config, read_to_close};

fn server() -> TestServer {
    TestServer::start_with(quick_config(), Arc::new(TestHandler))
}

#[test]
fn a_stalled_head_gets_408_then_close() {
    let server = server();
    let mut stream = server.connect();
    stream
        .write_all(b"GET /hello HTTP/1.1\r\nHost: t\r\n")
        .unwrap();
    let started = Instant::now();
    let response = normalise(&read_to_close(&mut stream));
    assert!(
        response.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
        "{response}"
    );
    assert!(response.contains("Connection: close\r\n"), "{response}");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(server.still_serves());
}

#[test]
fn a_slowloris_trickle_still_times_out() {
    let server = server();
    let mut stream = server.connect();
    let started = Instant::now();
    // One byte every 100 ms never completes the head within the 400 ms header timeout.
    for byte in b"GET /hello HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaa".iter() {
        if stream.write_all(&[*byte]).is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        if started.elapsed() > Duration::from_secs(2) {
            break;
        }
    }
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);
    assert!(
        normalise(&rest).starts_with("HTTP/1.1 408 "),
        "{}",
        normalise(&rest)
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[test]
fn an_idle_connection_is_closed_quietly() {
    let server = server();
    let mut stream = server.connect();
    let started = Instant::now();
    assert!(read_to_close(&mut stream).is_empty());
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_secs(3),
        "{waited:?}"
    );

    // After a response, the keep-alive idle timeout applies, again without a response.
    let mut stream = server.connect();
    stream
        .write_all(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let all = read_to_close(&mut stream);
    assert_eq!(normalise(&all).matches("HTTP/1.1").count(), 1);
}

#[test]
fn a_client_that_stops_reading_is_dropped_at_the_write_timeout() {
    let config = httpstatus_server::Config {
        write_timeout: Duration::from_millis(500),
        ..quick_config()
    };
    let server = TestServer::start_with(config, Arc::new(TestHandler));
    let mut stream = server.connect();
    stream
        .write_all(b"GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    // Read nothing while the server's write waits past its timeout, then take what was buffered.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(server.still_serves(), "other clients are served meanwhile");
    let started = Instant::now();
    let received = read_to_close(&mut stream);
    assert!(
        received.starts_with(b"HTTP/1.1 200 OK\r\n"),
        "{}",
        String::from_utf8_lossy(&received[..received.len().min(200)])
    );
    assert!(
        received.len() < 64 << 20,
        "the whole body arrived ({} bytes): the write never waited",
        received.len()
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the connection was not closed"
    );
}

#[test]
fn a_stalled_body_gets_408() {
    let server = server();
    let mut stream = server.connect();
    stream
        .write_all(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
        .unwrap();
    let response = normalise(&read_to_close(&mut stream));
    assert!(
        response.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
        "{response}"
    );
}

#[test]
fn a_panicking_handler_gets_500_and_others_are_served() {
    let server = server();
    let mut slow = server.connect();
    slow.write_all(b"GET /slow HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        .unwrap();
    let response = normalise(&server.exchange(b"GET /panic HTTP/1.1\r\nHost: t\r\n\r\n"));
    assert!(
        response.starts_with("HTTP/1.1 500 Internal Server Error\r\n"),
        "{response}"
    );
    assert!(response.contains("Connection: close\r\n"));
    assert!(
        response.ends_with("the server goes on serving other requests\n"),
        "{response}"
    );
    // The request in flight on another connection completes, and new requests are served.
    assert!(normalise(&read_to_close(&mut slow)).ends_with("slow\n"));
    for _ in 0..3 {
        assert!(server.still_serves());
    }
}

#[test]
fn graceful_shutdown_finishes_in_flight_requests_and_stops_accepting() {
    graceful_shutdown_finishes_in_flight_requests(quick_config());
}

#[test]
fn graceful_shutdown_on_worker_threads_finishes_in_flight_requests() {
    graceful_shutdown_finishes_in_flight_requests(on_workers(quick_config()));
}

/// Connections served on two worker threads of their own, as `httpstatus serve` does.
fn on_workers(config: httpstatus_server::Config) -> httpstatus_server::Config {
    httpstatus_server::Config {
        worker_threads: 2,
        ..config
    }
}

fn graceful_shutdown_finishes_in_flight_requests(config: httpstatus_server::Config) {
    let mut server = TestServer::start(config);
    let addr = server.addr;
    // Two requests in flight, on two connections, so that with workers each thread has one.
    let mut in_flight = [server.connect(), server.connect()];
    for stream in &mut in_flight {
        stream
            .write_all(b"GET /status/200?sleep=300 HTTP/1.1\r\nHost: t\r\n\r\n")
            .unwrap();
    }
    let mut idle = server.connect();
    std::thread::sleep(Duration::from_millis(50));
    let waited = server.stop();
    // The in-flight requests were answered, with Connection: close, and then the connections ended.
    for stream in &mut in_flight {
        let response = normalise(&read_to_close(stream));
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
        assert!(response.contains("Connection: close\r\n"), "{response}");
    }
    assert!(read_to_close(&mut idle).is_empty());
    assert!(waited < Duration::from_secs(2), "{waited:?}");
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "still accepting after shutdown"
    );
}

#[test]
fn shutdown_gives_up_on_requests_past_the_grace_period() {
    shutdown_gives_up_past_the_grace_period(quick_config());
}

#[test]
fn shutdown_on_worker_threads_gives_up_past_the_grace_period() {
    shutdown_gives_up_past_the_grace_period(on_workers(quick_config()));
}

fn shutdown_gives_up_past_the_grace_period(mut config: httpstatus_server::Config) {
    config.shutdown_grace = Duration::from_millis(100);
    let mut server = TestServer::start(config);
    let mut long = server.connect();
    long.write_all(b"GET /status/200?sleep=5000 HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(50));
    let waited = server.stop();
    assert!(waited < Duration::from_secs(2), "{waited:?}");
    assert!(read_to_close(&mut long).is_empty());
}

#[test]
fn the_connection_limit_refuses_extra_clients_at_once() {
    let mut config = quick_config();
    config.max_connections = 1;
    config.idle_timeout = Duration::from_secs(5);
    let server = TestServer::start_with(config, Arc::new(TestHandler));
    let mut first = server.connect();
    first
        .write_all(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 1024];
    assert!(first.read(&mut buf).unwrap() > 0);
    // The second client is told at once that the server is full, and the connection closes.
    let started = Instant::now();
    let mut second = server.connect();
    second
        .write_all(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let response = normalise(&read_to_close(&mut second));
    assert!(
        response.starts_with("HTTP/1.1 503 Service Unavailable\r\nDate: DATE\r\n"),
        "{response}"
    );
    assert!(response.contains("Connection: close\r\n"), "{response}");
    assert!(started.elapsed() < Duration::from_secs(1));
    // Once the first connection ends, its slot serves the next client.
    drop(first);
    std::thread::sleep(Duration::from_millis(100));
    assert!(server.still_serves());
}

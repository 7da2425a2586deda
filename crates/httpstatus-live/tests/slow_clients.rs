//! Slow clients and floods: a thousand connections trickling their heads at one byte a second while a normal
//! client is served promptly (p99 measured) and the slow ones get 408 at the header timeout; clients past the
//! connection limit get an immediate 503 or a close instead of waiting in a queue.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{TestHandler, TestServer, complete_responses, quick_config, read_to_close, status_of};
use httpstatus_live::Everything;
use httpstatus_server::Config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Connections that send their head one byte a second.
const SLOW_CLIENTS: usize = 1000;
/// The configured header timeout: each slow client must get its 408 this long after its first byte.
const HEADER_TIMEOUT: Duration = Duration::from_secs(3);
/// Pages the normal client asks for meanwhile: cached pages, the API, a search, a live endpoint, scenarios.
const PAGES: &[&str] = &[
    "/",
    "/404",
    "/api/v1/codes/429",
    "/search?q=too+many+requests",
    "/status/200",
    "/class/5xx",
    "/scenario/conditional/slow-clients",
    "/scenario/rate-limit/slow-clients?limit=1000&window=60",
];

/// The tests here measure latency; running them side by side would measure each other.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// This process's open-file limits (soft, hard) from /proc/self/limits.
fn open_file_limits() -> Option<(u64, u64)> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let mut numbers = line
        .split_whitespace()
        .filter_map(|w| w.parse::<u64>().ok());
    Some((numbers.next()?, numbers.next()?))
}

/// Raises the soft open-file limit towards `wanted` (up to the hard limit) and returns the soft limit now in
/// force. std has no setrlimit and the workspace forbids unsafe code, so util-linux `prlimit` sets it on this
/// process.
fn raise_open_file_limit(wanted: u64) -> u64 {
    let Some((soft, hard)) = open_file_limits() else {
        return 1024;
    };
    if soft >= wanted {
        return soft;
    }
    let target = wanted.min(hard);
    let _ = std::process::Command::new("prlimit")
        .arg(format!("--pid={}", std::process::id()))
        .arg(format!("--nofile={target}:"))
        .status();
    open_file_limits().map_or(soft, |(soft, _)| soft)
}

/// What one slow client saw.
struct SlowOutcome {
    /// Bytes of the head it managed to send.
    sent: usize,
    /// Time from its first byte to the first byte of the answer.
    answered_after: Option<Duration>,
    /// Everything the server sent.
    received: Vec<u8>,
    /// Whether the server closed the connection.
    closed: bool,
}

/// Sends a head one byte a second until the server answers and closes (or `give_up` passes).
async fn slow_client(
    addr: SocketAddr,
    sending: Arc<AtomicUsize>,
    give_up: Duration,
) -> SlowOutcome {
    let head =
        b"GET /status/200 HTTP/1.1\r\nHost: slow\r\nX-Slow: trickling one byte a second\r\n\r\n";
    let mut outcome = SlowOutcome {
        sent: 0,
        answered_after: None,
        received: Vec::new(),
        closed: false,
    };
    let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await else {
        return outcome;
    };
    let (mut reader, mut writer) = stream.split();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut buf = [0u8; 2048];
    let started = Instant::now();
    let give_up = tokio::time::sleep(give_up);
    tokio::pin!(give_up);
    loop {
        tokio::select! {
            read = reader.read(&mut buf) => match read {
                Ok(0) | Err(_) => {
                    outcome.closed = true;
                    break;
                }
                Ok(n) => {
                    outcome.answered_after.get_or_insert(started.elapsed());
                    outcome.received.extend_from_slice(&buf[..n]);
                }
            },
            _ = tick.tick(), if outcome.sent < head.len() => {
                if writer.write_all(&head[outcome.sent..outcome.sent + 1]).await.is_err() {
                    // The server closed first; the read side will tell.
                    continue;
                }
                if outcome.sent == 0 {
                    sending.fetch_add(1, Ordering::SeqCst);
                }
                outcome.sent += 1;
            },
            _ = &mut give_up => break,
        }
    }
    outcome
}

/// One request on `stream` (kept alive), read to the end of its Content-Length-framed response.
fn fetch(stream: &mut TcpStream, path: &str) -> std::io::Result<u16> {
    stream.write_all(format!("GET {path} HTTP/1.1\r\nHost: normal\r\n\r\n").as_bytes())?;
    let mut response = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    while complete_responses(&response) < 1 {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        response.extend_from_slice(&buf[..n]);
    }
    Ok(status_of(&response))
}

fn connect(addr: SocketAddr) -> std::io::Result<TcpStream> {
    let stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// The normal client: pages in a loop until `done`, a fresh connection for every fourth one (so accepting is
/// measured too), keep-alive otherwise. Returns each request's latency, connecting included.
fn normal_client(addr: SocketAddr, done: Arc<AtomicBool>) -> Vec<Duration> {
    let mut latencies = Vec::new();
    let mut kept: Option<TcpStream> = None;
    for i in 0.. {
        if done.load(Ordering::SeqCst) {
            break;
        }
        let path = PAGES[i % PAGES.len()];
        let started = Instant::now();
        if i % 4 == 0 {
            kept = None;
        }
        let stream = match kept.as_mut() {
            Some(stream) => stream,
            None => kept.insert(connect(addr).expect("the normal client connects")),
        };
        let status = fetch(stream, path).unwrap_or_else(|e| panic!("{path}: {e}"));
        latencies.push(started.elapsed());
        assert_eq!(status, 200, "{path}");
        std::thread::sleep(Duration::from_millis(5));
    }
    latencies
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

#[test]
fn a_thousand_slowloris_clients_get_408_while_a_normal_client_is_served_fast() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // Each slow connection costs two descriptors here (client and server side are both in this process).
    let limit = raise_open_file_limit(4096);
    let slow_clients = SLOW_CLIENTS.min((limit.saturating_sub(256) / 2) as usize);
    if slow_clients < SLOW_CLIENTS {
        eprintln!(
            "the open-file limit is {limit} and could not be raised: testing {slow_clients} slow clients instead of {SLOW_CLIENTS}"
        );
    }

    let config = Config {
        header_read_timeout: HEADER_TIMEOUT,
        idle_timeout: Duration::from_secs(10),
        max_connections: SLOW_CLIENTS + 64,
        ..quick_config()
    };
    let server = TestServer::start_with(config, Arc::new(Everything::new("http://127.0.0.1")));
    let addr = server.addr;
    // The pages are rendered once at start; warm the lazily built parts (search index, compression) first.
    {
        let mut stream = connect(addr).unwrap();
        for path in PAGES {
            assert_eq!(fetch(&mut stream, path).unwrap(), 200, "{path}");
        }
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let sending = Arc::new(AtomicUsize::new(0));
    let give_up = HEADER_TIMEOUT * 3;
    let tasks: Vec<_> = (0..slow_clients)
        .map(|_| runtime.spawn(slow_client(addr, sending.clone(), give_up)))
        .collect();

    // Once every slow client is trickling, the normal client runs until they have all been answered.
    let waiting = Instant::now();
    while sending.load(Ordering::SeqCst) < slow_clients
        && waiting.elapsed() < Duration::from_secs(10)
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    let trickling = sending.load(Ordering::SeqCst);
    let done = Arc::new(AtomicBool::new(false));
    let normal = std::thread::spawn({
        let done = done.clone();
        move || normal_client(addr, done)
    });
    let outcomes: Vec<SlowOutcome> = runtime.block_on(async {
        let mut outcomes = Vec::with_capacity(tasks.len());
        for task in tasks {
            outcomes.push(task.await.expect("a slow client task"));
        }
        outcomes
    });
    done.store(true, Ordering::SeqCst);
    let mut latencies = normal.join().expect("the normal client");

    assert_eq!(
        trickling, slow_clients,
        "every slow client connected and started sending"
    );
    let mut problems = Vec::new();
    let mut answer_times = Vec::new();
    for (i, outcome) in outcomes.iter().enumerate() {
        let text = String::from_utf8_lossy(&outcome.received);
        if !text.starts_with("HTTP/1.1 408 Request Timeout\r\n")
            || !text.contains("Connection: close\r\n")
        {
            problems.push(format!(
                "slow client {i}: not a 408 with Connection: close: {text:?}"
            ));
        }
        if !outcome.closed {
            problems.push(format!("slow client {i}: the connection was not closed"));
        }
        match outcome.answered_after {
            Some(after) => answer_times.push(after),
            None => problems.push(format!("slow client {i}: no answer")),
        }
        if outcome.sent >= 30 {
            problems.push(format!(
                "slow client {i}: sent {} bytes, the whole head",
                outcome.sent
            ));
        }
    }
    problems.truncate(20);
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    answer_times.sort();
    let (first_408, last_408) = (answer_times[0], answer_times[answer_times.len() - 1]);
    latencies.sort();
    let p50 = percentile(&latencies, 0.50);
    let p99 = percentile(&latencies, 0.99);
    let max = latencies[latencies.len() - 1];
    eprintln!(
        "{slow_clients} slow clients: 408 after {first_408:?} to {last_408:?} (header timeout {HEADER_TIMEOUT:?}); \
         normal client: {} requests, p50 {p50:?}, p99 {p99:?}, max {max:?}",
        latencies.len()
    );
    assert!(
        first_408 >= HEADER_TIMEOUT - Duration::from_millis(50),
        "a 408 came before the header timeout: {first_408:?}"
    );
    assert!(
        last_408 <= HEADER_TIMEOUT + Duration::from_millis(1500),
        "a 408 came long after the header timeout: {last_408:?}"
    );
    assert!(
        latencies.len() >= 100,
        "only {} normal requests",
        latencies.len()
    );
    assert!(
        p99 < Duration::from_millis(100),
        "p99 {p99:?} (p50 {p50:?}, max {max:?})"
    );
}

/// Opens a connection, asks for one page and reads it, leaving the connection open and holding a slot.
fn hold_a_slot(addr: SocketAddr) -> TcpStream {
    let mut stream = connect(addr).unwrap();
    assert_eq!(fetch(&mut stream, "/hello").unwrap(), 200);
    stream
}

/// Reads until the server closes (or resets); the time it took and what it sent.
fn read_refusal(stream: &mut TcpStream) -> (Duration, Vec<u8>) {
    let started = Instant::now();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!("no refusal after {:?}: {e}", started.elapsed()),
        }
    }
    (started.elapsed(), out)
}

#[test]
fn past_the_connection_limit_clients_are_refused_at_once_not_queued() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    const LIMIT: usize = 16;
    const FLOOD: usize = 300;
    raise_open_file_limit(4096);
    let config = Config {
        max_connections: LIMIT,
        idle_timeout: Duration::from_secs(20),
        header_read_timeout: Duration::from_secs(20),
        ..quick_config()
    };
    let server = TestServer::start_with(config, Arc::new(TestHandler));
    let addr = server.addr;
    let mut held: Vec<TcpStream> = (0..LIMIT).map(|_| hold_a_slot(addr)).collect();

    // One client over the limit: an immediate 503 that says to close.
    let mut over = connect(addr).unwrap();
    over.write_all(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let (took, response) = read_refusal(&mut over);
    let text = String::from_utf8_lossy(&response);
    assert!(
        text.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
        "{text}"
    );
    assert!(text.contains("\r\nConnection: close\r\n"), "{text}");
    assert!(text.contains("\r\nRetry-After: 1\r\n"), "{text}");
    assert!(text.ends_with("try again in a moment\n"), "{text}");
    assert!(
        took < Duration::from_millis(500),
        "the refusal took {took:?}"
    );

    // A flood over the limit: every client hears 503 or sees a close, promptly; none is left waiting.
    let started = Instant::now();
    let mut flood: Vec<TcpStream> = (0..FLOOD)
        .map(|_| {
            let mut stream = connect(addr).unwrap();
            let _ = stream.write_all(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
            stream
        })
        .collect();
    let (mut answered, mut closed) = (0, 0);
    for stream in &mut flood {
        let (_, response) = read_refusal(stream);
        if response.is_empty() {
            closed += 1;
        } else {
            assert_eq!(
                status_of(&response),
                503,
                "{}",
                String::from_utf8_lossy(&response)
            );
            answered += 1;
        }
    }
    let flood_time = started.elapsed();
    eprintln!(
        "{FLOOD} connections past a limit of {LIMIT}: {answered} answered 503, {closed} closed, all within {flood_time:?}"
    );
    assert!(answered >= 1, "no over-limit client got its 503");
    assert!(
        flood_time < Duration::from_secs(5),
        "the flood took {flood_time:?}"
    );
    drop(flood);

    // The connections holding the slots were never disturbed, and a freed slot serves the next client.
    for stream in &mut held {
        assert_eq!(fetch(stream, "/hello").unwrap(), 200);
    }
    drop(held.pop());
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let mut stream = connect(addr).unwrap();
        stream
            .write_all(b"GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            .unwrap();
        let status = status_of(&read_to_close(&mut stream));
        if status == 200 {
            break;
        }
        assert_eq!(status, 503);
        assert!(Instant::now() < deadline, "the freed slot was never reused");
        std::thread::sleep(Duration::from_millis(20));
    }
}

//! `httpstatus probe` as a user runs it, against our own server (`httpstatus serve --tls`: HTTP/1.1, HTTPS
//! with HTTP/2 or HTTP/1.1, h2c) and against it with an expired certificate: the output, the JSON, the exit
//! codes and the 80-column, colourless layout.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, SystemTime};

use httpstatus_tls::{DAY, LeafSpec, LocalCa};

fn httpstatus(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_httpstatus"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "80")
        .output()
        .expect("run httpstatus")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// `httpstatus serve --tls` on free ports, with its local CA in a directory of its own.
struct Server {
    child: Child,
    http: String,
    https: String,
    data: PathBuf,
}

impl Server {
    fn start(name: &str, extra: &[&str]) -> Server {
        let data = std::env::temp_dir().join(format!(
            "httpstatus-probe-cli-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_httpstatus"))
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--tls",
                "--tls-addr",
                "127.0.0.1:0",
                "--quiet",
            ])
            .args(extra)
            .env("HTTPSTATUS_DATA_DIR", &data)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let (mut http, mut https) = (String::new(), String::new());
        while http.is_empty() || https.is_empty() {
            let line = lines
                .next()
                .expect("the server names its addresses")
                .unwrap();
            let Some(rest) = line.strip_prefix("listening on ") else {
                continue;
            };
            let url = rest.split_whitespace().next().unwrap().to_owned();
            if url.starts_with("https://") {
                https = url;
            } else {
                http = url;
            }
        }
        // Keep reading so that the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server {
            child,
            http,
            https,
            data,
        }
    }

    fn ca(&self) -> PathBuf {
        self.data.join("ca").join("ca.pem")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

fn positions(text: &str, needles: &[&str]) -> Vec<usize> {
    needles
        .iter()
        .map(|n| {
            text.find(n)
                .unwrap_or_else(|| panic!("no {n:?} in:\n{text}"))
        })
        .collect()
}

/// Asserts that every needle is in `text`, in this order.
fn in_order(text: &str, needles: &[&str]) {
    let found = positions(text, needles);
    assert!(
        found.windows(2).all(|w| w[0] < w[1]),
        "not in the order {needles:?}:\n{text}"
    );
}

fn readable(text: &str) {
    assert!(!text.contains('\x1b'), "colour with NO_COLOR");
    for line in text.lines() {
        assert!(
            line.chars().count() <= 80 || !line.contains(' '),
            "longer than 80 columns: {line}"
        );
    }
}

#[test]
fn our_server_over_https_h2_http1_and_h2c() {
    let server = Server::start("own", &[]);
    let ca = server.ca();
    let ca = ca.to_str().unwrap();

    let url = format!("{}/status/200?interim=103,102", server.https);
    let o = httpstatus(&["probe", &url, "--cacert", ca]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    positions(
        &text,
        &[
            "* TLS TLSv1.3",
            "ALPN h2",
            "* certificate: valid",
            "> GET /status/200?interim=103,102 HTTP/2",
        ],
    );
    in_order(
        &text,
        &["< HTTP/2 103", "< HTTP/2 102", "< HTTP/2 200", "timing |"],
    );
    readable(&text);

    let o = httpstatus(&["probe", &url, "--cacert", ca, "--http1.1"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    in_order(
        &text,
        &[
            "ALPN http/1.1",
            "< HTTP/1.1 103 Early Hints",
            "< HTTP/1.1 102 Processing",
            "< HTTP/1.1 200 OK",
        ],
    );

    let url = format!("{}/status/200?interim=103,102", server.http);
    let o = httpstatus(&["probe", &url, "--http2-prior-knowledge"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(!text.contains("* TLS"));
    in_order(&text, &["< HTTP/2 103", "< HTTP/2 102", "< HTTP/2 200"]);

    let url = format!("{}/status/200?interim=103,102", server.https);
    let o = httpstatus(&["probe", "--json", &url, "--cacert", ca]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["protocol"], "HTTP/2");
    assert_eq!(v["tls"]["verified"], true);
    assert_eq!(v["tls"]["alpn"], "h2");
    let statuses = &v["responses"];
    assert_eq!(
        (
            &statuses[0]["status"],
            &statuses[1]["status"],
            &statuses[2]["status"]
        ),
        (&103.into(), &102.into(), &200.into())
    );
    let t = &v["timings"];
    let sum: f64 = [
        "dns_ms",
        "connect_ms",
        "tls_ms",
        "send_ms",
        "wait_ms",
        "interim_ms",
        "body_ms",
    ]
    .iter()
    .map(|k| t[k].as_f64().unwrap())
    .sum();
    assert!((sum - t["total_ms"].as_f64().unwrap()).abs() < 1.0, "{t}");

    // Without the CA, the platform store does not know ours: no response, exit 1, and why.
    let o = httpstatus(&["probe", &format!("{}/status/200", server.https)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("error: the certificate did not verify"),
        "{}",
        stdout(&o)
    );
    // With -k, the exchange completes and the failure is still reported.
    let o = httpstatus(&["probe", "-k", &format!("{}/status/200", server.https)]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("see httpstatus 526"), "{}", stdout(&o));
}

#[test]
fn redirects_are_followed_with_dash_l() {
    let server = Server::start("redirects", &[]);
    let url = format!("{}/status/301?location=/status/200", server.http);
    let o = httpstatus(&["probe", "-L", "-X", "POST", "-d", "x=1", &url]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    in_order(
        &text,
        &[
            "hop 1: POST ",
            "< HTTP/1.1 301",
            "redirect: 301 -> GET ",
            "a POST becomes a GET",
            "hop 2: GET ",
            "< HTTP/1.1 200 OK",
        ],
    );
    readable(&text);
}

fn write_expired(dir: &Path) -> (String, String) {
    let ca = LocalCa::load_or_create(&dir.join("ca")).unwrap();
    let now = SystemTime::now();
    let spec = LeafSpec {
        not_before: now - 30 * DAY,
        not_after: now - 3 * DAY - Duration::from_secs(3600),
        ..LeafSpec::localhost()
    };
    let (cert, key) = (dir.join("expired.pem"), dir.join("expired-key.pem"));
    ca.issue(&spec)
        .unwrap()
        .write_pem_files(&cert, &key)
        .unwrap();
    (
        cert.to_str().unwrap().to_owned(),
        key.to_str().unwrap().to_owned(),
    )
}

#[test]
fn an_expired_certificate_is_explained_and_exits_1() {
    let dir = std::env::temp_dir().join(format!(
        "httpstatus-probe-cli-expired-certs-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = write_expired(&dir);
    let server = Server::start("expired", &["--cert", &cert, "--key", &key]);
    let ca = dir.join("ca").join("ca.pem");
    let o = httpstatus(&[
        "probe",
        &format!("{}/status/200", server.https),
        "--cacert",
        ca.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    positions(
        &text,
        &[
            "* certificate: expired 3 days ago",
            "(see httpstatus 526",
            "error: the certificate did not verify: expired 3 days ago",
        ],
    );
    readable(&text);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["probe", "http://127.0.0.1:1/", "--http2"][..],
        &[
            "probe",
            "https://127.0.0.1:1/",
            "--cacert",
            "/nonexistent/ca.pem",
        ][..],
        &["probe", "https://127.0.0.1:1/", "--http1.1", "--http2"][..],
        &["probe", "gopher://127.0.0.1:1/"][..],
    ] {
        let o = httpstatus(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
}

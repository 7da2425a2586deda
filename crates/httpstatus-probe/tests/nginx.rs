//! The probe against nginx from Debian with TLS and HTTP/2, started by the test as its own process on a free
//! port with a configuration written to a temporary directory. `.ci/run` installs nginx.

mod common;

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{request, statuses};
use httpstatus_probe::{Protocol, probe};
use httpstatus_tls::{LeafSpec, LocalCa};

struct Nginx {
    child: Child,
    dir: PathBuf,
    port: u16,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn nginx_binary() -> PathBuf {
    ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect(
            "nginx is not installed; install it with `apt-get install -y nginx` (as .ci/run does)",
        )
}

fn start_nginx() -> (Nginx, PathBuf) {
    let dir = std::env::temp_dir().join(format!("httpstatus-probe-nginx-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let ca = LocalCa::load_or_create(&dir.join("ca")).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    ca.issue(&LeafSpec::localhost())
        .unwrap()
        .write_pem_files(&cert, &key)
        .unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let d = dir.display();
    let config = format!(
        r#"daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    server {{
        listen 127.0.0.1:{port} ssl http2;
        server_name localhost;
        ssl_certificate {d}/cert.pem;
        ssl_certificate_key {d}/key.pem;
        add_header Strict-Transport-Security "max-age=600" always;
        location = / {{ return 200 "hello from nginx\n"; }}
        location = /moved {{ return 301 /; }}
        location = /busy {{ return 503; }}
    }}
}}
"#
    );
    let conf = dir.join("nginx.conf");
    std::fs::write(&conf, config).unwrap();
    let child = Command::new(nginx_binary())
        .arg("-p")
        .arg(&dir)
        .arg("-e")
        .arg(dir.join("error.log"))
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start nginx");
    let nginx = Nginx { child, dir, port };
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "nginx did not start: {}",
            std::fs::read_to_string(nginx.dir.join("error.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let ca_file = ca.cert_path().to_owned();
    (nginx, ca_file)
}

#[test]
fn nginx_over_h2_and_http1_with_tls() {
    let (nginx, ca) = start_nginx();
    let probe_at = |path: &str, protocol: Protocol, follow: Option<usize>| {
        let mut request = request(&format!("https://localhost:{}{path}", nginx.port));
        request.tls.ca_file = Some(ca.clone());
        request.protocol = protocol;
        request.follow = follow;
        probe(&request)
    };

    let t = probe_at("/", Protocol::Auto, None);
    assert_eq!(t.error, None);
    assert_eq!(t.protocol, "HTTP/2");
    assert_eq!(statuses(&t), [200]);
    let tls = t.tls.as_ref().unwrap();
    assert!(tls.verified, "{tls:?}");
    assert_eq!(tls.alpn.as_deref(), Some("h2"));
    assert_eq!(t.final_response.as_ref().unwrap().body_bytes, 17);
    assert!(
        t.responses[0]
            .header("server")
            .is_some_and(|s| s.starts_with("nginx"))
    );
    // nginx before 1.23.4 leaves TLS 1.3 out of its default `ssl_protocols` (Debian 12 ships 1.22), and the
    // configuration above keeps the default: the probe says so, and says nothing else.
    let pages: Vec<&str> = t.warnings.iter().map(|w| w.page.as_str()).collect();
    match tls.version.as_str() {
        "TLSv1.2" => assert_eq!(pages, ["/525"], "{:?}", t.warnings),
        _ => assert!(t.warnings.is_empty(), "{:?}", t.warnings),
    }
    common::assert_timings_add_up(&t);

    let t = probe_at("/", Protocol::Http1, None);
    assert_eq!(t.error, None);
    assert_eq!(t.protocol, "HTTP/1.1");
    assert_eq!(
        (t.responses[0].status, t.responses[0].reason.as_str()),
        (200, "OK")
    );
    assert_eq!(t.final_response.as_ref().unwrap().body_bytes, 17);

    let t = probe_at("/moved", Protocol::Auto, Some(5));
    assert_eq!(t.error, None);
    assert_eq!(t.hops.len(), 1);
    assert_eq!(t.hops[0].responses[0].status, 301);
    assert_eq!(statuses(&t), [200]);

    let t = probe_at("/busy", Protocol::Auto, None);
    assert_eq!(statuses(&t), [503]);
    common::assert_warned(&t, "without Retry-After");
}

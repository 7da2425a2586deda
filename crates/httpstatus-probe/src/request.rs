//! What to send: the target parsed from a URL, the method, fields and body, the protocol to speak, the trust
//! settings for TLS, and whether to follow redirects.

use std::path::PathBuf;
use std::time::Duration;

/// Why a probe could not even start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    #[error("`{0}` is not a URL: {1}")]
    BadUrl(String, String),
    #[error("only http:// and https:// URLs can be probed, not {0}://")]
    UnsupportedScheme(String),
    #[error("the header `{0}` is not `Name: value`")]
    BadHeader(String),
    #[error("the header name `{0}` has characters a field name cannot have")]
    BadHeaderName(String),
    #[error("the value of `{0}` contains a line break or another control character")]
    BadHeaderValue(String),
    #[error("`{0}` is not a request method (letters only, like GET or POST)")]
    BadMethod(String),
    #[error("cannot read the CA file {0}: {1}")]
    CaFile(String, String),
    #[error(
        "the CA file {0} holds no PEM certificate; give a file with `-----BEGIN CERTIFICATE-----` blocks"
    )]
    CaFileEmpty(String),
}

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// Where to connect and what to ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub scheme: Scheme,
    /// The host name or address, without brackets around an IPv6 address.
    pub host: String,
    pub port: u16,
    /// The `Host` header value (`:authority` over HTTP/2): host, with the port when it is not the default.
    pub authority: String,
    /// Path and query, as sent on the request line.
    pub path: String,
}

impl Target {
    /// The URL this target stands for.
    pub fn url(&self) -> String {
        format!("{}://{}{}", self.scheme.as_str(), self.authority, self.path)
    }
}

/// Parses an `http://` or `https://` URL into a [`Target`].
pub fn parse_target(text: &str) -> Result<Target, ProbeError> {
    let url =
        url::Url::parse(text).map_err(|e| ProbeError::BadUrl(text.to_owned(), e.to_string()))?;
    target_of(&url)
}

/// The [`Target`] of a parsed URL.
pub fn target_of(url: &url::Url) -> Result<Target, ProbeError> {
    let scheme = match url.scheme() {
        "http" => Scheme::Http,
        "https" => Scheme::Https,
        other => return Err(ProbeError::UnsupportedScheme(other.to_owned())),
    };
    let host = url
        .host_str()
        .ok_or_else(|| ProbeError::BadUrl(url.to_string(), "it has no host".into()))?
        .to_owned();
    let port = url.port_or_known_default().unwrap_or(80);
    let authority = if url.port().is_some() {
        format!("{host}:{port}")
    } else {
        host.clone()
    };
    let mut path = url.path().to_owned();
    if let Some(query) = url.query() {
        path.push('?');
        path.push_str(query);
    }
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    Ok(Target {
        scheme,
        host,
        port,
        authority,
        path,
    })
}

/// Which HTTP version to speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Protocol {
    /// HTTP/2 when TLS negotiates it by ALPN, HTTP/1.1 otherwise.
    #[default]
    Auto,
    /// HTTP/1.1 only (ALPN offers only `http/1.1`).
    Http1,
    /// HTTP/2 only: over TLS, ALPN offers only `h2`; over cleartext, HTTP/2 with prior knowledge (h2c).
    Http2,
}

/// Whom to trust for TLS.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    /// Trust only the certificates in this PEM file instead of the platform's store.
    pub ca_file: Option<PathBuf>,
    /// Complete the exchange even when the certificate does not verify (the failure is still reported).
    pub insecure: bool,
}

/// One request to send.
#[derive(Debug, Clone)]
pub struct ProbeRequest {
    pub target: Target,
    pub method: String,
    /// Extra fields; one with the name of a default field (`User-Agent`, `Accept`) replaces it.
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    /// For each exchange: resolving, connecting, the handshake, sending, and reading every response.
    pub timeout: Duration,
    pub protocol: Protocol,
    pub tls: TlsOptions,
    /// Follow redirects, at most this many; `None` does not follow.
    pub follow: Option<usize>,
}

impl ProbeRequest {
    /// A GET with no extra fields, a 10 second timeout, the protocol chosen by ALPN, the platform's trust
    /// store, and no redirects followed.
    pub fn get(target: Target) -> ProbeRequest {
        ProbeRequest {
            target,
            method: "GET".into(),
            headers: Vec::new(),
            body: None,
            timeout: Duration::from_secs(10),
            protocol: Protocol::Auto,
            tls: TlsOptions::default(),
            follow: None,
        }
    }

    /// Parses `Name: value`, refusing what would break the request head.
    pub fn parse_header(text: &str) -> Result<(String, String), ProbeError> {
        let (name, value) = text
            .split_once(':')
            .ok_or_else(|| ProbeError::BadHeader(text.to_owned()))?;
        let name = name.trim();
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        {
            return Err(ProbeError::BadHeaderName(name.to_owned()));
        }
        let value = value.trim();
        if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
            return Err(ProbeError::BadHeaderValue(name.to_owned()));
        }
        Ok((name.to_owned(), value.to_owned()))
    }

    /// Checks the method: a token of letters.
    pub fn check_method(method: &str) -> Result<(), ProbeError> {
        if method.is_empty()
            || method.len() > 32
            || !method.bytes().all(|b| b.is_ascii_alphabetic())
        {
            return Err(ProbeError::BadMethod(method.to_owned()));
        }
        Ok(())
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn expects_continue(&self) -> bool {
        self.header("expect")
            .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    }

    pub(crate) fn is_head(&self) -> bool {
        self.method.eq_ignore_ascii_case("HEAD")
    }

    /// The HTTP/1.1 fields sent, in order: defaults first, then the caller's.
    pub fn fields(&self) -> Vec<(String, String)> {
        let mut fields = vec![("Host".to_owned(), self.target.authority.clone())];
        for (name, value) in [
            (
                "User-Agent",
                concat!("httpstatus-probe/", env!("CARGO_PKG_VERSION")),
            ),
            ("Accept", "*/*"),
        ] {
            if self.header(name).is_none() {
                fields.push((name.to_owned(), value.to_owned()));
            }
        }
        fields.push(("Connection".to_owned(), "close".to_owned()));
        if let Some(body) = &self.body {
            if self.header("content-length").is_none() && self.header("transfer-encoding").is_none()
            {
                fields.push(("Content-Length".to_owned(), body.len().to_string()));
            }
        }
        for (name, value) in &self.headers {
            if !["host", "connection"].contains(&name.to_ascii_lowercase().as_str()) {
                fields.push((name.clone(), value.clone()));
            }
        }
        fields
    }

    /// The HTTP/2 fields sent: the HTTP/1.1 ones without those HTTP/2 forbids (RFC 9113 section 8.2.2), with
    /// lowercase names; `Host` becomes the `:authority` pseudo-field.
    pub fn h2_fields(&self) -> Vec<(String, String)> {
        self.fields()
            .into_iter()
            .filter(|(name, value)| {
                let name = name.to_ascii_lowercase();
                let connection_specific = matches!(
                    name.as_str(),
                    "host"
                        | "connection"
                        | "keep-alive"
                        | "proxy-connection"
                        | "transfer-encoding"
                        | "upgrade"
                );
                let te_other_than_trailers =
                    name == "te" && !value.eq_ignore_ascii_case("trailers");
                !connection_specific && !te_other_than_trailers
            })
            .map(|(name, value)| (name.to_ascii_lowercase(), value))
            .collect()
    }

    pub(crate) fn head_bytes(&self) -> Vec<u8> {
        let mut out = format!("{} {} HTTP/1.1\r\n", self.method, self.target.path).into_bytes();
        for (name, value) in self.fields() {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let t = parse_target("http://127.0.0.1:8080/status/429?retry_after=3").unwrap();
        assert_eq!(
            (
                t.host.as_str(),
                t.port,
                t.authority.as_str(),
                t.path.as_str()
            ),
            (
                "127.0.0.1",
                8080,
                "127.0.0.1:8080",
                "/status/429?retry_after=3"
            )
        );
        let t = parse_target("http://example.com").unwrap();
        assert_eq!(
            (t.port, t.authority.as_str(), t.path.as_str()),
            (80, "example.com", "/")
        );
        let t = parse_target("https://example.com/a").unwrap();
        assert_eq!(
            (t.scheme, t.port, t.url().as_str()),
            (Scheme::Https, 443, "https://example.com/a")
        );
        assert_eq!(
            parse_target("ftp://example.com/"),
            Err(ProbeError::UnsupportedScheme("ftp".into()))
        );
        assert!(matches!(
            parse_target("not a url"),
            Err(ProbeError::BadUrl(..))
        ));
        let t = parse_target("http://[::1]:9000/x").unwrap();
        assert_eq!(
            (t.host.as_str(), t.authority.as_str()),
            ("::1", "[::1]:9000")
        );
    }

    #[test]
    fn headers_are_checked() {
        assert_eq!(
            ProbeRequest::parse_header("Accept: text/html").unwrap(),
            ("Accept".into(), "text/html".into())
        );
        assert!(ProbeRequest::parse_header("no colon").is_err());
        assert!(ProbeRequest::parse_header("Bad Name: x").is_err());
        assert!(ProbeRequest::parse_header("X: a\r\nInjected: 1").is_err());
        assert!(ProbeRequest::check_method("GET").is_ok());
        assert!(ProbeRequest::check_method("GET /").is_err());
    }

    #[test]
    fn h2_fields_drop_connection_specific_ones() {
        let mut request = ProbeRequest::get(parse_target("https://example.com/").unwrap());
        request.headers = vec![
            ("X-Test".into(), "1".into()),
            ("TE".into(), "gzip".into()),
            ("Keep-Alive".into(), "5".into()),
        ];
        let names: Vec<String> = request.h2_fields().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["user-agent", "accept", "x-test"]);
    }
}

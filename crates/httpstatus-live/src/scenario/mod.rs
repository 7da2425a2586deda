//! `/scenario/...`: status codes produced by their real causes. Each family is one file: conditional
//! requests ([`conditional`]), ranges ([`ranges`]), methods and content ([`content`], [`upload`]),
//! authentication ([`auth`], [`digest`]), redirects ([`redirect`]), rate limits and availability
//! ([`limits`]), and faults on purpose ([`faults`]). What a scenario remembers between requests lives in a
//! bounded [`state::StateStore`], under a
//! key the client chooses in the URL, so that tests are independent. Errors are RFC 9457 problem documents
//! that say what went wrong and what is valid.

pub mod auth;
pub mod conditional;
pub mod content;
pub mod digest;
pub mod faults;
pub mod limits;
pub mod ranges;
pub mod redirect;
pub mod redis_store;
pub mod state;
pub mod upload;

use std::fmt;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use serde_json::{Value, json};

use crate::add_cors;
use crate::explain::explained;
use crate::query::parse_query;
use httpstatus_server::{Exchange, ExchangeError, Response};
use state::{MemoryStore, StateStore};

/// Longest client key in a scenario URL.
pub const MAX_KEY_LEN: usize = 64;

/// What every scenario shares: the state store, and the secret that signs Digest nonces.
pub struct Scenarios {
    /// Where rate windows, counters and resources live.
    store: Arc<dyn StateStore>,
    /// Signs Digest nonces, so that a nonce this server did not issue is refused without remembering any.
    secret: [u8; 16],
}

impl fmt::Debug for Scenarios {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scenarios").finish_non_exhaustive()
    }
}

impl Default for Scenarios {
    fn default() -> Self {
        Scenarios::new(Arc::new(MemoryStore::default()))
    }
}

impl Scenarios {
    /// The scenarios over `store`.
    pub fn new(store: Arc<dyn StateStore>) -> Self {
        let mut secret = [0u8; 16];
        secret.iter_mut().for_each(|b| *b = fastrand::u8(..));
        Scenarios { store, secret }
    }

    pub(crate) fn store(&self) -> &dyn StateStore {
        self.store.as_ref()
    }

    pub(crate) fn secret(&self) -> &[u8] {
        &self.secret
    }
}

/// Every scenario, for the index and the 404: the URL template and what it produces.
const SCENARIOS: &[(&str, &str)] = &[
    (
        "/scenario/conditional/{key}",
        "a resource with a real ETag and Last-Modified: 304, 412, 428",
    ),
    (
        "/scenario/range/{size}",
        "SIZE bytes served by range: 206, multipart/byteranges, If-Range, 416",
    ),
    (
        "/scenario/items/{key}",
        "a JSON collection: 405, 406, 415, 400, 422, 409, 410 (and /scenario/items/{key}/{name})",
    ),
    (
        "/scenario/upload?limit=BYTES",
        "an upload with a size limit: 413 before the body is read, 411 without a length",
    ),
    (
        "/scenario/basic/{user}/{password}",
        "HTTP Basic authentication: 401, 200",
    ),
    (
        "/scenario/bearer/{scope}",
        "Bearer tokens: 401, 403 without the scope, 200",
    ),
    (
        "/scenario/digest/{user}/{password}?algorithm=SHA-256",
        "HTTP Digest authentication (RFC 7616, MD5 and SHA-256): 401, 200",
    ),
    (
        "/scenario/proxy/{basic|digest}/{user}/{password}",
        "the proxy variants: 407 with Proxy-Authenticate",
    ),
    (
        "/scenario/redirect/{hops}?status=302",
        "a chain of redirects whose last hop reports the method and body it received",
    ),
    ("/scenario/loop", "a redirect to itself, forever"),
    (
        "/scenario/rate-limit/{key}?limit=N&window=S",
        "429 with Retry-After and RateLimit fields over a real window",
    ),
    (
        "/scenario/maintenance/{key}?seconds=S",
        "503 with Retry-After during a maintenance window",
    ),
    (
        "/scenario/flaky/{key}?fail=N&status=503",
        "fail N times, then succeed",
    ),
    (
        "/scenario/fault/{kind}",
        "responses broken on purpose: resets, closes, silence, trickles, short bodies, trailers (list at /scenario/fault)",
    ),
];

/// Methods this server knows; any other is a 501 (RFC 9110 section 15.6.2). A known method a resource does
/// not support is a 405 with `Allow`.
const KNOWN_METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT",
];

/// Answers everything under `/scenario`.
pub async fn handle(scenarios: &Scenarios, ex: &mut Exchange<'_>) -> Result<(), ExchangeError> {
    let method = ex.request().method.clone();
    if !KNOWN_METHODS.contains(&method.as_str()) {
        let detail = format!(
            "this server does not implement the method {method:?}; it knows {}",
            KNOWN_METHODS.join(", ")
        );
        return send(ex, problem(501, &detail, json!({}))).await;
    }
    let path = ex.request().path().to_owned();
    let rest = path
        .strip_prefix("/scenario")
        .unwrap_or("")
        .trim_start_matches('/');
    let segments: Vec<&str> = rest.split('/').collect();
    match segments[0] {
        "" if segments.len() == 1 => index(ex).await,
        "conditional" => conditional::handle(scenarios, ex, &segments[1..]).await,
        "range" => ranges::handle(ex, &segments[1..]).await,
        "items" => content::handle(scenarios, ex, &segments[1..]).await,
        "upload" if segments.len() == 1 => upload::handle(ex).await,
        "basic" | "bearer" | "digest" | "proxy" => auth::handle(scenarios, ex, &segments).await,
        "redirect" | "loop" => redirect::handle(ex, &segments).await,
        "rate-limit" | "maintenance" | "flaky" => limits::handle(scenarios, ex, &segments).await,
        "fault" => faults::handle(ex, &segments[1..]).await,
        _ => {
            let detail = format!("no scenario at {path}; the scenarios are {}", list());
            send(ex, problem(404, &detail, json!({}))).await
        }
    }
}

/// `/scenario`: the list of scenarios.
async fn index(ex: &mut Exchange<'_>) -> Result<(), ExchangeError> {
    let scenarios: Vec<Value> = SCENARIOS
        .iter()
        .map(|(url, what)| json!({"url": url, "produces": what}))
        .collect();
    send(ex, json_response(200, &json!({ "scenarios": scenarios }))).await
}

fn list() -> String {
    SCENARIOS
        .iter()
        .map(|(url, _)| *url)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The reason phrase of a status a scenario sends.
pub(crate) fn reason(status: u16) -> String {
    explained(status).map_or_else(String::new, |e| e.reason.clone())
}

/// An RFC 9457 problem document: `type` is this site's page for the code, `title` its name, `detail` what
/// went wrong and what to do; `extra` (an object) adds members.
pub(crate) fn problem(status: u16, detail: &str, extra: Value) -> Response {
    let mut value = json!({
        "type": format!("/{status}"),
        "title": reason(status),
        "status": status,
        "detail": detail,
    });
    if let (Some(object), Value::Object(extra)) = (value.as_object_mut(), extra) {
        object.extend(extra);
    }
    let mut text = serde_json::to_string_pretty(&value).expect("JSON values serialise");
    text.push('\n');
    Response::new(status, reason(status)).with_body("application/problem+json", text)
}

/// A 503 for a state store that could not answer: the scenario cannot know its state, so it says so rather
/// than guess. `Retry-After` is short: a store that reconnects is back within seconds.
pub(crate) fn unavailable(error: &state::StoreError) -> Response {
    let mut response = problem(503, &error.to_string(), json!({}));
    response
        .headers
        .append("Retry-After", "5")
        .expect("a valid field");
    response
}

/// A 400 saying what is valid.
pub(crate) fn bad_request(detail: &str) -> Response {
    problem(400, detail, json!({}))
}

/// A 405 with the methods the resource allows.
pub(crate) fn method_not_allowed(method: &str, allow: &str) -> Response {
    let detail = format!("{method} is not allowed here; use one of {allow}");
    let mut response = problem(405, &detail, json!({}));
    response
        .headers
        .append("Allow", allow)
        .expect("valid field");
    response
}

/// A JSON body.
pub(crate) fn json_response(status: u16, value: &Value) -> Response {
    let mut text = serde_json::to_string_pretty(value).expect("JSON values serialise");
    text.push('\n');
    Response::new(status, reason(status)).with_body("application/json", text)
}

/// Sends a scenario's final response, open to every origin and never stored by caches unless the scenario
/// says otherwise.
pub(crate) async fn send(
    ex: &mut Exchange<'_>,
    mut response: Response,
) -> Result<(), ExchangeError> {
    if !response.headers.contains("cache-control") {
        response.headers.append("Cache-Control", "no-store")?;
    }
    ex.respond(add_cors(response)).await
}

/// A client key from the URL: 1 to 64 letters, digits, `.`, `_`, `~` or `-`.
pub(crate) fn parse_key(segment: Option<&&str>) -> Result<String, String> {
    let help = format!(
        "the key is 1 to {MAX_KEY_LEN} letters, digits, '.', '_', '~' or '-', chosen by the client so that its \
         tests do not share state (e.g. /scenario/flaky/my-test-1)"
    );
    match segment {
        None | Some(&"") => Err(format!("no key given; {help}")),
        Some(key)
            if key.len() <= MAX_KEY_LEN
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._~-".contains(&b)) =>
        {
            Ok((*key).to_owned())
        }
        Some(key) => Err(format!("{key:?} is not a valid key; {help}")),
    }
}

/// A scenario's query: known parameters only, each at most once.
pub(crate) struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Parses `query`, refusing parameters not in `allowed` and repeated ones.
    pub(crate) fn parse(query: Option<&str>, allowed: &[&str]) -> Result<Params, String> {
        let pairs = parse_query(query).map_err(|e| e.to_string())?;
        for (i, (name, _)) in pairs.iter().enumerate() {
            if !allowed.contains(&name.as_str()) {
                let valid = if allowed.is_empty() {
                    "this scenario takes no parameters".to_owned()
                } else {
                    format!("valid parameters: {}", allowed.join(", "))
                };
                return Err(format!("unknown parameter {name:?}; {valid}"));
            }
            if pairs[..i].iter().any(|(earlier, _)| earlier == name) {
                return Err(format!(
                    "parameter {name} is given more than once; give it once"
                ));
            }
        }
        Ok(Params { pairs })
    }

    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A status code from `allowed`, or `default` when absent; `what` says what it is for.
    pub(crate) fn status(
        &self,
        name: &str,
        allowed: &[u16],
        default: u16,
        what: &str,
    ) -> Result<u16, String> {
        let Some(text) = self.get(name) else {
            return Ok(default);
        };
        text.parse::<u16>()
            .ok()
            .filter(|code| allowed.contains(code))
            .ok_or_else(|| {
                let list: Vec<String> = allowed.iter().map(u16::to_string).collect();
                format!("{name} is {what}: one of {}; got {text:?}", list.join(", "))
            })
    }

    /// A whole number from `min` to `max`, or `default` when absent.
    pub(crate) fn integer(
        &self,
        name: &str,
        min: u64,
        max: u64,
        default: u64,
        unit: &str,
    ) -> Result<u64, String> {
        match self.get(name) {
            None => Ok(default),
            Some(value) => crate::params::parse_integer(name, value, min, max, unit),
        }
    }
}

/// What reading a body under a limit gave.
pub(crate) enum Body {
    /// The whole body, within the limit.
    Complete(Bytes),
    /// The declared `Content-Length`, over the limit: nothing was read (and no `100 Continue` sent).
    DeclaredTooLarge(u64),
    /// The body passed the limit while being read; the rest was left unread.
    TooLarge(u64),
}

/// Reads the request body, stopping as soon as it passes `limit` bytes: a `Content-Length` over the limit
/// is refused before any read, so a client waiting on `Expect: 100-continue` gets no 100.
pub(crate) async fn read_limited(ex: &mut Exchange<'_>, limit: u64) -> Result<Body, ExchangeError> {
    if let Some(length) = declared_length(ex)
        && length > limit
    {
        return Ok(Body::DeclaredTooLarge(length));
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = ex.read_body_chunk().await? {
        body.extend_from_slice(&chunk);
        if body.len() as u64 > limit {
            return Ok(Body::TooLarge(body.len() as u64));
        }
    }
    Ok(Body::Complete(body.freeze()))
}

/// The request's `Content-Length`, when it is one valid number.
pub(crate) fn declared_length(ex: &Exchange<'_>) -> Option<u64> {
    ex.request()
        .headers
        .get_str("content-length")
        .and_then(|v| v.trim().parse().ok())
}

/// A 413 for a body over `limit` bytes.
pub(crate) fn too_large(limit: u64, body: &Body) -> Response {
    let detail = match body {
        Body::DeclaredTooLarge(length) => format!(
            "the declared Content-Length of {length} bytes is over this resource's limit of {limit} bytes; \
             nothing was read. Send at most {limit} bytes"
        ),
        Body::TooLarge(read) => format!(
            "the body passed this resource's limit of {limit} bytes and reading stopped at {read} bytes. Send \
             at most {limit} bytes"
        ),
        Body::Complete(_) => format!("the body is within the limit of {limit} bytes"),
    };
    problem(413, &detail, json!({ "limit": limit }))
}

/// The request's media type, lowercased, without parameters.
pub(crate) fn media_type(ex: &Exchange<'_>) -> Option<String> {
    let value = ex.request().headers.get_str("content-type")?;
    let media = value.split(';').next().unwrap_or("").trim();
    (!media.is_empty()).then(|| media.to_ascii_lowercase())
}

//! `/scenario/conditional/{key}`: a resource with a real strong `ETag` and `Last-Modified` that change on every
//! `PUT`, answering conditional requests in the order of RFC 9110 section 13.2.2: `If-Match`, else
//! `If-Unmodified-Since` (412 when false); then `If-None-Match` (304 for GET and HEAD, 412 otherwise), else
//! `If-Modified-Since` (304). A write (`PUT`, `DELETE`) without any precondition is a 428 (RFC 6585 section
//! 3). Each key starts with a short text document; `DELETE` removes it (then `GET` is a 404 and
//! `PUT` with `If-None-Match: *` creates it again, 201).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{
    Body, Params, Scenarios, bad_request, method_not_allowed, parse_key, problem, read_limited,
    send, too_large, unavailable,
};
use httpstatus_server::{Exchange, ExchangeError, Response};

/// Largest body a `PUT` may store.
pub const MAX_BODY: u64 = 16 * 1024;
/// How long a key's resource lives after its last change.
pub const TTL: Duration = Duration::from_secs(3600);
/// How many times a write is retried when another request changed the resource in between.
const RETRIES: usize = 8;
const ALLOW: &str = "GET, HEAD, PUT, DELETE";

/// The stored resource.
#[derive(Debug, Clone, PartialEq)]
struct Resource {
    /// False after a `DELETE`: the key remembers its version so that a new resource gets a new ETag.
    exists: bool,
    /// Bumped by every change; part of the ETag.
    version: u64,
    /// Seconds since the epoch of the last change (HTTP dates have one-second precision).
    modified: u64,
    content_type: String,
    body: Bytes,
}

impl Resource {
    fn initial(key: &str, now: u64) -> Resource {
        Resource {
            exists: true,
            version: 1,
            modified: now,
            content_type: "text/plain; charset=utf-8".into(),
            body: Bytes::from(format!(
                "The resource under the key {key}. Change it with PUT and If-Match: <its ETag>.\n"
            )),
        }
    }

    /// A strong validator: the version and a hash of the body.
    fn etag(&self) -> String {
        let hash = Sha256::digest(&self.body);
        let hex: String = hash[..8].iter().map(|b| format!("{b:02x}")).collect();
        format!("\"{}-{hex}\"", self.version)
    }

    fn last_modified(&self) -> String {
        httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(self.modified))
    }

    fn encode(&self) -> Bytes {
        let value = json!({
            "exists": self.exists,
            "version": self.version,
            "modified": self.modified,
            "content_type": self.content_type,
            "body": STANDARD.encode(&self.body),
        });
        Bytes::from(value.to_string())
    }

    fn decode(bytes: &[u8]) -> Option<Resource> {
        let value: Value = serde_json::from_slice(bytes).ok()?;
        Some(Resource {
            exists: value["exists"].as_bool()?,
            version: value["version"].as_u64()?,
            modified: value["modified"].as_u64()?,
            content_type: value["content_type"].as_str()?.to_owned(),
            body: Bytes::from(STANDARD.decode(value["body"].as_str()?).ok()?),
        })
    }
}

/// Answers `/scenario/conditional/{key}`.
pub async fn handle(
    scenarios: &Scenarios,
    ex: &mut Exchange<'_>,
    segments: &[&str],
) -> Result<(), ExchangeError> {
    let method = ex.request().method.clone();
    let parsed = parse_key(segments.first()).and_then(|key| {
        if segments.len() > 1 {
            return Err("use /scenario/conditional/{key}, with nothing after the key".into());
        }
        Params::parse(ex.request().query(), &[])?;
        Ok(key)
    });
    let key = match parsed {
        Ok(key) => key,
        Err(message) => return send(ex, bad_request(&message)).await,
    };
    if !matches!(method.as_str(), "GET" | "HEAD" | "PUT" | "DELETE") {
        return send(ex, method_not_allowed(&method, ALLOW)).await;
    }
    let is_write = method == "PUT" || method == "DELETE";
    let headers = &ex.request().headers;
    if is_write
        && !["if-match", "if-unmodified-since", "if-none-match"]
            .iter()
            .any(|name| headers.contains(name))
    {
        let detail = format!(
            "a {method} here must be conditional, so that it cannot overwrite someone else's change: send \
             If-Match with the ETag from a GET (or If-Unmodified-Since with its Last-Modified), or \
             If-None-Match: * to create the resource only if it does not exist"
        );
        return send(ex, problem(428, &detail, json!({}))).await;
    }

    let store_key = format!("conditional:{key}");
    let mut new_body: Option<(Bytes, String)> = None;
    for _ in 0..RETRIES {
        let now = unix_now();
        let stored = match scenarios.store().get(&store_key).await {
            Ok(stored) => stored,
            Err(e) => return send(ex, unavailable(&e)).await,
        };
        let current = stored
            .as_deref()
            .and_then(Resource::decode)
            .unwrap_or_else(|| Resource::initial(&key, now));
        if let Some(status) = evaluate(ex, &current) {
            return send(ex, refused(status, &current)).await;
        }
        let next = match method.as_str() {
            "GET" | "HEAD" if !current.exists => {
                let detail = "the resource under this key was deleted; create it again with PUT and \
                              If-None-Match: *";
                return send(ex, problem(404, detail, json!({}))).await;
            }
            // The first read fixes the initial resource's Last-Modified; later reads change nothing.
            "GET" | "HEAD" if stored.is_some() => return send(ex, representation(&current)).await,
            "GET" | "HEAD" => current.clone(),
            "DELETE" if !current.exists => {
                let detail = "the resource under this key is already deleted";
                return send(ex, problem(404, detail, json!({}))).await;
            }
            "DELETE" => Resource {
                exists: false,
                version: current.version + 1,
                modified: now,
                content_type: String::new(),
                body: Bytes::new(),
            },
            _ => {
                if new_body.is_none() {
                    // Read only once the preconditions hold: a refused write never sends 100 Continue.
                    match read_limited(ex, MAX_BODY).await? {
                        Body::Complete(body) => {
                            let content_type = ex
                                .request()
                                .headers
                                .get_str("content-type")
                                .unwrap_or("application/octet-stream")
                                .to_owned();
                            new_body = Some((body, content_type));
                        }
                        other => return send(ex, too_large(MAX_BODY, &other)).await,
                    }
                }
                let (body, content_type) = new_body.clone().expect("read above");
                Resource {
                    exists: true,
                    version: current.version + 1,
                    modified: now,
                    content_type,
                    body,
                }
            }
        };
        match scenarios
            .store()
            .compare_and_set(&store_key, stored.as_deref(), Some(next.encode()), TTL)
            .await
        {
            Ok(true) => return send(ex, written(&method, &key, &current, &next)).await,
            Ok(false) => {}
            Err(e) => return send(ex, unavailable(&e)).await,
        }
    }
    let detail = "the resource kept changing under other requests; try again";
    send(ex, problem(503, detail, json!({}))).await
}

/// RFC 9110 section 13.2.2, steps 1 to 4: the status a failed precondition gives, if any.
fn evaluate(ex: &Exchange<'_>, resource: &Resource) -> Option<u16> {
    let request = ex.request();
    let headers = &request.headers;
    let safe = request.method == "GET" || request.method == "HEAD";
    if let Some(value) = headers.get_str("if-match") {
        if !if_match(value, resource) {
            return Some(412);
        }
    } else if let Some(date) = headers.get_str("if-unmodified-since").and_then(http_date)
        && resource.exists
        && resource.modified > date
    {
        return Some(412);
    }
    if let Some(value) = headers.get_str("if-none-match") {
        if !if_none_match(value, resource) {
            return Some(if safe { 304 } else { 412 });
        }
    } else if safe
        && let Some(date) = headers.get_str("if-modified-since").and_then(http_date)
        && resource.exists
        && resource.modified <= date
    {
        return Some(304);
    }
    None
}

/// `If-Match`: true for `*` when the resource exists, or when a listed tag matches by strong comparison.
fn if_match(value: &str, resource: &Resource) -> bool {
    if value.trim() == "*" {
        return resource.exists;
    }
    let etag = resource.etag();
    resource.exists
        && entity_tags(value)
            .iter()
            .any(|(weak, tag)| !weak && *tag == etag)
}

/// `If-None-Match`: false for `*` when the resource exists, or when a listed tag matches by weak comparison.
fn if_none_match(value: &str, resource: &Resource) -> bool {
    if !resource.exists {
        return true;
    }
    if value.trim() == "*" {
        return false;
    }
    let etag = resource.etag();
    !entity_tags(value).iter().any(|(_, tag)| *tag == etag)
}

/// The entity tags in a list: `(weak, "opaque")`, with their quotes. Anything else is skipped.
fn entity_tags(value: &str) -> Vec<(bool, String)> {
    let mut tags = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find('"') {
        let weak = rest[..start].trim_end().ends_with("W/");
        let Some(len) = rest[start + 1..].find('"') else {
            break;
        };
        tags.push((weak, rest[start..start + len + 2].to_owned()));
        rest = &rest[start + len + 2..];
    }
    tags
}

/// An HTTP-date as seconds since the epoch; `None` (the field is ignored) for anything else.
fn http_date(value: &str) -> Option<u64> {
    let time = httpdate::parse_http_date(value.trim()).ok()?;
    Some(time.duration_since(UNIX_EPOCH).ok()?.as_secs())
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn validators(response: &mut Response, resource: &Resource) -> Result<(), ExchangeError> {
    if resource.exists {
        response.headers.append("ETag", resource.etag())?;
        response
            .headers
            .append("Last-Modified", resource.last_modified())?;
    }
    // Caches may keep it but must ask again each time: every use is a conditional request.
    response.headers.append("Cache-Control", "no-cache")?;
    Ok(())
}

fn representation(resource: &Resource) -> Response {
    let mut response = Response::new(200, httpstatus_catalog::phrase(200))
        .with_body(&resource.content_type, resource.body.clone());
    validators(&mut response, resource).expect("validators are valid fields");
    response
}

/// The 304 or 412 for a failed precondition.
fn refused(status: u16, resource: &Resource) -> Response {
    let mut response = if status == 304 {
        Response::new(304, httpstatus_catalog::phrase(304))
    } else {
        let detail = if resource.exists {
            format!(
                "a precondition failed: the resource's ETag is {} and it was last modified {}; GET it again \
                 and retry with its current validators",
                resource.etag(),
                resource.last_modified()
            )
        } else {
            "a precondition failed: the resource does not exist (If-Match needs it to); create it with \
             If-None-Match: *"
                .to_owned()
        };
        problem(412, &detail, json!({}))
    };
    validators(&mut response, resource).expect("validators are valid fields");
    response
}

/// The answer to a successful write (or to the first read of a key).
fn written(method: &str, key: &str, before: &Resource, after: &Resource) -> Response {
    let mut response = match method {
        "GET" | "HEAD" => return representation(after),
        "PUT" if !before.exists => {
            let mut response = Response::new(201, httpstatus_catalog::phrase(201));
            response
                .headers
                .append("Location", format!("/scenario/conditional/{key}"))
                .expect("a key is a valid path");
            response
        }
        _ => Response::new(204, httpstatus_catalog::phrase(204)),
    };
    validators(&mut response, after).expect("validators are valid fields");
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_tags_are_read_from_lists() {
        assert_eq!(
            entity_tags(r#""a", W/"b" ,"c,d""#),
            vec![
                (false, "\"a\"".to_owned()),
                (true, "\"b\"".to_owned()),
                (false, "\"c,d\"".to_owned())
            ]
        );
        assert!(entity_tags("garbage").is_empty());
    }

    #[test]
    fn comparisons_follow_rfc_9110() {
        let resource = Resource::initial("k", 1_000_000);
        let etag = resource.etag();
        assert!(if_match(&etag, &resource));
        assert!(
            !if_match(&format!("W/{etag}"), &resource),
            "If-Match compares strongly"
        );
        assert!(if_match("*", &resource));
        assert!(
            !if_none_match(&format!("W/{etag}"), &resource),
            "If-None-Match compares weakly"
        );
        assert!(!if_none_match("*", &resource));
        assert!(if_none_match("\"other\"", &resource));
        let deleted = Resource {
            exists: false,
            ..resource.clone()
        };
        assert!(!if_match("*", &deleted));
        assert!(if_none_match("*", &deleted));
    }

    #[test]
    fn resources_survive_the_store() {
        let resource = Resource::initial("k", 42);
        assert_eq!(Resource::decode(&resource.encode()), Some(resource));
        assert_eq!(Resource::decode(b"not json"), None);
    }
}

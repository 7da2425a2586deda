//! `/scenario/upload?limit=BYTES`: an upload with a size limit the client sets. A declared `Content-Length`
//! over the limit is a 413 before any of the body is read, so a client waiting on `Expect: 100-continue`
//! gets the 413 instead of a 100; a body without a declared length is counted as it arrives and refused as
//! soon as it passes the limit. Over HTTP/1.1 a request without `Content-Length` is a 411 (unless
//! `length=optional`); over HTTP/2 the body is framed by DATA frames and the end of the stream, so no length
//! is ever required there and this scenario never sends 411 over HTTP/2 (RFC 9113 section 8.1).

use serde_json::json;
use sha2::{Digest, Sha256};

use super::{
    Body, Params, bad_request, declared_length, json_response, method_not_allowed, problem,
};
use super::{read_limited, send, too_large};
use httpstatus_server::{Exchange, ExchangeError, Protocol};

/// Largest `limit`: the server's own body limit (1 MiB by default) applies above it anyway.
pub const MAX_LIMIT: u64 = 1024 * 1024;
/// `limit` when none is given.
pub const DEFAULT_LIMIT: u64 = 1024;

/// Answers `/scenario/upload`.
pub async fn handle(ex: &mut Exchange<'_>) -> Result<(), ExchangeError> {
    let parsed = Params::parse(ex.request().query(), &["limit", "length"]).and_then(|params| {
        let limit = params.integer("limit", 0, MAX_LIMIT, DEFAULT_LIMIT, "bytes")?;
        let required = match params.get("length") {
            None | Some("required") => true,
            Some("optional") => false,
            Some(other) => {
                return Err(format!(
                    "length must be required (the default: 411 without Content-Length over HTTP/1.1) or \
                     optional; got {other:?}"
                ));
            }
        };
        Ok((limit, required))
    });
    let (limit, length_required) = match parsed {
        Ok(parsed) => parsed,
        Err(message) => return send(ex, bad_request(&message)).await,
    };
    let method = ex.request().method.clone();
    if method != "POST" && method != "PUT" {
        return send(ex, method_not_allowed(&method, "POST, PUT")).await;
    }
    let protocol = ex.protocol();
    let declared = declared_length(ex);
    if length_required && protocol != Protocol::Http2 && declared.is_none() {
        let detail = "this upload needs a Content-Length: send the body with its length rather than \
                      chunked (or add length=optional to the URL)";
        return send(ex, problem(411, detail, json!({}))).await;
    }
    let body = match read_limited(ex, limit).await? {
        Body::Complete(body) => body,
        other => {
            let mut response = too_large(limit, &other);
            // Over HTTP/1.1 the rest of an unread body cannot be skipped cheaply: close instead.
            if protocol != Protocol::Http2 {
                response.headers.append("Connection", "close")?;
            }
            return send(ex, response).await;
        }
    };
    let hash = Sha256::digest(&body);
    let sha256: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    let note = match (protocol, declared) {
        (Protocol::Http2, None) => {
            "no content-length: HTTP/2 frames the body with DATA frames and END_STREAM, so none is needed"
        }
        (_, None) => "no Content-Length: the body was chunked",
        (_, Some(_)) => "the body came with its Content-Length",
    };
    let value = json!({
        "received_bytes": body.len(),
        "limit": limit,
        "declared_length": declared,
        "sha256": sha256,
        "protocol": protocol.as_str(),
        "continue_sent": ex.interim_sent().contains(&100),
        "note": note,
    });
    send(ex, json_response(200, &value)).await
}

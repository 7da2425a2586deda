//! Redirects: `/scenario/redirect/{hops}` answers with a redirect to `/scenario/redirect/{hops - 1}` until
//! 0, whose body reports the method, fields and body that the last request carried, so that a client's
//! rewriting of POST to GET after 301, 302 and 303 (and its keeping of them after 307 and 308) is visible.
//! `status=301,307` picks the code of each hop in turn, `absolute=true` sends absolute URLs (from `Host`),
//! `then=503` makes the end of the chain fail. `/scenario/loop` redirects to itself, forever.

use serde_json::json;

use super::{Body, Params, bad_request, json_response, problem, read_limited, send};
use httpstatus_server::{Exchange, ExchangeError, Response};

/// Longest chain.
pub const MAX_HOPS: u64 = 20;
/// Most of the final body reported back, in bytes.
pub const MAX_REPORTED_BODY: u64 = 64 * 1024;
/// The redirect codes.
pub const REDIRECTS: &[u16] = &[301, 302, 303, 307, 308];
/// The failures a chain can end in: codes that need no field of their own.
pub const FAILURES: &[u16] = &[400, 403, 404, 410, 500, 502, 503, 504];
const PARAMS: &[&str] = &["status", "absolute", "then"];

/// Answers `/scenario/redirect/{hops}` and `/scenario/loop`.
pub async fn handle(ex: &mut Exchange<'_>, segments: &[&str]) -> Result<(), ExchangeError> {
    let query = ex.request().query().map(str::to_owned);
    let plan = Params::parse(query.as_deref(), PARAMS).and_then(|params| plan(segments, &params));
    let plan = match plan {
        Ok(plan) => plan,
        Err(message) => return send(ex, bad_request(&message)).await,
    };
    if plan.hops == 0 {
        return arrive(ex, plan.then).await;
    }
    let code = plan.codes[(plan.hops as usize - 1) % plan.codes.len()];
    let next = if segments[0] == "loop" {
        "/scenario/loop".to_owned()
    } else {
        format!("/scenario/redirect/{}", plan.hops - 1)
    };
    let mut target = match query {
        Some(query) => format!("{next}?{query}"),
        None => next,
    };
    if plan.absolute {
        let Some(host) = ex
            .request()
            .headers
            .get_str("host")
            .filter(|h| valid_host(h))
        else {
            let detail = "absolute=true needs a Host (or :authority) this server can put in a URL";
            return send(ex, bad_request(detail)).await;
        };
        let scheme = if ex.request().secure { "https" } else { "http" };
        target = format!("{scheme}://{host}{target}");
    }
    let detail = format!("{code} to {target}: {} hops left", plan.hops - 1);
    let mut response = problem(code, &detail, json!({ "location": target }));
    response.headers.append("Location", &target)?;
    send(ex, response).await
}

/// What the URL asks for.
struct Plan {
    /// Redirects still to come (for `/scenario/loop`, always 1).
    hops: u64,
    /// The codes to use, hop by hop from the last.
    codes: Vec<u16>,
    absolute: bool,
    /// The final status: 200, or the failure asked for.
    then: u16,
}

fn plan(segments: &[&str], params: &Params) -> Result<Plan, String> {
    let help = format!(
        "use /scenario/redirect/{{hops}} with 0 to {MAX_HOPS} hops, e.g. /scenario/redirect/3?status=307"
    );
    let hops = match segments {
        ["loop"] => 1,
        ["redirect", hops] => crate::params::parse_integer("hops", hops, 0, MAX_HOPS, "redirects")
            .map_err(|e| format!("{e}; {help}"))?,
        _ => return Err(help),
    };
    let codes = match params.get("status") {
        None => vec![302],
        Some(list) => list
            .split(',')
            .map(|item| {
                item.trim()
                    .parse::<u16>()
                    .ok()
                    .filter(|c| REDIRECTS.contains(c))
                    .ok_or_else(|| {
                        format!(
                            "status takes redirect codes (301, 302, 303, 307, 308) separated by commas; got {item:?}"
                        )
                    })
            })
            .collect::<Result<Vec<u16>, String>>()?,
    };
    if codes.len() > MAX_HOPS as usize {
        return Err(format!("status lists at most {MAX_HOPS} codes"));
    }
    let absolute = match params.get("absolute") {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => return Err(format!("absolute is true or false; got {other:?}")),
    };
    let then = params.status("then", FAILURES, 200, "the status the chain ends with")?;
    Ok(Plan {
        hops,
        codes,
        absolute,
        then,
    })
}

/// `host` or `host:port`, with nothing a URL could be bent by.
fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
}

/// The end of the chain: what the request carried, with 200 or the failure asked for.
async fn arrive(ex: &mut Exchange<'_>, then: u16) -> Result<(), ExchangeError> {
    let body = match read_limited(ex, MAX_REPORTED_BODY).await? {
        Body::Complete(body) => body,
        other => return send(ex, super::too_large(MAX_REPORTED_BODY, &other)).await,
    };
    let request = ex.request();
    let report = json!({
        "method": request.method,
        "url": request.target,
        "protocol": request.version.as_str(),
        "content_type": request.headers.get_str("content-type"),
        "body": String::from_utf8_lossy(&body),
        "body_bytes": body.len(),
    });
    let response: Response = if then == 200 {
        json_response(200, &json!({ "received": report }))
    } else {
        let detail = format!("the redirect chain ends in a {then}, as asked (then={then})");
        problem(then, &detail, json!({ "received": report }))
    };
    send(ex, response).await
}

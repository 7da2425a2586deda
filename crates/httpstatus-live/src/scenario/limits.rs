//! Rate limits and availability, per client key: `/scenario/rate-limit/{key}` counts requests in a fixed
//! window and answers 429 past the quota, with `Retry-After` and the `RateLimit` and `RateLimit-Policy` fields
//! of draft-ietf-httpapi-ratelimit-headers (`"window";q=5;w=10` and `"window";r=0;t=7`);
//! `/scenario/maintenance/{key}` is down with 503 and `Retry-After` for a window that starts at its first
//! request; `/scenario/flaky/{key}` fails N times, then succeeds, for testing retry logic.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde_json::json;

use super::{Params, Scenarios, bad_request, json_response, method_not_allowed, parse_key};
use super::{problem, send, unavailable};
use httpstatus_server::{Exchange, ExchangeError, Response};

/// Largest quota, and longest window in seconds.
pub const MAX_LIMIT: u64 = 1000;
pub const MAX_WINDOW: u64 = 3600;
/// Longest maintenance window, in seconds.
pub const MAX_MAINTENANCE: u64 = 3600;
/// How long a finished maintenance window is remembered (answering 200) before the key can start another.
pub const MAINTENANCE_AFTER: Duration = Duration::from_secs(600);
/// Most failures before success.
pub const MAX_FAILURES: u64 = 100;
/// How long a flaky key's count lives, from its first request.
pub const FLAKY_TTL: Duration = Duration::from_secs(600);
/// The statuses a flaky endpoint may fail with: the ones a client is expected to retry.
pub const FLAKY_STATUSES: &[u16] = &[408, 429, 500, 502, 503, 504];
/// The `Retry-After` a flaky 429 or 503 carries, in seconds.
const FLAKY_RETRY_AFTER: u64 = 1;
/// The policy's name in the RateLimit fields.
const POLICY: &str = "window";

/// Answers `/scenario/rate-limit/{key}`, `/scenario/maintenance/{key}` and `/scenario/flaky/{key}`.
pub async fn handle(
    scenarios: &Scenarios,
    ex: &mut Exchange<'_>,
    segments: &[&str],
) -> Result<(), ExchangeError> {
    let which = segments[0];
    let allowed: &[&str] = match which {
        "rate-limit" => &["limit", "window"],
        "maintenance" => &["seconds"],
        _ => &["fail", "status"],
    };
    let parsed = parse_key(segments.get(1)).and_then(|key| {
        if segments.len() > 2 {
            return Err(format!(
                "use /scenario/{which}/{{key}}, with nothing after the key"
            ));
        }
        Ok((key, Params::parse(ex.request().query(), allowed)?))
    });
    let (key, params) = match parsed {
        Ok(parsed) => parsed,
        Err(message) => return send(ex, bad_request(&message)).await,
    };
    let method = ex.request().method.clone();
    if !matches!(method.as_str(), "GET" | "HEAD" | "POST") {
        return send(ex, method_not_allowed(&method, "GET, HEAD, POST")).await;
    }
    let response = match which {
        "rate-limit" => rate_limit(scenarios, &key, &params).await,
        "maintenance" => maintenance(scenarios, &key, &params).await,
        _ => flaky(scenarios, &key, &params).await,
    };
    match response {
        Ok(response) => send(ex, response).await,
        Err(message) => send(ex, bad_request(&message)).await,
    }
}

/// A fixed window of `window` seconds allowing `limit` requests.
async fn rate_limit(scenarios: &Scenarios, key: &str, params: &Params) -> Result<Response, String> {
    let limit = params.integer("limit", 1, MAX_LIMIT, 5, "requests")?;
    let window = params.integer("window", 1, MAX_WINDOW, 10, "seconds")?;
    // The policy is part of the key: changing it starts a new window.
    let store_key = format!("rate:{key}:{limit}:{window}");
    let (count, left) = match scenarios
        .store()
        .increment(&store_key, Duration::from_secs(window))
        .await
    {
        Ok(counted) => counted,
        Err(e) => return Ok(unavailable(&e)),
    };
    let reset = seconds_up(left);
    let remaining = limit.saturating_sub(count);
    let mut response = if count > limit {
        let detail = format!(
            "this key allows {limit} requests every {window} seconds and this was request {count} of the \
             current window; retry after {reset} seconds"
        );
        let mut response = problem(429, &detail, json!({ "limit": limit, "window": window }));
        response
            .headers
            .append("Retry-After", reset.to_string())
            .expect("a valid field");
        response
    } else {
        json_response(
            200,
            &json!({ "request": count, "limit": limit, "window": window, "remaining": remaining, "reset": reset }),
        )
    };
    let headers = &mut response.headers;
    headers
        .append(
            "RateLimit-Policy",
            format!("\"{POLICY}\";q={limit};w={window}"),
        )
        .expect("a valid field");
    headers
        .append("RateLimit", format!("\"{POLICY}\";r={remaining};t={reset}"))
        .expect("a valid field");
    Ok(response)
}

/// Down for `seconds` from the key's first request, then up.
async fn maintenance(
    scenarios: &Scenarios,
    key: &str,
    params: &Params,
) -> Result<Response, String> {
    let seconds = params.integer("seconds", 1, MAX_MAINTENANCE, 30, "seconds")?;
    let store_key = format!("maintenance:{key}");
    let now = unix_millis();
    let proposed = now + seconds * 1000;
    let ttl = Duration::from_secs(seconds) + MAINTENANCE_AFTER;
    let stored = match scenarios.store().get(&store_key).await {
        Ok(stored) => stored,
        Err(e) => return Ok(unavailable(&e)),
    };
    let end = match stored.as_deref().and_then(parse_u64) {
        Some(end) => end,
        None => {
            let value = Bytes::from(proposed.to_string());
            match scenarios
                .store()
                .compare_and_set(&store_key, None, Some(value), ttl)
                .await
            {
                Ok(true) => proposed,
                // Another request started the window first: use its end.
                Ok(false) => match scenarios.store().get(&store_key).await {
                    Ok(stored) => stored.as_deref().and_then(parse_u64).unwrap_or(proposed),
                    Err(e) => return Ok(unavailable(&e)),
                },
                Err(e) => return Ok(unavailable(&e)),
            }
        }
    };
    if now < end {
        let left = seconds_up(Duration::from_millis(end - now));
        let detail = format!(
            "this key is down for maintenance for {left} more seconds; retry after that (Retry-After)"
        );
        let mut response = problem(503, &detail, json!({}));
        response
            .headers
            .append("Retry-After", left.to_string())
            .expect("a valid field");
        return Ok(response);
    }
    Ok(json_response(
        200,
        &json!({ "maintenance": "over", "ended_seconds_ago": (now - end) / 1000 }),
    ))
}

/// Fails with `status` for the key's first `fail` requests, then succeeds.
async fn flaky(scenarios: &Scenarios, key: &str, params: &Params) -> Result<Response, String> {
    let failures = params.integer("fail", 0, MAX_FAILURES, 2, "failures")?;
    let status = params.status(
        "status",
        FLAKY_STATUSES,
        503,
        "the status to fail with, one a client retries",
    )?;
    let store_key = format!("flaky:{key}");
    let (attempt, _) = match scenarios.store().increment(&store_key, FLAKY_TTL).await {
        Ok(counted) => counted,
        Err(e) => return Ok(unavailable(&e)),
    };
    if attempt <= failures {
        let detail = format!(
            "attempt {attempt} fails on purpose: this key fails its first {failures} requests, then succeeds"
        );
        let mut response = problem(
            status,
            &detail,
            json!({ "attempt": attempt, "failures": failures }),
        );
        if status == 429 || status == 503 {
            response
                .headers
                .append("Retry-After", FLAKY_RETRY_AFTER.to_string())
                .expect("a valid field");
        }
        return Ok(response);
    }
    Ok(json_response(
        200,
        &json!({ "attempt": attempt, "failures": failures, "note": "succeeded after the failures" }),
    ))
}

fn parse_u64(bytes: &[u8]) -> Option<u64> {
    std::str::from_utf8(bytes).ok()?.parse().ok()
}

/// Whole seconds, rounded up, so that a client waiting that long finds the window over.
fn seconds_up(duration: Duration) -> u64 {
    duration.as_millis().div_ceil(1000) as u64
}

fn unix_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_round_up() {
        assert_eq!(seconds_up(Duration::from_millis(0)), 0);
        assert_eq!(seconds_up(Duration::from_millis(1)), 1);
        assert_eq!(seconds_up(Duration::from_millis(1000)), 1);
        assert_eq!(seconds_up(Duration::from_millis(1001)), 2);
    }
}

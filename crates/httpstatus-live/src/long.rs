//! The long operation of the 102 Processing scenario: `/long` keeps the client waiting with `102 Processing`
//! heartbeats before its 200, and `/long/events` reports the same operation's progress as Server-Sent Events.
//! Both stop working as soon as the client goes away.

use std::time::{Duration, Instant};

use httpstatus_server::Protocol;
use httpstatus_wire::Headers;
use serde_json::json;

use crate::explain::bad_request;
use crate::negotiate::{Format, negotiate};
use crate::query::parse_query;
use crate::{add_cors, gone};
use httpstatus_server::Response;
use httpstatus_server::{Exchange, ExchangeError};

/// Longest simulated operation, in seconds.
pub const MAX_SECONDS: f64 = 300.0;
/// Heartbeat interval bounds, in seconds (0 turns heartbeats off).
pub const MIN_HEARTBEAT: f64 = 0.1;
pub const MAX_HEARTBEAT: f64 = 60.0;
/// The `retry:` an event stream announces, in milliseconds.
const SSE_RETRY_MS: u64 = 3000;

/// `/long?seconds=N&heartbeat=S`.
pub async fn long(ex: &mut Exchange<'_>) -> Result<(), ExchangeError> {
    let format = negotiate(ex.request().headers.get("accept"));
    let (seconds, heartbeat) = match parse_long(ex.request().query(), true) {
        Ok(parsed) => parsed,
        Err(message) => return ex.respond(add_cors(bad_request(&message, format))).await,
    };
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(seconds);
    let mut heartbeats = 0_u32;
    while Instant::now() < deadline {
        let left = deadline - Instant::now();
        let pause = heartbeat.map_or(left, |beat| beat.min(left));
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = ex.client_gone() => return Err(gone()),
        }
        if heartbeat.is_some()
            && Instant::now() < deadline
            && ex
                .send_interim(102, httpstatus_catalog::phrase(102), &Headers::new())
                .await?
        {
            heartbeats += 1;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let note = if ex.request().version == Protocol::Http10 && heartbeat.is_some() {
        "HTTP/1.0 clients get no interim responses, so no 102 Processing was sent"
    } else {
        "each 102 Processing told the client the operation was still running"
    };
    let body = match format {
        Format::Json => {
            let value = json!({
                "operation": "complete",
                "seconds": seconds,
                "elapsed_seconds": (elapsed * 1000.0).round() / 1000.0,
                "heartbeats_sent": heartbeats,
                "note": note,
                "reference": "/102",
            });
            format!(
                "{}\n",
                serde_json::to_string_pretty(&value).expect("JSON values serialise")
            )
        }
        _ => format!(
            "Operation complete after {elapsed:.1} s ({heartbeats} × 102 Processing sent).\n{note}.\nReference: /102\n"
        ),
    };
    let content_type = if format == Format::Json {
        Format::Json
    } else {
        Format::Text
    }
    .content_type();
    let mut response =
        Response::new(200, httpstatus_catalog::phrase(200)).with_body(content_type, body);
    response.headers.append("Cache-Control", "no-store")?;
    response.headers.append("Vary", "Accept")?;
    ex.respond(add_cors(response)).await
}

/// `/long/events?seconds=N`: progress as `text/event-stream`, with `id:` and `retry:`, a final `done` event,
/// then the end of the stream. A reconnect that already saw the final event gets 204, which tells
/// `EventSource` to stop reconnecting.
pub async fn events(ex: &mut Exchange<'_>) -> Result<(), ExchangeError> {
    let format = negotiate(ex.request().headers.get("accept"));
    let seconds = match parse_long(ex.request().query(), false) {
        Ok((seconds, _)) => seconds,
        Err(message) => return ex.respond(add_cors(bad_request(&message, format))).await,
    };
    let steps = (seconds.ceil() as u64).max(1);
    let final_id = steps + 1;
    let last_seen = ex
        .request()
        .headers
        .get_str("last-event-id")
        .and_then(|id| id.trim().parse::<u64>().ok());
    if last_seen.is_some_and(|id| id >= final_id) {
        let mut response = Response::new(204, httpstatus_catalog::phrase(204));
        response.headers.append("Cache-Control", "no-store")?;
        return ex.respond(add_cors(response)).await;
    }

    let mut headers = Headers::new();
    headers.append("Content-Type", "text/event-stream")?;
    headers.append("Cache-Control", "no-store")?;
    headers.append("Access-Control-Allow-Origin", "*")?;
    ex.start_stream(200, httpstatus_catalog::phrase(200), &headers)
        .await?;

    let interval = Duration::from_secs_f64(seconds / steps as f64);
    let started = Instant::now();
    ex.send_chunk(
        format!("retry: {SSE_RETRY_MS}\n: the operation takes {seconds} s\n\n").as_bytes(),
    )
    .await?;
    for step in 1..=steps {
        let due = started + interval * step as u32;
        tokio::select! {
            _ = tokio::time::sleep_until(due.into()) => {}
            _ = ex.client_gone() => return Err(gone()),
        }
        let percent = step * 100 / steps;
        let data = json!({ "step": step, "of": steps, "percent": percent });
        ex.send_chunk(format!("id: {step}\nevent: progress\ndata: {data}\n\n").as_bytes())
            .await?;
    }
    let data = json!({ "result": "complete", "seconds": seconds });
    ex.send_chunk(format!("id: {final_id}\nevent: done\ndata: {data}\n\n").as_bytes())
        .await?;
    ex.finish().await
}

/// `seconds` (required, 0 to 300, fractions allowed) and, for `/long`, `heartbeat` (default 1 s, 0 for none).
pub fn parse_long(
    query: Option<&str>,
    with_heartbeat: bool,
) -> Result<(f64, Option<Duration>), String> {
    let help = if with_heartbeat {
        "valid parameters: seconds=N (0 to 300) and heartbeat=S (0.1 to 60, or 0 for none; default 1)"
    } else {
        "valid parameters: seconds=N (0 to 300)"
    };
    let pairs = parse_query(query).map_err(|e| e.to_string())?;
    let mut seconds = None;
    let mut heartbeat = Some(Duration::from_secs(1));
    let mut seen = Vec::new();
    for (name, value) in &pairs {
        if seen.contains(name) {
            return Err(format!("parameter {name} is given more than once; {help}"));
        }
        seen.push(name.clone());
        let number = value.parse::<f64>().ok().filter(|v| v.is_finite());
        match name.as_str() {
            "seconds" => match number {
                Some(n) if (0.0..=MAX_SECONDS).contains(&n) => seconds = Some(n),
                _ => {
                    return Err(format!(
                        "seconds must be a number from 0 to {MAX_SECONDS}; got {value:?}"
                    ));
                }
            },
            "heartbeat" if with_heartbeat => match number {
                Some(0.0) => heartbeat = None,
                Some(n) if (MIN_HEARTBEAT..=MAX_HEARTBEAT).contains(&n) => {
                    heartbeat = Some(Duration::from_secs_f64(n))
                }
                _ => {
                    return Err(format!(
                        "heartbeat must be a number of seconds from {MIN_HEARTBEAT} to {MAX_HEARTBEAT}, or 0 for none; got {value:?}"
                    ));
                }
            },
            other => return Err(format!("unknown parameter {other:?}; {help}")),
        }
    }
    let seconds = seconds.ok_or_else(|| format!("seconds is required; {help}"))?;
    Ok((seconds, heartbeat))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_parameters_table() {
        assert_eq!(
            parse_long(Some("seconds=3&heartbeat=1"), true),
            Ok((3.0, Some(Duration::from_secs(1))))
        );
        assert_eq!(
            parse_long(Some("seconds=0.5"), true),
            Ok((0.5, Some(Duration::from_secs(1))))
        );
        assert_eq!(
            parse_long(Some("seconds=2&heartbeat=0"), true),
            Ok((2.0, None))
        );
        assert_eq!(
            parse_long(Some("seconds=2"), false),
            Ok((2.0, Some(Duration::from_secs(1))))
        );
        for bad in [
            None,
            Some("seconds=-1"),
            Some("seconds=301"),
            Some("seconds=inf"),
            Some("seconds=NaN"),
            Some("seconds=x"),
            Some("seconds=1&seconds=2"),
            Some("seconds=1&heartbeat=0.01"),
            Some("seconds=1&heartbeat=61"),
            Some("seconds=1&other=1"),
        ] {
            assert!(parse_long(bad, true).is_err(), "{bad:?}");
        }
        assert!(parse_long(Some("seconds=1&heartbeat=1"), false).is_err());
    }
}

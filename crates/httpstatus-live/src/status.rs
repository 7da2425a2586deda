//! `/status/{code}`: any code from 100 to 599 on demand, with the fields each code calls for, interim
//! responses, delays and heartbeats, random and weighted choice.

use std::time::Instant;

use httpstatus_server::Protocol;
use httpstatus_wire::Headers;

use crate::explain::{Sent, bad_request, explained, explanation_response, plain_explanation_body};
use crate::negotiate::negotiate;
use crate::params::{Choice, StatusParams, parse_status_params};
use crate::{add_cors, gone, websocket};
use httpstatus_server::Response;
use httpstatus_server::{Exchange, ExchangeError};

/// Default `Retry-After` on 429 and 503, in seconds.
const DEFAULT_RETRY_AFTER: u64 = 5;
/// Where 201 and 3xx point when no `location` is given.
const DEFAULT_LOCATION: &str = "/status/200";

/// Answers `/status/{spec}`.
pub async fn status(
    ex: &mut Exchange<'_>,
    spec: Result<Choice, String>,
) -> Result<(), ExchangeError> {
    let format = negotiate(ex.request().headers.get("accept"));
    let plan = spec.and_then(|choice| Ok((choice, parse_status_params(ex.request().query())?)));
    let (choice, params) = match plan {
        Ok(plan) => plan,
        Err(message) => return ex.respond(add_cors(bad_request(&message, format))).await,
    };
    let code = choice.pick(fastrand::f64());

    if code == 101 {
        return websocket::switch_or_refuse(ex, format).await;
    }

    // The delay counts from here; without one, no clock is read.
    let started = (!params.sleep.is_zero()).then(Instant::now);
    let mut sent = Sent::default();
    if ex.request().version == Protocol::Http10
        && (code < 200 || !params.interim.is_empty() || params.heartbeat.is_some())
    {
        sent.note = Some(
            "HTTP/1.0 clients get no interim responses (RFC 9110 section 15.2), so none were sent"
                .into(),
        );
    }

    // The interim responses: the requested 1xx first, then those of `interim=`.
    let mut interim: Vec<u16> = Vec::new();
    if code < 200 {
        interim.push(code);
    }
    interim.extend(&params.interim);
    for &status in &interim {
        send_interim(ex, status).await?;
    }

    // The delay, with 102 heartbeats if asked.
    if let Some(started) = started {
        let deadline = started + params.sleep;
        while Instant::now() < deadline {
            let left = deadline - Instant::now();
            let pause = params.heartbeat.map_or(left, |beat| beat.min(left));
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = ex.client_gone() => return Err(gone()),
            }
            if params.heartbeat.is_some() && Instant::now() < deadline {
                send_interim(ex, 102).await?;
            }
        }
    }
    sent.slept_ms = params.sleep.as_millis() as u64;
    sent.interim = ex.interim_sent().to_vec();

    // The final response: the code asked for, or 200 after a requested 1xx.
    let explanation = explained(code).expect("/status codes are 100 to 599");
    let (final_status, final_reason) = if code < 200 {
        (200, httpstatus_catalog::phrase(200))
    } else {
        (code, explanation.reason.as_str())
    };
    sent.final_status = final_status;
    let plain = sent.interim.is_empty()
        && sent.slept_ms == 0
        && sent.note.is_none()
        && final_status == code;
    let mut response = if plain {
        // The commonest answer is the same every time: its body is rendered once per code and format.
        Response::new(final_status, final_reason)
            .with_body(format.content_type(), plain_explanation_body(code, format))
    } else {
        explanation_response(final_status, final_reason, explanation, &sent, format)
    };
    add_code_fields(&mut response, code, &params)?;
    ex.respond(add_cors(response)).await
}

/// Sends one interim response with the fields it calls for (103 carries preload links).
async fn send_interim(ex: &mut Exchange<'_>, status: u16) -> Result<bool, ExchangeError> {
    let mut headers = Headers::new();
    if status == 103 {
        headers.append("Link", "</style.css>; rel=preload; as=style")?;
        headers.append("Link", "</app.js>; rel=preload; as=script")?;
    }
    let reason = explained(status).map_or("", |e| e.reason.as_str());
    ex.send_interim(status, reason, &headers).await
}

/// The fields each code calls for (RFC 9110 section 15), then the client's own `header=` fields.
fn add_code_fields(
    response: &mut Response,
    code: u16,
    params: &StatusParams,
) -> Result<(), ExchangeError> {
    let headers = &mut response.headers;
    let body_len = response.body.len();
    let location = params.location.clone().or_else(|| {
        (code == 201 || ((300..400).contains(&code) && code != 304))
            .then(|| DEFAULT_LOCATION.to_owned())
    });
    if let Some(location) = location {
        headers.append("Location", location)?;
    }
    let retry_after = params
        .retry_after
        .or(matches!(code, 429 | 503).then_some(DEFAULT_RETRY_AFTER));
    if let Some(seconds) = retry_after {
        headers.append("Retry-After", seconds.to_string())?;
    }
    match code {
        401 => headers.append(
            "WWW-Authenticate",
            "Basic realm=\"httpstatus\", charset=\"UTF-8\"",
        )?,
        407 => headers.append(
            "Proxy-Authenticate",
            "Basic realm=\"httpstatus\", charset=\"UTF-8\"",
        )?,
        405 => headers.append("Allow", "GET, HEAD")?,
        206 if body_len > 0 => headers.append(
            "Content-Range",
            format!("bytes 0-{}/{}", body_len - 1, body_len),
        )?,
        416 => headers.append("Content-Range", format!("bytes */{body_len}"))?,
        426 => {
            headers.append("Upgrade", "websocket")?;
            headers.append("Connection", "Upgrade")?;
        }
        _ => {}
    }
    headers.append("Vary", "Accept")?;
    headers.append("Cache-Control", "no-store")?;
    for (name, value) in &params.headers {
        headers.append(name, value)?;
    }
    Ok(())
}

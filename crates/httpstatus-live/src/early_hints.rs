//! `/early-hints`: a page load that a browser can speed up with `103 Early Hints`. A navigation gets a 103 whose
//! `Link` fields preload a stylesheet and a script, then, after a pause (the "server think time" a real page
//! spends rendering), the HTML page that uses them. A browser that acts on the hints fetches both during the
//! pause; the access log shows the order. Chromium acts on 103 only over HTTP/2 and later.

use std::time::Duration;

use httpstatus_server::{Exchange, ExchangeError, Response};
use httpstatus_wire::Headers;

use crate::explain::bad_request;
use crate::negotiate::negotiate;
use crate::params::parse_integer;
use crate::query::parse_query;
use crate::{add_cors, gone};

/// The stylesheet the hints preload.
pub const STYLE_PATH: &str = "/early-hints/style.css";
/// The script the hints preload.
pub const SCRIPT_PATH: &str = "/early-hints/app.js";
/// Default pause between the 103 and the page, in milliseconds.
const DEFAULT_WAIT_MS: u64 = 1000;
/// Longest pause, in milliseconds.
const MAX_WAIT_MS: u64 = 10_000;

const STYLE: &str = "body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 40rem; }\n\
                     #status { padding: .5rem 1rem; border-left: 4px solid #2a7; }\n";
const SCRIPT: &str = "document.getElementById('status').textContent = \
                      'The preloaded script ran; compare its request time with the page in the server log.';\n";

/// The `Link` values of the 103 (and of the final response, where a browser that ignored the 103 sees them).
fn links() -> [String; 2] {
    [
        format!("<{STYLE_PATH}>; rel=preload; as=style"),
        format!("<{SCRIPT_PATH}>; rel=preload; as=script"),
    ]
}

/// Answers `/early-hints` and its two assets.
pub async fn early_hints(ex: &mut Exchange<'_>, path: &str) -> Result<(), ExchangeError> {
    match path {
        STYLE_PATH => return ex.respond(asset("text/css; charset=utf-8", STYLE)?).await,
        SCRIPT_PATH => {
            return ex
                .respond(asset("text/javascript; charset=utf-8", SCRIPT)?)
                .await;
        }
        _ => {}
    }
    let format = negotiate(ex.request().headers.get("accept"));
    let wait = match parse_wait(ex.request().query()) {
        Ok(wait) => wait,
        Err(message) => return ex.respond(add_cors(bad_request(&message, format))).await,
    };
    let mut hints = Headers::new();
    for link in links() {
        hints.append("Link", link)?;
    }
    let hinted = ex
        .send_interim(103, httpstatus_catalog::phrase(103), &hints)
        .await?;
    tokio::select! {
        _ = tokio::time::sleep(wait) => {}
        _ = ex.client_gone() => return Err(gone()),
    }
    let protocol = ex.protocol().as_str();
    let note = if hinted {
        format!(
            "A 103 Early Hints went out over {protocol} {} ms before this page.",
            wait.as_millis()
        )
    } else {
        "No 103 was sent: an HTTP/1.0 client cannot receive interim responses.".to_owned()
    };
    let page = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>103 Early Hints demo</title>\n<link rel=\"stylesheet\" href=\"{STYLE_PATH}\">\n\
         <script src=\"{SCRIPT_PATH}\" defer></script>\n</head>\n<body>\n<h1>103 Early Hints demo</h1>\n\
         <p>{note}</p>\n<p id=\"status\">The script has not run.</p>\n\
         <p>Read about the code on <a href=\"/103\">the 103 page</a>.</p>\n</body>\n</html>\n"
    );
    let mut response = Response::new(200, httpstatus_catalog::phrase(200))
        .with_body("text/html; charset=utf-8", page);
    for link in links() {
        response.headers.append("Link", link)?;
    }
    response.headers.append("Cache-Control", "no-store")?;
    ex.respond(response).await
}

/// A preloadable asset: cacheable for a minute, so that the preloaded copy is the one the page uses.
fn asset(content_type: &str, body: &'static str) -> Result<Response, ExchangeError> {
    let mut response =
        Response::new(200, httpstatus_catalog::phrase(200)).with_body(content_type, body);
    response.headers.append("Cache-Control", "max-age=60")?;
    Ok(add_cors(response))
}

/// `?wait=MS`: the pause between the 103 and the page.
fn parse_wait(query: Option<&str>) -> Result<Duration, String> {
    let mut wait = DEFAULT_WAIT_MS;
    for (name, value) in parse_query(query).map_err(|e| e.to_string())? {
        match name.as_str() {
            "wait" => wait = parse_integer("wait", &value, 0, MAX_WAIT_MS, "milliseconds")?,
            other => {
                return Err(format!(
                    "unknown parameter {other:?}; /early-hints takes wait=MS (0 to {MAX_WAIT_MS})"
                ));
            }
        }
    }
    Ok(Duration::from_millis(wait))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_bounded_and_explained() {
        assert_eq!(parse_wait(None), Ok(Duration::from_millis(1000)));
        assert_eq!(parse_wait(Some("wait=250")), Ok(Duration::from_millis(250)));
        assert!(
            parse_wait(Some("wait=10001"))
                .unwrap_err()
                .contains("0 to 10000")
        );
        assert!(parse_wait(Some("delay=5")).unwrap_err().contains("wait=MS"));
    }
}

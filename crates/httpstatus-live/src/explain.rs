//! The bodies of the live endpoints: a status code explained from the catalog, and the 400s that say what is
//! valid, each in JSON, HTML or plain text.

use std::sync::OnceLock;

use bytes::Bytes;
use httpstatus_catalog::{Class, Lookup, lookup};
use serde_json::{Value, json};

use crate::negotiate::Format;
use httpstatus_server::Response;

/// What the catalog says about a code, reduced to what a live response shows.
#[derive(Debug, Clone)]
pub struct Explanation {
    pub code: u16,
    /// The registered name, the vendor name, or empty for an unassigned code.
    pub name: String,
    /// The reason phrase to send: the name, or empty.
    pub reason: String,
    /// One or two sentences.
    pub summary: String,
    /// One line; for an unassigned code, how a client must treat it.
    pub explanation: String,
    /// The reference page on this site.
    pub reference: String,
}

/// Explains any code from 100 to 599.
pub fn explain(code: u16) -> Explanation {
    match cached(code) {
        Some(explanation) => explanation.clone(),
        None => explain_uncached(code),
    }
}

/// [`explain`] without copying, for a code from 100 to 599 (`None` for anything else): each code is explained
/// once, on first use, and kept for the life of the process.
pub fn explained(code: u16) -> Option<&'static Explanation> {
    cached(code)
}

/// The body of [`explanation_response`] for the plainest answer: `code` sent as asked, with no interim
/// responses, no delay and no note. Rendered once per code and format, then shared.
pub fn plain_explanation_body(code: u16, format: Format) -> Bytes {
    static BODIES: [OnceLock<Bytes>; 3 * CODES] = [const { OnceLock::new() }; 3 * CODES];
    let render = || {
        let explanation = explain(code);
        let sent = Sent {
            final_status: code,
            ..Sent::default()
        };
        explanation_response(code, &explanation.reason, &explanation, &sent, format).body
    };
    if !(100..=599).contains(&code) {
        return render();
    }
    let slot = (code - 100) as usize * 3
        + match format {
            Format::Json => 0,
            Format::Html => 1,
            Format::Text => 2,
        };
    BODIES[slot].get_or_init(render).clone()
}

/// How many codes the tables hold: 100 to 599.
const CODES: usize = 500;

fn cached(code: u16) -> Option<&'static Explanation> {
    static EXPLANATIONS: [OnceLock<Explanation>; CODES] = [const { OnceLock::new() }; CODES];
    if !(100..=599).contains(&code) {
        return None;
    }
    Some(EXPLANATIONS[(code - 100) as usize].get_or_init(|| explain_uncached(code)))
}

fn explain_uncached(code: u16) -> Explanation {
    let reference = format!("/{code}");
    match lookup(code) {
        Ok(Lookup::Known(entry)) => Explanation {
            code,
            name: entry.name.to_owned(),
            // The catalog's phrase: empty for the registry's "(Unused)" codes, which have no name to send.
            reason: httpstatus_catalog::phrase(code).to_owned(),
            summary: entry.summary.to_owned(),
            explanation: Lookup::Known(entry).explanation(),
            reference,
        },
        Ok(unassigned @ Lookup::Unassigned { .. }) => Explanation {
            code,
            name: String::new(),
            reason: String::new(),
            summary: unassigned.summary(),
            explanation: unassigned.explanation(),
            reference,
        },
        // A valid code the catalog cannot place yet: say what its class means.
        Err(_) => {
            let class = Class::of(code);
            let line = format!(
                "{code} is a {} ({}) response; see the reference page for more",
                class.label(),
                class.meaning()
            );
            let reason = httpstatus_wire::reason_phrase(code).to_owned();
            Explanation {
                code,
                name: reason.clone(),
                reason,
                summary: line.clone(),
                explanation: line,
                reference,
            }
        }
    }
}

/// What the live endpoint actually sent, reported in the body.
#[derive(Debug, Clone, Default)]
pub struct Sent {
    pub interim: Vec<u16>,
    pub final_status: u16,
    pub slept_ms: u64,
    /// Something the client should know, e.g. that HTTP/1.0 gets no interim responses.
    pub note: Option<String>,
}

/// The body explaining `explanation`, given what was sent.
pub fn explanation_response(
    status: u16,
    reason: &str,
    explanation: &Explanation,
    sent: &Sent,
    format: Format,
) -> Response {
    let body = match format {
        Format::Json => {
            let mut value = json!({
                "code": explanation.code,
                "name": explanation.name,
                "summary": explanation.summary,
                "explanation": explanation.explanation,
                "reference": explanation.reference,
                "sent": {
                    "interim": sent.interim,
                    "final": sent.final_status,
                    "slept_ms": sent.slept_ms,
                },
            });
            if let Some(note) = &sent.note {
                value["note"] = Value::String(note.clone());
            }
            let mut text = serde_json::to_string_pretty(&value).expect("JSON values serialise");
            text.push('\n');
            text
        }
        Format::Text => {
            let mut text = format!(
                "{} {}\n\n{}\n\n",
                explanation.code,
                display_name(explanation),
                explanation.summary
            );
            if explanation.explanation != explanation.summary {
                text.push_str(&explanation.explanation);
                text.push_str("\n\n");
            }
            text.push_str(&sent_line(sent));
            text.push('\n');
            if let Some(note) = &sent.note {
                text.push_str(note);
                text.push('\n');
            }
            text.push_str(&format!("Reference: {}\n", explanation.reference));
            text
        }
        Format::Html => {
            let title = format!("{} {}", explanation.code, display_name(explanation));
            let mut html = page_start(&title);
            html.push_str(&format!("<p>{}</p>\n", escape(&explanation.summary)));
            if explanation.explanation != explanation.summary {
                html.push_str(&format!("<p>{}</p>\n", escape(&explanation.explanation)));
            }
            html.push_str(&format!("<p>{}</p>\n", escape(&sent_line(sent))));
            if let Some(note) = &sent.note {
                html.push_str(&format!("<p>{}</p>\n", escape(note)));
            }
            html.push_str(&format!(
                "<p><a href=\"{0}\">Read the {1} reference page</a></p>\n</body>\n</html>\n",
                escape(&explanation.reference),
                explanation.code
            ));
            html
        }
    };
    Response::new(status, reason.to_owned()).with_body(format.content_type(), body)
}

/// A 400 that says what went wrong and what is valid.
pub fn bad_request(message: &str, format: Format) -> Response {
    error_response(400, httpstatus_catalog::phrase(400), message, format)
}

/// An error response whose body says what went wrong, with a link to the code's reference page.
pub fn error_response(
    status: u16,
    reason: &'static str,
    message: &str,
    format: Format,
) -> Response {
    let body = match format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&json!({
                "code": status,
                "error": message,
                "reference": format!("/{status}"),
            }))
            .expect("JSON values serialise");
            text.push('\n');
            text
        }
        Format::Text => format!("{status} {reason}: {message}\n"),
        Format::Html => {
            let mut html = page_start(&format!("{status} {reason}"));
            html.push_str(&format!("<p>{}</p>\n</body>\n</html>\n", escape(message)));
            html
        }
    };
    let mut response = Response::new(status, reason).with_body(format.content_type(), body);
    // The message quotes what the client sent: never let a browser take it for anything but its type, nor run
    // anything in it.
    for (name, value) in [
        ("X-Content-Type-Options", "nosniff"),
        ("Content-Security-Policy", "default-src 'none'"),
    ] {
        response.headers.append(name, value).expect("valid field");
    }
    response
}

fn display_name(explanation: &Explanation) -> &str {
    if explanation.name.is_empty() {
        "(unassigned)"
    } else {
        &explanation.name
    }
}

fn sent_line(sent: &Sent) -> String {
    let mut line = String::from("Sent: ");
    if !sent.interim.is_empty() {
        let codes: Vec<String> = sent.interim.iter().map(u16::to_string).collect();
        line.push_str(&format!("interim {}, then ", codes.join(", ")));
    }
    line.push_str(&format!("final {}", sent.final_status));
    if sent.slept_ms > 0 {
        line.push_str(&format!(" after {} ms", sent.slept_ms));
    }
    line
}

fn page_start(title: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{0}</title>\n</head>\n<body>\n<h1>{0}</h1>\n",
        escape(title)
    )
}

/// Escapes text for HTML: the site's escaping, so the live endpoints and the pages cannot differ.
pub use httpstatus_site::html::escape;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_valid_code_has_an_explanation() {
        for code in 100..=599 {
            let explanation = explain(code);
            assert!(!explanation.summary.is_empty(), "{code}");
            assert_eq!(explanation.reference, format!("/{code}"));
            for format in [Format::Json, Format::Html, Format::Text] {
                let sent = Sent {
                    final_status: code,
                    ..Sent::default()
                };
                let response =
                    explanation_response(code, &explanation.reason, &explanation, &sent, format);
                let body = std::str::from_utf8(&response.body).unwrap();
                assert!(body.contains(&code.to_string()), "{code} {format:?}");
                assert!(body.contains(&format!("/{code}")), "{code} {format:?}");
            }
        }
    }

    #[test]
    fn plain_bodies_are_the_rendered_ones() {
        for code in [100, 103, 200, 204, 299, 404, 418, 429, 499, 503, 599] {
            let explanation = explain(code);
            assert_eq!(explained(code).unwrap().reference, explanation.reference);
            let sent = Sent {
                final_status: code,
                ..Sent::default()
            };
            for format in [Format::Json, Format::Html, Format::Text] {
                let rendered =
                    explanation_response(code, &explanation.reason, &explanation, &sent, format);
                assert_eq!(
                    plain_explanation_body(code, format),
                    rendered.body,
                    "{code}"
                );
                // The second call comes from the table and is the same.
                assert_eq!(
                    plain_explanation_body(code, format),
                    rendered.body,
                    "{code}"
                );
            }
        }
        assert!(explained(99).is_none() && explained(600).is_none());
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        let response = bad_request("<script>", Format::Html);
        assert!(
            !std::str::from_utf8(&response.body)
                .unwrap()
                .contains("<script>")
        );
    }
}

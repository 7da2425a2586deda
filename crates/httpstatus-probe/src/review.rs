//! The warnings a careful reviewer would give about one exchange, each with the page that explains it: a pure
//! function of the request and the transcript.

use crate::record::{ResponseRecord, Transcript, Warning};
use crate::request::{ProbeRequest, Scheme};

/// A certificate that expires within this many days is worth a warning.
const EXPIRY_WARNING_DAYS: i64 = 14;

fn warn(out: &mut Vec<Warning>, page: impl Into<String>, message: impl Into<String>) {
    out.push(Warning {
        message: message.into(),
        page: page.into(),
    });
}

fn code_page(status: u16) -> String {
    format!("/{status}")
}

/// The warnings for one exchange.
pub fn review(request: &ProbeRequest, transcript: &Transcript) -> Vec<Warning> {
    let mut out = Vec::new();
    review_interim(request, transcript, &mut out);
    review_codes(transcript, &mut out);
    if let Some(last) = transcript.final_head() {
        review_final(request, transcript, last, &mut out);
    }
    review_tls(request, transcript, &mut out);
    out
}

fn review_interim(request: &ProbeRequest, transcript: &Transcript, out: &mut Vec<Warning>) {
    let asked_continue = request.expects_continue();
    for r in &transcript.responses {
        if r.status == 100 && !asked_continue {
            warn(
                out,
                code_page(100),
                "a 100 Continue arrived although the request did not send `Expect: 100-continue`; some clients (Node's fetch) fail on it",
            );
        }
        if r.status == 101 && request.header("upgrade").is_none() {
            warn(
                out,
                code_page(101),
                "a 101 Switching Protocols arrived although the request asked for no upgrade",
            );
        }
        if r.status == 101 && transcript.protocol == "HTTP/2" {
            warn(
                out,
                code_page(101),
                "a 101 over HTTP/2, which has no protocol upgrade (RFC 9113 section 8.6)",
            );
        }
    }
}

fn review_codes(transcript: &Transcript, out: &mut Vec<Warning>) {
    for r in &transcript.responses {
        let fallback = r.status / 100 * 100;
        match httpstatus_catalog::get(r.status) {
            None => warn(
                out,
                code_page(fallback),
                format!(
                    "{} is not a registered or known vendor code; a client must treat it as {fallback}",
                    r.status
                ),
            ),
            Some(entry) if !entry.is_official() => warn(
                out,
                code_page(r.status),
                format!(
                    "{} is not in the IANA registry: it is a vendor code, and generic clients treat it as {fallback}",
                    r.status
                ),
            ),
            Some(_) => {}
        }
    }
}

fn review_final(
    request: &ProbeRequest,
    transcript: &Transcript,
    last: &ResponseRecord,
    out: &mut Vec<Warning>,
) {
    let has = |name: &str| last.header(name).is_some();
    let status = last.status;
    match status {
        429 | 503 if !has("retry-after") => warn(
            out,
            code_page(status),
            format!(
                "a {status} without Retry-After: clients cannot tell when to try again and tend to retry too soon"
            ),
        ),
        301 | 302 | 303 | 307 | 308 if !has("location") => warn(
            out,
            code_page(status),
            format!("a {status} without Location: there is nowhere to redirect to"),
        ),
        201 if !has("location") => warn(
            out,
            code_page(201),
            "a 201 without Location: the client cannot tell where the new resource is",
        ),
        _ => {}
    }
    // The fields the catalog says the code must carry (RFC 9110). A multipart/byteranges 206 carries its
    // Content-Range in each part instead.
    let multipart = last
        .header("content-type")
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/byteranges"));
    for field in httpstatus_catalog::required_headers(status) {
        let carried_in_parts = status == 206 && multipart;
        if !carried_in_parts && !has(&field.to_ascii_lowercase()) {
            warn(
                out,
                code_page(status),
                format!("a {status} without {field}, which RFC 9110 requires"),
            );
        }
    }
    if transcript.stray_body_bytes > 0 {
        let n = transcript.stray_body_bytes;
        if matches!(status, 204 | 304) || request.is_head() {
            let what = if request.is_head() {
                "a response to HEAD".to_owned()
            } else {
                format!("a {status}")
            };
            warn(
                out,
                code_page(if request.is_head() { 200 } else { status }),
                format!(
                    "{n} bytes of body after {what}, which cannot have a body: a keep-alive client would read them as the next response"
                ),
            );
        } else {
            warn(
                out,
                code_page(status),
                format!(
                    "{n} bytes after the end of the body: the framing (Content-Length or chunked) does not match what was sent"
                ),
            );
        }
    }
    if status == 204
        && (has("transfer-encoding")
            || last
                .header("content-length")
                .is_some_and(|v| v.trim() != "0"))
    {
        warn(
            out,
            code_page(204),
            "a 204 with Content-Length or Transfer-Encoding, which RFC 9110 forbids",
        );
    }
    if let Some(value) = last.header("retry-after") {
        let v = value.trim();
        let is_seconds = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
        if !is_seconds && !httpdate_like(v) {
            warn(
                out,
                code_page(if status == 503 { 503 } else { 429 }),
                format!("Retry-After `{v}` is neither a number of seconds nor an HTTP date"),
            );
        }
    }
    review_caching(last, out);
}

/// Caching fields that say opposite things.
fn review_caching(last: &ResponseRecord, out: &mut Vec<Warning>) {
    let cache_control = last
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("cache-control"))
        .flat_map(|(_, v)| v.split(','))
        .map(|d| d.trim().to_ascii_lowercase())
        .collect::<Vec<_>>();
    let has = |name: &str| {
        cache_control
            .iter()
            .any(|d| d == name || d.starts_with(&format!("{name}=")))
    };
    let max_age_positive = cache_control.iter().any(|d| {
        (d.starts_with("max-age=") || d.starts_with("s-maxage="))
            && d.split_once('=')
                .is_some_and(|(_, v)| v.trim_matches('"').parse::<u64>().is_ok_and(|n| n > 0))
    });
    let page = "/guides/why-the-right-code-matters";
    if has("no-store") && (max_age_positive || has("public") || has("immutable")) {
        warn(
            out,
            page,
            "Cache-Control says no-store and also allows caching (max-age, public or immutable); caches follow no-store, so say one thing",
        );
    }
    if has("public") && has("private") {
        warn(
            out,
            page,
            "Cache-Control says both public and private; pick one",
        );
    }
    let pragma_no_cache = last
        .header("pragma")
        .is_some_and(|v| v.to_ascii_lowercase().contains("no-cache"));
    if pragma_no_cache && max_age_positive {
        warn(
            out,
            page,
            "Pragma: no-cache contradicts the Cache-Control max-age; HTTP/1.1 caches ignore Pragma when Cache-Control is present, so drop it",
        );
    }
}

fn review_tls(request: &ProbeRequest, transcript: &Transcript, out: &mut Vec<Warning>) {
    let Some(tls) = &transcript.tls else {
        return;
    };
    if !tls.verified && !tls.chain.is_empty() && transcript.final_head().is_some() {
        warn(
            out,
            code_page(526),
            format!(
                "the certificate does not verify ({}); only --insecure let the exchange go on. A CDN in front of this server answers 526 Invalid SSL Certificate (525 when the handshake fails); nginx uses 495 and 496 for failed client certificates",
                tls.verdict
            ),
        );
    }
    if let Some(leaf) = tls.chain.first() {
        if (0..EXPIRY_WARNING_DAYS).contains(&leaf.days_left) {
            warn(
                out,
                code_page(526),
                format!(
                    "the certificate expires in {} days ({}); renew it before clients start failing",
                    leaf.days_left, leaf.not_after
                ),
            );
        }
    }
    if tls.version == "TLSv1.2" {
        warn(
            out,
            code_page(525),
            "the server agreed to TLS 1.2 only, although this client offered TLS 1.3 (RFC 8446, 2018): clients that require TLS 1.3 fail the handshake here, and a CDN configured to reach its origin over TLS 1.3 only reports 525 SSL Handshake Failed",
        );
    }
    if request.target.scheme == Scheme::Https {
        if let Some(last) = transcript.final_head() {
            if last.header("strict-transport-security").is_none() {
                warn(
                    out,
                    code_page(307),
                    "no Strict-Transport-Security over HTTPS: browsers will still try plain http:// first, where the connection can be intercepted",
                );
            }
        }
    }
}

/// Recognises the IMF-fixdate form of an HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT").
fn httpdate_like(v: &str) -> bool {
    let parts: Vec<&str> = v.split_whitespace().collect();
    parts.len() == 6 && parts[0].ends_with(',') && parts[5] == "GMT" && parts[4].len() == 8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_target;

    fn transcript_with(status: u16, headers: &[(&str, &str)]) -> Transcript {
        let mut t = Transcript::new("GET", "http://x/".into());
        t.responses.push(ResponseRecord {
            status,
            reason: String::new(),
            interim: false,
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            at_ms: 0.0,
            explanation: String::new(),
        });
        t
    }

    #[test]
    fn required_fields_come_from_the_catalog() {
        let request = ProbeRequest::get(parse_target("http://x/").unwrap());
        let mut checked = 0;
        for entry in httpstatus_catalog::entries() {
            for field in entry.required_headers() {
                let warnings = review(&request, &transcript_with(entry.code, &[]));
                assert!(
                    warnings.iter().any(|w| w.message.contains(field)),
                    "{} without {field}: {warnings:?}",
                    entry.code
                );
                let present = review(&request, &transcript_with(entry.code, &[(field, "x")]));
                assert!(
                    !present
                        .iter()
                        .any(|w| w.message.contains(&format!("without {field}")))
                );
                checked += 1;
            }
        }
        assert!(checked >= 6, "{checked}");
        let multipart = [("Content-Type", "multipart/byteranges; boundary=b")];
        let parts = review(&request, &transcript_with(206, &multipart));
        assert!(!parts.iter().any(|w| w.message.contains("Content-Range")));
    }

    #[test]
    fn warnings_link_their_pages() {
        let request = ProbeRequest::get(parse_target("http://x/").unwrap());
        type Case = (
            u16,
            &'static [(&'static str, &'static str)],
            &'static [&'static str],
        );
        let cases: &[Case] = &[
            (429, &[], &["/429"]),
            (429, &[("Retry-After", "soon")], &["/429"]),
            (
                503,
                &[("Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT")],
                &[],
            ),
            (302, &[], &["/302"]),
            (201, &[], &["/201"]),
            (201, &[("Location", "/new")], &[]),
            (299, &[], &["/200"]),
            (499, &[], &["/499"]),
            (
                200,
                &[("Cache-Control", "no-store, max-age=600")],
                &["/guides/why-the-right-code-matters"],
            ),
            (
                200,
                &[("Cache-Control", "public, private")],
                &["/guides/why-the-right-code-matters"],
            ),
            (
                200,
                &[("Cache-Control", "max-age=60"), ("Pragma", "no-cache")],
                &["/guides/why-the-right-code-matters"],
            ),
            (200, &[("Cache-Control", "no-store, max-age=0")], &[]),
            (204, &[("Content-Length", "3")], &["/204"]),
        ];
        for (status, headers, pages) in cases {
            let t = transcript_with(*status, headers);
            let got: Vec<String> = review(&request, &t).into_iter().map(|w| w.page).collect();
            assert_eq!(&got, pages, "{status} {headers:?}");
        }
    }

    #[test]
    fn dates() {
        assert!(httpdate_like("Sun, 06 Nov 1994 08:49:37 GMT"));
        assert!(!httpdate_like("tomorrow"));
    }
}

//! Properties of the live endpoints' input: query strings, the `/status/{spec}` path and the parameters of
//! `/status`, `/long` and `/long/events`. A parser either returns a value within its caps or an error that
//! names the parameter at fault.

use std::time::Duration;

use httpstatus_live::long::{MAX_HEARTBEAT, MAX_SECONDS, MIN_HEARTBEAT, parse_long};
use httpstatus_live::params::{
    MAX_CHOICES, MAX_EXTRA_HEADERS, MAX_HEADER_VALUE, MAX_HEARTBEAT_MS, MAX_INTERIM, MAX_LOCATION,
    MAX_RETRY_AFTER, MAX_SLEEP_MS, MIN_HEARTBEAT_MS, parse_spec, parse_status_params,
};
use httpstatus_live::query::{QueryError, parse_query};
use httpstatus_wire::Headers;
use httpstatus_wire::headers::{is_field_value, is_token};

/// The parameters target: the input (as text) as a query string for every endpoint, and as a status spec.
pub fn query_params(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let query = text.as_ref();
    check_query(query);
    check_status_params(query);
    check_spec(query);
    check_long(query, true);
    check_long(query, false);
}

/// Decoded pairs, percent-encoded again, decode to the same pairs; a failure quotes the part at fault.
fn check_query(query: &str) {
    match parse_query(Some(query)) {
        Ok(pairs) => {
            let parts = query.split('&').filter(|p| !p.is_empty()).count();
            assert_eq!(pairs.len(), parts, "one pair per non-empty part");
            let encoded: Vec<String> = pairs
                .iter()
                .map(|(n, v)| format!("{}={}", percent_encode(n), percent_encode(v)))
                .collect();
            let again = parse_query(Some(&encoded.join("&"))).expect("our own encoding decodes");
            assert_eq!(again, pairs, "round trip through {encoded:?}");
        }
        Err(QueryError::BadPercent(part) | QueryError::NotUtf8(part)) => {
            assert!(
                !part.is_empty() && query.split('&').any(|p| p == part),
                "the error names {part:?}, which is not a parameter of the query"
            );
        }
    }
}

/// Every byte but the unreserved ones as `%XX`.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The names of the query's parameters, for checking that an error names one of them.
fn names(query: &str) -> Vec<String> {
    parse_query(Some(query))
        .map(|pairs| pairs.into_iter().map(|(n, _)| n).collect())
        .unwrap_or_default()
}

fn names_a_parameter(message: &str, query: &str) {
    let named = match parse_query(Some(query)) {
        // The decoding error quotes the raw part.
        Err(_) => message.contains("parameter"),
        Ok(_) => names(query).iter().any(|name| {
            // Quoted names are escaped as Rust strings are (`{:?}`).
            let quoted = format!("{name:?}");
            (!name.is_empty() && message.contains(name.as_str())) || message.contains(&quoted)
        }),
    };
    assert!(
        named,
        "the error {message:?} names no parameter of {query:?}"
    );
    assert!(
        !message.ends_with('.'),
        "the error {message:?} ends with a period"
    );
}

fn check_status_params(query: &str) {
    let params = match parse_status_params(Some(query)) {
        Ok(params) => params,
        Err(message) => return names_a_parameter(&message, query),
    };
    assert!(params.sleep <= Duration::from_millis(MAX_SLEEP_MS));
    if let Some(heartbeat) = params.heartbeat {
        assert!(
            (Duration::from_millis(MIN_HEARTBEAT_MS)..=Duration::from_millis(MAX_HEARTBEAT_MS))
                .contains(&heartbeat)
        );
        assert!(!params.sleep.is_zero(), "a heartbeat without a sleep");
    }
    assert!(params.interim.len() <= MAX_INTERIM);
    for code in &params.interim {
        assert!((100..=199).contains(code) && *code != 101, "interim {code}");
    }
    if let Some(seconds) = params.retry_after {
        assert!(seconds <= MAX_RETRY_AFTER);
    }
    // Everything that ends up in a response field must be a valid field: nothing can split the head.
    let mut fields = Headers::new();
    if let Some(location) = &params.location {
        assert!(
            location.starts_with('/')
                && !location.starts_with("//")
                && location.len() <= MAX_LOCATION
                && location.bytes().all(|b| b.is_ascii_graphic() && b != b'\\'),
            "location {location:?}"
        );
        fields
            .append("Location", location)
            .expect("a location is a valid field value");
    }
    assert!(params.headers.len() <= MAX_EXTRA_HEADERS);
    for (name, value) in &params.headers {
        assert!(is_token(name.as_bytes()), "header name {name:?}");
        assert!(
            is_field_value(value.as_bytes()) && value.len() <= MAX_HEADER_VALUE,
            "header value {value:?}"
        );
        for owned in [
            "content-length",
            "transfer-encoding",
            "connection",
            "date",
            "upgrade",
        ] {
            assert!(
                !name.eq_ignore_ascii_case(owned),
                "header={name} is the server's"
            );
        }
        fields
            .append(name, value)
            .expect("a header parameter is a valid field");
    }
}

/// A spec gives 1 to 20 codes from 100 to 599 with usable weights, and picking always lands on a code with a
/// positive weight, the first such code at the bottom of the range.
fn check_spec(spec: &str) {
    let choice = match parse_spec(spec) {
        Ok(choice) => choice,
        Err(message) => {
            assert!(
                !message.is_empty() && !message.ends_with('.'),
                "{message:?}"
            );
            return;
        }
    };
    assert!((1..=MAX_CHOICES).contains(&choice.options.len()));
    for (code, weight) in &choice.options {
        assert!((100..=599).contains(code), "code {code}");
        assert!(weight.is_finite() && *weight >= 0.0, "weight {weight}");
    }
    let total: f64 = choice.options.iter().map(|(_, w)| w).sum();
    assert!(
        total.is_finite() && total > 0.0,
        "the weights of {spec:?} add up to {total}"
    );
    let positive = |code: u16| choice.options.iter().any(|(c, w)| *c == code && *w > 0.0);
    let first = choice
        .options
        .iter()
        .find(|(_, w)| *w > 0.0)
        .map(|(c, _)| *c)
        .expect("a positive weight");
    assert_eq!(choice.pick(0.0), first, "pick(0) of {spec:?}");
    for unit in [0.25, 0.5, 0.75, 0.999_999_999, 1.0 - f64::EPSILON] {
        let code = choice.pick(unit);
        assert!(positive(code), "pick({unit}) of {spec:?} gave {code}");
    }
}

fn check_long(query: &str, with_heartbeat: bool) {
    match parse_long(Some(query), with_heartbeat) {
        Ok((seconds, heartbeat)) => {
            assert!((0.0..=MAX_SECONDS).contains(&seconds), "seconds {seconds}");
            if let Some(heartbeat) = heartbeat {
                assert!(with_heartbeat || heartbeat == Duration::from_secs(1));
                assert!(
                    (Duration::from_secs_f64(MIN_HEARTBEAT)
                        ..=Duration::from_secs_f64(MAX_HEARTBEAT))
                        .contains(&heartbeat),
                    "heartbeat {heartbeat:?}"
                );
            }
        }
        Err(message) => {
            if message.starts_with("seconds is required") {
                assert!(!names(query).iter().any(|n| n == "seconds"));
            } else {
                names_a_parameter(&message, query);
            }
        }
    }
}

//! The `/status/{spec}` path and its query parameters, parsed and validated into a plan before anything is
//! sent. Every rejection says what is valid, with the caps.

use std::time::Duration;

use httpstatus_wire::headers::{is_field_value, is_token};

use crate::query::parse_query;

/// Longest `sleep` (the delay before the final response).
pub const MAX_SLEEP_MS: u64 = 60_000;
/// Shortest and longest `heartbeat` interval.
pub const MIN_HEARTBEAT_MS: u64 = 100;
pub const MAX_HEARTBEAT_MS: u64 = 60_000;
/// Most interim responses listed in `interim`.
pub const MAX_INTERIM: usize = 10;
/// Largest `retry_after`, one day.
pub const MAX_RETRY_AFTER: u64 = 86_400;
/// Most `header` parameters, and the longest value.
pub const MAX_EXTRA_HEADERS: usize = 20;
pub const MAX_HEADER_VALUE: usize = 1024;
/// Most codes in a random choice.
pub const MAX_CHOICES: usize = 20;
/// Longest `location`.
pub const MAX_LOCATION: usize = 2048;

/// Codes to choose from, with weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub options: Vec<(u16, f64)>,
}

impl Choice {
    /// Picks one code: the only one, or at random by weight. `unit` is a uniform random number in [0, 1).
    pub fn pick(&self, unit: f64) -> u16 {
        let total: f64 = self.options.iter().map(|(_, w)| w).sum();
        let mut target = unit * total;
        for &(code, weight) in &self.options {
            if target < weight {
                return code;
            }
            target -= weight;
        }
        // Rounding at the top end: the last option with a weight.
        self.options
            .iter()
            .rev()
            .find(|(_, w)| *w > 0.0)
            .map_or(self.options[0].0, |(c, _)| *c)
    }
}

const SPEC_HELP: &str = "use /status/{code} with a three-digit code from 100 to 599 (e.g. /status/404), \
     a random choice such as /status/200,503, or weights such as /status/200:0.9,503:0.1";

/// Parses `404`, `200,503` or `200:0.9,503:0.1`.
pub fn parse_spec(spec: &str) -> Result<Choice, String> {
    // The commonest spec, one code, needs no decoding or splitting.
    if spec.len() == 3 && spec.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Choice {
            options: vec![(parse_code(spec)?, 1.0)],
        });
    }
    let spec = super::query::decode(spec, spec).map_err(|e| e.to_string())?;
    if spec.is_empty() {
        return Err(format!("no status code given: {SPEC_HELP}"));
    }
    let items: Vec<&str> = spec.split(',').collect();
    if items.len() > MAX_CHOICES {
        return Err(format!(
            "at most {MAX_CHOICES} codes can be chosen from; got {}",
            items.len()
        ));
    }
    let mut options = Vec::with_capacity(items.len());
    for item in items {
        let (code_text, weight) = match item.split_once(':') {
            Some((code, weight)) => {
                let w: f64 = weight
                    .trim()
                    .parse()
                    .ok()
                    .filter(|w: &f64| w.is_finite() && *w >= 0.0)
                    .ok_or_else(|| format!("the weight {weight:?} of {code} is not a non-negative number such as 0.9"))?;
                (code, w)
            }
            None => (item, 1.0),
        };
        options.push((parse_code(code_text)?, weight));
    }
    let total: f64 = options.iter().map(|(_, w)| w).sum();
    if total <= 0.0 {
        return Err("the weights add up to zero; give at least one code a positive weight".into());
    }
    if !total.is_finite() {
        // `pick` scales a unit random number by the total: an infinite total would pick by rounding only.
        return Err(format!(
            "the weights of {spec:?} add up to more than a number can hold; use weights such as 0.9 and 0.1"
        ));
    }
    Ok(Choice { options })
}

/// A status code as three digits, 100 to 599.
fn parse_code(text: &str) -> Result<u16, String> {
    let text = text.trim();
    if text.len() == 3 && text.bytes().all(|b| b.is_ascii_digit()) {
        let code: u16 = text.parse().expect("three digits");
        if (100..=599).contains(&code) {
            return Ok(code);
        }
        return Err(format!(
            "{code} is not an HTTP status code: status codes run from 100 to 599; {SPEC_HELP}"
        ));
    }
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{text} is not an HTTP status code: status codes are three digits, 100 to 599; {SPEC_HELP}"
        ));
    }
    Err(format!("{text:?} is not a status code; {SPEC_HELP}"))
}

/// The validated query parameters of `/status/{spec}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatusParams {
    pub sleep: Duration,
    pub heartbeat: Option<Duration>,
    pub interim: Vec<u16>,
    pub retry_after: Option<u64>,
    pub location: Option<String>,
    pub headers: Vec<(String, String)>,
}

const PARAMS_HELP: &str = "valid parameters: sleep=MS, heartbeat=MS, interim=1xx[,1xx...], retry_after=SECONDS, \
     location=/same/origin/path, header=Name:Value (repeatable)";

/// Parses and validates the query of `/status/{spec}`.
pub fn parse_status_params(query: Option<&str>) -> Result<StatusParams, String> {
    let pairs = parse_query(query).map_err(|e| e.to_string())?;
    let mut params = StatusParams::default();
    let mut seen: Vec<&str> = Vec::new();
    for (name, value) in &pairs {
        if name != "header" {
            if seen.contains(&name.as_str()) {
                return Err(format!(
                    "parameter {name} is given more than once; give it once"
                ));
            }
            seen.push(name);
        }
        match name.as_str() {
            "sleep" => {
                let ms = parse_integer(name, value, 0, MAX_SLEEP_MS, "milliseconds")?;
                params.sleep = Duration::from_millis(ms);
            }
            "heartbeat" => {
                let ms = parse_integer(
                    name,
                    value,
                    MIN_HEARTBEAT_MS,
                    MAX_HEARTBEAT_MS,
                    "milliseconds",
                )?;
                params.heartbeat = Some(Duration::from_millis(ms));
            }
            "interim" => params.interim = parse_interim(value)?,
            "retry_after" => {
                params.retry_after =
                    Some(parse_integer(name, value, 0, MAX_RETRY_AFTER, "seconds")?)
            }
            "location" => params.location = Some(parse_location(value)?),
            "header" => {
                if params.headers.len() == MAX_EXTRA_HEADERS {
                    return Err(format!(
                        "at most {MAX_EXTRA_HEADERS} header parameters are allowed"
                    ));
                }
                params.headers.push(parse_header(value)?);
            }
            other => return Err(format!("unknown parameter {other:?}; {PARAMS_HELP}")),
        }
    }
    if params.heartbeat.is_some() && params.sleep.is_zero() {
        return Err("heartbeat sends 102 Processing while sleeping: give sleep=MS too".into());
    }
    Ok(params)
}

/// A whole number within bounds.
pub fn parse_integer(
    name: &str,
    value: &str,
    min: u64,
    max: u64,
    unit: &str,
) -> Result<u64, String> {
    value
        .parse::<u64>()
        .ok()
        .filter(|v| (min..=max).contains(v) && value.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            format!("{name} must be a whole number of {unit} from {min} to {max}; got {value:?}")
        })
}

/// `102,103`: interim codes (1xx other than 101, which switches protocols).
fn parse_interim(value: &str) -> Result<Vec<u16>, String> {
    let help = "interim takes 1xx codes other than 101, separated by commas, e.g. interim=103,102";
    let mut codes = Vec::new();
    for item in value.split(',') {
        let code: u16 = match item.trim() {
            t if t.len() == 3 && t.bytes().all(|b| b.is_ascii_digit()) => {
                t.parse().expect("three digits")
            }
            _ => return Err(format!("{item:?} is not a status code; {help}")),
        };
        if !(100..=199).contains(&code) || code == 101 {
            return Err(format!(
                "{code} cannot be sent as an interim response; {help}"
            ));
        }
        codes.push(code);
    }
    if codes.len() > MAX_INTERIM {
        return Err(format!(
            "at most {MAX_INTERIM} interim responses; got {}",
            codes.len()
        ));
    }
    Ok(codes)
}

/// A same-origin path: starts with one `/`, visible ASCII only.
fn parse_location(value: &str) -> Result<String, String> {
    let help = "location must be a path on this server starting with a single '/', e.g. location=/status/200";
    if !value.starts_with('/') || value.starts_with("//") || value.starts_with("/\\") {
        return Err(format!("{value:?} is not same-origin; {help}"));
    }
    if value.len() > MAX_LOCATION
        || !value.bytes().all(|b| b.is_ascii_graphic())
        || value.contains('\\')
    {
        return Err(format!(
            "{value:?} has characters a path cannot have, or is over {MAX_LOCATION} bytes; {help}"
        ));
    }
    Ok(value.to_owned())
}

/// Fields a `header` parameter may not set: framing, hop-by-hop, and what the server owns.
const FORBIDDEN_HEADERS: &[&str] = &[
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
    "date",
];

/// Fields that send a browser elsewhere: a redirect may only come from `location=`, which stays on this server.
const REDIRECT_HEADERS: &[&str] = &["location", "refresh"];

/// `Name:Value` with a token name and a value without CR, LF or other controls.
fn parse_header(value: &str) -> Result<(String, String), String> {
    let Some((name, field)) = value.split_once(':') else {
        return Err(format!(
            "header={value:?} needs the form Name:Value, e.g. header=X-Test:1"
        ));
    };
    let field = field.trim_matches([' ', '\t']);
    if !is_token(name.as_bytes()) {
        return Err(format!(
            "header={value:?}: {name:?} is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)"
        ));
    }
    if FORBIDDEN_HEADERS
        .iter()
        .any(|f| name.eq_ignore_ascii_case(f))
    {
        return Err(format!(
            "{name} cannot be set with header=: framing, hop-by-hop and Date fields are the server's ({})",
            FORBIDDEN_HEADERS.join(", ")
        ));
    }
    if REDIRECT_HEADERS
        .iter()
        .any(|f| name.eq_ignore_ascii_case(f))
    {
        return Err(format!(
            "{name} cannot be set with header=: it could redirect to another site; use location=/path, which \
             stays on this server"
        ));
    }
    if !is_field_value(field.as_bytes()) || field.len() > MAX_HEADER_VALUE {
        return Err(format!(
            "header={name}: the value has a CR, LF or other control character, or is over {MAX_HEADER_VALUE} bytes"
        ));
    }
    Ok((name.to_owned(), field.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_table() {
        let ok: &[(&str, &[(u16, f64)])] = &[
            ("404", &[(404, 1.0)]),
            ("100", &[(100, 1.0)]),
            ("599", &[(599, 1.0)]),
            ("299", &[(299, 1.0)]),
            ("200,503", &[(200, 1.0), (503, 1.0)]),
            ("200:0.9,503:0.1", &[(200, 0.9), (503, 0.1)]),
            ("200%2C503", &[(200, 1.0), (503, 1.0)]),
            ("200:0,503", &[(200, 0.0), (503, 1.0)]),
        ];
        for (spec, options) in ok {
            assert_eq!(
                parse_spec(spec).unwrap().options,
                options.to_vec(),
                "{spec}"
            );
        }
        let bad = [
            "", "abc", "42", "600", "099", "1000", "20x", "200,", "200:x", "200:-1", "200:0",
            "200:inf", "200:NaN", "2e2",
        ];
        for spec in bad {
            let error = parse_spec(spec).unwrap_err();
            assert!(!error.is_empty(), "{spec}");
        }
        assert!(parse_spec("600").unwrap_err().contains("100 to 599"));
        assert!(parse_spec(&vec!["200"; 21].join(",")).is_err());
    }

    #[test]
    fn weighted_choice_follows_weights() {
        let choice = parse_spec("200:0.9,503:0.1").unwrap();
        assert_eq!(choice.pick(0.0), 200);
        assert_eq!(choice.pick(0.89), 200);
        assert_eq!(choice.pick(0.91), 503);
        assert_eq!(choice.pick(0.999_999), 503);
        let zero_first = parse_spec("200:0,503").unwrap();
        assert_eq!(zero_first.pick(0.0), 503);
    }

    #[test]
    fn params_table() {
        let params = parse_status_params(Some(
            "sleep=250&heartbeat=100&interim=103,102&retry_after=7&location=/x?y=1&header=X-A:1&header=X-B:%20two",
        ))
        .unwrap();
        assert_eq!(params.sleep, Duration::from_millis(250));
        assert_eq!(params.heartbeat, Some(Duration::from_millis(100)));
        assert_eq!(params.interim, vec![103, 102]);
        assert_eq!(params.retry_after, Some(7));
        assert_eq!(params.location.as_deref(), Some("/x?y=1"));
        assert_eq!(
            params.headers,
            vec![("X-A".into(), "1".into()), ("X-B".into(), "two".into())]
        );

        let bad = [
            "sleep=-1",
            "sleep=60001",
            "sleep=1.5",
            "sleep=",
            "sleep=1&sleep=2",
            "heartbeat=50&sleep=1000",
            "heartbeat=100",
            "interim=101",
            "interim=200",
            "interim=abc",
            "interim=102,102,102,102,102,102,102,102,102,102,102",
            "retry_after=86401",
            "retry_after=soon",
            "location=http://evil.example/",
            "location=//evil.example/",
            "location=/\\evil",
            "location=relative",
            "location=/a%0d%0aSet-Cookie:x",
            "header=NoColon",
            "header=Bad Name:1",
            "header=Content-Length:5",
            "header=transfer-encoding:chunked",
            "header=Connection:close",
            "header=X-A:1%0d%0aInjected:1",
            "header=X-A:%00",
            "header=Location:https://evil.example/",
            "header=location:/x",
            "header=Refresh:0;url=https://evil.example/",
            "unknown=1",
            "a=%zz",
        ];
        for query in bad {
            assert!(parse_status_params(Some(query)).is_err(), "{query}");
        }
        let too_many = vec!["header=X:1"; 21].join("&");
        assert!(parse_status_params(Some(&too_many)).is_err());
    }

    #[test]
    fn weights_that_add_up_to_infinity_are_refused() {
        // Each weight is finite, but their sum is not: pick(0.0) then gave 503 instead of the first code.
        assert!(parse_spec("200:1e308,503:1e308").is_err());
        assert!(parse_spec("200:1e308,503:1").is_ok());
    }

    #[test]
    fn header_errors_name_the_header_parameter() {
        // Found by fuzzing: these said "the value of X-A ..." without naming `header=`.
        for query in [
            "header=X-A:1%0d%0aInjected:1",
            "header=X%20A:1",
            "header=X-A:%00",
        ] {
            let error = parse_status_params(Some(query)).unwrap_err();
            assert!(error.starts_with("header="), "{query}: {error}");
        }
    }
}

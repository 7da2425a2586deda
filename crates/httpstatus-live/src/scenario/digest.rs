//! HTTP Digest authentication (RFC 7616) with MD5 and SHA-256, `qop=auth`: the challenge, the nonce (signed
//! with the server's secret and valid for five minutes, so nothing is remembered per client; an expired one
//! gets `stale=true`), and the check of a client's `Authorization` (or `Proxy-Authorization`) answer.
//! Not supported, and said so when asked for: `-sess` algorithms, `qop=auth-int`, `userhash=true`. Nonce
//! counts are not tracked, so a replayed answer within the nonce's life is accepted.

use std::time::{SystemTime, UNIX_EPOCH};

use md5::Md5;
use sha2::{Digest, Sha256};

/// How long a nonce is accepted, in seconds.
pub const NONCE_LIFETIME: u64 = 300;
/// The algorithms offered.
pub const ALGORITHMS: &[&str] = &["SHA-256", "MD5"];
const OPAQUE: &str = "c2NlbmFyaW8";

/// The `WWW-Authenticate` (or `Proxy-Authenticate`) value offering `algorithm`.
pub fn challenge(secret: &[u8], realm: &str, algorithm: &str, stale: bool) -> String {
    let nonce = nonce(secret, unix_now());
    let mut value = format!(
        "Digest realm=\"{realm}\", qop=\"auth\", algorithm={algorithm}, nonce=\"{nonce}\", \
         opaque=\"{OPAQUE}\", charset=UTF-8"
    );
    if stale {
        value.push_str(", stale=true");
    }
    value
}

/// Why an answer to the challenge was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The nonce was ours but is too old: challenge again with `stale=true`.
    Stale,
    /// Anything else, with what was wrong.
    Invalid(String),
}

/// What the client's answer must match.
pub struct Expected<'a> {
    pub secret: &'a [u8],
    pub realm: &'a str,
    pub user: &'a str,
    pub password: &'a str,
    pub method: &'a str,
    pub uri: &'a str,
    /// The algorithms the URL allows.
    pub algorithms: &'a [&'a str],
}

/// Checks `Digest ...` credentials against `expected`.
pub fn verify(credentials: &str, expected: &Expected<'_>) -> Result<(), Refusal> {
    let invalid = |message: String| Err(Refusal::Invalid(message));
    let Some(params) = credentials
        .trim_start()
        .strip_prefix("Digest ")
        .map(parse_params)
    else {
        return invalid("the credentials are not of the Digest scheme".into());
    };
    let get = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let algorithm = get("algorithm").unwrap_or("MD5");
    if !expected.algorithms.contains(&algorithm) {
        return invalid(format!(
            "algorithm {algorithm} is not offered here; use {}",
            expected.algorithms.join(" or ")
        ));
    }
    if get("userhash") == Some("true") {
        return invalid("userhash=true is not supported; send the username in clear".into());
    }
    match get("qop") {
        Some("auth") => {}
        Some(other) => return invalid(format!("qop={other} is not supported; use qop=auth")),
        None => return invalid("qop is missing; RFC 7616 requires qop=auth".into()),
    }
    let (Some(username), Some(nonce), Some(uri), Some(response), Some(nc), Some(cnonce)) = (
        get("username"),
        get("nonce"),
        get("uri"),
        get("response"),
        get("nc"),
        get("cnonce"),
    ) else {
        return invalid("username, nonce, uri, response, nc and cnonce are all required".into());
    };
    if get("realm") != Some(expected.realm) {
        return invalid(format!("the realm must be {:?}", expected.realm));
    }
    if get("opaque").is_some_and(|o| o != OPAQUE) {
        return invalid("the opaque value is not the one the challenge sent".into());
    }
    if uri != expected.uri {
        return invalid(format!(
            "uri {uri:?} is not the request target {:?}",
            expected.uri
        ));
    }
    match nonce_age(expected.secret, nonce, unix_now()) {
        None => return invalid("the nonce was not issued by this server".into()),
        Some(age) if age > NONCE_LIFETIME => return Err(Refusal::Stale),
        Some(_) => {}
    }
    if username != expected.user {
        return invalid("unknown user or wrong password".into());
    }
    let hash = |text: String| hash(algorithm, &text);
    let ha1 = hash(format!(
        "{username}:{}:{}",
        expected.realm, expected.password
    ));
    let ha2 = hash(format!("{}:{uri}", expected.method));
    let wanted = hash(format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"));
    if !response.eq_ignore_ascii_case(&wanted) {
        return invalid("unknown user or wrong password".into());
    }
    Ok(())
}

/// The lowercase hex digest of `text` by `algorithm` (`MD5` or `SHA-256`).
pub fn hash(algorithm: &str, text: &str) -> String {
    let bytes: Vec<u8> = if algorithm == "MD5" {
        Md5::digest(text.as_bytes()).to_vec()
    } else {
        Sha256::digest(text.as_bytes()).to_vec()
    };
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `TIME.MAC`: the issue time in hex and a MAC over it with the server's secret.
fn nonce(secret: &[u8], now: u64) -> String {
    format!("{now:x}.{}", mac(secret, now))
}

fn mac(secret: &[u8], time: u64) -> String {
    let mut hasher = Sha256::new();
    hasher.update(secret);
    hasher.update(time.to_be_bytes());
    hasher.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The age of a nonce this server issued, or `None` for any other.
fn nonce_age(secret: &[u8], nonce: &str, now: u64) -> Option<u64> {
    let (time, mac_text) = nonce.split_once('.')?;
    let time = u64::from_str_radix(time, 16).ok()?;
    (mac(secret, time) == mac_text).then(|| now.saturating_sub(time))
}

/// `name=value, name="quoted \"value\""` pairs, in order.
pub fn parse_params(text: &str) -> Vec<(String, String)> {
    let mut params = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let Some(eq) = rest.find('=') else { break };
        let name = rest[..eq].trim().trim_start_matches(',').trim().to_owned();
        rest = rest[eq + 1..].trim_start();
        let value;
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut out = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            out.push(escaped);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => out.push(c),
                }
            }
            value = out;
            rest = &quoted[end.min(quoted.len())..];
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            value = rest[..end].trim().to_owned();
            rest = &rest[end..];
        }
        rest = rest.trim_start().trim_start_matches(',').trim_start();
        params.push((name, value));
    }
    params
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_7616_section_3_9_1_example() {
        // The worked example of RFC 7616 (user Mufasa, password "Circle of Life"), both algorithms.
        let ha1 = |alg| hash(alg, "Mufasa:http-auth@example.org:Circle of Life");
        let ha2 = |alg| hash(alg, "GET:/dir/index.html");
        let nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
        let cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        let response = |alg| {
            hash(
                alg,
                &format!("{}:{nonce}:00000001:{cnonce}:auth:{}", ha1(alg), ha2(alg)),
            )
        };
        assert_eq!(response("MD5"), "8ca523f5e9506fed4657c9700eebdbec");
        assert_eq!(
            response("SHA-256"),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
    }

    #[test]
    fn params_parse_with_quotes_and_escapes() {
        let params = parse_params(r#"username="Mu\"fasa", nc=00000001, qop=auth , uri="/a,b""#);
        assert_eq!(
            params,
            vec![
                ("username".into(), "Mu\"fasa".into()),
                ("nc".into(), "00000001".into()),
                ("qop".into(), "auth".into()),
                ("uri".into(), "/a,b".into()),
            ]
        );
    }

    #[test]
    fn nonces_are_ours_and_age() {
        let secret = b"secret";
        let issued = nonce(secret, 1000);
        assert_eq!(nonce_age(secret, &issued, 1010), Some(10));
        assert_eq!(nonce_age(b"other", &issued, 1010), None);
        assert_eq!(nonce_age(secret, "3e8.00", 1010), None);
        assert_eq!(nonce_age(secret, "garbage", 1010), None);
    }

    #[test]
    fn a_correct_answer_passes_and_a_wrong_one_does_not() {
        let secret = b"s";
        let expected = Expected {
            secret,
            realm: "r",
            user: "u",
            password: "p",
            method: "GET",
            uri: "/x",
            algorithms: ALGORITHMS,
        };
        let nonce = nonce(secret, unix_now());
        let answer = |password: &str, algorithm: &str| {
            let ha1 = hash(algorithm, &format!("u:r:{password}"));
            let ha2 = hash(algorithm, "GET:/x");
            let response = hash(algorithm, &format!("{ha1}:{nonce}:00000001:c:auth:{ha2}"));
            format!(
                "Digest username=\"u\", realm=\"r\", nonce=\"{nonce}\", uri=\"/x\", algorithm={algorithm}, \
                 qop=auth, nc=00000001, cnonce=\"c\", response=\"{response}\", opaque=\"{OPAQUE}\""
            )
        };
        assert_eq!(verify(&answer("p", "SHA-256"), &expected), Ok(()));
        assert_eq!(verify(&answer("p", "MD5"), &expected), Ok(()));
        assert!(verify(&answer("wrong", "MD5"), &expected).is_err());
        let only_sha = Expected {
            algorithms: &["SHA-256"],
            ..expected
        };
        assert!(verify(&answer("p", "MD5"), &only_sha).is_err());
        let stale = format!("{:x}.{}", 1, mac(secret, 1));
        let old = answer("p", "MD5").replace(&nonce, &stale);
        assert_eq!(verify(&old, &only_sha.with_md5()), Err(Refusal::Stale));
    }

    impl<'a> Expected<'a> {
        fn with_md5(self) -> Expected<'a> {
            Expected {
                algorithms: ALGORITHMS,
                ..self
            }
        }
    }
}

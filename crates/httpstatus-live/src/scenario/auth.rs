//! Authentication, with credentials the URL names: `/scenario/basic/{user}/{password}` (RFC 7617),
//! `/scenario/bearer/{scope}` (RFC 6750: a token `valid.SCOPE[.SCOPE...]` is valid and grants those scopes;
//! a valid token without the scope is a 403), `/scenario/digest/{user}/{password}?algorithm=` (RFC 7616, in
//! [`super::digest`]). `/scenario/proxy/...` is each of them as a proxy asks: 407 with
//! `Proxy-Authenticate`, answered in `Proxy-Authorization`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use super::digest::{self, Expected, Refusal};
use super::{Params, Scenarios, bad_request, json_response, parse_key, problem, send};
use httpstatus_server::{Exchange, ExchangeError, Response};

/// The realm every challenge names.
pub const REALM: &str = "httpstatus scenario";

/// Where the challenge and the credentials go: the origin server's fields or the proxy's.
struct Side {
    status: u16,
    challenge: &'static str,
    credentials: &'static str,
}

const ORIGIN: Side = Side {
    status: 401,
    challenge: "WWW-Authenticate",
    credentials: "authorization",
};
const PROXY: Side = Side {
    status: 407,
    challenge: "Proxy-Authenticate",
    credentials: "proxy-authorization",
};

/// Answers `/scenario/{basic,bearer,digest}/...` and `/scenario/proxy/...`.
pub async fn handle(
    scenarios: &Scenarios,
    ex: &mut Exchange<'_>,
    segments: &[&str],
) -> Result<(), ExchangeError> {
    let (side, rest) = match segments {
        ["proxy", rest @ ..] => (&PROXY, rest),
        rest => (&ORIGIN, rest),
    };
    let allowed: &[&str] = if rest.first() == Some(&"digest") {
        &["algorithm"]
    } else {
        &[]
    };
    let params = match Params::parse(ex.request().query(), allowed) {
        Ok(params) => params,
        Err(message) => return send(ex, bad_request(&message)).await,
    };
    let credentials = ex
        .request()
        .headers
        .get_str(side.credentials)
        .map(str::to_owned);
    let response = match rest {
        ["basic", user, password] => parse_key(Some(user))
            .and_then(|user| Ok((user, parse_key(Some(password))?)))
            .map(|(user, password)| basic(side, &user, &password, credentials.as_deref())),
        ["bearer", scope] => {
            parse_key(Some(scope)).map(|scope| bearer(side, &scope, credentials.as_deref()))
        }
        ["digest", user, password] => {
            let algorithms: &[&str] = match params.get("algorithm") {
                None => digest::ALGORITHMS,
                Some("SHA-256") => &["SHA-256"],
                Some("MD5") => &["MD5"],
                Some(other) => {
                    let message = format!(
                        "algorithm is SHA-256 or MD5 (without it, both are offered, SHA-256 first); got \
                         {other:?}"
                    );
                    return send(ex, bad_request(&message)).await;
                }
            };
            parse_key(Some(user))
                .and_then(|user| Ok((user, parse_key(Some(password))?)))
                .map(|(user, password)| {
                    let expected = Expected {
                        secret: scenarios.secret(),
                        realm: REALM,
                        user: &user,
                        password: &password,
                        method: &ex.request().method,
                        uri: &ex.request().target,
                        algorithms,
                    };
                    digest_answer(side, &expected, credentials.as_deref())
                })
        }
        _ => Err(
            "use /scenario/basic/{user}/{password}, /scenario/bearer/{scope}, \
             /scenario/digest/{user}/{password}, or any of them after /scenario/proxy"
                .into(),
        ),
    };
    match response {
        Ok(response) => send(ex, response).await,
        Err(message) => send(ex, bad_request(&message)).await,
    }
}

/// The 401 or 407 with its challenges.
fn challenge(side: &Side, challenges: &[String], detail: &str) -> Response {
    let mut response = problem(side.status, detail, json!({}));
    for value in challenges {
        response
            .headers
            .append(side.challenge, value)
            .expect("challenges are valid fields");
    }
    response
}

fn authenticated(scheme: &str, user: &str) -> Response {
    json_response(
        200,
        &json!({ "authenticated": true, "scheme": scheme, "user": user }),
    )
}

fn basic(side: &Side, user: &str, password: &str, credentials: Option<&str>) -> Response {
    let offer = [format!("Basic realm=\"{REALM}\", charset=\"UTF-8\"")];
    let Some(credentials) = credentials else {
        let detail = format!(
            "send {} with Basic credentials for user {user:?} and password {password:?}",
            side.credentials
        );
        return challenge(side, &offer, &detail);
    };
    let decoded = credentials
        .strip_prefix("Basic ")
        .and_then(|b64| STANDARD.decode(b64.trim()).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok());
    match decoded {
        Some(pair) if pair == format!("{user}:{password}") => authenticated("Basic", user),
        Some(_) => challenge(side, &offer, "wrong user or password"),
        None => challenge(
            side,
            &offer,
            "the credentials are not Basic with base64 of user:password",
        ),
    }
}

fn bearer(side: &Side, scope: &str, credentials: Option<&str>) -> Response {
    let offer = format!("Bearer realm=\"{REALM}\", scope=\"{scope}\"");
    let Some(token) = credentials.and_then(|c| c.strip_prefix("Bearer ")) else {
        let detail = format!(
            "send {} with a Bearer token; tokens of the form valid.SCOPE are valid here, e.g. valid.{scope}",
            side.credentials
        );
        return challenge(side, &[offer], &detail);
    };
    let mut parts = token.trim().split('.');
    if parts.next() != Some("valid") {
        let value = format!(
            "Bearer realm=\"{REALM}\", scope=\"{scope}\", error=\"invalid_token\", \
             error_description=\"tokens start with valid.\""
        );
        let detail = format!("the token is not valid here; use valid.{scope}");
        return challenge(side, &[value], &detail);
    }
    let scopes: Vec<&str> = parts.collect();
    if !scopes.contains(&scope) {
        // A valid token without the scope: 403, the challenge saying which scope is needed (RFC 6750 3.1).
        let detail = format!(
            "the token is valid but grants {scopes:?}, not the scope {scope:?} this resource needs"
        );
        let mut response = problem(403, &detail, json!({ "required_scope": scope }));
        response
            .headers
            .append(
                side.challenge,
                format!(
                    "Bearer realm=\"{REALM}\", scope=\"{scope}\", error=\"insufficient_scope\""
                ),
            )
            .expect("a valid field");
        return response;
    }
    json_response(
        200,
        &json!({ "authenticated": true, "scheme": "Bearer", "scopes": scopes }),
    )
}

fn digest_answer(side: &Side, expected: &Expected<'_>, credentials: Option<&str>) -> Response {
    let offers = |stale: bool| -> Vec<String> {
        expected
            .algorithms
            .iter()
            .map(|alg| digest::challenge(expected.secret, REALM, alg, stale))
            .collect()
    };
    let Some(credentials) = credentials else {
        let detail = format!(
            "send {} with Digest credentials (RFC 7616) for user {:?} and password {:?}",
            side.credentials, expected.user, expected.password
        );
        return challenge(side, &offers(false), &detail);
    };
    match digest::verify(credentials, expected) {
        Ok(()) => authenticated("Digest", expected.user),
        Err(Refusal::Stale) => challenge(
            side,
            &offers(true),
            "the nonce has expired; answer the new challenge",
        ),
        Err(Refusal::Invalid(message)) => challenge(side, &offers(false), &message),
    }
}

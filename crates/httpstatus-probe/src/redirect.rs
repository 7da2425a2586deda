//! Following redirects (`-L`): the next request a redirect asks for, what changes about it and why, and the
//! checks across hops (loops, too many hops, a downgrade from https to http).

use crate::record::{RedirectRecord, Transcript, Warning};
use crate::request::{ProbeRequest, Scheme, target_of};

/// What to do after one hop.
#[derive(Debug)]
pub(crate) enum Next {
    /// Not a redirect we can follow: this hop is the last.
    Stop,
    /// Follow it with this request.
    Follow(Box<ProbeRequest>, RedirectRecord),
    /// A redirect that cannot be followed, and why.
    Refuse(Warning),
}

/// The request a redirect leads to.
pub(crate) fn next(request: &ProbeRequest, transcript: &Transcript) -> Next {
    let Some(last) = transcript.final_head() else {
        return Next::Stop;
    };
    let status = last.status;
    if !matches!(status, 301 | 302 | 303 | 307 | 308) {
        return Next::Stop;
    }
    let Some(location) = last.header("location") else {
        return Next::Stop;
    };
    let base = match url::Url::parse(&request.target.url()) {
        Ok(base) => base,
        Err(_) => return Next::Stop,
    };
    let refuse = |message: String| {
        Next::Refuse(Warning {
            message,
            page: format!("/{status}"),
        })
    };
    let url = match base.join(location) {
        Ok(url) => url,
        Err(e) => {
            return refuse(format!(
                "the Location `{location}` is not a valid URL ({e}); nothing was followed"
            ));
        }
    };
    let target = match target_of(&url) {
        Ok(target) => target,
        Err(e) => return refuse(format!("the Location `{location}` cannot be followed: {e}")),
    };
    let method = request.method.to_ascii_uppercase();
    let (next_method, note) = match status {
        303 if method == "HEAD" => (
            "HEAD".to_owned(),
            "look at the other resource; HEAD stays HEAD".to_owned(),
        ),
        303 => (
            "GET".to_owned(),
            format!(
                "303 See Other: fetch the other resource with GET{}",
                if method == "GET" {
                    String::new()
                } else {
                    format!(" (the {method} and its body are not repeated)")
                }
            ),
        ),
        301 | 302 if method == "POST" => (
            "GET".to_owned(),
            format!(
                "{status}: a POST becomes a GET without its body, as browsers and curl -L do (RFC 9110 allows it); use 307 or 308 to keep the method"
            ),
        ),
        301 | 302 => (
            method.clone(),
            format!("the same {method} again at the new URL"),
        ),
        _ => (
            method.clone(),
            format!("the method ({method}) and body must be kept"),
        ),
    };
    let mut next = request.clone();
    next.target = target;
    if next_method != method {
        next.body = None;
        next.headers.retain(|(n, _)| {
            ![
                "content-length",
                "content-type",
                "transfer-encoding",
                "expect",
            ]
            .contains(&n.to_ascii_lowercase().as_str())
        });
    }
    if request.target.authority != next.target.authority
        || request.target.scheme != next.target.scheme
    {
        // Credentials are for the origin that asked for them.
        next.headers.retain(|(n, _)| {
            !["authorization", "cookie"].contains(&n.to_ascii_lowercase().as_str())
        });
    }
    next.method = next_method.clone();
    let record = RedirectRecord {
        status,
        location: next.target.url(),
        method: next_method,
        note,
    };
    Next::Follow(Box::new(next), record)
}

/// A warning when a hop goes from https to http.
pub(crate) fn downgrade(from: &ProbeRequest, to: &ProbeRequest, status: u16) -> Option<Warning> {
    (from.target.scheme == Scheme::Https && to.target.scheme == Scheme::Http).then(|| Warning {
        message: format!(
            "the redirect from {} goes from https to http: {} travels in the clear and can be read or changed on the way",
            from.target.url(),
            to.target.url()
        ),
        page: format!("/{status}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_target;
    use crate::record::ResponseRecord;

    fn redirect(status: u16, location: &str) -> Transcript {
        let mut t = Transcript::new("POST", "https://a.example/form".into());
        t.responses.push(ResponseRecord {
            status,
            reason: String::new(),
            interim: false,
            headers: vec![("Location".into(), location.into())],
            at_ms: 0.0,
            explanation: String::new(),
        });
        t
    }

    #[test]
    fn methods_change_as_the_code_says() {
        let mut post = ProbeRequest::get(parse_target("https://a.example/form").unwrap());
        post.method = "POST".into();
        post.body = Some(b"x=1".to_vec());
        post.headers = vec![("Content-Type".into(), "text/plain".into())];
        for (status, method, body) in [
            (301, "GET", false),
            (302, "GET", false),
            (303, "GET", false),
            (307, "POST", true),
            (308, "POST", true),
        ] {
            let Next::Follow(next, record) = next(&post, &redirect(status, "/done")) else {
                panic!("{status} is followed");
            };
            assert_eq!(
                (next.method.as_str(), next.body.is_some()),
                (method, body),
                "{status}"
            );
            assert_eq!(record.location, "https://a.example/done");
            assert_eq!(next.headers.is_empty(), !body, "{status}");
        }
    }

    #[test]
    fn downgrades_and_bad_locations() {
        let from = ProbeRequest::get(parse_target("https://a.example/").unwrap());
        let Next::Follow(to, _) = next(&from, &redirect(301, "http://a.example/")) else {
            panic!("followed");
        };
        assert!(downgrade(&from, &to, 301).is_some());
        assert!(matches!(
            next(&from, &redirect(302, "ftp://a.example/")),
            Next::Refuse(_)
        ));
        assert!(matches!(next(&from, &redirect(200, "/x")), Next::Stop));
    }
}

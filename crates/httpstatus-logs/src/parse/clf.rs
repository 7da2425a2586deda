//! The Common Log Format family: `common`, `combined` (nginx and Apache) with nginx's optional trailing
//! timing and upstream fields, and Traefik's text access log.

use super::fields::{Fields, request_target};
use crate::record::{self, Record, Second};
use crate::time;

/// The fields every CLF line starts with: client, ident, user, time, request, status, bytes.
fn head<'a>(f: &mut Fields<'a>) -> Result<Record<'a>, &'static str> {
    let client = f.next_field().ok_or("empty line")?;
    f.next_field().ok_or("no ident field")?;
    f.next_field().ok_or("no user field")?;
    let when = f.next_field().ok_or("no time field")?;
    let time = time::parse_clf(when).ok_or("the time is not [dd/Mon/yyyy:hh:mm:ss zone]")?;
    let request = f.next_field().ok_or("no quoted request")?;
    let status = record::status(f.next_field().ok_or("no status")?)
        .map_err(|_| "the status is not three digits")?;
    let bytes = f.next_field().ok_or("no byte count")?;
    if bytes != b"-" && !bytes.iter().all(u8::is_ascii_digit) {
        return Err("the byte count is not a number");
    }
    Ok(Record {
        time: Some(time),
        status,
        client: record::text(client),
        path: request_target(request).and_then(record::path_of),
        ..Record::default()
    })
}

/// `common`: the seven CLF fields; anything after them is ignored.
pub fn common(line: &[u8]) -> Result<Record<'_>, &'static str> {
    head(&mut Fields::new(line))
}

fn referer_and_agent<'a>(f: &mut Fields<'a>, r: &mut Record<'a>) -> Result<(), &'static str> {
    if !f.rest().starts_with(b"\"") {
        return Err("no quoted referer");
    }
    f.next_field().ok_or("unterminated referer")?;
    if !f.rest().starts_with(b"\"") {
        return Err("no quoted user agent");
    }
    r.user_agent = record::text(f.next_field().ok_or("unterminated user agent")?);
    Ok(())
}

/// `combined`, then nginx's optional trailing fields.
pub fn combined(line: &[u8]) -> Result<Record<'_>, &'static str> {
    let mut f = Fields::new(line);
    let mut r = head(&mut f)?;
    referer_and_agent(&mut f, &mut r)?;
    trailer(f.rest(), &mut r);
    Ok(r)
}

/// Traefik: combined, then `<requests> "<router>" "<server URL>" <duration>ms`.
pub fn traefik(line: &[u8]) -> Result<Record<'_>, &'static str> {
    let mut f = Fields::new(line);
    let mut r = head(&mut f)?;
    referer_and_agent(&mut f, &mut r)?;
    let count = f.next_field().ok_or("no Traefik request count")?;
    if !count.iter().all(u8::is_ascii_digit) {
        return Err("the Traefik request count is not a number");
    }
    f.next_field().ok_or("no Traefik router name")?;
    f.next_field().ok_or("no Traefik server URL")?;
    let duration = f.next_field().ok_or("no Traefik duration")?;
    let ms = duration
        .strip_suffix(b"ms")
        .ok_or("the Traefik duration does not end in ms")?;
    r.latency_ms = record::number(ms);
    Ok(r)
}

/// nginx's trailing fields after `combined`: named (`rt=0.1 us=502 urt=0.1`, `request_time=...`) or bare
/// (`0.100 502 0.099`): a number with a decimal point is a time (the request's first, then the upstream's);
/// a three-digit number, or a list such as `502, 504` or `502 : 200`, is the upstream status; a lone `-`
/// is an upstream status that was never set when no status came before it.
fn trailer<'a>(rest: &'a [u8], r: &mut Record<'a>) {
    if rest.is_empty() {
        return;
    }
    let words: Vec<&[u8]> = rest
        .split(|&b| b == b' ')
        .filter(|w| !w.is_empty())
        .collect();
    let mut saw_time = false;
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        let (key, value) = match memchr::memchr(b'=', word) {
            Some(eq) => (&word[..eq], &word[eq + 1..]),
            None => (&b""[..], word),
        };
        // A status list continues over ", " and " : " separators.
        let mut list: Vec<&[u8]> = vec![value];
        while i + 1 < words.len()
            && (list.last().is_some_and(|v| v.ends_with(b",")) || words[i + 1] == b":")
        {
            i += 1;
            if words[i] == b":" && i + 1 < words.len() {
                i += 1;
            }
            list.push(words[i]);
        }
        let last = list
            .last()
            .map(|v| v.strip_suffix(b",").unwrap_or(v))
            .unwrap_or(b"");
        let last = unquote(last);
        match key {
            b"rt" | b"request_time" => r.latency_ms = record::number(last).map(|s| s * 1000.0),
            b"us" | b"ups" | b"upstream_status" => r.second = second(last),
            b"urt" | b"upstream_response_time" | b"uct" | b"uht" => {}
            b"" => {
                if last.contains(&b'.') && record::number(last).is_some() {
                    if !saw_time {
                        r.latency_ms = record::number(last).map(|s| s * 1000.0);
                        saw_time = true;
                    }
                } else if matches!(record::status(last), Ok(Some(_))) {
                    r.second = second(last);
                } else if last == b"-" && r.second == Second::Absent {
                    r.second = Second::NoResponse;
                }
            }
            _ => {}
        }
        i += 1;
    }
}

fn second(value: &[u8]) -> Second {
    match record::status(value) {
        Ok(Some(code)) => Second::Code(code),
        _ => Second::NoResponse,
    }
}

fn unquote(value: &[u8]) -> &[u8] {
    let v = value.strip_prefix(b"\"").unwrap_or(value);
    v.strip_suffix(b"\"").unwrap_or(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMBINED: &[u8] = br#"203.0.113.9 - - [01/May/2024:10:00:00 +0000] "GET /api/orders?id=7 HTTP/1.1" 502 166 "-" "curl/8.5.0""#;

    #[test]
    fn combined_lines() {
        let r = combined(COMBINED).unwrap();
        assert_eq!(r.status, Some(502));
        assert_eq!(r.path.as_deref(), Some("/api/orders"));
        assert_eq!(r.user_agent.as_deref(), Some("curl/8.5.0"));
        assert_eq!(r.client.as_deref(), Some("203.0.113.9"));
        assert_eq!(r.second, Second::Absent);
        assert!(common(COMBINED).is_ok());
        assert!(combined(b"garbage").is_err());
    }

    #[test]
    fn nginx_trailers() {
        let mut line = COMBINED.to_vec();
        line.extend_from_slice(b" 30.001 502, 504 30.000");
        let r = combined(&line).unwrap();
        assert_eq!(r.second, Second::Code(504));
        assert_eq!(r.latency_ms, Some(30001.0));

        let mut line = COMBINED.to_vec();
        line.extend_from_slice(b" rt=10.002 us=- urt=-");
        let r = combined(&line).unwrap();
        assert_eq!(r.second, Second::NoResponse);
        assert_eq!(r.latency_ms, Some(10002.0));

        let mut line = COMBINED.to_vec();
        line.extend_from_slice(b" 0.5 - -");
        assert_eq!(combined(&line).unwrap().second, Second::NoResponse);
    }

    #[test]
    fn dash_request_and_tls_garbage_keep_their_status() {
        let r = combined(br#"198.51.100.4 - - [01/May/2024:10:00:00 +0000] "-" 408 0 "-" "-""#)
            .unwrap();
        assert_eq!((r.status, r.path), (Some(408), None));
        let r = combined(br#"198.51.100.4 - - [01/May/2024:10:00:00 +0000] "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" 400 157 "-" "-""#).unwrap();
        assert_eq!(r.status, Some(400));
    }

    #[test]
    fn traefik_lines() {
        let line = br#"10.0.0.2 - - [01/May/2024:10:00:00 +0000] "GET /x HTTP/1.1" 503 10 "-" "Go-http-client/1.1" 42 "web@docker" "http://172.17.0.3:80" 17ms"#;
        let r = traefik(line).unwrap();
        assert_eq!((r.status, r.latency_ms), (Some(503), Some(17.0)));
        assert!(traefik(COMBINED).is_err());
    }
}

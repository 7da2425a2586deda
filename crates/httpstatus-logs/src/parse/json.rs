//! JSON-lines access logs: Cloudflare Logpush (`http_requests`), Caddy (`http.log.access`) and Traefik.

use std::borrow::Cow;

use serde_json::Value;

use crate::format::Format;
use crate::record::{self, Record, Second};
use crate::time;

fn string(v: Option<&Value>) -> Option<Cow<'static, str>> {
    match v? {
        Value::String(s) if !s.is_empty() && s != "-" => Some(Cow::Owned(s.clone())),
        _ => None,
    }
}

fn code(v: Option<&Value>) -> Result<Option<u16>, &'static str> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(0) => Ok(None),
            Some(c) if c <= 999 => Ok(Some(c as u16)),
            _ => Err("the status is not a number from 0 to 999"),
        },
        Some(Value::String(s)) => {
            record::status(s.as_bytes()).map_err(|_| "the status is not three digits")
        }
        Some(_) => Err("the status is not a number"),
    }
}

fn second(v: Option<&Value>) -> Result<Second, &'static str> {
    Ok(match (v.is_some(), code(v)?) {
        (false, _) => Second::Absent,
        (true, None) => Second::NoResponse,
        (true, Some(c)) => Second::Code(c),
    })
}

/// A timestamp as a JSON number (epoch seconds, milliseconds or nanoseconds) or an RFC 3339 string.
fn when(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => match n.as_i64() {
            Some(i) => time::from_epoch_integer(i),
            None => time::from_epoch_number(n.as_f64()?),
        },
        Value::String(s) => time::parse_iso(s.as_bytes())
            .or_else(|| s.parse::<f64>().ok().and_then(time::from_epoch_number)),
        _ => None,
    }
}

fn path(v: Option<&Value>) -> Option<Cow<'static, str>> {
    match v? {
        Value::String(s) => record::path_of(s.as_bytes()).map(|p| Cow::Owned(p.into_owned())),
        _ => None,
    }
}

/// A Go duration string (`1.5ms`, `2s`, `350µs`) in milliseconds.
fn go_duration(s: &str) -> Option<f64> {
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (n, unit) = s.split_at(split);
    let n: f64 = n.parse().ok()?;
    let scale = match unit {
        "ns" => 1e-6,
        "us" | "µs" => 1e-3,
        "ms" => 1.0,
        "s" => 1000.0,
        "m" => 60_000.0,
        _ => return None,
    };
    Some(n * scale)
}

pub fn line(format: Format, line: &[u8]) -> Result<Record<'static>, &'static str> {
    let value: Value =
        serde_json::from_slice(line).map_err(|_| "not a JSON object (or not valid UTF-8)")?;
    let Value::Object(o) = value else {
        return Err("not a JSON object");
    };
    let mut r = Record::default();
    match format {
        Format::Cloudflare => {
            if !o.contains_key("EdgeResponseStatus") {
                return Err("no EdgeResponseStatus field");
            }
            r.status = code(o.get("EdgeResponseStatus"))?;
            r.second = second(o.get("OriginResponseStatus"))?;
            r.path = path(o.get("ClientRequestPath")).or_else(|| path(o.get("ClientRequestURI")));
            r.client = string(o.get("ClientIP"));
            r.user_agent = string(o.get("ClientRequestUserAgent"));
            let start = when(o.get("EdgeStartTimestamp"));
            let end = when(o.get("EdgeEndTimestamp"));
            r.time = start.or(end);
            if let (Some(s), Some(e)) = (start, end) {
                r.latency_ms = (e >= s).then(|| (e - s) as f64);
            }
            r.detail = string(o.get("CacheCacheStatus")).map(|c| Cow::Owned(format!("cache {c}")));
        }
        Format::Caddy => {
            let request = o
                .get("request")
                .and_then(Value::as_object)
                .ok_or("no request object")?;
            if !o.contains_key("status") {
                return Err("no status field");
            }
            r.status = code(o.get("status"))?;
            r.time = when(o.get("ts"));
            r.path = path(request.get("uri"));
            r.client =
                string(request.get("client_ip")).or_else(|| string(request.get("remote_ip")));
            r.user_agent = request
                .get("headers")
                .and_then(|h| h.get("User-Agent"))
                .and_then(|ua| ua.get(0).or(Some(ua)))
                .and_then(|ua| string(Some(ua)));
            r.latency_ms = match o.get("duration") {
                Some(Value::Number(n)) => n.as_f64().map(|s| s * 1000.0),
                Some(Value::String(s)) => go_duration(s),
                _ => None,
            };
        }
        Format::TraefikJson => {
            if !o.contains_key("DownstreamStatus") {
                return Err("no DownstreamStatus field");
            }
            r.status = code(o.get("DownstreamStatus"))?;
            r.second = second(o.get("OriginStatus"))?;
            r.time = when(o.get("StartUTC")).or_else(|| when(o.get("time")));
            r.path = path(o.get("RequestPath"));
            r.client = string(o.get("ClientHost"));
            r.user_agent = string(o.get("request_User-Agent"));
            r.latency_ms = o.get("Duration").and_then(Value::as_f64).map(|ns| ns / 1e6);
            r.detail = string(o.get("ServiceName")).map(|s| Cow::Owned(format!("service {s}")));
        }
        _ => return Err("not a JSON log format"),
    }
    Ok(r)
}

/// Which JSON format a line looks like, from its keys.
pub fn sniff(line: &[u8]) -> Option<Format> {
    let has = |key: &str| memchr::memmem::find(line, key.as_bytes()).is_some();
    if has("\"EdgeResponseStatus\"") {
        Some(Format::Cloudflare)
    } else if has("\"DownstreamStatus\"") {
        Some(Format::TraefikJson)
    } else if has("\"http.log.access") || (has("\"request\"") && has("\"status\"")) {
        Some(Format::Caddy)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloudflare_edge_and_origin() {
        let l = br#"{"ClientIP":"2001:db8::2","ClientRequestHost":"example.com","ClientRequestMethod":"GET","ClientRequestURI":"/api?x=1","ClientRequestUserAgent":"Mozilla/5.0","EdgeStartTimestamp":1714557600000000000,"EdgeEndTimestamp":1714557600250000000,"EdgeResponseStatus":520,"OriginResponseStatus":0,"CacheCacheStatus":"miss","RayID":"8a1b2c3d4e5f6789"}"#;
        let r = line(Format::Cloudflare, l).unwrap();
        assert_eq!((r.status, r.second), (Some(520), Second::NoResponse));
        assert_eq!(r.latency_ms, Some(250.0));
        assert_eq!(r.time, Some(1_714_557_600_000));
        assert_eq!(r.path.as_deref(), Some("/api"));
        assert_eq!(sniff(l), Some(Format::Cloudflare));
    }

    #[test]
    fn caddy_and_traefik() {
        let l = br#"{"level":"info","ts":1714557600.5,"logger":"http.log.access.log0","msg":"handled request","request":{"remote_ip":"127.0.0.1","client_ip":"127.0.0.1","proto":"HTTP/2.0","method":"GET","host":"localhost","uri":"/x?y","headers":{"User-Agent":["curl/8.5.0"]}},"bytes_read":0,"duration":0.0025,"size":10,"status":404}"#;
        let r = line(Format::Caddy, l).unwrap();
        assert_eq!((r.status, r.latency_ms), (Some(404), Some(2.5)));
        assert_eq!(r.user_agent.as_deref(), Some("curl/8.5.0"));
        assert_eq!(sniff(l), Some(Format::Caddy));

        let t = br#"{"ClientHost":"10.0.0.9","DownstreamStatus":502,"OriginStatus":0,"Duration":30000000000,"RequestPath":"/slow","StartUTC":"2024-05-01T10:00:00.5Z","ServiceName":"api@docker","request_User-Agent":"k6/0.50"}"#;
        let r = line(Format::TraefikJson, t).unwrap();
        assert_eq!((r.status, r.second), (Some(502), Second::NoResponse));
        assert_eq!(r.latency_ms, Some(30000.0));
        assert!(line(Format::TraefikJson, b"{\"x\":1}").is_err());
        assert!(line(Format::Caddy, b"{not json").is_err());
        assert!((go_duration("350\u{b5}s").unwrap() - 0.35).abs() < 1e-9);
    }
}

//! AWS load balancer access logs: Application Load Balancer (first field is the connection type) and
//! Classic Load Balancer (first field is the time). Field order from the Elastic Load Balancing user
//! guides, "Access log entries".

use super::fields::{Fields, host_of, request_target};
use crate::record::{self, Record, Second};
use crate::time;

const ALB_TYPES: [&[u8]; 6] = [b"http", b"https", b"h2", b"grpcs", b"ws", b"wss"];

/// The three processing times; the total only when all three were measured (the load balancer writes -1
/// when it could not dispatch the request or the target closed the connection).
fn latency(request: &[u8], target: &[u8], response: &[u8]) -> Option<f64> {
    let parts = [request, target, response].map(record::number);
    match parts {
        [Some(a), Some(b), Some(c)] => Some((a + b + c) * 1000.0),
        _ => None,
    }
}

fn second(target_status: &[u8]) -> Result<Second, &'static str> {
    match record::status(target_status) {
        Ok(Some(code)) => Ok(Second::Code(code)),
        Ok(None) => Ok(Second::NoResponse),
        Err(_) => Err("the target status is not three digits or -"),
    }
}

/// Shared tail of both layouts: from the client address to the user agent.
fn common_part<'a>(f: &mut Fields<'a>, r: &mut Record<'a>) -> Result<(), &'static str> {
    let client = f.next_field().ok_or("no client address")?;
    f.next_field().ok_or("no target address")?;
    let (a, b, c) = (
        f.next_field().ok_or("no request processing time")?,
        f.next_field().ok_or("no target processing time")?,
        f.next_field().ok_or("no response processing time")?,
    );
    if record::number(a).is_none() && a != b"-1" {
        return Err("the request processing time is not a number");
    }
    r.latency_ms = latency(a, b, c);
    r.status = record::status(f.next_field().ok_or("no status")?)
        .map_err(|_| "the load balancer status is not three digits or -")?;
    r.second = second(f.next_field().ok_or("no target status")?)?;
    f.next_field().ok_or("no received bytes")?;
    f.next_field().ok_or("no sent bytes")?;
    let request = f.next_field().ok_or("no quoted request")?;
    r.path = request_target(request).and_then(record::path_of);
    r.user_agent = f.next_field().and_then(record::text);
    r.client = record::text(host_of(client));
    Ok(())
}

/// An Application Load Balancer line.
pub fn alb(line: &[u8]) -> Result<Record<'_>, &'static str> {
    let mut f = Fields::new(line);
    let kind = f.next_field().ok_or("empty line")?;
    if !ALB_TYPES.contains(&kind) {
        return Err("the first field is not a connection type (http, https, h2, grpcs, ws, wss)");
    }
    let when = f.next_field().ok_or("no time")?;
    let mut r = Record {
        time: Some(time::parse_iso(when).ok_or("the time is not ISO 8601")?),
        ..Record::default()
    };
    f.next_field().ok_or("no load balancer name")?;
    common_part(&mut f, &mut r)?;
    // ssl_cipher ssl_protocol target_group_arn "trace_id" "domain" "cert" priority creation_time
    // "actions" "redirect_url" "error_reason"
    for _ in 0..10 {
        if f.next_field().is_none() {
            return Ok(r);
        }
    }
    r.detail = f.next_field().and_then(record::text);
    Ok(r)
}

/// A Classic Load Balancer line.
pub fn elb(line: &[u8]) -> Result<Record<'_>, &'static str> {
    let mut f = Fields::new(line);
    let when = f.next_field().ok_or("empty line")?;
    let mut r = Record {
        time: Some(time::parse_iso(when).ok_or("the first field is not an ISO 8601 time")?),
        ..Record::default()
    };
    f.next_field().ok_or("no load balancer name")?;
    common_part(&mut f, &mut r)?;
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alb_with_no_target_status() {
        let line = br#"https 2024-05-01T10:00:01.123456Z app/my-lb/50dc6c495c0c9188 203.0.113.7:2817 - -1 -1 -1 502 - 34 366 "GET https://shop.example.com:443/api/cart?x=1 HTTP/1.1" "Mozilla/5.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/web/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "shop.example.com" "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 0 2024-05-01T10:00:00.999000Z "forward" "-" "Target.ResponseCodeMismatch" "10.0.0.66:80" "-" "-" "-""#;
        let r = alb(line).unwrap();
        assert_eq!(r.status, Some(502));
        assert_eq!(r.second, Second::NoResponse);
        assert_eq!(r.path.as_deref(), Some("/api/cart"));
        assert_eq!(r.client.as_deref(), Some("203.0.113.7"));
        assert_eq!(r.latency_ms, None);
        assert_eq!(r.detail.as_deref(), Some("Target.ResponseCodeMismatch"));
        assert!(elb(line).is_err());
    }

    #[test]
    fn classic_elb() {
        let line = br#"2024-05-01T10:00:01.123456Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -"#;
        let r = elb(line).unwrap();
        assert_eq!((r.status, r.second), (Some(200), Second::Code(200)));
        assert!((r.latency_ms.unwrap() - 1.178).abs() < 1e-9);
        assert!(alb(line).is_err());
    }
}

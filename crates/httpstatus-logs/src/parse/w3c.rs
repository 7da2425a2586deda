//! W3C extended logs: Amazon CloudFront standard logs (tab-separated) and Microsoft IIS (space-separated).
//! Both name their fields in a `#Fields:` directive; lines are read against the latest one, and against
//! the documented default layout until one is seen.

use std::borrow::Cow;

use crate::format::Format;
use crate::record::{self, Record, Second};
use crate::time;

/// CloudFront's standard log fields, in the order its developer guide lists them.
const CLOUDFRONT_DEFAULT: &str = "date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end";

/// IIS's default W3C field selection.
const IIS_DEFAULT: &str = "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken";

/// Where each field the report needs sits in a line.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    date: Option<usize>,
    time: Option<usize>,
    client: Option<usize>,
    path: Option<usize>,
    status: Option<usize>,
    agent: Option<usize>,
    taken: Option<usize>,
    result: Option<usize>,
    detailed: Option<usize>,
    substatus: Option<usize>,
    win32: Option<usize>,
    count: usize,
}

impl Layout {
    /// From the names after `#Fields:`.
    pub fn from_names(names: &str) -> Layout {
        let mut l = Layout::default();
        for (i, name) in names.split_ascii_whitespace().enumerate() {
            let slot = match name.to_ascii_lowercase().as_str() {
                "date" => &mut l.date,
                "time" => &mut l.time,
                "c-ip" => &mut l.client,
                "cs-uri-stem" => &mut l.path,
                "sc-status" => &mut l.status,
                "cs(user-agent)" => &mut l.agent,
                "time-taken" => &mut l.taken,
                "x-edge-result-type" => &mut l.result,
                "x-edge-detailed-result-type" => &mut l.detailed,
                "sc-substatus" => &mut l.substatus,
                "sc-win32-status" => &mut l.win32,
                _ => {
                    l.count = i + 1;
                    continue;
                }
            };
            *slot = Some(i);
            l.count = i + 1;
        }
        l
    }

    pub fn default_for(format: Format) -> Layout {
        Layout::from_names(if format == Format::Cloudfront {
            CLOUDFRONT_DEFAULT
        } else {
            IIS_DEFAULT
        })
    }
}

/// `%20` and friends, as CloudFront writes user agents; `+` as IIS writes spaces.
fn decode(bytes: &[u8], plus_is_space: bool) -> Option<Cow<'_, str>> {
    if !bytes
        .iter()
        .any(|&b| b == b'%' || (plus_is_space && b == b'+'))
    {
        return record::text(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b,
            bytes.get(i + 1).and_then(|&c| hex(c)),
            bytes.get(i + 2).and_then(|&c| hex(c)),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
            (b'+', _, _) if plus_is_space => out.push(b' '),
            _ => out.push(b),
        }
        i += 1;
    }
    // CloudFront encodes some characters twice (`%2520`): one more pass for those.
    if out
        .windows(3)
        .any(|w| w[0] == b'%' && w[1] == b'2' && w[2] == b'0')
    {
        return decode(&out, false).map(|c| Cow::Owned(c.into_owned()));
    }
    Some(Cow::Owned(String::from_utf8_lossy(&out).into_owned()))
}

/// One data line of a W3C log, read against `layout`.
pub fn line<'a>(
    format: Format,
    layout: &Layout,
    line: &'a [u8],
) -> Result<Record<'a>, &'static str> {
    let separator = if format == Format::Cloudfront {
        b'\t'
    } else {
        b' '
    };
    let parts: Vec<&[u8]> = line.split(|&b| b == separator).collect();
    if parts.len() < layout.count {
        return Err("fewer fields than the #Fields header names");
    }
    let get = |slot: Option<usize>| slot.and_then(|i| parts.get(i).copied());
    let status = get(layout.status).ok_or("no sc-status field in #Fields")?;
    let mut r = Record {
        status: record::status(status).map_err(|_| "sc-status is not three digits")?,
        ..Record::default()
    };
    if let (Some(d), Some(t)) = (get(layout.date), get(layout.time)) {
        r.time =
            Some(time::parse_w3c(d, t).ok_or("the date and time are not yyyy-mm-dd hh:mm:ss")?);
    }
    r.client = get(layout.client).and_then(record::text);
    r.path = get(layout.path).and_then(record::path_of);
    r.user_agent = get(layout.agent).and_then(|a| decode(a, format == Format::Iis));
    // CloudFront's time-taken is in seconds, IIS's in milliseconds.
    let scale = if format == Format::Cloudfront {
        1000.0
    } else {
        1.0
    };
    r.latency_ms = get(layout.taken)
        .and_then(record::number)
        .map(|t| t * scale);
    r.detail = match format {
        Format::Cloudfront => {
            let result = get(layout.result).and_then(record::text);
            let detailed = get(layout.detailed).and_then(record::text);
            match (result, detailed) {
                (Some(a), Some(b)) if a != b => Some(Cow::Owned(format!("{a}/{b}"))),
                (Some(a), _) => Some(a),
                (None, b) => b,
            }
        }
        _ => {
            let sub = get(layout.substatus).and_then(record::text);
            let win32 = get(layout.win32).and_then(record::text);
            match (sub, win32) {
                (None, None) => None,
                (s, w) => Some(Cow::Owned(format!(
                    "sub-status {}, Win32 status {}",
                    s.as_deref().unwrap_or("-"),
                    w.as_deref().unwrap_or("-")
                ))),
            }
        }
    };
    r.second = Second::Absent;
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloudfront_default_layout() {
        let layout = Layout::default_for(Format::Cloudfront);
        let line = b"2019-12-04\t21:02:31\tLAX1-C1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/index.html\t502\t-\tMozilla/5.0%20(Windows%20NT%2010.0)\t-\t-\tError\tSOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\td111111abcdef8.cloudfront.net\thttps\t23\t0.001\t-\tTLSv1.2\tECDHE-RSA-AES128-GCM-SHA256\tError\tHTTP/2.0\t-\t-\t11040\t0.001\tOriginConnectError\ttext/html\t507\t-\t-";
        let r = super::line(Format::Cloudfront, &layout, line).unwrap();
        assert_eq!(r.status, Some(502));
        assert_eq!(
            r.user_agent.as_deref(),
            Some("Mozilla/5.0 (Windows NT 10.0)")
        );
        assert_eq!(r.detail.as_deref(), Some("Error/OriginConnectError"));
        assert_eq!(r.latency_ms, Some(1.0));
    }

    #[test]
    fn iis_with_substatus() {
        let layout = Layout::from_names(IIS_DEFAULT);
        let line = b"2024-05-01 10:00:00 10.0.0.5 GET /app/report.aspx id=3 443 - 2001:db8::7 Mozilla/5.0+(Windows+NT+10.0) - 500 19 13 1234";
        let r = super::line(Format::Iis, &layout, line).unwrap();
        assert_eq!(r.status, Some(500));
        assert_eq!(r.client.as_deref(), Some("2001:db8::7"));
        assert_eq!(
            r.user_agent.as_deref(),
            Some("Mozilla/5.0 (Windows NT 10.0)")
        );
        assert_eq!(r.detail.as_deref(), Some("sub-status 19, Win32 status 13"));
        assert_eq!(r.latency_ms, Some(1234.0));
        assert!(super::line(Format::Iis, &layout, b"2024-05-01 10:00:00").is_err());
    }
}

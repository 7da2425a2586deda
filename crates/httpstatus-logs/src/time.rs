//! Timestamps as they appear in access logs, turned into Unix milliseconds (UTC) without a date library.

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count (the inverse of [`days_from_civil`]).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `2024-05-01T10:02:03Z` for a Unix time in milliseconds.
pub fn format_rfc3339(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn digits(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 9 {
        return None;
    }
    let mut value = 0u32;
    for &b in bytes {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + u32::from(b - b'0');
    }
    Some(value)
}

fn month_number(name: &[u8]) -> Option<u32> {
    const MONTHS: [&[u8]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    MONTHS.iter().position(|m| *m == name).map(|i| i as u32 + 1)
}

fn checked(year: i64, month: u32, day: u32, h: u32, mi: u32, s: u32) -> Option<i64> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some((days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s)) * 1000)
}

/// `+0200`, `-07:00`, `Z`: the offset in seconds east of UTC.
fn offset_seconds(text: &[u8]) -> Option<i64> {
    if text == b"Z" || text == b"z" || text.is_empty() {
        return Some(0);
    }
    let sign = match text[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let rest: Vec<u8> = text[1..].iter().copied().filter(|&b| b != b':').collect();
    if rest.len() != 4 {
        return None;
    }
    let h = i64::from(digits(&rest[..2])?);
    let m = i64::from(digits(&rest[2..])?);
    Some(sign * (h * 3600 + m * 60))
}

/// The Common Log Format time, `10/Oct/2000:13:55:36 -0700` (the part between the brackets).
pub fn parse_clf(text: &[u8]) -> Option<i64> {
    if text.len() < 20 || text[2] != b'/' || text[6] != b'/' || text[11] != b':' {
        return None;
    }
    let day = digits(&text[0..2])?;
    let month = month_number(&text[3..6])?;
    let year = i64::from(digits(&text[7..11])?);
    let h = digits(&text[12..14])?;
    let mi = digits(&text[15..17])?;
    let s = digits(&text[18..20])?;
    let base = checked(year, month, day, h, mi, s)?;
    let offset = match text.get(20..) {
        Some([b' ', zone @ ..]) => offset_seconds(zone)?,
        Some([]) | None => 0,
        _ => return None,
    };
    Some(base - offset * 1000)
}

/// ISO 8601 / RFC 3339: `2024-05-01T10:02:03.123456Z`, `2024-05-01 10:02:03+02:00`, or a date alone.
pub fn parse_iso(text: &[u8]) -> Option<i64> {
    if text.len() < 10 || text[4] != b'-' || text[7] != b'-' {
        return None;
    }
    let year = i64::from(digits(&text[0..4])?);
    let month = digits(&text[5..7])?;
    let day = digits(&text[8..10])?;
    if text.len() == 10 {
        return checked(year, month, day, 0, 0, 0);
    }
    if !matches!(text[10], b'T' | b't' | b' ') || text.len() < 16 || text[13] != b':' {
        return None;
    }
    let h = digits(&text[11..13])?;
    let mi = digits(&text[14..16])?;
    let mut rest = &text[16..];
    let mut s = 0;
    if let [b':', a, b, tail @ ..] = rest {
        s = digits(&[*a, *b])?;
        rest = tail;
    }
    let mut millis = 0i64;
    if let [b'.' | b',', tail @ ..] = rest {
        let n = tail.iter().take_while(|b| b.is_ascii_digit()).count();
        let frac = &tail[..n];
        for (i, &b) in frac.iter().take(3).enumerate() {
            millis += i64::from(b - b'0') * [100, 10, 1][i];
        }
        rest = &tail[n..];
    }
    let base = checked(year, month, day, h, mi, s)?;
    Some(base + millis - offset_seconds(rest)? * 1000)
}

/// A W3C extended log's `date` and `time` fields (always UTC): `2019-12-04` and `21:02:31`.
pub fn parse_w3c(date: &[u8], time: &[u8]) -> Option<i64> {
    if time.len() < 8 {
        return None;
    }
    let mut joined = Vec::with_capacity(date.len() + 1 + time.len());
    joined.extend_from_slice(date);
    joined.push(b'T');
    joined.extend_from_slice(time);
    parse_iso(&joined)
}

/// A Unix time as a JSON number: seconds (Caddy's `ts`, with a fraction), milliseconds or nanoseconds
/// (Cloudflare's default `unixnano`), told apart by magnitude.
pub fn from_epoch_number(value: f64) -> Option<i64> {
    if !value.is_finite() || value <= 0.0 {
        return None;
    }
    let ms = if value < 1e11 {
        value * 1000.0
    } else if value < 1e14 {
        value
    } else if value < 1e17 {
        value / 1000.0
    } else {
        value / 1e6
    };
    Some(ms as i64)
}

/// The same for an integer, without losing nanosecond precision to floating point.
pub fn from_epoch_integer(value: i64) -> Option<i64> {
    match value {
        ..=0 => None,
        1..100_000_000_000 => Some(value * 1000),
        100_000_000_000..100_000_000_000_000 => Some(value),
        100_000_000_000_000..100_000_000_000_000_000 => Some(value / 1000),
        _ => Some(value / 1_000_000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clf_times_with_offsets() {
        // 2000-10-10 20:55:36 UTC
        assert_eq!(
            parse_clf(b"10/Oct/2000:13:55:36 -0700"),
            Some(971_211_336_000)
        );
        assert_eq!(
            parse_clf(b"10/Oct/2000:20:55:36 +0000"),
            Some(971_211_336_000)
        );
        assert_eq!(parse_clf(b"10/Foo/2000:20:55:36 +0000"), None);
        assert_eq!(parse_clf(b"10/Oct/2000:2"), None);
    }

    #[test]
    fn iso_times() {
        assert_eq!(parse_iso(b"2000-10-10T20:55:36Z"), Some(971_211_336_000));
        assert_eq!(
            parse_iso(b"2000-10-10T20:55:36.250123Z"),
            Some(971_211_336_250)
        );
        assert_eq!(
            parse_iso(b"2000-10-10T22:55:36+02:00"),
            Some(971_211_336_000)
        );
        assert_eq!(parse_iso(b"2000-10-10 20:55"), Some(971_211_300_000));
        assert_eq!(parse_iso(b"2000-10-10"), Some(971_136_000_000));
        assert_eq!(parse_iso(b"2000-13-10"), None);
        assert_eq!(parse_w3c(b"2000-10-10", b"20:55:36"), Some(971_211_336_000));
    }

    #[test]
    fn round_trip_and_epochs() {
        for days in [-1000, 0, 11_000, 20_000, 60_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(format_rfc3339(971_211_336_000), "2000-10-10T20:55:36Z");
        assert_eq!(from_epoch_number(971_211_336.5), Some(971_211_336_500));
        assert_eq!(
            from_epoch_number(971_211_336_000_000_000.0),
            Some(971_211_336_000)
        );
        assert_eq!(from_epoch_number(f64::NAN), None);
    }
}

//! The `Date` field value, formatted at most once a second per thread.

use std::cell::Cell;
use std::time::{SystemTime, UNIX_EPOCH};

/// Length of an IMF-fixdate such as `Sun, 06 Nov 1994 08:49:37 GMT`.
const DATE_LEN: usize = 29;

thread_local! {
    /// (second it was made for, formatted IMF-fixdate).
    static CACHE: Cell<(u64, [u8; DATE_LEN])> = const { Cell::new((u64::MAX, [0; DATE_LEN])) };
}

/// The current time as an IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn http_date() -> String {
    String::from_utf8_lossy(&http_date_bytes()).into_owned()
}

/// [`http_date`] as bytes, without allocating: what the server writes into every response head.
pub fn http_date_bytes() -> [u8; DATE_LEN] {
    let now = SystemTime::now();
    let second = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    CACHE.with(|cache| {
        let (cached_second, cached) = cache.get();
        if cached_second == second {
            return cached;
        }
        let mut formatted = [0; DATE_LEN];
        formatted.copy_from_slice(httpdate::fmt_http_date(now).as_bytes());
        cache.set((second, formatted));
        formatted
    })
}

/// The current time as RFC 3339 in UTC with milliseconds, e.g. `2026-12-07T01:02:03.456Z`, for log lines.
pub fn rfc3339_now() -> String {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    rfc3339(since_epoch.as_secs(), since_epoch.subsec_millis())
}

/// `seconds` since the Unix epoch (and `millis`) as RFC 3339 in UTC. The civil date comes from the day count by
/// the proleptic Gregorian calendar's 400-year cycle (146097 days), as in Howard Hinnant's `civil_from_days`.
fn rfc3339(seconds: u64, millis: u32) -> String {
    let days = (seconds / 86_400) as i64;
    let second_of_day = seconds % 86_400;
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_dates_agree_with_http_dates() {
        // Days around leap years, century rules and month ends, checked against httpdate's own formatting.
        for seconds in [
            0_u64,
            951_782_400,
            951_868_799,
            1_709_164_800,
            4_107_542_399,
            1_796_601_723,
        ] {
            let text = super::rfc3339(seconds, 7);
            let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds);
            let http = httpdate::fmt_http_date(when);
            let (date, time) = text.split_once('T').unwrap();
            let parts: Vec<&str> = date.split('-').collect();
            assert!(
                http.contains(&format!(" {} ", parts[0])),
                "{text} vs {http}"
            );
            assert!(http.contains(&time[..8]), "{text} vs {http}");
            assert!(
                http.contains(&format!(", {} ", parts[2])),
                "{text} vs {http}"
            );
            assert!(text.ends_with(".007Z"), "{text}");
        }
        assert_eq!(super::rfc3339(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(super::rfc3339(951_782_400, 0), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn dates_are_imf_fixdate() {
        let date = super::http_date();
        assert_eq!(date.len(), 29, "{date}");
        assert!(date.ends_with(" GMT"), "{date}");
        assert!(httpdate::parse_http_date(&date).is_ok());
        let bytes = super::http_date_bytes();
        assert!(httpdate::parse_http_date(std::str::from_utf8(&bytes).unwrap()).is_ok());
    }
}

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

#[cfg(test)]
mod tests {
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

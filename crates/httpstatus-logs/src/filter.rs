//! Which requests the report counts: `--since`, `--until`, `--code`, `--path`.

use crate::record::Record;
use crate::time;

/// One `--code` item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeMatch {
    Exact(u16),
    Class(u8),
    /// `-`: lines with no status.
    Missing,
}

/// Why a filter value is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error(
        "`{0}` is not a code filter: use a code (502), a class (5xx), `-` for a missing status, or a comma-separated list of those"
    )]
    Code(String),
    #[error(
        "`{0}` is not a time: use 2024-05-01, 2024-05-01T10:30, 2024-05-01T10:30:00Z or 2024-05-01 10:30:00+02:00"
    )]
    Time(String),
}

/// The filters of one run; the default lets everything through.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Unix milliseconds, inclusive.
    pub since: Option<i64>,
    /// Unix milliseconds, exclusive.
    pub until: Option<i64>,
    pub codes: Vec<CodeMatch>,
    pub path_prefix: Option<String>,
}

/// `2024-05-01`, `2024-05-01T10:30`, `2024-05-01 10:30:00+02:00`, `2024-05-01T10:30:00Z` (UTC unless an
/// offset is given).
pub fn parse_time(text: &str) -> Result<i64, FilterError> {
    time::parse_iso(text.trim().as_bytes()).ok_or_else(|| FilterError::Time(text.to_owned()))
}

/// `5xx`, `502`, `4xx,5xx`, `-`.
pub fn parse_codes(text: &str) -> Result<Vec<CodeMatch>, FilterError> {
    let mut out = Vec::new();
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let lower = item.to_ascii_lowercase();
        let m = if item == "-" {
            CodeMatch::Missing
        } else if let Some(d) = lower.strip_suffix("xx") {
            match d.parse::<u8>() {
                Ok(d) if (1..=9).contains(&d) => CodeMatch::Class(d),
                _ => return Err(FilterError::Code(text.to_owned())),
            }
        } else if item.len() == 3 && item.bytes().all(|b| b.is_ascii_digit()) {
            CodeMatch::Exact(
                item.parse()
                    .map_err(|_| FilterError::Code(text.to_owned()))?,
            )
        } else {
            return Err(FilterError::Code(text.to_owned()));
        };
        out.push(m);
    }
    if out.is_empty() {
        return Err(FilterError::Code(text.to_owned()));
    }
    Ok(out)
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// Whether the report counts this request. A request with no time passes time filters only when there
    /// are none.
    pub fn matches(&self, r: &Record<'_>) -> bool {
        if self.since.is_some() || self.until.is_some() {
            let Some(t) = r.time else { return false };
            if self.since.is_some_and(|s| t < s) || self.until.is_some_and(|u| t >= u) {
                return false;
            }
        }
        if !self.codes.is_empty() && !self.codes.iter().any(|m| m.matches(r.status)) {
            return false;
        }
        if let Some(prefix) = &self.path_prefix {
            if !r
                .path
                .as_deref()
                .is_some_and(|p| p.starts_with(prefix.as_str()))
            {
                return false;
            }
        }
        true
    }
}

impl CodeMatch {
    pub fn matches(self, status: Option<u16>) -> bool {
        match (self, status) {
            (CodeMatch::Exact(c), Some(s)) => c == s,
            (CodeMatch::Class(d), Some(s)) => s / 100 == u16::from(d),
            (CodeMatch::Missing, None) => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[test]
    fn code_lists() {
        assert_eq!(
            parse_codes("5xx, 499").unwrap(),
            vec![CodeMatch::Class(5), CodeMatch::Exact(499)]
        );
        assert_eq!(parse_codes("-").unwrap(), vec![CodeMatch::Missing]);
        assert!(parse_codes("5x").is_err());
        assert!(parse_codes("").is_err());
        assert!(parse_codes("1000").is_err());
    }

    #[test]
    fn filters_combine() {
        let f = Filter {
            since: Some(parse_time("2024-05-01T10:00").unwrap()),
            until: Some(parse_time("2024-05-01T11:00").unwrap()),
            codes: parse_codes("5xx").unwrap(),
            path_prefix: Some("/api".into()),
        };
        let mut r = Record {
            time: Some(parse_time("2024-05-01T10:30:00Z").unwrap()),
            status: Some(502),
            path: Some(Cow::Borrowed("/api/x")),
            ..Record::default()
        };
        assert!(f.matches(&r));
        r.status = Some(404);
        assert!(!f.matches(&r));
        r.status = Some(503);
        r.time = Some(parse_time("2024-05-01T11:00").unwrap());
        assert!(!f.matches(&r));
        assert!(parse_time("yesterday").is_err());
        assert!(Filter::default().matches(&Record::default()));
    }
}

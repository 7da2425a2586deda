//! Query strings: splitting `a=1&b=2` into decoded pairs (percent-encoding and `+` for space).

/// Why a query string could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("parameter {0:?} has an invalid percent-encoding; write %XX with two hex digits")]
    BadPercent(String),
    #[error("parameter {0:?} is not UTF-8 once decoded")]
    NotUtf8(String),
}

/// The decoded `(name, value)` pairs in order; a name without `=` has an empty value.
pub fn parse_query(query: Option<&str>) -> Result<Vec<(String, String)>, QueryError> {
    let Some(query) = query else {
        return Ok(Vec::new());
    };
    let mut pairs = Vec::new();
    for part in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = part.split_once('=').unwrap_or((part, ""));
        pairs.push((decode(name, part)?, decode(value, part)?));
    }
    Ok(pairs)
}

/// Percent-decodes `text` (with `+` as space); `whole` names the parameter in errors.
pub fn decode(text: &str, whole: &str) -> Result<String, QueryError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                let byte = hex
                    .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| QueryError::BadPercent(whole.to_owned()))?;
                out.push(byte);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| QueryError::NotUtf8(whole.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_pairs_in_order() {
        let pairs = parse_query(Some("a=1&header=X-A%3A%20b+c&&flag&a=2")).unwrap();
        let expected = [("a", "1"), ("header", "X-A: b c"), ("flag", ""), ("a", "2")];
        let got: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(got, expected);
        assert!(parse_query(None).unwrap().is_empty());
    }

    #[test]
    fn rejects_bad_encodings() {
        assert_eq!(
            parse_query(Some("a=%zz")),
            Err(QueryError::BadPercent("a=%zz".into()))
        );
        assert_eq!(
            parse_query(Some("a=%4")),
            Err(QueryError::BadPercent("a=%4".into()))
        );
        assert_eq!(
            parse_query(Some("a=%ff")),
            Err(QueryError::NotUtf8("a=%ff".into()))
        );
    }
}

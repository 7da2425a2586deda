//! An ordered, case-insensitive list of header fields, and the character rules for names and values.

use crate::WireError;

/// Header fields in the order they were received or added. Names compare case-insensitively; values are bytes,
/// since HTTP allows obs-text in them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    /// (name as written, value without surrounding whitespace), in order; repeated names stay separate entries.
    entries: Vec<(String, Vec<u8>)>,
}

impl Headers {
    pub fn new() -> Self {
        Headers::default()
    }

    /// Adds a field after checking that the name is a token and the value has no CR, LF, NUL or other control
    /// character (tab is allowed).
    pub fn append(&mut self, name: &str, value: impl AsRef<[u8]>) -> Result<(), WireError> {
        let value = value.as_ref();
        if !is_token(name.as_bytes()) {
            return Err(WireError::InvalidHeaderName);
        }
        if !is_field_value(value) {
            return Err(WireError::InvalidHeaderValue);
        }
        self.entries.push((name.to_owned(), trim(value).to_vec()));
        Ok(())
    }

    /// Replaces every field of this name with one field.
    pub fn insert(&mut self, name: &str, value: impl AsRef<[u8]>) -> Result<(), WireError> {
        let value = value.as_ref();
        if !is_token(name.as_bytes()) {
            return Err(WireError::InvalidHeaderName);
        }
        if !is_field_value(value) {
            return Err(WireError::InvalidHeaderValue);
        }
        self.remove(name);
        self.entries.push((name.to_owned(), trim(value).to_vec()));
        Ok(())
    }

    /// Adds a field already checked by the parser.
    pub(crate) fn push_unchecked(&mut self, name: &str, value: &[u8]) {
        self.entries.push((name.to_owned(), trim(value).to_vec()));
    }

    /// Removes every field of this name.
    pub fn remove(&mut self, name: &str) {
        self.entries.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    /// The first value of this name.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.entries
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// The first value of this name, if it is UTF-8.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|v| std::str::from_utf8(v).ok())
    }

    /// Every value of this name, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.entries
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Whether a comma-separated field of this name lists `token` (case-insensitively), as in
    /// `Connection: keep-alive, Upgrade`.
    pub fn has_token(&self, name: &str, token: &str) -> bool {
        self.get_all(name).any(|v| {
            v.split(|&b| b == b',')
                .any(|item| trim(item).eq_ignore_ascii_case(token.as_bytes()))
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v.as_slice()))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Writes `name: value\r\n` for every field.
    pub fn encode(&self, dst: &mut Vec<u8>) {
        for (name, value) in &self.entries {
            dst.extend_from_slice(name.as_bytes());
            dst.extend_from_slice(b": ");
            dst.extend_from_slice(value);
            dst.extend_from_slice(b"\r\n");
        }
    }
}

/// `tchar` of RFC 9110 section 5.6.2.
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A non-empty sequence of `tchar`.
pub fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

/// A field value: visible characters, obs-text, space and tab; no CR, LF, NUL or other controls.
pub fn is_field_value(v: &[u8]) -> bool {
    v.iter().all(|&b| b == b'\t' || (b >= 0x20 && b != 0x7f))
}

/// Strips leading and trailing spaces and tabs.
pub fn trim(v: &[u8]) -> &[u8] {
    let start = v
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(v.len());
    let end = v
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(start, |i| i + 1);
    &v[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_case_insensitively_and_keep_order() {
        let mut h = Headers::new();
        h.append("Content-Type", "text/plain").unwrap();
        h.append("X-A", "1").unwrap();
        h.append("x-a", " 2 ").unwrap();
        assert_eq!(h.get("content-type"), Some(&b"text/plain"[..]));
        assert_eq!(
            h.get_all("X-a").collect::<Vec<_>>(),
            vec![&b"1"[..], &b"2"[..]]
        );
        h.insert("X-A", "3").unwrap();
        assert_eq!(h.get_all("x-a").count(), 1);
        let mut out = Vec::new();
        h.encode(&mut out);
        assert_eq!(out, b"Content-Type: text/plain\r\nX-A: 3\r\n");
    }

    #[test]
    fn rejects_bad_names_and_values() {
        let mut h = Headers::new();
        for name in ["", "Bad Name", "Bad:Name", "Bad\r\nName", "Ünicode"] {
            assert_eq!(
                h.append(name, "v"),
                Err(WireError::InvalidHeaderName),
                "{name:?}"
            );
        }
        for value in ["a\r\nInjected: 1", "a\nb", "a\rb", "a\0b", "a\x7fb"] {
            assert_eq!(
                h.append("X", value),
                Err(WireError::InvalidHeaderValue),
                "{value:?}"
            );
        }
        assert!(h.append("X", "tab\tand obs-text \u{e9}").is_ok());
    }

    #[test]
    fn finds_tokens_in_lists() {
        let mut h = Headers::new();
        h.append("Connection", "keep-alive, Upgrade").unwrap();
        assert!(h.has_token("connection", "upgrade"));
        assert!(h.has_token("connection", "Keep-Alive"));
        assert!(!h.has_token("connection", "close"));
    }

    #[test]
    fn trims_optional_whitespace() {
        assert_eq!(trim(b" \t a b \t"), b"a b");
        assert_eq!(trim(b"   "), b"");
        assert_eq!(trim(b""), b"");
    }
}

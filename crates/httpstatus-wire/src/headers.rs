//! An ordered, case-insensitive list of header fields, and the character rules for names and values.

use crate::WireError;

/// Header fields in the order they were received or added. Names compare case-insensitively; values are bytes,
/// since HTTP allows obs-text in them.
///
/// All names live in one string and all values in one buffer, so a head of any size costs three allocations
/// rather than two per field.
#[derive(Clone, Default)]
pub struct Headers {
    /// Every name as written, back to back.
    names: String,
    /// Every value without surrounding whitespace, back to back.
    values: Vec<u8>,
    /// Where each field lies in `names` and `values`, in order; repeated names stay separate fields.
    fields: Vec<Field>,
}

/// One field's place in the buffers of [`Headers`].
#[derive(Debug, Clone, Copy)]
struct Field {
    /// Byte range of the name in `names`.
    name: (usize, usize),
    /// Byte range of the value in `values`.
    value: (usize, usize),
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
        self.push(name, trim(value));
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
        self.push(name, trim(value));
        Ok(())
    }

    /// Adds a field already checked by the parser.
    pub(crate) fn push_unchecked(&mut self, name: &str, value: &[u8]) {
        self.push(name, trim(value));
    }

    fn push(&mut self, name: &str, value: &[u8]) {
        if self.fields.is_empty() {
            // Room for a typical head at once, so that adding fields seldom reallocates.
            self.fields.reserve(8);
            self.names.reserve(128);
            self.values.reserve(256);
        }
        let name_start = self.names.len();
        self.names.push_str(name);
        let value_start = self.values.len();
        self.values.extend_from_slice(value);
        self.fields.push(Field {
            name: (name_start, self.names.len()),
            value: (value_start, self.values.len()),
        });
    }

    fn name_of(&self, field: &Field) -> &str {
        &self.names[field.name.0..field.name.1]
    }

    fn value_of(&self, field: &Field) -> &[u8] {
        &self.values[field.value.0..field.value.1]
    }

    /// Removes every field of this name.
    pub fn remove(&mut self, name: &str) {
        if !self.contains(name) {
            return;
        }
        let kept: Vec<(String, Vec<u8>)> = self
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case(name))
            .map(|(n, v)| (n.to_owned(), v.to_vec()))
            .collect();
        self.names.clear();
        self.values.clear();
        self.fields.clear();
        for (n, v) in kept {
            self.push(&n, &v);
        }
    }

    /// The first value of this name.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.fields
            .iter()
            .find(|f| self.name_of(f).eq_ignore_ascii_case(name))
            .map(|f| self.value_of(f))
    }

    /// The first value of this name, if it is UTF-8.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|v| std::str::from_utf8(v).ok())
    }

    /// Every value of this name, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.fields
            .iter()
            .filter(move |f| self.name_of(f).eq_ignore_ascii_case(name))
            .map(|f| self.value_of(f))
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
        self.fields
            .iter()
            .map(|f| (self.name_of(f), self.value_of(f)))
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Writes `name: value\r\n` for every field.
    pub fn encode(&self, dst: &mut Vec<u8>) {
        dst.reserve(self.names.len() + self.values.len() + 4 * self.fields.len());
        for (name, value) in self.iter() {
            dst.extend_from_slice(name.as_bytes());
            dst.extend_from_slice(b": ");
            dst.extend_from_slice(value);
            dst.extend_from_slice(b"\r\n");
        }
    }
}

/// Two lists are equal when they hold the same fields in the same order, names compared as written.
impl PartialEq for Headers {
    fn eq(&self, other: &Self) -> bool {
        self.fields.len() == other.fields.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Headers {}

impl std::fmt::Debug for Headers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entries: Vec<(&str, &[u8])> = self.iter().collect();
        f.debug_struct("Headers")
            .field("entries", &entries)
            .finish()
    }
}

/// `tchar` of RFC 9110 section 5.6.2, one table look-up per byte.
/// Splits one member of a weighted list such as `Accept` or `Accept-Encoding` (`gzip;q=0.5`) into the value
/// and its weight: `q` clamped to 0..=1, 1 when absent or unreadable (RFC 9110 section 12.4.2).
pub fn weighted(member: &str) -> (&str, f32) {
    let mut parts = member.split(';');
    let value = parts.next().unwrap_or("").trim();
    let q = parts
        .filter_map(|p| {
            p.trim()
                .strip_prefix("q=")
                .or_else(|| p.trim().strip_prefix("Q="))
        })
        .find_map(|v| v.trim().parse::<f32>().ok())
        .unwrap_or(1.0)
        .clamp(0.0, 1.0);
    (value, q)
}

pub fn is_tchar(b: u8) -> bool {
    TCHAR[b as usize]
}

const TCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        b += 1;
    }
    table
};

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

    #[test]
    fn weighted_members() {
        assert_eq!(weighted(" gzip ; q=0.5"), ("gzip", 0.5));
        assert_eq!(weighted("text/html"), ("text/html", 1.0));
        assert_eq!(weighted("br;Q=0"), ("br", 0.0));
        assert_eq!(weighted("x;q=7"), ("x", 1.0));
        assert_eq!(weighted("x;q=oops"), ("x", 1.0));
    }

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
    fn tchar_table_is_rfc_9110() {
        for b in 0..=255u8 {
            let expected = b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            assert_eq!(is_tchar(b), expected, "{b:#x}");
        }
    }

    #[test]
    fn removing_keeps_the_others_in_order_and_compares_by_fields() {
        let mut h = Headers::new();
        for (name, value) in [("A", "1"), ("B", "2"), ("a", "3"), ("C", "4")] {
            h.append(name, value).unwrap();
        }
        h.remove("a");
        assert_eq!(
            h.iter().collect::<Vec<_>>(),
            vec![("B", &b"2"[..]), ("C", &b"4"[..])]
        );
        let mut same = Headers::new();
        same.append("B", "2").unwrap();
        same.append("C", "4").unwrap();
        assert_eq!(h, same);
        assert_eq!(format!("{h:?}"), format!("{same:?}"));
        same.append("D", "").unwrap();
        assert_ne!(h, same);
        assert_eq!(same.get("d"), Some(&b""[..]));
    }

    #[test]
    fn trims_optional_whitespace() {
        assert_eq!(trim(b" \t a b \t"), b"a b");
        assert_eq!(trim(b"   "), b"");
        assert_eq!(trim(b""), b"");
    }
}

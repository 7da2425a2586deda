//! A cursor over a space-separated log line whose fields may be quoted (`"GET / HTTP/1.1"`, with `\"`
//! escapes) or bracketed (`[10/Oct/2000:13:55:36 -0700]`).

/// Splits a line into fields, left to right.
pub struct Fields<'a> {
    rest: &'a [u8],
}

impl<'a> Fields<'a> {
    pub fn new(line: &'a [u8]) -> Fields<'a> {
        Fields { rest: line }
    }

    fn skip_spaces(&mut self) {
        let n = self.rest.iter().take_while(|&&b| b == b' ').count();
        self.rest = &self.rest[n..];
    }

    /// The next field: the inside of a quoted or bracketed field, or a bare word. `None` at the end of the
    /// line or on an unterminated quote or bracket.
    pub fn next_field(&mut self) -> Option<&'a [u8]> {
        self.skip_spaces();
        match self.rest.first()? {
            b'"' => self.quoted(),
            b'[' => {
                let end = memchr::memchr(b']', self.rest)?;
                let inside = &self.rest[1..end];
                self.rest = &self.rest[end + 1..];
                Some(inside)
            }
            _ => {
                let end = memchr::memchr(b' ', self.rest).unwrap_or(self.rest.len());
                let word = &self.rest[..end];
                self.rest = &self.rest[end..];
                Some(word)
            }
        }
    }

    /// A quoted field: ends at the first `"` not escaped by a backslash and followed by a space or the end
    /// of the line (so a bare quote inside a user agent does not end it early).
    fn quoted(&mut self) -> Option<&'a [u8]> {
        let body = &self.rest[1..];
        let mut from = 0;
        loop {
            let at = from + memchr::memchr(b'"', &body[from..])?;
            let escaped = at > 0 && body[at - 1] == b'\\' && !(at > 1 && body[at - 2] == b'\\');
            let ends = matches!(body.get(at + 1), None | Some(b' '));
            if !escaped && ends {
                self.rest = &body[at + 1..];
                return Some(&body[..at]);
            }
            from = at + 1;
        }
    }

    /// What is left of the line, without leading spaces.
    pub fn rest(&mut self) -> &'a [u8] {
        self.skip_spaces();
        self.rest
    }

    pub fn is_empty(&mut self) -> bool {
        self.rest().is_empty()
    }
}

/// Splits `METHOD TARGET PROTOCOL`; `None` when the request line is not one (`-`, TLS garbage).
pub fn request_target(request: &[u8]) -> Option<&[u8]> {
    let mut parts = request.split(|&b| b == b' ').filter(|p| !p.is_empty());
    let method = parts.next()?;
    let target = parts.next()?;
    let method_ok = !method.is_empty()
        && method
            .iter()
            .all(|b| b.is_ascii_uppercase() || *b == b'-' || *b == b'_');
    let target_ok = target.starts_with(b"/")
        || target == b"*"
        || memchr::memmem::find(target, b"://").is_some();
    (method_ok && target_ok).then_some(target)
}

/// `10.0.0.1:4567` to `10.0.0.1`, `[2001:db8::1]:443` to `2001:db8::1`, `2001:db8::1:443` (as AWS writes
/// IPv6 clients) to `2001:db8::1`.
pub fn host_of(addr: &[u8]) -> &[u8] {
    if let [b'[', inner @ ..] = addr {
        if let Some(end) = memchr::memchr(b']', inner) {
            return &inner[..end];
        }
    }
    match memchr::memrchr(b':', addr) {
        Some(i) if i + 1 < addr.len() && addr[i + 1..].iter().all(u8::is_ascii_digit) => &addr[..i],
        _ => addr,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_and_bracketed_fields() {
        let line = br#"::1 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 5 "-" "Agent \"x\" y" rt=0.1"#;
        let mut f = Fields::new(line);
        assert_eq!(f.next_field(), Some(&b"::1"[..]));
        f.next_field();
        f.next_field();
        assert_eq!(f.next_field(), Some(&b"10/Oct/2000:13:55:36 -0700"[..]));
        assert_eq!(f.next_field(), Some(&b"GET /a HTTP/1.1"[..]));
        assert_eq!(f.next_field(), Some(&b"200"[..]));
        f.next_field();
        f.next_field();
        assert_eq!(f.next_field(), Some(&br#"Agent \"x\" y"#[..]));
        assert_eq!(f.rest(), b"rt=0.1");
    }

    #[test]
    fn a_quote_inside_a_quoted_field_ends_it_only_before_a_space() {
        let mut f = Fields::new(br#""Mozilla "quoted"thing" 200"#);
        assert_eq!(f.next_field(), Some(&br#"Mozilla "quoted"thing"#[..]));
        assert_eq!(f.next_field(), Some(&b"200"[..]));
        assert_eq!(Fields::new(br#""unterminated"#).next_field(), None);
    }

    #[test]
    fn requests_and_hosts() {
        assert_eq!(request_target(b"GET /x?y HTTP/1.1"), Some(&b"/x?y"[..]));
        assert_eq!(request_target(b"-"), None);
        assert_eq!(request_target(b"\\x16\\x03\\x01\\x00\\xa5\\x01"), None);
        assert_eq!(host_of(b"10.0.0.1:4567"), b"10.0.0.1");
        assert_eq!(host_of(b"[2001:db8::1]:443"), b"2001:db8::1");
        assert_eq!(host_of(b"-"), b"-");
    }
}

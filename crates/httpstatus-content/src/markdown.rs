//! Fence-aware splitting of a Markdown body into `##` sections and of a section into fenced code blocks.

/// A `##` section: its title and the Markdown under it, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawSection<'a> {
    pub title: &'a str,
    pub body: String,
    /// 1-based line of the heading in the body, for error messages.
    pub line: usize,
}

/// A fenced code block: its info string and its contents (without the fences).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence<'a> {
    pub info: &'a str,
    pub code: String,
    pub line: usize,
    /// The Markdown between the previous fence (or the section start) and this one, trimmed.
    pub intro: String,
}

fn fence_marker(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    let ticks = trimmed.len() - trimmed.trim_start_matches('`').len();
    (ticks >= 3).then(|| &trimmed[..ticks])
}

/// Returns the text before the first `##` heading and every `##` section after it.
/// Headings inside fenced code blocks do not count.
pub fn sections(body: &str) -> (String, Vec<RawSection<'_>>) {
    let mut preamble = String::new();
    let mut out: Vec<RawSection<'_>> = Vec::new();
    let mut open_fence: Option<&str> = None;
    for (index, line) in body.lines().enumerate() {
        match (open_fence, fence_marker(line)) {
            (None, Some(marker)) => open_fence = Some(marker),
            (Some(open), Some(marker)) if marker.len() >= open.len() && line.trim() == marker => {
                open_fence = None
            }
            _ => {}
        }
        let is_heading = open_fence.is_none() && line.starts_with("## ");
        if is_heading {
            out.push(RawSection {
                title: line[3..].trim(),
                body: String::new(),
                line: index + 1,
            });
            continue;
        }
        let target = match out.last_mut() {
            Some(section) => &mut section.body,
            None => &mut preamble,
        };
        target.push_str(line);
        target.push('\n');
    }
    for section in &mut out {
        section.body = section.body.trim().to_owned();
    }
    (preamble.trim().to_owned(), out)
}

/// Returns every top-level fenced code block of a section, each with the text that introduces it, and the
/// text after the last block (which belongs to no block).
pub fn fences(section: &str) -> (Vec<Fence<'_>>, String) {
    let mut out = Vec::new();
    let mut current: Option<(&str, &str, usize, String)> = None;
    let mut prose = String::new();
    for (index, line) in section.lines().enumerate() {
        match current.as_mut() {
            None => {
                if let Some(marker) = fence_marker(line) {
                    let info = line.trim_start()[marker.len()..].trim();
                    current = Some((marker, info, index + 1, String::new()));
                } else {
                    prose.push_str(line);
                    prose.push('\n');
                }
            }
            Some((marker, _, _, code)) => {
                if line.trim() == *marker {
                    let (_, info, line, code) = current.take().expect("a fence is open");
                    let intro = std::mem::take(&mut prose).trim().to_owned();
                    out.push(Fence {
                        info,
                        code,
                        line,
                        intro,
                    });
                } else {
                    code.push_str(line);
                    code.push('\n');
                }
            }
        }
    }
    (out, prose.trim().to_owned())
}

/// The attributes of an info string, in order: `(name, value)`.
pub type Attributes = Vec<(String, String)>;

/// Parses an info string `lang key="value" key="value"` into the language and its attributes.
/// Inside a value, `\"` is a quote and `\\` a backslash; other escapes are kept as written.
pub fn parse_info(info: &str) -> Result<(&str, Attributes), String> {
    let info = info.trim();
    let (language, mut rest) = match info.find(char::is_whitespace) {
        Some(at) => (&info[..at], info[at..].trim_start()),
        None => (info, ""),
    };
    let mut attributes = Vec::new();
    while !rest.is_empty() {
        let eq = rest
            .find('=')
            .ok_or_else(|| format!("attribute without `=` in `{rest}`"))?;
        let key = rest[..eq].trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("bad attribute name `{key}`"));
        }
        let after = &rest[eq + 1..];
        let Some(value_text) = after.strip_prefix('"') else {
            return Err(format!("the value of `{key}` must be in double quotes"));
        };
        let mut value = String::new();
        let mut chars = value_text.char_indices();
        let mut end = None;
        while let Some((at, c)) = chars.next() {
            match c {
                '"' => {
                    end = Some(at);
                    break;
                }
                '\\' => match chars.next() {
                    Some((_, '"')) => value.push('"'),
                    Some((_, '\\')) => value.push('\\'),
                    Some((_, other)) => {
                        value.push('\\');
                        value.push(other);
                    }
                    None => return Err(format!("the value of `{key}` ends inside an escape")),
                },
                other => value.push(other),
            }
        }
        let end = end.ok_or_else(|| format!("the value of `{key}` has no closing quote"))?;
        attributes.push((key.to_owned(), value));
        rest = value_text[end + 1..].trim_start();
    }
    Ok((language, attributes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_inside_fences_do_not_split() {
        let body = "intro\n## A\ntext\n```md\n## not a heading\n```\n## B\nmore\n";
        let (pre, secs) = sections(body);
        assert_eq!(pre, "intro");
        assert_eq!(secs.len(), 2);
        assert_eq!(secs[0].title, "A");
        assert!(secs[0].body.contains("## not a heading"));
        assert_eq!(secs[1].body, "more");
    }

    #[test]
    fn fences_and_info() {
        let section = "Text\n```javascript title=\"Say \\\"hi\\\"\" role=\"server\"\nconsole.log(1)\n```\nbetween\n```http\nGET / HTTP/1.1\n```\n";
        let (f, trailing) = fences(section);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].code, "console.log(1)\n");
        assert_eq!(
            (f[0].intro.as_str(), f[1].intro.as_str(), trailing.as_str()),
            ("Text", "between", "")
        );
        let (lang, attrs) = parse_info(f[0].info).unwrap();
        assert_eq!(lang, "javascript");
        assert_eq!(attrs[0], ("title".to_owned(), "Say \"hi\"".to_owned()));
        assert_eq!(attrs[1], ("role".to_owned(), "server".to_owned()));
        assert_eq!(parse_info("http").unwrap(), ("http", vec![]));
    }

    #[test]
    fn bad_info_strings_are_errors() {
        assert!(parse_info("js title=unquoted").is_err());
        assert!(parse_info("js title=\"open").is_err());
        assert!(parse_info("js =\"x\"").is_err());
    }
}

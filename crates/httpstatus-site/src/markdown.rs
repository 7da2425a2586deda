//! Catalog Markdown to HTML: fenced code is highlighted on the server, and where asked, status codes named in
//! the text become links to their pages.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd, html};

use crate::highlight::highlight;
use crate::html::escape;

/// Renders Markdown. With `link_codes`, a three-digit number that has a catalog page becomes a link to it.
pub fn to_html(markdown: &str, link_codes: bool) -> String {
    let mut events = Vec::new();
    let mut code_block: Option<(String, String)> = None;
    let mut link_depth = 0usize;
    for event in Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    ) {
        if let Some((_, code)) = code_block.as_mut() {
            match event {
                Event::Text(text) => code.push_str(&text),
                Event::End(TagEnd::CodeBlock) => {
                    let (language, code) = code_block.take().expect("a code block is open");
                    let class = if language.is_empty() {
                        String::new()
                    } else {
                        format!(" class=\"language-{}\"", escape(&language))
                    };
                    events.push(Event::Html(
                        format!(
                            "<pre><code{class}>{}</code></pre>\n",
                            highlight(&language, &code)
                        )
                        .into(),
                    ));
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_owned()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code_block = Some((language, String::new()));
            }
            Event::Start(Tag::Link { .. }) => {
                link_depth += 1;
                events.push(event);
            }
            Event::End(TagEnd::Link) => {
                link_depth = link_depth.saturating_sub(1);
                events.push(event);
            }
            Event::Html(raw) | Event::InlineHtml(raw) => events.push(Event::Text(raw)),
            Event::Text(text) if link_codes && link_depth == 0 => {
                events.push(Event::InlineHtml(link_codes_in(&text).into()))
            }
            other => events.push(other),
        }
    }
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    out
}

/// Escapes text and turns each standalone three-digit catalog code into a link.
fn link_codes_in(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut plain_start = 0;
    while i < bytes.len() {
        let boundary_before =
            i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.');
        if boundary_before && i + 3 <= bytes.len() && bytes[i..i + 3].iter().all(u8::is_ascii_digit)
        {
            let next = bytes.get(i + 4).copied();
            let boundary_after = match bytes.get(i + 3).copied() {
                None => true,
                Some(b) if b.is_ascii_alphanumeric() => false,
                Some(b'.') => !next.is_some_and(|n| n.is_ascii_digit()),
                Some(_) => true,
            };
            let code: u16 = text[i..i + 3].parse().unwrap_or(0);
            if boundary_after
                && (100..=599).contains(&code)
                && httpstatus_catalog::get(code).is_some()
            {
                out.push_str(&escape(&text[plain_start..i]));
                out.push_str(&format!("<a href=\"/{code}\">{code}</a>"));
                i += 3;
                plain_start = i;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&escape(&text[plain_start..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_in_markdown_is_escaped() {
        let html = to_html("Hello <script>alert(1)</script> **bold**", false);
        assert!(
            html.contains("&lt;script&gt;") && html.contains("<strong>bold</strong>"),
            "{html}"
        );
    }

    #[test]
    fn fenced_code_is_highlighted() {
        let html = to_html("```nginx\nproxy_read_timeout 60s; # wait\n```\n", false);
        assert!(
            html.contains("<pre><code class=\"language-nginx\">")
                && html.contains("<span class=\"c\"># wait</span>"),
            "{html}"
        );
    }

    #[test]
    fn codes_become_links_only_when_asked() {
        let html = to_html("See 503 and 504, not 5030 or 1.500 or v404x.", true);
        assert!(
            html.contains("<a href=\"/503\">503</a>") && html.contains("<a href=\"/504\">504</a>"),
            "{html}"
        );
        assert!(
            !html.contains("/5030") && !html.contains("href=\"/500\""),
            "{html}"
        );
        assert!(!to_html("See 503.", false).contains("<a "));
    }
}

//! Server-side syntax highlighting for the example languages: JavaScript, Python, raw HTTP, nginx and shell.
//!
//! A small tokenizer, not a grammar: comments, strings, numbers, keywords and (for HTTP) status lines and field
//! names, each wrapped in a `<span class>` the stylesheet colours. Pages carry no highlighting script, and the
//! output is always escaped text inside spans.

use crate::html::escape;

const JS_KEYWORDS: &[&str] = &[
    "async",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "default",
    "else",
    "export",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "let",
    "new",
    "null",
    "of",
    "return",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "undefined",
    "var",
    "while",
    "require",
];
const PY_KEYWORDS: &[&str] = &[
    "and", "as", "async", "await", "break", "class", "continue", "def", "elif", "else", "except",
    "False", "finally", "for", "from", "if", "import", "in", "is", "lambda", "None", "not", "or",
    "pass", "raise", "return", "True", "try", "while", "with", "yield",
];
const SHELL_KEYWORDS: &[&str] = &[
    "if", "then", "else", "fi", "for", "do", "done", "while", "case", "esac", "in",
];

/// Returns highlighted, escaped HTML for `code` in `language`.
pub fn highlight(language: &str, code: &str) -> String {
    match language {
        "javascript" => tokens(code, JS_KEYWORDS, &["//"], true),
        "python" => tokens(code, PY_KEYWORDS, &["#"], false),
        "shell" | "nginx" => tokens(code, SHELL_KEYWORDS, &["#"], false),
        "http" => http(code),
        _ => escape(code),
    }
}

fn span(class: &str, text: &str) -> String {
    format!("<span class=\"{class}\">{}</span>", escape(text))
}

fn tokens(code: &str, keywords: &[&str], line_comments: &[&str], block_comments: bool) -> String {
    let mut out = String::with_capacity(code.len() * 2);
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let starts = |p: &str| {
            chars[i..]
                .iter()
                .take(p.chars().count())
                .copied()
                .eq(p.chars())
        };
        if line_comments.iter().any(|p| starts(p)) {
            let end = chars[i..]
                .iter()
                .position(|&c| c == '\n')
                .map_or(chars.len(), |p| i + p);
            out.push_str(&span("c", &chars[i..end].iter().collect::<String>()));
            i = end;
        } else if block_comments && starts("/*") {
            let mut j = i + 2;
            while j + 1 < chars.len() && !(chars[j] == '*' && chars[j + 1] == '/') {
                j += 1;
            }
            let j = (j + 2).min(chars.len());
            out.push_str(&span("c", &chars[i..j].iter().collect::<String>()));
            i = j;
        } else if c == '"' || c == '\'' || c == '`' {
            let triple =
                !block_comments && chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c);
            let mut j = i + if triple { 3 } else { 1 };
            while j < chars.len() {
                if chars[j] == '\\' {
                    j += 2;
                    continue;
                }
                if triple {
                    if chars[j] == c && chars.get(j + 1) == Some(&c) && chars.get(j + 2) == Some(&c)
                    {
                        j += 3;
                        break;
                    }
                } else if chars[j] == c {
                    j += 1;
                    break;
                } else if chars[j] == '\n' && c != '`' {
                    break;
                }
                j += 1;
            }
            let j = j.min(chars.len());
            out.push_str(&span("s", &chars[i..j].iter().collect::<String>()));
            i = j;
        } else if c.is_ascii_digit()
            && (i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_'))
        {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_ascii_alphanumeric() || chars[j] == '.' || chars[j] == '_')
            {
                j += 1;
            }
            out.push_str(&span("n", &chars[i..j].iter().collect::<String>()));
            i = j;
        } else if c.is_alphabetic() || c == '_' || c == '$' {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_alphanumeric() || chars[j] == '_' || chars[j] == '$')
            {
                j += 1;
            }
            let word: String = chars[i..j].iter().collect();
            if keywords.contains(&word.as_str()) {
                out.push_str(&span("k", &word));
            } else if chars.get(j) == Some(&'(') {
                out.push_str(&span("f", &word));
            } else {
                out.push_str(&escape(&word));
            }
            i = j;
        } else {
            out.push_str(&escape(&c.to_string()));
            i += 1;
        }
    }
    out
}

fn http(code: &str) -> String {
    let mut out = String::with_capacity(code.len() * 2);
    let mut in_head = true;
    for line in code.split_inclusive('\n') {
        let text = line.trim_end_matches('\n');
        let newline = if line.ends_with('\n') { "\n" } else { "" };
        if text.is_empty() {
            in_head = !in_head;
            out.push_str(newline);
            continue;
        }
        if text.starts_with("HTTP/") {
            in_head = true;
            out.push_str(&span("k", text));
        } else if in_head
            && text
                .split_whitespace()
                .nth(2)
                .is_some_and(|v| v.starts_with("HTTP/"))
        {
            out.push_str(&span("k", text));
        } else if in_head
            && let Some((name, value)) = text
                .split_once(':')
                .filter(|(n, _)| !n.contains(' ') && !n.is_empty())
        {
            out.push_str(&span("f", name));
            out.push_str(&escape(&format!(":{value}")));
        } else {
            out.push_str(&escape(text));
        }
        out.push_str(newline);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn javascript_tokens() {
        let html = highlight("javascript", "const x = \"a<b\"; // note\nfoo(42);");
        assert!(html.contains("<span class=\"k\">const</span>"));
        assert!(html.contains("<span class=\"s\">&quot;a&lt;b&quot;</span>"));
        assert!(html.contains("<span class=\"c\">// note</span>"));
        assert!(html.contains("<span class=\"f\">foo</span>"));
        assert!(html.contains("<span class=\"n\">42</span>"));
    }

    #[test]
    fn python_and_http() {
        let html = highlight("python", "def f():\n    return '''x'''  # done\n");
        assert!(
            html.contains("<span class=\"k\">def</span>")
                && html.contains("<span class=\"s\">&#39;&#39;&#39;x&#39;&#39;&#39;</span>")
        );
        let html = highlight(
            "http",
            "GET / HTTP/1.1\nHost: a\n\nHTTP/1.1 200 OK\nContent-Type: text/html\n\n<p>hi</p>\n",
        );
        assert!(html.contains("<span class=\"k\">HTTP/1.1 200 OK</span>"));
        assert!(html.contains("<span class=\"f\">Host</span>"));
        assert!(html.contains("&lt;p&gt;hi&lt;/p&gt;"));
    }

    #[test]
    fn unterminated_strings_do_not_panic() {
        for code in ["\"abc", "'", "`", "'''", "/* open", "\\", "x = \"\\"] {
            let _ = highlight("javascript", code);
            let _ = highlight("python", code);
        }
    }
}

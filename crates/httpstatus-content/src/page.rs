//! The typed form of a code page and of a guide, their parsers, and every rule a page must satisfy.

use std::collections::BTreeSet;

use serde::Deserialize;

pub use crate::kinds::Retry;
use crate::markdown::{fences, parse_info, sections};
use crate::registry::{Registry, RegistryStatus};
use crate::{ContentError, HEURISTICALLY_CACHEABLE, SECTION_TITLES, split_front_matter};

/// One vendor's meaning of a code.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorMeaning {
    pub vendor: String,
    pub name: String,
    pub description: String,
    pub source: String,
    pub client_sees: bool,
    #[serde(default)]
    pub low_confidence: bool,
}

/// The TOML front matter of a code page, as written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub code: u16,
    pub name: String,
    pub status: String,
    #[serde(default)]
    pub expires: Option<String>,
    #[serde(default)]
    pub reference: Option<String>,
    #[serde(default)]
    pub spec_url: Option<String>,
    pub summary: String,
    /// The documents the page's facts come from: absolute `http`/`https` URLs, at least one.
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub former_names: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub related: Vec<u16>,
    pub interim: bool,
    pub body_allowed: bool,
    pub cacheable: bool,
    pub retry: Retry,
    pub client_sees: bool,
    #[serde(default)]
    pub low_confidence: bool,
    #[serde(default)]
    pub vendors: Vec<VendorMeaning>,
}

/// A `##` section other than Examples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub markdown: String,
}

/// One runnable or illustrative example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub language: String,
    pub title: String,
    /// `server`, `client`, or empty for exchanges and configuration.
    pub role: String,
    /// Server examples: status codes the test client must read, in order.
    pub expect: Vec<u16>,
    pub expect_headers: Vec<String>,
    /// Server examples: the request to send, `\n` standing for CRLF; empty for the default.
    pub request: String,
    /// Client examples: the live endpoint they call.
    pub path: String,
    /// The library the example is written with (`express`, `fastapi`, ...); empty for the language's
    /// standard library. Always one of [`FRAMEWORKS`] for the example's language.
    pub framework: String,
    /// Markdown that introduces the example (the text before its fence), possibly empty.
    pub intro: String,
    pub code: String,
}

/// A validated code page.
#[derive(Debug, Clone, PartialEq)]
pub struct CodePage {
    pub front: FrontMatter,
    /// The registry phrase, for IANA codes.
    pub iana_name: Option<String>,
    /// The sections in page order, Examples left out (they are in `examples`).
    pub sections: Vec<Section>,
    pub examples: Vec<Example>,
}

pub const LANGUAGES: [&str; 5] = ["javascript", "python", "http", "nginx", "shell"];

/// The `framework` values an example may carry, per language. An example without one uses the language's
/// standard library (Node's `node:http` and `fetch`, Python's standard library).
pub const FRAMEWORKS: [(&str, &[&str]); 2] = [
    ("javascript", &["express", "fastify", "axios"]),
    (
        "python",
        &["fastapi", "flask", "django", "requests", "httpx"],
    ),
];

/// The frameworks an example in `language` may name; empty for a language that has none.
pub fn frameworks_of(language: &str) -> &'static [&'static str] {
    FRAMEWORKS
        .iter()
        .find(|(lang, _)| *lang == language)
        .map_or(&[], |(_, names)| names)
}
const STATUSES: [&str; 5] = [
    "permanent",
    "temporary",
    "obsoleted",
    "unused",
    "unofficial",
];

/// Parses and validates one code page. `known_codes` are the codes that have (or must have) a page.
pub fn parse_code_page(
    file: &str,
    text: &str,
    registry: &Registry,
    known_codes: &BTreeSet<u16>,
) -> Result<CodePage, ContentError> {
    let err = |reason: String| ContentError::new(file, reason);
    let (toml_text, body) = split_front_matter(file, text)?;
    let front: FrontMatter = toml::from_str(toml_text)
        .map_err(|e| err(format!("front matter: {}", e.message().trim())))?;
    check_file_name(file, front.code)?;
    check_identity(&front, registry).map_err(err)?;
    check_flags(&front).map_err(err)?;
    for related in &front.related {
        if *related == front.code {
            return Err(err(format!(
                "`related` lists the page's own code {related}"
            )));
        }
        if !known_codes.contains(related) {
            return Err(err(format!(
                "related code {related} does not exist in the catalog"
            )));
        }
    }
    for (what, list) in [
        ("aliases", &front.aliases),
        ("keywords", &front.keywords),
        ("former_names", &front.former_names),
    ] {
        if list.iter().any(|s| s.trim().is_empty()) {
            return Err(err(format!("`{what}` has an empty entry")));
        }
    }
    if front.summary.trim().is_empty() {
        return Err(err("`summary` is empty".into()));
    }
    check_sources(&front.sources).map_err(err)?;

    let (preamble, raw) = sections(body);
    if !preamble.is_empty() {
        return Err(err(
            "text before the first `##` section; the summary belongs in the front matter".into(),
        ));
    }
    let titles: Vec<&str> = raw.iter().map(|s| s.title).collect();
    if titles != SECTION_TITLES {
        let missing: Vec<&str> = SECTION_TITLES
            .iter()
            .copied()
            .filter(|t| !titles.contains(t))
            .collect();
        let unknown: Vec<&str> = titles
            .iter()
            .copied()
            .filter(|t| !SECTION_TITLES.contains(t))
            .collect();
        return Err(err(format!(
            "sections must be exactly {SECTION_TITLES:?} in that order; found {titles:?} (missing {missing:?}, unknown {unknown:?})"
        )));
    }
    let mut out_sections = Vec::new();
    let mut examples = Vec::new();
    for section in &raw {
        if section.body.is_empty() {
            return Err(err(format!("section `{}` is empty", section.title)));
        }
        if section.title == "Examples" {
            examples = parse_examples(&section.body, section.line).map_err(err)?;
        } else {
            out_sections.push(Section {
                title: section.title.to_owned(),
                markdown: section.body.clone(),
            });
        }
    }
    check_examples(&front, registry, &examples).map_err(err)?;
    let iana_name = registry.iana.get(&front.code).map(|row| row.phrase.clone());
    Ok(CodePage {
        front,
        iana_name,
        sections: out_sections,
        examples,
    })
}

fn check_file_name(file: &str, code: u16) -> Result<(), ContentError> {
    let stem = std::path::Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    if stem != format!("{code:03}") {
        return Err(ContentError::new(
            file,
            format!("declares code {code} but the file should be named {code:03}.md"),
        ));
    }
    Ok(())
}

fn check_identity(front: &FrontMatter, registry: &Registry) -> Result<(), String> {
    if !STATUSES.contains(&front.status.as_str()) {
        return Err(format!(
            "`status` is `{}`; expected one of {STATUSES:?}",
            front.status
        ));
    }
    match registry.iana.get(&front.code) {
        Some(row) => {
            if front.name != row.phrase {
                return Err(format!(
                    "`name` is `{}` but the IANA registry says `{}`",
                    front.name, row.phrase
                ));
            }
            if front.reference.as_deref() != Some(row.reference.as_str()) {
                return Err(format!(
                    "`reference` is {:?} but the IANA registry says `{}`",
                    front.reference, row.reference
                ));
            }
            if front.status != row.status.as_str() {
                return Err(format!(
                    "`status` is `{}` but the IANA registry says `{}`",
                    front.status,
                    row.status.as_str()
                ));
            }
            if row.status == RegistryStatus::Temporary && front.expires != row.expires {
                return Err(format!(
                    "`expires` is {:?} but the registry says {:?}",
                    front.expires, row.expires
                ));
            }
            if row.status != RegistryStatus::Temporary && front.expires.is_some() {
                return Err("`expires` is only for temporary registrations".into());
            }
        }
        None => {
            let Some(rows) = registry.vendors.get(&front.code) else {
                return Err(format!(
                    "code {} is neither in the IANA registry nor in the vendor-code list",
                    front.code
                ));
            };
            if front.status != "unofficial" {
                return Err(format!(
                    "code {} is not in the IANA registry, so `status` must be `unofficial`",
                    front.code
                ));
            }
            if front.reference.is_some() || front.expires.is_some() {
                return Err("an unofficial code has no registry `reference` or `expires`".into());
            }
            if front.vendors.len() < rows.len() {
                return Err(format!(
                    "the vendor list has {} meanings of {} but the page gives {}",
                    rows.len(),
                    front.code,
                    front.vendors.len()
                ));
            }
        }
    }
    if let Some(rows) = registry.vendors.get(&front.code) {
        for row in rows {
            let wanted = row
                .vendor
                .split(['(', '/'])
                .next()
                .unwrap_or("")
                .trim()
                .to_lowercase();
            if !front
                .vendors
                .iter()
                .any(|v| v.vendor.to_lowercase().contains(&wanted))
            {
                return Err(format!(
                    "no `[[vendors]]` entry for `{}` ({})",
                    row.vendor, row.name
                ));
            }
        }
    }
    for vendor in &front.vendors {
        for (field, value) in [
            ("vendor", &vendor.vendor),
            ("name", &vendor.name),
            ("description", &vendor.description),
            ("source", &vendor.source),
        ] {
            if value.trim().is_empty() {
                return Err(format!("a `[[vendors]]` entry has an empty `{field}`"));
            }
        }
    }
    Ok(())
}

fn check_flags(front: &FrontMatter) -> Result<(), String> {
    let code = front.code;
    let class = code / 100;
    let is_range = (100..=599).contains(&code);
    if is_range && front.interim != (class == 1) {
        return Err(format!("`interim` must be {} for {code}", class == 1));
    }
    if (class == 1 || code == 204 || code == 304) && front.body_allowed {
        return Err(format!(
            "`body_allowed` must be false for {code}: 1xx, 204 and 304 responses have no body"
        ));
    }
    if front.status != "unofficial" && front.cacheable != HEURISTICALLY_CACHEABLE.contains(&code) {
        return Err(format!(
            "`cacheable` must be {} for {code} (RFC 9110 section 15.1 and RFC 7725 section 3 make {HEURISTICALLY_CACHEABLE:?} cacheable by default)",
            !front.cacheable
        ));
    }
    if is_range
        && (1..=3).contains(&class)
        && front.retry != Retry::NotApplicable
        && front.status != "unofficial"
    {
        return Err(format!(
            "`retry` must be `not-applicable` for {code}: it is not a failure"
        ));
    }
    if (4..=5).contains(&class) && front.retry == Retry::NotApplicable {
        return Err(format!(
            "`retry` cannot be `not-applicable` for the error code {code}"
        ));
    }
    Ok(())
}

fn parse_examples(section: &str, line: usize) -> Result<Vec<Example>, String> {
    let mut out = Vec::new();
    let (blocks, trailing) = fences(section);
    if !trailing.is_empty() {
        return Err(
            "text after the last example in `Examples`: move it before the example it introduces"
                .into(),
        );
    }
    for fence in blocks {
        let at = line + fence.line;
        let (language, attributes) =
            parse_info(fence.info).map_err(|e| format!("example at body line {at}: {e}"))?;
        if !LANGUAGES.contains(&language) {
            return Err(format!(
                "example at body line {at}: language `{language}` is not one of {LANGUAGES:?}"
            ));
        }
        let mut example = Example {
            language: language.to_owned(),
            title: String::new(),
            role: String::new(),
            expect: Vec::new(),
            expect_headers: Vec::new(),
            request: String::new(),
            path: String::new(),
            framework: String::new(),
            intro: fence.intro.clone(),
            code: fence.code.clone(),
        };
        for (key, value) in attributes {
            match key.as_str() {
                "title" => example.title = value,
                "role" => example.role = value,
                "expect" => {
                    example.expect = value
                        .split_whitespace()
                        .map(|c| {
                            c.parse::<u16>().map_err(|_| {
                                format!("example at body line {at}: `expect` has `{c}`")
                            })
                        })
                        .collect::<Result<_, _>>()?
                }
                "expect_headers" => {
                    example.expect_headers = value
                        .split(',')
                        .map(|h| h.trim().to_ascii_lowercase())
                        .filter(|h| !h.is_empty())
                        .collect()
                }
                "request" => example.request = value,
                "path" => example.path = value,
                "framework" => example.framework = value,
                other => {
                    return Err(format!(
                        "example at body line {at}: unknown attribute `{other}`"
                    ));
                }
            }
        }
        if example.title.trim().is_empty() {
            return Err(format!("example at body line {at} has no `title`"));
        }
        if example.code.trim().is_empty() {
            return Err(format!("example `{}` is empty", example.title));
        }
        if !example.framework.is_empty() {
            let valid = frameworks_of(language);
            if !valid.contains(&example.framework.as_str()) {
                let (owner, _) = FRAMEWORKS
                    .iter()
                    .find(|(_, names)| names.contains(&example.framework.as_str()))
                    .copied()
                    .unwrap_or(("", &[]));
                let why = if owner.is_empty() {
                    "is not a known framework".to_owned()
                } else {
                    format!("is a {owner} framework, not a {language} one")
                };
                let list = if valid.is_empty() {
                    format!("{language} examples take no `framework`")
                } else {
                    format!("{language} takes {}", valid.join(", "))
                };
                return Err(format!(
                    "example `{}`: framework `{}` {why} ({list}; no `framework` means the standard library)",
                    example.title, example.framework
                ));
            }
        }
        match example.role.as_str() {
            "server" => {
                if !matches!(language, "javascript" | "python") {
                    return Err(format!(
                        "example `{}`: only javascript and python examples can have a role",
                        example.title
                    ));
                }
                if example.expect.is_empty() {
                    return Err(format!(
                        "server example `{}` has no `expect`",
                        example.title
                    ));
                }
            }
            "client" => {
                if !matches!(language, "javascript" | "python") {
                    return Err(format!(
                        "example `{}`: only javascript and python examples can have a role",
                        example.title
                    ));
                }
            }
            "" => {
                if matches!(language, "javascript" | "python") {
                    return Err(format!(
                        "example `{}` needs `role=\"server\"` or `role=\"client\"`",
                        example.title
                    ));
                }
            }
            other => {
                return Err(format!(
                    "example `{}`: role `{other}` is not `server` or `client`",
                    example.title
                ));
            }
        }
        out.push(example);
    }
    if out.is_empty() {
        return Err("the Examples section has no fenced example".into());
    }
    Ok(out)
}

fn check_examples(
    front: &FrontMatter,
    registry: &Registry,
    examples: &[Example],
) -> Result<(), String> {
    if !registry.iana.contains_key(&front.code) {
        return Ok(());
    }
    for language in ["javascript", "python", "http"] {
        if !examples.iter().any(|e| e.language == language) {
            return Err(format!(
                "a registered code needs at least one `{language}` example"
            ));
        }
    }
    let shows_status = |line: &str| {
        line.starts_with("HTTP/")
            && line.split_whitespace().nth(1) == Some(&*front.code.to_string())
    };
    if !examples
        .iter()
        .filter(|e| e.language == "http")
        .any(|e| e.code.lines().any(shows_status))
    {
        return Err(format!(
            "no `http` example shows a `HTTP/1.1 {}` status line",
            front.code
        ));
    }
    Ok(())
}

/// Checks a `sources` list: at least one entry, each an absolute `http` or `https` URL with a host, no
/// whitespace, no duplicates.
pub fn check_sources(sources: &[String]) -> Result<(), String> {
    if sources.is_empty() {
        return Err(
            "`sources` is missing or empty: list the documents the page's facts come from".into(),
        );
    }
    for (i, url) in sources.iter().enumerate() {
        check_url(url).map_err(|why| format!("`sources` entry `{url}` {why}"))?;
        if sources[..i].contains(url) {
            return Err(format!("`sources` lists `{url}` twice"));
        }
    }
    Ok(())
}

/// A well-formed absolute URL: `http://` or `https://`, a host of letters, digits, dots and hyphens (with an
/// optional port), then an optional path, and nothing that needs escaping.
fn check_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("must start with `https://` or `http://`")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let host = authority.split_once(':').map_or(authority, |(h, port)| {
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
            ""
        } else {
            h
        }
    });
    let label_ok = |l: &str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if !host.contains('.') || !host.split('.').all(label_ok) {
        return Err("has no valid host".into());
    }
    if let Some(bad) = tail
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\' | '`'))
    {
        return Err(format!("contains {bad:?}, which a URL must escape"));
    }
    Ok(())
}

/// A class page or a guide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guide {
    /// File stem: `4xx` or `how-status-codes-work`.
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub class: Option<String>,
    /// The documents the page's facts come from.
    pub sources: Vec<String>,
    pub markdown: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GuideFront {
    title: String,
    summary: String,
    #[serde(default)]
    class: Option<String>,
    #[serde(default)]
    sources: Vec<String>,
}

/// Parses a class page (`classes/4xx.md`, with `class`) or a guide (`guides/SLUG.md`).
pub fn parse_guide(file: &str, text: &str, is_class: bool) -> Result<Guide, ContentError> {
    let err = |reason: String| ContentError::new(file, reason);
    let (toml_text, body) = split_front_matter(file, text)?;
    let front: GuideFront = toml::from_str(toml_text)
        .map_err(|e| err(format!("front matter: {}", e.message().trim())))?;
    let slug = std::path::Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_owned();
    if front.title.trim().is_empty() || front.summary.trim().is_empty() {
        return Err(err("`title` and `summary` must not be empty".into()));
    }
    check_sources(&front.sources).map_err(err)?;
    if body.trim().len() < 200 {
        return Err(err("the body is too short to be a page".into()));
    }
    if is_class {
        let valid = ["1xx", "2xx", "3xx", "4xx", "5xx"];
        match front.class.as_deref() {
            Some(class) if valid.contains(&class) && class == slug => {}
            other => {
                return Err(err(format!(
                    "`class` is {other:?}; a class page needs `class = \"{slug}\"` matching its file name"
                )));
            }
        }
    } else if front.class.is_some() {
        return Err(err("`class` belongs on class pages only".into()));
    }
    if !slug
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(err(format!(
            "file name `{slug}` must be lowercase words joined by `-`"
        )));
    }
    Ok(Guide {
        slug,
        title: front.title,
        summary: front.summary,
        class: front.class,
        sources: front.sources,
        markdown: body.trim().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::{check_sources, parse_examples};

    fn example_with(info: &str) -> Result<super::Example, String> {
        let section = format!("```{info}\nprint(1)\n```\n");
        parse_examples(&section, 1).map(|mut examples| examples.remove(0))
    }

    #[test]
    fn examples_take_a_framework_of_their_language() {
        let flask =
            example_with(r#"python framework="flask" title="t" role="server" expect="200""#);
        assert_eq!(flask.unwrap().framework, "flask");
        let express =
            example_with(r#"javascript framework="express" title="t" role="server" expect="200""#);
        assert_eq!(express.unwrap().framework, "express");
        let plain = example_with(r#"javascript title="t" role="client""#);
        assert_eq!(plain.unwrap().framework, "");
    }

    #[test]
    fn examples_reject_a_framework_that_is_unknown_or_of_another_language() {
        for (info, why) in [
            (
                r#"python framework="express" title="t" role="server" expect="200""#,
                "framework `express` is a javascript framework, not a python one (python takes fastapi, flask, django, requests, httpx",
            ),
            (
                r#"javascript framework="koa" title="t" role="server" expect="200""#,
                "framework `koa` is not a known framework (javascript takes express, fastify, axios",
            ),
            (
                r#"javascript framework="Express" title="t" role="server" expect="200""#,
                "framework `Express` is not a known framework",
            ),
            (
                r#"http framework="flask" title="t""#,
                "http examples take no `framework`",
            ),
        ] {
            let error = example_with(info).expect_err(info);
            assert!(error.contains(why), "{info}: {error}");
        }
    }

    fn check(urls: &[&str]) -> Result<(), String> {
        check_sources(&urls.iter().map(|u| (*u).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn sources_accept_absolute_urls() {
        assert_eq!(
            check(&[
                "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5",
                "http://nginx.org/en/docs/http/ngx_http_core_module.html#max_ranges",
                "https://metacpan.org/pod/HTTP::Tiny",
                "https://example.org:8443/a?b=c",
            ]),
            Ok(())
        );
    }

    #[test]
    fn sources_reject_what_is_not_a_url() {
        for (urls, why) in [
            (&[][..], "missing or empty"),
            (&["RFC 9110 section 15"][..], "must start with"),
            (&["ftp://example.org/x"][..], "must start with"),
            (&["https:///path"][..], "no valid host"),
            (&["https://localhost/x"][..], "no valid host"),
            (&["https://bad_host.org/"][..], "no valid host"),
            (&["https://example.org:port/"][..], "no valid host"),
            (&["https://example.org/a b"][..], "must escape"),
            (
                &["https://example.org/a", "https://example.org/a"][..],
                "twice",
            ),
        ] {
            let error = check(urls).expect_err(&format!("{urls:?} must be rejected"));
            assert!(error.contains(why), "{urls:?}: {error}");
        }
    }
}

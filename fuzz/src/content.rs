//! Properties of the content parser: front matter splitting and whole code pages, checked against the real IANA
//! registry and vendor-code list. The input's first line is the file name (`404.md`), the rest the file.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use httpstatus_content::page::LANGUAGES;
use httpstatus_content::{
    Registry, SECTION_TITLES, parse_code_page, parse_guide, split_front_matter,
};

fn registry() -> &'static (Registry, BTreeSet<u16>) {
    static REGISTRY: OnceLock<(Registry, BTreeSet<u16>)> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let registry = Registry::parse(
            include_str!("../../data/iana-status-codes.csv"),
            include_str!("../../data/unofficial-status-codes.csv"),
        )
        .expect("the shipped registry parses");
        let known = registry.all_codes().into_iter().collect();
        (registry, known)
    })
}

/// The content target.
pub fn content_page(data: &[u8]) {
    let input = String::from_utf8_lossy(data);
    let (file, text) = match input.split_once('\n') {
        Some((first, rest)) if first.ends_with(".md") && first.len() <= 64 => (first, rest),
        _ => ("000.md", input.as_ref()),
    };
    check_front_matter_split(file, text);
    check_code_page(file, text);
    for is_class in [false, true] {
        match parse_guide(file, text, is_class) {
            Ok(guide) => {
                assert!(!guide.title.trim().is_empty() && !guide.summary.trim().is_empty());
                assert!(
                    guide.markdown.trim().len() >= 200,
                    "a guide this short is accepted"
                );
                assert_eq!(guide.class.is_some(), is_class);
            }
            Err(error) => check_error(file, &error),
        }
    }
}

/// The split gives back the file exactly: opening line, front matter, a closing line, body; and the front
/// matter holds no closing line of its own.
fn check_front_matter_split(file: &str, text: &str) {
    let Ok((front, body)) = split_front_matter(file, text) else {
        return;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
        .expect("an accepted file opens with +++");
    let after_front = rest
        .strip_prefix(front)
        .expect("the front matter starts right after the opening line");
    let closing = after_front
        .strip_suffix(body)
        .expect("the body is the end of the file");
    assert_eq!(closing.trim_end(), "+++", "closing line {closing:?}");
    assert!(
        closing.ends_with('\n') || body.is_empty(),
        "closing line {closing:?} runs into the body"
    );
    assert!(
        !front
            .split_inclusive('\n')
            .any(|line| line.trim_end() == "+++"),
        "the front matter holds a closing line"
    );
}

/// An accepted page satisfies every rule the catalog relies on; a rejected one names its file.
fn check_code_page(file: &str, text: &str) {
    let (registry, known) = registry();
    let page = match parse_code_page(file, text, registry, known) {
        Ok(page) => page,
        Err(error) => return check_error(file, &error),
    };
    let front = &page.front;
    assert!(file.ends_with(&format!("{:03}.md", front.code)));
    assert!(
        registry.iana.contains_key(&front.code) || registry.vendors.contains_key(&front.code),
        "code {} is in neither list",
        front.code
    );
    assert_eq!(
        page.iana_name.as_deref(),
        registry
            .iana
            .get(&front.code)
            .map(|row| row.phrase.as_str())
    );
    assert!(!front.summary.trim().is_empty());
    for related in &front.related {
        assert!(
            *related != front.code && known.contains(related),
            "related {related}"
        );
    }
    let titles: Vec<&str> = page.sections.iter().map(|s| s.title.as_str()).collect();
    let expected: Vec<&str> = SECTION_TITLES
        .iter()
        .copied()
        .filter(|t| *t != "Examples")
        .collect();
    assert_eq!(titles, expected);
    for section in &page.sections {
        assert!(!section.markdown.is_empty() && section.markdown.trim() == section.markdown);
    }
    assert!(!page.examples.is_empty());
    for example in &page.examples {
        assert!(LANGUAGES.contains(&example.language.as_str()));
        assert!(!example.title.trim().is_empty() && !example.code.trim().is_empty());
        assert!(matches!(example.role.as_str(), "" | "server" | "client"));
        if example.role == "server" {
            assert!(!example.expect.is_empty());
        }
    }
    if (100..200).contains(&front.code) {
        assert!(front.interim && !front.body_allowed);
    }
}

fn check_error(file: &str, error: &httpstatus_content::ContentError) {
    assert_eq!(error.file, file, "the error names another file");
    assert!(!error.reason.trim().is_empty(), "an error without a reason");
}

//! Parses and validates httpstatus content files: one page per status code, class pages and guides.
//!
//! # Layout
//! - [`registry`]: the IANA registry and the vendor-code list that pages are checked against.
//! - [`markdown`]: splitting a body into `##` sections and fenced examples (fence-aware).
//! - [`page`]: the typed form of a code page, its parser and its validation rules.
//! - [`kinds`]: the registration status and retry kinds, shared with the catalog (which includes the file).
//! - [`choose`]: the "which status code should I send?" decision tree and its rules.
//! - [`constants`]: what each library (Python, Go, Spring...) calls a code, one file per ecosystem.
//! - [`reproduce`]: the curl commands that make the live server produce a code from its real cause.
//!
//! Everything here is pure: text in, typed data or a [`ContentError`] naming the file and the reason out.
//! The catalog's build script is the main user; `check-content` runs the same checks on single files.

pub mod choose;
pub mod constants;
pub mod kinds;
pub mod markdown;
pub mod page;
pub mod registry;
pub mod reproduce;

pub use choose::{Tree, parse_choose};
pub use constants::{CodeConstant, Ecosystem, check_ecosystems, parse_constants};
pub use page::{
    CodePage, Example, FrontMatter, Guide, Retry, Section, VendorMeaning, parse_code_page,
    parse_guide,
};
pub use registry::{Registry, RegistryStatus};
pub use reproduce::{Case, parse_reproduce};

/// A content problem: which file, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct ContentError {
    pub file: String,
    pub reason: String,
}

impl ContentError {
    pub fn new(file: impl Into<String>, reason: impl Into<String>) -> ContentError {
        ContentError {
            file: file.into(),
            reason: reason.into(),
        }
    }
}

/// The `##` sections of a code page, in the order the page must give them.
pub const SECTION_TITLES: [&str; 7] = [
    "Origin",
    "What can I do?",
    "Causes",
    "How to debug & fix",
    "Headers that go with it",
    "Examples",
    "Related codes",
];

/// Codes that are heuristically cacheable by default: the list of RFC 9110 section 15.1, plus 451, which
/// RFC 7725 section 3 declares cacheable by default.
pub const HEURISTICALLY_CACHEABLE: [u16; 13] = [
    200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 451, 501,
];

/// Splits `+++\nTOML\n+++\nbody` into its two parts.
pub fn split_front_matter<'a>(
    file: &str,
    text: &'a str,
) -> Result<(&'a str, &'a str), ContentError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
        .ok_or_else(|| {
            ContentError::new(
                file,
                "must start with a `+++` line opening the TOML front matter",
            )
        })?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Ok((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    Err(ContentError::new(
        file,
        "the front matter has no closing `+++` line",
    ))
}

//! Every HTTP status code: what it means, where it comes from, what to do about it, and tested examples.
//!
//! # Layout
//! - [`entry`]: the typed entry ([`Entry`]) and its parts, with the JSON shape shared by the CLI and the API.
//! - [`lookup`](crate::lookup()): a code to its entry, the class fallback for valid but unassigned codes (299 is
//!   treated as 200), and a clear error for what is not a status code (42, 600, 1000).
//! - [`choose`]: the "which status code should I send?" decision tree and a walk through it.
//! - [`constants`]: what libraries (Python, Node, Go, Rust, Java, Spring, .NET, Symfony, Rack) call each code.
//! - [`reproduce`]: the curl commands that make the live server produce a code from its real cause.
//! - [`search`]: ranked, deterministic, in-process search over names, old names, synonyms, vendors and text.
//! - The data itself is generated at build time from `content/` by `build.rs`, which validates every file.
//!
//! The catalog does no I/O and starts no threads: everything is static data and pure functions.

pub mod choose;
pub mod constants;
pub mod entry;
#[path = "../../httpstatus-content/src/kinds.rs"]
mod kinds;
mod normalize;
pub mod reproduce;
pub mod search;

pub use entry::{
    Brief, Class, Entry, Example, Flags, Guide, RegistryStatus, Retry, SECTION_TITLES, Section,
    Vendor, language_label, required_headers,
};
pub use search::{Hit, search};

mod generated {
    #![allow(clippy::unreadable_literal, clippy::approx_constant)]
    use crate::choose::{Answer, Next, Step};
    use crate::constants::{Constant, Ecosystem};
    use crate::entry::*;
    use crate::reproduce::Reproduction;
    include!(concat!(env!("OUT_DIR"), "/catalog.rs"));
}

/// The date of the IANA registry copy the catalog was checked against.
pub const REGISTRY_DATE: &str = generated::REGISTRY_DATE;

/// Every entry, ordered by code.
pub fn entries() -> &'static [Entry] {
    generated::ENTRIES
}

/// The reason phrase front ends put in a status line for `code`: the registry's name, a vendor code's usual
/// name, or "" for a code without one (HTTP allows an empty phrase). The one source of reason phrases.
pub fn phrase(code: u16) -> &'static str {
    get(code).and_then(Entry::reason_phrase).unwrap_or("")
}

/// The entry for a code that has one (registered or vendor).
pub fn get(code: u16) -> Option<&'static Entry> {
    let all = entries();
    all.binary_search_by_key(&code, |e| e.code)
        .ok()
        .map(|i| &all[i])
}

/// Entries of one class, ordered by code.
pub fn by_class(class: Class) -> impl Iterator<Item = &'static Entry> {
    entries().iter().filter(move |e| e.class() == class)
}

/// The class pages (`1xx` to `5xx`).
pub fn class_pages() -> &'static [Guide] {
    generated::CLASS_PAGES
}

/// The page of one class.
pub fn class_page(class: Class) -> Option<&'static Guide> {
    let label = class.label();
    class_pages().iter().find(|g| g.slug == label)
}

/// The long-form guides.
pub fn guides() -> &'static [Guide] {
    generated::GUIDES
}

/// The guide with this slug.
pub fn guide(slug: &str) -> Option<&'static Guide> {
    guides().iter().find(|g| g.slug == slug)
}

/// The result of looking a number up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// A code the catalog has a page for.
    Known(&'static Entry),
    /// A valid code (100-599) that nobody assigned: a client treats it as the x00 of its class.
    Unassigned { code: u16, fallback: &'static Entry },
}

impl Lookup {
    pub fn code(&self) -> u16 {
        match self {
            Lookup::Known(e) => e.code,
            Lookup::Unassigned { code, .. } => *code,
        }
    }

    /// The entry, when the code has one.
    pub fn entry(&self) -> Option<&'static Entry> {
        match self {
            Lookup::Known(e) => Some(e),
            Lookup::Unassigned { .. } => None,
        }
    }

    /// The headline name; for an unassigned code, what it falls back to.
    pub fn name(&self) -> String {
        match self {
            Lookup::Known(e) => e.name.to_owned(),
            Lookup::Unassigned { fallback, .. } => format!(
                "Unassigned (treated as {} {})",
                fallback.code, fallback.name
            ),
        }
    }

    /// One or two sentences about the code.
    pub fn summary(&self) -> String {
        match self {
            Lookup::Known(e) => e.summary.to_owned(),
            Lookup::Unassigned { .. } => self.explanation(),
        }
    }

    /// One line a tool can print beside the code.
    pub fn explanation(&self) -> String {
        match self {
            Lookup::Known(e) => {
                let first = e
                    .summary
                    .split_inclusive(". ")
                    .next()
                    .unwrap_or(e.summary)
                    .trim();
                first.to_owned()
            }
            Lookup::Unassigned { code, fallback } => format!(
                "{code} is not assigned in the IANA registry; a client that does not recognise it must treat it as {} {}, the generic {} response of its class (RFC 9110 section 15)",
                fallback.code,
                fallback.name,
                Class::of(*code).meaning()
            ),
        }
    }
}

impl serde::Serialize for Lookup {
    /// A known code serialises as its [`Entry`]; an unassigned one as
    /// `{code, assigned: false, name, class, official, treat_as, explanation}`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        match self {
            Lookup::Known(entry) => entry.serialize(serializer),
            Lookup::Unassigned { code, fallback } => {
                let mut s = serializer.serialize_struct("Unassigned", 7)?;
                s.serialize_field("code", code)?;
                s.serialize_field("assigned", &false)?;
                s.serialize_field("name", &self.name())?;
                s.serialize_field("class", &Class::of(*code))?;
                s.serialize_field("official", &false)?;
                s.serialize_field("treat_as", &fallback.code)?;
                s.serialize_field("explanation", &self.explanation())?;
                s.end()
            }
        }
    }
}

/// Why a number is not a status code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error("`{0}` is not a status code: a status code is three digits, 100 to 599")]
    NotANumber(String),
    #[error("{0} is not an HTTP status code: status codes are three digits, 100 to 599")]
    OutOfRange(u64),
}

/// Looks a number up: an entry, the class fallback for an unassigned 100-599 code, or an error.
pub fn lookup(code: u16) -> Result<Lookup, LookupError> {
    if let Some(entry) = get(code) {
        return Ok(Lookup::Known(entry));
    }
    match Class::of(code).fallback_code().and_then(get) {
        Some(fallback) if (100..=599).contains(&code) => Ok(Lookup::Unassigned { code, fallback }),
        _ => Err(LookupError::OutOfRange(u64::from(code))),
    }
}

/// Parses what a person typed ("404", " 404 ", "000") and looks it up. Only three-digit numbers are codes.
pub fn parse(text: &str) -> Result<Lookup, LookupError> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(LookupError::NotANumber(text.to_owned()));
    }
    let value: u64 = text
        .parse()
        .map_err(|_| LookupError::NotANumber(text.to_owned()))?;
    if text.len() != 3 {
        return Err(LookupError::OutOfRange(value));
    }
    lookup(value as u16)
}

/// Codes that look like a number that is not one: `42` suggests 420-429, `4044` suggests 404.
pub fn suggest_codes(text: &str) -> Vec<u16> {
    let text = text.trim();
    let mut out: Vec<u16> = Vec::new();
    for entry in entries() {
        let code = entry.code_text();
        let close = if text.len() < 3 {
            code.starts_with(text) && !text.is_empty()
        } else {
            search::edit_distance(text, &code) <= 1
        };
        if close && (100..=599).contains(&entry.code) {
            out.push(entry.code);
        }
    }
    out.truncate(8);
    out
}

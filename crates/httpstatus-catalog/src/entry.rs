//! The typed catalog entry and its parts; every field is embedded static data generated from `content/`.

use serde::Serialize;
use serde::ser::SerializeStruct;

/// A status code class: 1xx to 5xx, plus the out-of-range numbers some vendors log (000, 783, 999).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Class(pub u8);

impl Class {
    /// The class of a code: its first digit.
    pub fn of(code: u16) -> Class {
        Class((code / 100) as u8)
    }

    /// The five classes HTTP defines.
    pub const ALL: [Class; 5] = [Class(1), Class(2), Class(3), Class(4), Class(5)];

    /// `"4xx"`.
    pub fn label(self) -> String {
        format!("{}xx", self.0)
    }

    /// The generic meaning of the class, as in "a client error".
    pub fn meaning(self) -> &'static str {
        match self.0 {
            1 => "informational",
            2 => "success",
            3 => "redirection",
            4 => "client error",
            5 => "server error",
            _ => "outside the HTTP range",
        }
    }

    /// The x00 code a client must treat an unknown code of this class as (RFC 9110 section 15).
    pub fn fallback_code(self) -> Option<u16> {
        (1..=5).contains(&self.0).then(|| u16::from(self.0) * 100)
    }

    /// Parses `4xx`, `4XX` or `4`.
    pub fn parse(text: &str) -> Option<Class> {
        let text = text.trim().to_ascii_lowercase();
        let digit = text.strip_suffix("xx").unwrap_or(&text);
        match digit.parse::<u8>() {
            Ok(d) if (1..=5).contains(&d) => Some(Class(d)),
            _ => None,
        }
    }
}

pub use crate::kinds::{RegistryStatus, Retry};

impl RegistryStatus {
    /// How the registration reads in a sentence, the one wording every front end uses: "permanent in the IANA
    /// registry", "temporary registration, expires 2026-11-13", "unofficial: not in the IANA registry".
    pub fn describe(self, expires: Option<&str>) -> String {
        match self {
            RegistryStatus::Unofficial => "unofficial: not in the IANA registry".to_owned(),
            RegistryStatus::Temporary => format!(
                "temporary registration, expires {}",
                expires.unwrap_or("on a date the registry gives")
            ),
            other => format!("{} in the IANA registry", other.as_str()),
        }
    }
}

/// Protocol facts about a code, as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Flags {
    /// A 1xx: sent before the final response, never instead of it.
    pub interim: bool,
    /// False for 1xx, 204 and 304.
    pub body_allowed: bool,
    /// Heuristically cacheable by default (RFC 9110 section 15.1).
    pub cacheable: bool,
    pub retry: Retry,
}

impl Flags {
    /// Interim or final, in words.
    pub fn describe_kind(self) -> &'static str {
        if self.interim {
            "interim (1xx): a final response follows"
        } else {
            "final response"
        }
    }

    /// Whether a body may come with it, in words.
    pub fn describe_body(self) -> &'static str {
        if self.body_allowed {
            "body allowed"
        } else {
            "body never sent"
        }
    }

    /// Cacheability by default, in words.
    pub fn describe_cache(self) -> &'static str {
        if self.cacheable {
            "heuristically cacheable"
        } else {
            "not cacheable by default"
        }
    }
}

/// The `##` sections of a code page, in page order (the Examples section's examples are in
/// [`Entry::examples`], the others in [`Entry::sections`]). Taken at build time from the content format's
/// own list, so there is one.
pub const SECTION_TITLES: [&str; 7] = crate::generated::SECTION_TITLES;

/// The header fields a response with `code` must carry; see [`Entry::required_headers`].
pub fn required_headers(code: u16) -> &'static [&'static str] {
    match code {
        101 | 426 => &["Upgrade"],
        206 => &["Content-Range"],
        401 => &["WWW-Authenticate"],
        405 => &["Allow"],
        407 => &["Proxy-Authenticate"],
        _ => &[],
    }
}

/// The display name of an example language, the one label every front end shows.
pub fn language_label(language: &str) -> &'static str {
    match language {
        "javascript" => "Node.js",
        "python" => "Python",
        "http" => "HTTP",
        "nginx" => "nginx",
        "shell" => "Shell",
        _ => "Code",
    }
}

/// The frameworks an example can be written with, `(language, framework)`, in the order front ends show them:
/// each language's servers, then its clients. An example without a framework uses the language's standard
/// library. Taken at build time from the content format's own list.
pub const FRAMEWORKS: &[(&str, &str)] = &crate::generated::FRAMEWORKS;

/// The display name of an example's flavour, the one label every front end shows: the framework's name
/// (`Express`, `FastAPI`, `Requests`, ...) or, without one, the language's ([`language_label`]: `Node.js`,
/// `Python`).
pub fn framework_label(language: &str, framework: Option<&str>) -> &'static str {
    match framework {
        None => language_label(language),
        Some("express") => "Express",
        Some("fastify") => "Fastify",
        Some("axios") => "axios",
        Some("fastapi") => "FastAPI",
        Some("flask") => "Flask",
        Some("django") => "Django",
        Some("requests") => "Requests",
        Some("httpx") => "HTTPX",
        Some(_) => "Code",
    }
}

/// One vendor's meaning of a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Vendor {
    pub vendor: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub source: &'static str,
    /// False when the vendor only logs it or maps it to another code on the wire.
    pub client_sees: bool,
    /// The only sources are weak (for example an unsourced encyclopedia entry).
    pub low_confidence: bool,
}

/// A titled Markdown section of a code page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Section {
    pub title: &'static str,
    pub markdown: &'static str,
}

/// A complete, tested program or a raw exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Example {
    /// `javascript`, `python`, `http`, `nginx` or `shell`.
    pub language: &'static str,
    pub title: &'static str,
    /// `server`, `client`, or empty.
    pub role: &'static str,
    /// Server examples: the status codes the tests read from it, in order.
    #[serde(skip)]
    pub expect: &'static [u16],
    /// Client examples: the live endpoint they call.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub path: &'static str,
    /// The library it is written with (one of [`FRAMEWORKS`] for its language); `None` for the language's
    /// standard library (`node:http` and `fetch`, Python's standard library). Always in the JSON, `null` then.
    pub framework: Option<&'static str>,
    /// Markdown that introduces the example; may be empty.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub intro: &'static str,
    pub code: &'static str,
}

/// A class page or a guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Guide {
    pub slug: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    /// The documents the page's facts come from (absolute URLs, at least one).
    pub sources: &'static [&'static str],
    pub markdown: &'static str,
}

/// Everything the catalog knows about one code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub code: u16,
    /// The headline name: the registry phrase for IANA codes, the main vendor meaning otherwise.
    pub name: &'static str,
    /// The registry phrase; `None` for unofficial codes.
    pub iana_name: Option<&'static str>,
    pub status: RegistryStatus,
    /// Expiry of a temporary registration.
    pub expires: Option<&'static str>,
    /// The registry's reference text, e.g. `[RFC9110, Section 15.5.14]`.
    pub reference: Option<&'static str>,
    /// A link to the defining document.
    pub spec_url: Option<&'static str>,
    pub summary: &'static str,
    /// The documents the page's facts come from (absolute URLs, at least one, checked at build time).
    pub sources: &'static [&'static str],
    pub aliases: &'static [&'static str],
    pub former_names: &'static [&'static str],
    pub keywords: &'static [&'static str],
    pub related: &'static [u16],
    pub flags: Flags,
    /// False when no client ever receives this code (log-only values, codes mapped to another on the wire).
    pub client_sees: bool,
    pub low_confidence: bool,
    pub vendors: &'static [Vendor],
    /// Origin, What can I do?, Causes, How to debug & fix, Headers that go with it, Related codes.
    pub sections: &'static [Section],
    pub examples: &'static [Example],
}

impl Example {
    /// `Node.js`, `Python`, `HTTP`, `nginx` or `Shell`: the language, whatever the framework.
    pub fn label(&self) -> &'static str {
        language_label(self.language)
    }

    /// `Express`, `FastAPI`, ... for a framework example, the language's label otherwise
    /// ([`framework_label`]).
    pub fn framework_label(&self) -> &'static str {
        framework_label(self.language, self.framework)
    }
}

impl Entry {
    /// The reason phrase to send with this code: the registry's phrase for a registered code, `None` for an
    /// unused number (306, 418), and the main vendor name for an unofficial code.
    pub fn reason_phrase(&self) -> Option<&'static str> {
        match self.status {
            RegistryStatus::Unused => None,
            RegistryStatus::Unofficial => Some(self.name),
            _ => self.iana_name,
        }
    }

    /// The header fields a response with this code must carry (RFC 9110: `Upgrade` on 101 and 426,
    /// `Content-Range` on a single-range 206, `WWW-Authenticate` on 401, `Allow` on 405, `Proxy-Authenticate`
    /// on 407). Headers that are only recommended, such as `Location` on a redirect or `Retry-After` on 503,
    /// are not listed.
    pub fn required_headers(&self) -> &'static [&'static str] {
        required_headers(self.code)
    }

    /// Its registration, in words ([`RegistryStatus::describe`]).
    pub fn status_text(&self) -> String {
        self.status.describe(self.expires)
    }

    pub fn class(&self) -> Class {
        Class::of(self.code)
    }

    /// In the IANA registry.
    pub fn is_official(&self) -> bool {
        self.iana_name.is_some()
    }

    /// `"404"`, `"000"`.
    pub fn code_text(&self) -> String {
        format!("{:03}", self.code)
    }

    /// The section with this title.
    pub fn section(&self, title: &str) -> Option<&'static Section> {
        self.sections.iter().find(|s| s.title == title)
    }
}

impl Serialize for Entry {
    /// The one JSON shape shared by the CLI (`httpstatus CODE --json`) and the API (`/api/v1/codes/CODE`).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Entry", 23)?;
        s.serialize_field("code", &self.code)?;
        s.serialize_field("name", self.name)?;
        s.serialize_field("iana_name", &self.iana_name)?;
        s.serialize_field("class", &self.class().label())?;
        s.serialize_field("official", &self.is_official())?;
        s.serialize_field("status", &self.status)?;
        s.serialize_field("expires", &self.expires)?;
        s.serialize_field("reference", &self.reference)?;
        s.serialize_field("spec_url", &self.spec_url)?;
        s.serialize_field("sources", self.sources)?;
        s.serialize_field("summary", self.summary)?;
        s.serialize_field("sections", self.sections)?;
        s.serialize_field("examples", self.examples)?;
        s.serialize_field("related", self.related)?;
        s.serialize_field("aliases", self.aliases)?;
        s.serialize_field("former_names", self.former_names)?;
        s.serialize_field("vendors", self.vendors)?;
        s.serialize_field("flags", &self.flags)?;
        s.serialize_field("client_sees", &self.client_sees)?;
        s.serialize_field("low_confidence", &self.low_confidence)?;
        s.serialize_field("constants", &crate::constants::for_code(self.code))?;
        s.serialize_field(
            "reproduce",
            &crate::reproduce::for_code(self.code).map(ReproduceJson),
        )?;
        s.end()
    }
}

/// A reproduction in the entry's JSON: the case, its command templates (`{base}` for the live server) and the
/// commands for `httpstatus serve` on this machine.
struct ReproduceJson(&'static crate::reproduce::Reproduction);

impl Serialize for ReproduceJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut s = serializer.serialize_struct("Reproduce", 6)?;
        s.serialize_field("title", r.title)?;
        s.serialize_field("steps", r.steps)?;
        s.serialize_field("commands", &r.commands(&crate::reproduce::Target::LOCAL))?;
        s.serialize_field("expect", r.expect)?;
        s.serialize_field("explain", r.explain)?;
        s.serialize_field("needs_tls", &r.needs_tls())?;
        s.end()
    }
}

/// The short form used by lists and search results: `{code, name, class, official, summary}`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Brief {
    pub code: u16,
    pub name: &'static str,
    pub class: Class,
    pub official: bool,
    pub status: RegistryStatus,
    pub summary: &'static str,
}

impl Serialize for Class {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.label())
    }
}

impl From<&Entry> for Brief {
    fn from(e: &Entry) -> Brief {
        Brief {
            code: e.code,
            name: e.name,
            class: e.class(),
            official: e.is_official(),
            status: e.status,
            summary: e.summary,
        }
    }
}

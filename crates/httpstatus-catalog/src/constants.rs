//! What libraries call each status code: Python's `http.HTTPStatus`, Node's `http.STATUS_CODES`, Go's
//! `net/http`, Rust's `http::StatusCode`, Java's `HttpURLConnection`, Spring's `HttpStatus`, .NET's
//! `HttpStatusCode`, Symfony's `Response` and Rack's status symbols, as static data from
//! `content/constants/*.toml`.
//!
//! Each ecosystem says which version its entries were checked against (`tests/constants` runs the real
//! library and compares both ways) or, for a library that cannot be installed here, the source they were read
//! from.

use serde::Serialize;
use serde::ser::SerializeStruct;

/// One library and everything it calls a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ecosystem {
    /// The data file's name: `python`, `node`, `go`, `rust`, `java`, `spring`, `dotnet`, `symfony`, `rack`.
    pub key: &'static str,
    /// How people name it: `Python`, `.NET`, `PHP Symfony`.
    pub ecosystem: &'static str,
    /// The class, enum, module or map that holds the codes.
    pub library: &'static str,
    /// One sentence on what its names and phrases are.
    pub about: &'static str,
    /// The version the entries were checked against by running the library; `None` when they come from
    /// [`Ecosystem::source`] only.
    pub version_checked: Option<&'static str>,
    /// Where the entries can be read: the library's source at that version, or its documentation.
    pub source: &'static str,
    /// Documents behind the notes about other versions.
    pub sources: &'static [&'static str],
    /// The library has named constants (Node's map has phrases only).
    pub has_names: bool,
    /// The library has reason phrases (Java's and .NET's constants have none).
    pub has_phrases: bool,
    /// Ordered by code.
    pub codes: &'static [Constant],
}

/// What one library calls one code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Constant {
    pub code: u16,
    /// The current names, the preferred one first.
    pub names: &'static [&'static str],
    /// Names the library still defines but marks deprecated.
    pub deprecated: &'static [&'static str],
    /// The library's reason phrase, when it has one for this code.
    pub phrase: Option<&'static str>,
    /// What other versions of the library call it.
    pub note: Option<&'static str>,
}

/// One library's entry for one code, with its library: what the front ends show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Named {
    pub ecosystem: &'static Ecosystem,
    pub constant: &'static Constant,
}

impl Named {
    /// The library's phrase when it differs from `phrase` (the code's name in the catalog).
    pub fn phrase_if_different(&self, phrase: &str) -> Option<&'static str> {
        self.constant.phrase.filter(|p| *p != phrase)
    }

    /// The current names, then the deprecated ones marked as such: `CONTENT_TOO_LARGE, REQUEST_ENTITY_TOO_LARGE
    /// (deprecated)`; empty when the library has no names.
    pub fn names_text(&self) -> String {
        let current = self.constant.names.iter().map(|n| (*n).to_owned());
        let old = self
            .constant
            .deprecated
            .iter()
            .map(|n| format!("{n} (deprecated)"));
        current.chain(old).collect::<Vec<_>>().join(", ")
    }

    /// `3.11.7`, or `from source` for a library whose entries were not checked by running it.
    pub fn checked_text(&self) -> String {
        match self.ecosystem.version_checked {
            Some(version) => version.to_owned(),
            None => "from source".to_owned(),
        }
    }
}

impl Serialize for Named {
    /// `{ecosystem, library, names, deprecated, phrase, version_checked, source, note}`: the shape of each item
    /// of an entry's `constants` in the CLI's and the API's JSON.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (e, c) = (self.ecosystem, self.constant);
        let mut s = serializer.serialize_struct("Constant", 8)?;
        s.serialize_field("ecosystem", e.ecosystem)?;
        s.serialize_field("library", e.library)?;
        s.serialize_field("names", c.names)?;
        s.serialize_field("deprecated", c.deprecated)?;
        s.serialize_field("phrase", &c.phrase)?;
        s.serialize_field("version_checked", &e.version_checked)?;
        s.serialize_field("source", e.source)?;
        s.serialize_field("note", &c.note)?;
        s.end()
    }
}

/// Every ecosystem, in display order.
pub fn ecosystems() -> &'static [Ecosystem] {
    crate::generated::CONSTANT_ECOSYSTEMS
}

/// The ecosystem with this key (`python`, `dotnet`...).
pub fn ecosystem(key: &str) -> Option<&'static Ecosystem> {
    ecosystems().iter().find(|e| e.key == key)
}

impl Ecosystem {
    /// Its entry for `code`, if the library has one.
    pub fn get(&self, code: u16) -> Option<&'static Constant> {
        let codes = self.codes;
        codes
            .binary_search_by_key(&code, |c| c.code)
            .ok()
            .map(|i| &codes[i])
    }
}

/// What each library calls `code`, in ecosystem order; libraries without it are left out (see [`without`]).
pub fn for_code(code: u16) -> Vec<Named> {
    ecosystems()
        .iter()
        .filter_map(|ecosystem| {
            ecosystem.get(code).map(|constant| Named {
                ecosystem,
                constant,
            })
        })
        .collect()
}

/// The ecosystems whose library has nothing for `code`.
pub fn without(code: u16) -> Vec<&'static Ecosystem> {
    ecosystems()
        .iter()
        .filter(|e| e.get(code).is_none())
        .collect()
}

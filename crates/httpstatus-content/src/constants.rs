//! What each library calls a status code: `content/constants/KEY.toml`, one file per ecosystem (Python's
//! `http.HTTPStatus`, Go's `net/http`, Spring's `HttpStatus`...), with its parser and its rules.
//!
//! A file names the library, the version its entries were checked against (`version_checked`, for the
//! libraries that `tests/constants` runs) and the source the entries can be read in, then one `[[code]]` table
//! per code the library knows: its constant names (current first), the names it keeps but deprecates, and its
//! reason phrase. The rules: every code has a page and appears once; a library with constants gives at least
//! one name per code, a library without gives none; no name stands for two codes or is both current and
//! deprecated; a library without phrases gives none.

use std::collections::BTreeSet;

use serde::Deserialize;

use crate::ContentError;
use crate::page::check_sources;

/// One ecosystem's file, validated.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ecosystem {
    /// The file name without `.toml`: a lowercase slug (`python`, `dotnet`).
    #[serde(skip)]
    pub key: String,
    /// How people name it: `Python`, `.NET`, `PHP Symfony`.
    pub ecosystem: String,
    /// The class, enum, module or map that holds the codes: `http.HTTPStatus`.
    pub library: String,
    /// Display order among the ecosystems (unique).
    pub order: u32,
    /// One sentence on what the names and phrases are in this library.
    pub about: String,
    /// The library version the entries were checked against by `tests/constants`; absent for a library that
    /// cannot be installed here, whose entries come from `source`.
    #[serde(default)]
    pub version_checked: Option<String>,
    /// Where the entries can be read: the library's source at that version, or its documentation.
    pub source: String,
    /// Documents behind the `note`s (other versions' sources, release notes); may be empty.
    #[serde(default)]
    pub sources: Vec<String>,
    /// The library has named constants (`false` for Node's phrase map).
    pub has_names: bool,
    /// The library has reason phrases (`false` for Java's and .NET's).
    pub has_phrases: bool,
    #[serde(rename = "code", default)]
    pub codes: Vec<CodeConstant>,
}

/// What one library calls one code.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeConstant {
    pub code: u16,
    /// The current names, the preferred one first; aliases after it.
    #[serde(default)]
    pub names: Vec<String>,
    /// Names the library still defines but marks deprecated (or obsolete).
    #[serde(default)]
    pub deprecated: Vec<String>,
    /// The library's reason phrase for the code, when it has one.
    #[serde(default)]
    pub phrase: Option<String>,
    /// What other versions of the library call it, with the version; backed by the file's `sources`.
    #[serde(default)]
    pub note: Option<String>,
}

/// Parses and validates one ecosystem's file. `key` is the file name without `.toml`; `with_pages` are the
/// codes that have a page.
pub fn parse_constants(
    file: &str,
    key: &str,
    text: &str,
    with_pages: &BTreeSet<u16>,
) -> Result<Ecosystem, ContentError> {
    let mut eco: Ecosystem =
        toml::from_str(text).map_err(|e| ContentError::new(file, e.message().trim().to_owned()))?;
    eco.key = key.to_owned();
    check_ecosystem(&eco, with_pages).map_err(|reason| ContentError::new(file, reason))?;
    eco.codes.sort_by_key(|c| c.code);
    Ok(eco)
}

/// The rules across files: unique display orders and ecosystem names.
pub fn check_ecosystems(all: &[Ecosystem]) -> Result<(), String> {
    for (i, eco) in all.iter().enumerate() {
        for other in &all[..i] {
            if other.order == eco.order {
                return Err(format!(
                    "constants/{}.toml and constants/{}.toml have the same `order` {}",
                    other.key, eco.key, eco.order
                ));
            }
            if other.ecosystem == eco.ecosystem {
                return Err(format!(
                    "constants/{}.toml and constants/{}.toml both name the ecosystem `{}`",
                    other.key, eco.key, eco.ecosystem
                ));
            }
        }
    }
    Ok(())
}

fn check_ecosystem(eco: &Ecosystem, with_pages: &BTreeSet<u16>) -> Result<(), String> {
    let slug = !eco.key.is_empty()
        && eco
            .key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !slug {
        return Err(format!(
            "the file name `{}` must be a lowercase slug (letters, digits, `-`)",
            eco.key
        ));
    }
    for (field, value) in [
        ("ecosystem", &eco.ecosystem),
        ("library", &eco.library),
        ("about", &eco.about),
    ] {
        if value.trim().is_empty() {
            return Err(format!("`{field}` must not be empty"));
        }
    }
    if let Some(version) = &eco.version_checked {
        if version.is_empty() || version.chars().any(char::is_whitespace) {
            return Err(format!(
                "`version_checked` `{version}` must be one version, without spaces"
            ));
        }
    }
    check_sources(std::slice::from_ref(&eco.source)).map_err(|e| e.replace("sources", "source"))?;
    if !eco.sources.is_empty() {
        check_sources(&eco.sources)?;
    }
    if !eco.has_phrases && !eco.has_names {
        return Err("a library with neither names nor phrases has nothing to list".into());
    }
    if eco.codes.is_empty() {
        return Err("no `[[code]]` table: list the codes the library knows".into());
    }
    let mut codes = BTreeSet::new();
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for c in &eco.codes {
        let at = format!("code {}", c.code);
        if !with_pages.contains(&c.code) {
            return Err(format!(
                "{at} has no page in content/codes/: only codes with a page are listed"
            ));
        }
        if !codes.insert(c.code) {
            return Err(format!("{at} is listed twice"));
        }
        let named = !c.names.is_empty() || !c.deprecated.is_empty();
        if eco.has_names && !named {
            return Err(format!(
                "{at} has no `names`: the library has named constants (`has_names = true`)"
            ));
        }
        if !eco.has_names && named {
            return Err(format!(
                "{at} has names, but the file says the library has none (`has_names = false`)"
            ));
        }
        if !eco.has_phrases && c.phrase.is_some() {
            return Err(format!(
                "{at} has a `phrase`, but the file says the library has none (`has_phrases = false`)"
            ));
        }
        if c.phrase.as_deref().is_some_and(|p| p.trim().is_empty()) {
            return Err(format!("{at} has an empty `phrase`"));
        }
        if c.note.as_deref().is_some_and(|n| n.trim().is_empty()) {
            return Err(format!("{at} has an empty `note`"));
        }
        if c.note.is_some() && eco.sources.is_empty() {
            return Err(format!(
                "{at} has a `note`: list the documents it comes from in `sources`"
            ));
        }
        for name in c.names.iter().chain(&c.deprecated) {
            if name.trim().is_empty() || name.chars().any(char::is_whitespace) {
                return Err(format!("{at}: the name `{name}` is empty or has spaces"));
            }
            if !names.insert(name) {
                return Err(format!(
                    "{at}: the name `{name}` is listed twice (a name stands for one code, once)"
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "ecosystem = \"Python\"\nlibrary = \"http.HTTPStatus\"\norder = 1\n\
        about = \"An enum.\"\nversion_checked = \"3.11.7\"\n\
        source = \"https://docs.python.org/3/library/http.html\"\nhas_names = true\nhas_phrases = true\n";

    fn parse(body: &str) -> Result<Ecosystem, ContentError> {
        let pages: BTreeSet<u16> = [200, 404, 413].into_iter().collect();
        parse_constants(
            "constants/python.toml",
            "python",
            &format!("{HEAD}{body}"),
            &pages,
        )
    }

    #[test]
    fn a_valid_file_parses_sorted() {
        let eco = parse(
            "[[code]]\ncode = 413\nnames = [\"CONTENT_TOO_LARGE\", \"REQUEST_ENTITY_TOO_LARGE\"]\nphrase = \"Content Too Large\"\n\
             [[code]]\ncode = 200\nnames = [\"OK\"]\nphrase = \"OK\"\n",
        )
        .unwrap();
        assert_eq!(eco.key, "python");
        assert_eq!(eco.version_checked.as_deref(), Some("3.11.7"));
        assert_eq!(
            eco.codes.iter().map(|c| c.code).collect::<Vec<_>>(),
            [200, 413]
        );
        assert_eq!(eco.codes[1].names[1], "REQUEST_ENTITY_TOO_LARGE");
    }

    #[test]
    fn each_rule_names_its_problem() {
        for (body, expected) in [
            ("[[code]]\ncode = 299\nnames = [\"X\"]\n", "has no page"),
            (
                "[[code]]\ncode = 200\nnames = [\"OK\"]\n[[code]]\ncode = 200\nnames = [\"FINE\"]\n",
                "listed twice",
            ),
            ("[[code]]\ncode = 200\n", "has no `names`"),
            (
                "[[code]]\ncode = 200\nnames = [\"OK\"]\n[[code]]\ncode = 404\nnames = [\"OK\"]\n",
                "the name `OK` is listed twice",
            ),
            (
                "[[code]]\ncode = 200\nnames = [\"OK\"]\ndeprecated = [\"OK\"]\n",
                "the name `OK` is listed twice",
            ),
            (
                "[[code]]\ncode = 200\nnames = [\"OK\"]\nphrase = \" \"\n",
                "empty `phrase`",
            ),
            (
                "[[code]]\ncode = 200\nnames = [\"OK\"]\nnote = \"Renamed in 3.13.\"\n",
                "list the documents",
            ),
            (
                "[[code]]\ncode = 200\nnames = [\"OK\"]\nspelling = 1\n",
                "unknown field",
            ),
            ("", "no `[[code]]` table"),
        ] {
            let error = parse(body).unwrap_err().to_string();
            assert!(error.contains(expected), "{body:?}: {error}");
        }
    }

    #[test]
    fn names_and_phrases_follow_what_the_library_has() {
        let pages: BTreeSet<u16> = [200].into_iter().collect();
        let node = "ecosystem = \"Node.js\"\nlibrary = \"http.STATUS_CODES\"\norder = 2\nabout = \"A map.\"\n\
            source = \"https://nodejs.org/api/http.html\"\nhas_names = false\nhas_phrases = true\n";
        let named = format!("{node}[[code]]\ncode = 200\nnames = [\"OK\"]\nphrase = \"OK\"\n");
        let error = parse_constants("constants/node.toml", "node", &named, &pages).unwrap_err();
        assert!(error.to_string().contains("has_names = false"), "{error}");
        let plain = format!("{node}[[code]]\ncode = 200\nphrase = \"OK\"\n");
        assert!(parse_constants("constants/node.toml", "node", &plain, &pages).is_ok());
        let java = "ecosystem = \"Java\"\nlibrary = \"java.net.HttpURLConnection\"\norder = 3\nabout = \"Ints.\"\n\
            source = \"https://docs.oracle.com/en/java/javase/17/docs/api/java.base/java/net/HttpURLConnection.html\"\n\
            has_names = true\nhas_phrases = false\n[[code]]\ncode = 200\nnames = [\"HTTP_OK\"]\nphrase = \"OK\"\n";
        let error = parse_constants("constants/java.toml", "java", java, &pages).unwrap_err();
        assert!(error.to_string().contains("has_phrases = false"), "{error}");
    }

    #[test]
    fn orders_and_names_are_unique_across_files() {
        let one = parse("[[code]]\ncode = 200\nnames = [\"OK\"]\n").unwrap();
        let mut two = one.clone();
        two.key = "python2".into();
        two.ecosystem = "Python 2".into();
        let error = check_ecosystems(&[one.clone(), two.clone()]).unwrap_err();
        assert!(error.contains("same `order`"), "{error}");
        two.order = 2;
        assert!(check_ecosystems(&[one, two]).is_ok());
    }
}

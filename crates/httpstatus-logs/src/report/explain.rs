//! What a code means in this log: the catalog's name and one-line meaning, the vendor meaning that fits
//! the log's source, and the first thing to check, from the code's "How to debug & fix" section.

use httpstatus_catalog::{Class, Lookup, Vendor};
use serde::Serialize;

use crate::format::Format;

/// The vendor meaning used for a code in this log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VendorMeaning {
    pub vendor: String,
    pub name: String,
    pub description: String,
}

/// The catalog's word on a code, as it applies to this log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    pub name: String,
    pub class: String,
    /// Present when the catalog has a meaning from this log's vendor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<VendorMeaning>,
    /// One sentence: what this code means in this log.
    pub meaning_here: String,
    /// The first step of the catalog's "How to debug & fix".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_first: Option<String>,
    /// The code's page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
}

fn first_sentence(text: &str) -> String {
    let end = text.find(". ").map_or(text.len(), |i| i + 1);
    text[..end].trim().to_owned()
}

/// Plain text of a Markdown fragment: no emphasis, no code ticks, link text without its target.
fn plain(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](").map(|i| open + i) else {
            break;
        };
        let Some(end) = rest[close..].find(')').map(|i| close + i) else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&rest[open + 1..close]);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out.replace("**", "").replace('`', "")
}

/// The first numbered step of a "How to debug & fix" section, cut after two sentences.
pub fn first_step(markdown: &str) -> Option<String> {
    let line = markdown
        .lines()
        .map(str::trim_start)
        .find(|l| l.starts_with("1. ") || l.starts_with("- "))?;
    let text = plain(line.split_once(' ')?.1.trim());
    let mut end = text.len();
    let mut sentences = 0;
    for (i, _) in text.match_indices(". ") {
        sentences += 1;
        if sentences == 2 || i > 240 {
            end = i + 1;
            break;
        }
    }
    Some(text[..end].trim().to_owned())
}

fn vendor_for(format: Format, vendors: &'static [Vendor]) -> Option<&'static Vendor> {
    format
        .vendors()
        .iter()
        .find_map(|want| vendors.iter().find(|v| v.vendor.starts_with(want)))
}

/// Explains `code` (or a missing status) for a `format` log; `site` is where code pages live.
pub fn explain(format: Format, code: Option<u16>, site: &str) -> Explanation {
    let Some(code) = code else {
        return Explanation {
            name: "no status".to_owned(),
            class: "-".to_owned(),
            vendor: None,
            meaning_here: "The log recorded no status for these requests (`-` or an empty field): no response was logged for them.".to_owned(),
            check_first: None,
            page: None,
        };
    };
    let page = Some(format!("{}/{code:03}", site.trim_end_matches('/')));
    let lookup = httpstatus_catalog::get(code)
        .map(Lookup::Known)
        .or_else(|| httpstatus_catalog::lookup(code).ok());
    match lookup {
        Some(Lookup::Known(e)) => {
            let vendor = vendor_for(format, e.vendors);
            Explanation {
                name: vendor.map_or(e.name, |v| v.name).to_owned(),
                class: e.class().label(),
                meaning_here: vendor.map_or_else(
                    || Lookup::Known(e).explanation(),
                    |v| first_sentence(v.description),
                ),
                vendor: vendor.map(|v| VendorMeaning {
                    vendor: v.vendor.to_owned(),
                    name: v.name.to_owned(),
                    description: v.description.to_owned(),
                }),
                check_first: e
                    .section("How to debug & fix")
                    .and_then(|s| first_step(s.markdown)),
                page,
            }
        }
        Some(l @ Lookup::Unassigned { fallback, .. }) => Explanation {
            name: l.name(),
            class: Class::of(code).label(),
            vendor: None,
            meaning_here: l.explanation(),
            check_first: fallback
                .section("How to debug & fix")
                .and_then(|s| first_step(s.markdown)),
            page,
        },
        None => Explanation {
            name: "not an HTTP status code".to_owned(),
            class: Class::of(code).label(),
            vendor: None,
            meaning_here: format!(
                "{code} is outside the 100 to 599 range of HTTP status codes and the catalog knows no vendor that logs it."
            ),
            check_first: None,
            page: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_picks_the_vendor_meaning() {
        let e = explain(Format::Combined, Some(499), "http://x");
        assert_eq!(e.vendor.as_ref().unwrap().vendor, "nginx");
        assert_eq!(e.page.as_deref(), Some("http://x/499"));
        assert!(e.check_first.is_some());
        let e = explain(Format::Cloudflare, Some(499), "http://x");
        assert!(e.vendor.unwrap().vendor.starts_with("Cloudflare"));
        let e = explain(Format::Alb, Some(460), "http://x");
        assert_eq!(e.vendor.unwrap().vendor, "AWS Application Load Balancer");
        let e = explain(Format::Combined, Some(404), "http://x");
        assert!(e.vendor.is_none());
        assert_eq!(e.name, "Not Found");
    }

    #[test]
    fn unassigned_missing_and_out_of_range() {
        assert!(
            explain(Format::Combined, Some(299), "s")
                .name
                .starts_with("Unassigned")
        );
        assert_eq!(explain(Format::Combined, None, "s").name, "no status");
        assert_eq!(
            explain(Format::Combined, Some(777), "s").name,
            "not an HTTP status code"
        );
    }

    #[test]
    fn first_steps_are_plain_text() {
        let md = "Intro.\n\n1. **Look at the log.** It says `x` in [the docs](https://e). More. Even more.\n2. Next.";
        assert_eq!(
            first_step(md).as_deref(),
            Some("Look at the log. It says x in the docs.")
        );
    }
}

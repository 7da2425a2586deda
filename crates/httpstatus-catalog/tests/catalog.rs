//! Walks every shipped entry and checks it against the registry copies in `data/`.

use std::collections::BTreeSet;

use httpstatus_catalog::{
    Class, Lookup, LookupError, RegistryStatus, by_class, entries, get, lookup, parse,
};

const IANA: &str = include_str!("../../../data/iana-status-codes.csv");
const UNOFFICIAL: &str = include_str!("../../../data/unofficial-status-codes.csv");

/// Splits one CSV line with quoted fields.
fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out
}

#[test]
fn every_registry_code_has_its_exact_phrase_reference_and_status() {
    let rows: Vec<Vec<String>> = IANA.lines().skip(1).map(fields).collect();
    assert_eq!(rows.len(), 64);
    for row in rows {
        let code: u16 = row[0].parse().unwrap();
        let entry = get(code).unwrap_or_else(|| panic!("no entry for registered code {code}"));
        let description = &row[1];
        let phrase = match description.find(" (") {
            Some(at) if description != "(Unused)" => &description[..at],
            _ => description.as_str(),
        };
        assert_eq!(entry.iana_name, Some(phrase), "{code}");
        assert_eq!(entry.name, phrase, "{code}");
        assert_eq!(entry.reference, Some(row[2].as_str()), "{code}");
        assert!(entry.is_official());
        let expected = if description.contains("TEMPORARY") {
            RegistryStatus::Temporary
        } else if description.contains("OBSOLETED") {
            RegistryStatus::Obsoleted
        } else if description == "(Unused)" {
            RegistryStatus::Unused
        } else {
            RegistryStatus::Permanent
        };
        assert_eq!(entry.status, expected, "{code}");
    }
    assert_eq!(get(104).unwrap().expires, Some("2026-11-13"));
}

#[test]
fn every_vendor_meaning_is_there() {
    let mut codes = BTreeSet::new();
    for row in UNOFFICIAL.lines().skip(1).map(fields) {
        let code: u16 = row[0].parse().unwrap();
        codes.insert(code);
        let entry = get(code).unwrap_or_else(|| panic!("no entry for vendor code {code}"));
        let vendor = row[2]
            .split(['(', '/'])
            .next()
            .unwrap()
            .trim()
            .to_lowercase();
        assert!(
            entry
                .vendors
                .iter()
                .any(|v| v.vendor.to_lowercase().contains(&vendor)),
            "{code}: no vendor meaning for {}",
            row[2]
        );
        if !entry.is_official() {
            assert_eq!(entry.status, RegistryStatus::Unofficial, "{code}");
            assert_eq!(entry.reference, None);
        }
    }
    assert_eq!(codes.len(), 37);
    for code in [451, 508] {
        let entry = get(code).unwrap();
        assert!(
            entry.is_official() && !entry.vendors.is_empty(),
            "{code} keeps its IANA meaning and lists the vendor one"
        );
    }
    for code in [218, 527, 540, 783] {
        assert!(
            get(code).unwrap().low_confidence
                || get(code).unwrap().vendors.iter().any(|v| v.low_confidence),
            "{code}"
        );
    }
    assert!(!get(444).unwrap().client_sees && !get(499).unwrap().client_sees);
}

#[test]
fn the_catalog_has_every_code_once_and_in_order() {
    let codes: Vec<u16> = entries().iter().map(|e| e.code).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(codes, sorted);
    assert_eq!(codes.len(), 64 + 35);
}

#[test]
fn every_entry_is_complete() {
    for e in entries() {
        let titles: Vec<&str> = e.sections.iter().map(|s| s.title).collect();
        for wanted in [
            "Origin",
            "What can I do?",
            "Causes",
            "How to debug & fix",
            "Headers that go with it",
            "Related codes",
        ] {
            assert!(titles.contains(&wanted), "{}: no {wanted}", e.code);
        }
        assert!(
            e.sections.iter().all(|s| !s.markdown.trim().is_empty()),
            "{}",
            e.code
        );
        assert!(
            !e.summary.is_empty() && !e.examples.is_empty(),
            "{}",
            e.code
        );
        for r in e.related {
            assert!(
                get(*r).is_some(),
                "{} relates to {r}, which has no entry",
                e.code
            );
        }
        if e.is_official() {
            for language in ["javascript", "python", "http"] {
                assert!(
                    e.examples.iter().any(|x| x.language == language),
                    "{}: no {language} example",
                    e.code
                );
            }
        }
        assert_eq!(e.flags.interim, e.class() == Class(1), "{}", e.code);
    }
}

#[test]
fn class_pages_and_guides_exist() {
    for class in Class::ALL {
        let page = httpstatus_catalog::class_page(class)
            .unwrap_or_else(|| panic!("no page for {}", class.label()));
        assert!(page.markdown.len() > 500);
        assert!(by_class(class).count() >= 5);
    }
    for slug in ["how-status-codes-work", "why-the-right-code-matters"] {
        assert!(
            httpstatus_catalog::guide(slug).is_some_and(|g| g.markdown.len() > 2000),
            "{slug}"
        );
    }
}

#[test]
fn unassigned_codes_fall_back_to_their_class() {
    for (code, fallback) in [(299, 200), (477, 400), (577, 500), (150, 100), (399, 300)] {
        match lookup(code) {
            Ok(Lookup::Unassigned {
                code: c,
                fallback: f,
            }) => {
                assert_eq!((c, f.code), (code, fallback));
                let text = lookup(code).unwrap().explanation();
                assert!(
                    text.contains(&fallback.to_string()) && text.contains("RFC 9110"),
                    "{text}"
                );
            }
            other => panic!("{code}: {other:?}"),
        }
    }
}

#[test]
fn what_is_not_a_status_code_is_rejected_clearly() {
    assert_eq!(lookup(42), Err(LookupError::OutOfRange(42)));
    assert_eq!(lookup(600), Err(LookupError::OutOfRange(600)));
    assert_eq!(parse("1000"), Err(LookupError::OutOfRange(1000)));
    assert_eq!(parse("42"), Err(LookupError::OutOfRange(42)));
    assert!(matches!(parse("abc"), Err(LookupError::NotANumber(_))));
    assert!(matches!(parse("-1"), Err(LookupError::NotANumber(_))));
    assert!(matches!(
        parse("99999999999999999999999"),
        Err(LookupError::OutOfRange(_)) | Err(LookupError::NotANumber(_))
    ));
    assert!(parse("42").unwrap_err().to_string().contains("100 to 599"));
    assert!(matches!(parse(" 404 "), Ok(Lookup::Known(e)) if e.code == 404));
    assert!(matches!(parse("000"), Ok(Lookup::Known(e)) if e.code == 0));
    assert!(matches!(parse("999"), Ok(Lookup::Known(e)) if e.code == 999));
}

#[test]
fn the_102_entry_serialises_with_every_field() {
    let value = serde_json::to_value(get(102).unwrap()).unwrap();
    for field in [
        "code",
        "name",
        "iana_name",
        "class",
        "official",
        "status",
        "reference",
        "summary",
        "sections",
        "examples",
        "related",
        "aliases",
        "vendors",
    ] {
        assert!(value.get(field).is_some(), "missing {field}");
    }
    assert_eq!(value["code"], 102);
    assert_eq!(value["class"], "1xx");
    assert_eq!(value["status"], "permanent");
    let titles: Vec<&str> = value["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"What can I do?") && titles.contains(&"How to debug & fix"));
    let languages: Vec<&str> = value["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["language"].as_str().unwrap())
        .collect();
    assert!(
        languages.contains(&"javascript")
            && languages.contains(&"python")
            && languages.contains(&"http")
    );
}

#[test]
fn every_example_serialises_its_framework_null_for_the_standard_library() {
    use httpstatus_catalog::entry::FRAMEWORKS;
    for e in httpstatus_catalog::entries() {
        let value = serde_json::to_value(e).unwrap();
        for (x, json) in e.examples.iter().zip(value["examples"].as_array().unwrap()) {
            let framework = json
                .get("framework")
                .unwrap_or_else(|| panic!("{}: `{}` has no framework field", e.code, x.title));
            match x.framework {
                None => assert!(framework.is_null(), "{}: {}", e.code, x.title),
                Some(name) => {
                    assert_eq!(framework, name, "{}: {}", e.code, x.title);
                    assert!(
                        FRAMEWORKS.contains(&(x.language, name)),
                        "{}: `{}` is a {} example with framework {name}",
                        e.code,
                        x.title,
                        x.language
                    );
                }
            }
        }
    }
}

#[test]
fn frameworks_have_one_label_each() {
    use httpstatus_catalog::entry::{FRAMEWORKS, framework_label};
    let labels: Vec<&str> = FRAMEWORKS
        .iter()
        .map(|(language, name)| framework_label(language, Some(name)))
        .collect();
    assert_eq!(
        labels,
        [
            "Express", "Fastify", "axios", "FastAPI", "Flask", "Django", "Requests", "HTTPX"
        ]
    );
    assert_eq!(framework_label("javascript", None), "Node.js");
    assert_eq!(framework_label("python", None), "Python");
    assert_eq!(framework_label("http", None), "HTTP");
}

#[test]
fn every_page_and_guide_says_where_its_facts_come_from() {
    let pages = httpstatus_catalog::entries()
        .iter()
        .map(|e| (e.code_text(), e.sources))
        .chain(
            httpstatus_catalog::class_pages()
                .iter()
                .chain(httpstatus_catalog::guides())
                .map(|g| (g.slug.to_owned(), g.sources)),
        );
    for (page, sources) in pages {
        assert!(!sources.is_empty(), "{page} has no sources");
        for url in sources {
            assert!(
                url.starts_with("https://") || url.starts_with("http://"),
                "{page}: {url}"
            );
        }
    }
    let entry = get(429).unwrap();
    let value = serde_json::to_value(entry).unwrap();
    assert_eq!(value["sources"], serde_json::json!(entry.sources));
    assert!(
        entry
            .sources
            .iter()
            .any(|s| s.starts_with("https://www.rfc-editor.org/rfc/rfc6585"))
    );
}

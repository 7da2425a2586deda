//! "Constants in libraries" on the site: the table on every code page, and `constants` in the API's JSON and
//! its OpenAPI description.

use httpstatus_catalog::constants::{ecosystems, for_code, without};
use httpstatus_catalog::entries;
use httpstatus_site::Site;
use httpstatus_site::html::escape;

fn body(site: &Site, path: &str) -> String {
    let resource = site
        .resource(path)
        .unwrap_or_else(|| panic!("no resource {path}"));
    String::from_utf8(resource.body.to_vec()).unwrap()
}

fn section(html: &str) -> &str {
    let start = html
        .find("<h2 id=\"constants-in-libraries\">Constants in libraries</h2>")
        .expect("the section is on the page");
    let end = html[start..].find("</section>").unwrap();
    &html[start..start + end]
}

#[test]
fn every_code_page_has_the_table() {
    let site = Site::new("https://httpstatus.example");
    for e in entries() {
        let html = body(&site, &format!("/{:03}", e.code));
        let part = section(&html);
        let named = for_code(e.code);
        assert_eq!(
            part.matches("<tr><th title=").count(),
            named.len(),
            "{}: one row per library that has the code",
            e.code
        );
        for n in &named {
            let eco = n.ecosystem;
            assert!(
                part.contains(&escape(eco.ecosystem)),
                "{}: {}",
                e.code,
                eco.key
            );
            assert!(
                part.contains(&escape(&n.checked_text())),
                "{}: {}",
                e.code,
                eco.key
            );
            for name in n.constant.names.iter().chain(n.constant.deprecated) {
                assert!(
                    part.contains(&format!("<code>{}</code>", escape(name))),
                    "{}: {name}",
                    e.code
                );
            }
            if let Some(phrase) = n.phrase_if_different(e.name) {
                assert!(part.contains(&escape(phrase)), "{}: {phrase}", e.code);
            }
        }
        let missing: Vec<String> = without(e.code)
            .iter()
            .map(|eco| escape(eco.ecosystem))
            .collect();
        if !missing.is_empty() {
            let line = format!("<p>Not defined in: {}.</p>", missing.join(", "));
            assert!(part.contains(&line), "{}: {line}", e.code);
        }
    }
}

#[test]
fn content_too_large_row_by_row() {
    let site = Site::new("https://httpstatus.example");
    let html = body(&site, "/413");
    let part = section(&html);
    assert!(part.contains("<th>Version checked</th>"));
    assert!(
        part.contains("&ldquo;Request Entity Too Large&rdquo;")
            || part.contains("\u{201c}Request Entity Too Large\u{201d}")
    );
    assert!(part.contains(">3.11.7</a>"), "Python's version");
    assert!(
        part.contains(">from source</a>"),
        ".NET is read from its source"
    );
    assert!(
        part.contains("<code>REQUEST_ENTITY_TOO_LARGE</code> (deprecated)"),
        "Spring's deprecated name"
    );
    assert!(
        part.contains("CONTENT_TOO_LARGE"),
        "Python 3.13's name in the note"
    );
    let html = body(&site, "/499");
    assert!(section(&html).contains("None of the libraries below"));
}

#[test]
fn the_api_has_constants_and_the_schema_describes_them() {
    let site = Site::new("https://httpstatus.example");
    let value: serde_json::Value =
        serde_json::from_str(&body(&site, "/api/v1/codes/413.json")).unwrap();
    let list = value["constants"].as_array().unwrap();
    assert_eq!(list.len(), for_code(413).len());
    let python = list.iter().find(|c| c["ecosystem"] == "Python").unwrap();
    assert_eq!(python["version_checked"], "3.11.7");
    assert_eq!(python["names"][0], "REQUEST_ENTITY_TOO_LARGE");
    let openapi: serde_json::Value =
        serde_json::from_str(&body(&site, "/api/openapi.json")).unwrap();
    let schema = &openapi["components"]["schemas"]["Entry"]["properties"]["constants"];
    assert_eq!(schema["type"], "array");
    let fields = schema["items"]["required"].as_array().unwrap();
    for item in list {
        for field in fields {
            assert!(
                item.get(field.as_str().unwrap()).is_some(),
                "{field} in every item"
            );
        }
    }
    assert_eq!(ecosystems().len(), 9);
}

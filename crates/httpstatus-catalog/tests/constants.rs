//! The library constants as the catalog serves them: every entry's `constants` in the JSON, in ecosystem order,
//! with the version checked or the source, and the libraries without a code left out.

use httpstatus_catalog::constants::{ecosystem, ecosystems, for_code, without};
use httpstatus_catalog::{entries, get};

#[test]
fn the_ecosystems_are_all_there_in_order() {
    let keys: Vec<&str> = ecosystems().iter().map(|e| e.key).collect();
    assert_eq!(
        keys,
        [
            "python", "node", "go", "rust", "java", "spring", "dotnet", "symfony", "rack"
        ]
    );
    for e in ecosystems() {
        assert!(e.source.starts_with("https://"), "{}", e.key);
        let codes: Vec<u16> = e.codes.iter().map(|c| c.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted, "{}: ordered, each code once", e.key);
        assert!(
            codes.iter().all(|c| get(*c).is_some()),
            "{}: every code has a page",
            e.key
        );
    }
    assert_eq!(ecosystem("dotnet").unwrap().version_checked, None);
    assert_eq!(ecosystem("python").unwrap().version_checked, Some("3.11.7"));
}

#[test]
fn every_entry_json_has_its_constants() {
    for e in entries() {
        let value = serde_json::to_value(e).unwrap();
        let list = value["constants"]
            .as_array()
            .expect("constants is an array");
        let expected = for_code(e.code);
        assert_eq!(list.len(), expected.len(), "{}", e.code);
        assert_eq!(
            list.len() + without(e.code).len(),
            ecosystems().len(),
            "{}: every ecosystem is either listed or left out",
            e.code
        );
        for (item, named) in list.iter().zip(&expected) {
            assert_eq!(item["ecosystem"], named.ecosystem.ecosystem);
            assert_eq!(item["library"], named.ecosystem.library);
            assert_eq!(
                item["version_checked"],
                serde_json::json!(named.ecosystem.version_checked)
            );
            assert_eq!(item["source"], named.ecosystem.source);
        }
    }
}

#[test]
fn content_too_large_shows_old_and_deprecated_names() {
    let value = serde_json::to_value(get(413).unwrap()).unwrap();
    let list = value["constants"].as_array().unwrap();
    let by = |name: &str| {
        list.iter()
            .find(|c| c["ecosystem"] == name)
            .unwrap_or_else(|| panic!("{name} has 413"))
    };
    let python = by("Python");
    assert_eq!(
        python["names"],
        serde_json::json!(["REQUEST_ENTITY_TOO_LARGE"])
    );
    assert_eq!(python["phrase"], "Request Entity Too Large");
    assert!(
        python["note"]
            .as_str()
            .unwrap()
            .contains("CONTENT_TOO_LARGE")
    );
    let spring = by("Spring");
    assert_eq!(spring["names"], serde_json::json!(["PAYLOAD_TOO_LARGE"]));
    assert_eq!(
        spring["deprecated"],
        serde_json::json!(["REQUEST_ENTITY_TOO_LARGE"])
    );
    let node = by("Node.js");
    assert_eq!(node["names"], serde_json::json!([]));
    assert_eq!(node["phrase"], "Payload Too Large");
    let dotnet = by(".NET");
    assert_eq!(dotnet["version_checked"], serde_json::Value::Null);
    assert_eq!(dotnet["phrase"], serde_json::Value::Null);
    assert!(
        dotnet["source"]
            .as_str()
            .unwrap()
            .contains("HttpStatusCode.cs")
    );
}

#[test]
fn aliases_and_absences() {
    let dotnet = ecosystem("dotnet").unwrap();
    assert_eq!(dotnet.get(302).unwrap().names, ["Found", "Redirect"]);
    assert!(dotnet.get(418).is_none(), ".NET has no 418");
    assert!(without(418).iter().any(|e| e.key == "dotnet"));
    let java = ecosystem("java").unwrap();
    assert_eq!(java.get(500).unwrap().deprecated, ["HTTP_SERVER_ERROR"]);
    let named = for_code(413);
    let rust = named.iter().find(|n| n.ecosystem.key == "rust").unwrap();
    assert_eq!(
        rust.phrase_if_different("Content Too Large"),
        Some("Payload Too Large")
    );
    let symfony = named.iter().find(|n| n.ecosystem.key == "symfony").unwrap();
    assert_eq!(symfony.phrase_if_different("Content Too Large"), None);
    let spring = named.iter().find(|n| n.ecosystem.key == "spring").unwrap();
    assert_eq!(
        spring.names_text(),
        "PAYLOAD_TOO_LARGE, REQUEST_ENTITY_TOO_LARGE (deprecated)"
    );
    assert_eq!(
        for_code(499).len(),
        0,
        "nginx's 499 is in no library: {:?}",
        for_code(499)
    );
}

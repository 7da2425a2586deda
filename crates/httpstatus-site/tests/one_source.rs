//! The site says what the catalog says: registration, flags, retry advice, language labels and section titles
//! come from the catalog, the same words the command line prints.

use httpstatus_catalog::{SECTION_TITLES, entries, get};
use httpstatus_site::Site;

fn page(site: &Site, code: u16) -> String {
    let path = format!("/{code:03}");
    let resource = site
        .resource(&path)
        .unwrap_or_else(|| panic!("no page {path}"));
    String::from_utf8(resource.body.to_vec()).unwrap()
}

#[test]
fn code_pages_use_the_catalog_wording() {
    let site = Site::new("https://httpstatus.example");
    for e in entries() {
        let html = page(&site, e.code);
        let f = e.flags;
        for text in [
            e.status_text(),
            f.describe_kind().to_owned(),
            f.describe_body().to_owned(),
            f.describe_cache().to_owned(),
            f.retry.describe().to_owned(),
        ] {
            let escaped = httpstatus_site::html::escape(&text);
            assert!(html.contains(&escaped), "{}: missing {text:?}", e.code);
        }
        for header in e.required_headers() {
            assert!(html.contains(header), "{}: must carry {header}", e.code);
        }
        for x in e.examples {
            assert!(
                html.contains(&format!("<span class=\"lang\">{}", x.framework_label())),
                "{}: the {} label of `{}`",
                e.code,
                x.framework_label(),
                x.title
            );
        }
        for title in SECTION_TITLES {
            let escaped = httpstatus_site::html::escape(title);
            assert!(
                html.contains(&format!(">{escaped}</h2>")),
                "{}: {title}",
                e.code
            );
        }
    }
    assert!(page(&site, 401).contains("<dt>Must carry</dt><dd>WWW-Authenticate</dd>"));
    assert!(page(&site, 104).contains("temporary registration, expires 2026-11-13"));
    assert_eq!(get(306).unwrap().reason_phrase(), None);
    assert_eq!(get(413).unwrap().reason_phrase(), Some("Content Too Large"));
    assert_eq!(
        get(499).unwrap().reason_phrase(),
        Some(get(499).unwrap().name)
    );
}

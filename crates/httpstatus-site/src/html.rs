//! The HTML of every page: one layout, then a function per kind of page (a code's page, the largest, in
//! `html/code_page.rs`). Every value from outside the catalog (a search query, a path) goes through [`escape`].

use std::fmt::Write as _;

use httpstatus_catalog::choose::{self, Next, Step};
use httpstatus_catalog::{Class, Entry, Guide, Hit, Lookup};

use crate::markdown::to_html;

mod code_page;
pub use code_page::code_page;

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// What every page needs to know about the site around it.
pub struct Frame<'a> {
    /// Absolute URL the site is published at, without a trailing slash: for canonical links and examples.
    pub public_url: &'a str,
    /// Where the live endpoints (`/status/{code}`) are: `Some("")` on the server itself, `Some(url)` for an
    /// export that points at a live server elsewhere, `None` for an export without one (no "Try it" blocks).
    pub live_url: Option<&'a str>,
    pub css: &'a str,
    pub js: &'a str,
}

/// The guide that explains how status codes work, linked from the navigation and from unassigned codes.
pub const GUIDE_BASICS: &str = "how-status-codes-work";
/// The guide on why choosing the right code matters, linked from every footer.
pub const GUIDE_WHY: &str = "why-the-right-code-matters";

/// The slug of a guide, when the catalog has it: the site never links to a page it does not have.
fn guide_link(slug: &'static str) -> Option<&'static str> {
    httpstatus_catalog::guide(slug).map(|g| g.slug)
}

/// The links of the header navigation; the one to the current page says so (`aria-current`).
fn nav(current: &str) -> String {
    let guides = Some("/guides".to_owned());
    let mut links: Vec<(String, &str)> = Class::ALL
        .iter()
        .map(|class| (format!("/class/{}", class.label()), ""))
        .collect();
    links.push(("/unofficial".to_owned(), "Vendor codes"));
    if let Some(href) = guides {
        links.push((href, "Guides"));
    }
    let mut out = String::new();
    for (href, text) in &links {
        let text = if text.is_empty() {
            href.trim_start_matches("/class/")
        } else {
            text
        };
        let here = if href == current {
            " aria-current=\"page\""
        } else {
            ""
        };
        let _ = write!(out, "<a href=\"{href}\"{here}>{text}</a> ");
    }
    out.trim_end().to_owned()
}

/// The codes people look up most, shown on the home page.
pub const POPULAR: [u16; 12] = [404, 500, 502, 503, 504, 403, 401, 429, 301, 302, 304, 400];

impl Frame<'_> {
    /// Wraps a page's main content in the layout.
    pub fn layout(
        &self,
        path: &str,
        title: &str,
        description: &str,
        query: &str,
        main: &str,
    ) -> String {
        let mut out = String::with_capacity(main.len() + 2048);
        let _ = write!(
            out,
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"color-scheme\" content=\"light dark\">\n\
             <title>{title}</title>\n<meta name=\"description\" content=\"{description}\">\n\
             <link rel=\"canonical\" href=\"{url}{path}\">\n\
             <link rel=\"stylesheet\" href=\"{css}\">\n<script src=\"{js}\" defer></script>\n</head>\n<body>\n\
             <a class=\"skip\" href=\"#main\">Skip to content</a>\n\
             <header class=\"top\">\n<a class=\"brand\" href=\"/\">httpstatus</a>\n\
             <form class=\"search\" role=\"search\" action=\"/search\" method=\"get\">\
             <label for=\"q\" class=\"vh\">Search status codes</label>\
             <input id=\"q\" name=\"q\" type=\"search\" value=\"{query}\" placeholder=\"404, timeout, cloudflare 522\" \
             autocomplete=\"off\" spellcheck=\"false\" aria-controls=\"suggest\" aria-autocomplete=\"list\" aria-expanded=\"false\">\
             <button type=\"submit\">Search</button>\
             <ul id=\"suggest\" role=\"listbox\" aria-label=\"Suggestions\" hidden></ul></form>\n\
             <nav aria-label=\"Classes and guides\">{nav}</nav>\n\
             </header>\n<main id=\"main\">\n{main}</main>\n\
             <footer><p>httpstatus: every HTTP status code, with fixes and examples that run. \
             Names and references follow the <a href=\"https://www.iana.org/assignments/http-status-codes/\">IANA registry</a> \
             ({date}). <a href=\"/api/openapi.json\">JSON API</a>{why}</p></footer>\n\
             </body>\n</html>\n",
            title = escape(title),
            description = escape(description),
            url = self.public_url,
            css = self.css,
            js = self.js,
            query = escape(query),
            date = httpstatus_catalog::REGISTRY_DATE,
            nav = nav(path),
            why = guide_link(GUIDE_WHY)
                .map(|slug| format!(" · <a href=\"/guides/{slug}\">Why the right code matters</a>"))
                .unwrap_or_default(),
        );
        out
    }
}

fn code_link(e: &Entry) -> String {
    let tag = if e.is_official() {
        ""
    } else {
        " <span class=\"tag\">unofficial</span>"
    };
    format!(
        "<li><a href=\"/{code}\"><span class=\"code c{class}\">{code}</span> {name}</a>{tag}</li>",
        code = e.code_text(),
        class = e.code / 100,
        name = escape(e.name)
    )
}

fn code_list<'a>(entries: impl Iterator<Item = &'a Entry>) -> String {
    let items: String = entries.map(code_link).collect();
    format!("<ul class=\"codes\">{items}</ul>\n")
}

fn class_title(class: Class) -> String {
    let name = match class.0 {
        1 => "Informational",
        2 => "Success",
        3 => "Redirection",
        4 => "Client errors",
        _ => "Server errors",
    };
    format!("{} {name}", class.label())
}

/// The home page.
pub fn home(frame: &Frame) -> String {
    let mut main = String::from(
        "<h1>HTTP status codes</h1>\n<p class=\"lead\">What every code means, whose fault it is, what to do about it \
         and how to send or handle it correctly, with Node.js and Python examples that are run by our tests. \
         Every code can also be tried live on this server. Search by number, name or symptom in the box above \
         (press <kbd>/</kbd> to jump to it).</p>\n\
         <section aria-labelledby=\"popular\"><h2 id=\"popular\">Looked up most</h2>\n",
    );
    main.push_str(&code_list(
        POPULAR.iter().filter_map(|c| httpstatus_catalog::get(*c)),
    ));
    main.push_str("</section>\n");
    for class in Class::ALL {
        let label = class.label();
        let _ = writeln!(
            main,
            "<section aria-labelledby=\"c{label}\"><h2 id=\"c{label}\"><a href=\"/class/{label}\">{}</a></h2>",
            class_title(class)
        );
        main.push_str(&code_list(httpstatus_catalog::by_class(class)));
        main.push_str("</section>\n");
    }
    main.push_str("<section aria-labelledby=\"more\"><h2 id=\"more\">Guides and more</h2><ul>");
    main.push_str(&choose_item());
    for guide in httpstatus_catalog::guides() {
        let _ = write!(
            main,
            "<li><a href=\"/guides/{}\">{}</a>: {}</li>",
            guide.slug,
            escape(guide.title),
            escape(guide.summary)
        );
    }
    main.push_str(
        "<li><a href=\"/unofficial\">Vendor codes</a>: nginx, Cloudflare, AWS, IIS, Laravel and others, grouped by vendor</li>\
         <li><a href=\"/api/openapi.json\">The JSON API</a>: every entry as data</li></ul></section>\n",
    );
    let others: Vec<&Entry> = httpstatus_catalog::entries()
        .iter()
        .filter(|e| !(1..=5).contains(&(e.code / 100)))
        .collect();
    if !others.is_empty() {
        main.push_str("<section aria-labelledby=\"outside\"><h2 id=\"outside\">Outside the 100-599 range</h2>\n<p>Values that show up in logs and tools but are not valid HTTP status codes.</p>\n");
        main.push_str(&code_list(others.into_iter()));
        main.push_str("</section>\n");
    }
    frame.layout(
        "/",
        "HTTP status codes: meanings, fixes and tested examples",
        "Every HTTP status code, registered and vendor-specific: what it means, what to do, how to fix it, and Node.js and Python examples that run.",
        "",
        &main,
    )
}

fn section_html(out: &mut String, title: &str, body: &str) {
    let id: String = title
        .chars()
        .filter_map(|c| {
            if c.is_ascii_alphanumeric() {
                Some(c.to_ascii_lowercase())
            } else if c == ' ' {
                Some('-')
            } else {
                None
            }
        })
        .collect();
    let _ = write!(
        out,
        "<section aria-labelledby=\"{id}\"><h2 id=\"{id}\">{}</h2>\n{body}</section>\n",
        escape(title)
    );
}

/// The documents a page's facts come from, as a list of links.
fn sources_html(out: &mut String, sources: &[&str]) {
    if sources.is_empty() {
        return;
    }
    let items: String = sources
        .iter()
        .map(|url| format!("<li><a href=\"{0}\">{0}</a></li>", escape(url)))
        .collect();
    section_html(
        out,
        "Sources",
        &format!("<ul class=\"sources\">{items}</ul>\n"),
    );
}

/// A class page: the class's own text, then its codes.
pub fn class_page(frame: &Frame, class: Class, page: Option<&Guide>) -> String {
    let label = class.label();
    let fallback_summary = format!(
        "The {label} status codes: {}. Every code of the class, registered and vendor-specific.",
        class.meaning()
    );
    let summary = page.map_or(fallback_summary.as_str(), |p| p.summary);
    let mut main = format!(
        "<h1>{}</h1>\n<p class=\"lead\">{}</p>\n",
        class_title(class),
        escape(summary)
    );
    if let Some(page) = page {
        main.push_str(&to_html(page.markdown, true));
    }
    let sources = page.map_or(&[][..], |p| p.sources);
    let _ = writeln!(
        main,
        "<section aria-labelledby=\"list\"><h2 id=\"list\">The {label} codes</h2>"
    );
    main.push_str(&code_list(
        httpstatus_catalog::by_class(class).filter(|e| e.is_official()),
    ));
    let vendor: Vec<&Entry> = httpstatus_catalog::by_class(class)
        .filter(|e| !e.is_official())
        .collect();
    if !vendor.is_empty() {
        main.push_str("<h3>Vendor codes in this class</h3>\n");
        main.push_str(&code_list(vendor.into_iter()));
    }
    main.push_str("</section>\n");
    sources_html(&mut main, sources);
    frame.layout(
        &format!("/class/{label}"),
        &format!("{} | HTTP status codes", class_title(class)),
        &truncate(summary, 155),
        "",
        &main,
    )
}

/// A guide.
pub fn guide_page(frame: &Frame, guide: &Guide) -> String {
    let mut main = format!(
        "<article>\n<h1>{}</h1>\n<p class=\"lead\">{}</p>\n",
        escape(guide.title),
        escape(guide.summary)
    );
    main.push_str(&to_html(guide.markdown, true));
    sources_html(&mut main, guide.sources);
    main.push_str("</article>\n");
    frame.layout(
        &format!("/guides/{}", guide.slug),
        guide.title,
        &truncate(guide.summary, 155),
        "",
        &main,
    )
}

/// The list item that leads to the decision tree, on the home page and the guides index.
fn choose_item() -> String {
    format!(
        "<li><a href=\"{}\">{}</a>: {}</li>",
        choose::start().path(),
        escape(choose::title()),
        escape(choose::summary())
    )
}

/// The guides index: the decision tree, then every guide.
pub fn guides_index(frame: &Frame) -> String {
    let mut main = String::from(
        "<h1>Guides</h1>\n<p class=\"lead\">How status codes work, how to choose one, and why it matters.</p>\n<ul class=\"guides\">",
    );
    main.push_str(&choose_item());
    for guide in httpstatus_catalog::guides() {
        let _ = write!(
            main,
            "<li><a href=\"/guides/{}\">{}</a>: {}</li>",
            guide.slug,
            escape(guide.title),
            escape(guide.summary)
        );
    }
    main.push_str("</ul>\n");
    frame.layout(
        "/guides",
        "Guides | HTTP status codes",
        "How HTTP status codes work, which one to send, and why the right one matters.",
        "",
        &main,
    )
}

/// One step of "Which status code should I send?": the question, and each answer as a link to the next
/// step, or as the code it ends at with the reason. Plain links: no JavaScript needed, and each step has its
/// own URL.
pub fn choose_page(frame: &Frame, step: &Step) -> String {
    let mut main = format!(
        "<article class=\"choose\">\n<p class=\"small\"><a href=\"/guides\">Guides</a> · {title}</p>\n<h1>{question}</h1>\n",
        title = escape(choose::title()),
        question = escape(step.question),
    );
    if step.id == choose::START {
        let _ = writeln!(main, "<p class=\"lead\">{}</p>", escape(choose::summary()));
    }
    main.push_str("<ol class=\"answers\">");
    for answer in step.answers {
        match answer.next {
            Next::Step(id) => {
                let path = choose::step(id).map_or_else(String::new, Step::path);
                let _ = write!(
                    main,
                    "<li><a href=\"{path}\">{}</a></li>",
                    escape(answer.label)
                );
            }
            Next::Code { code, reason } => {
                let name = httpstatus_catalog::get(code).map_or("", |e| e.name);
                let _ = write!(
                    main,
                    "<li><p>{label}</p><p class=\"result\">Send <a href=\"/{code:03}\"><span class=\"code c{class}\">{code}</span> {name}</a>. {reason}</p></li>",
                    label = escape(answer.label),
                    class = code / 100,
                    name = escape(name),
                    reason = escape(reason),
                );
            }
        }
    }
    main.push_str("</ol>\n");
    if step.id != choose::START {
        let _ = writeln!(
            main,
            "<p><a href=\"{}\">Start again</a></p>",
            choose::start().path()
        );
    } else {
        sources_html(&mut main, choose::sources());
    }
    main.push_str("</article>\n");
    frame.layout(
        &step.path(),
        &format!("{} | {}", step.question, choose::title()),
        &truncate(&format!("{} {}", choose::title(), step.question), 155),
        "",
        &main,
    )
}

/// Vendor codes grouped by vendor.
pub fn unofficial(frame: &Frame) -> String {
    // Vendor name, then each of its codes: the entry, the vendor's name for it, whether clients see it.
    type Listing = (&'static Entry, &'static str, bool);
    let mut groups: Vec<(&str, Vec<Listing>)> = Vec::new();
    for e in httpstatus_catalog::entries() {
        for v in e.vendors {
            let key = v.vendor.split(" (").next().unwrap_or(v.vendor);
            match groups.iter_mut().find(|(name, _)| *name == key) {
                Some((_, list)) => list.push((e, v.name, v.client_sees)),
                None => groups.push((key, vec![(e, v.name, v.client_sees)])),
            }
        }
    }
    groups.sort_by_key(|group| group.0.to_lowercase());
    let mut main = String::from(
        "<h1>Vendor status codes</h1>\n<p class=\"lead\">Codes that are not in the IANA registry but that real software sends or logs. \
         Some never reach a client: they exist only in access logs, or are sent as another code. \
         A few numbers mean different things at different vendors, and some reuse registered numbers.</p>\n",
    );
    for (vendor, list) in groups {
        let _ = write!(
            main,
            "<section><h2>{}</h2><ul class=\"codes\">",
            escape(vendor)
        );
        for (e, name, seen) in list {
            let _ = write!(
                main,
                "<li><a href=\"/{code}\"><span class=\"code c{class}\">{code}</span> {name}</a>{note}</li>",
                code = e.code_text(),
                class = e.code / 100,
                name = escape(name),
                note = if seen {
                    ""
                } else {
                    " <span class=\"tag\">never reaches a client</span>"
                }
            );
        }
        main.push_str("</ul></section>\n");
    }
    frame.layout("/unofficial", "Vendor HTTP status codes: nginx, Cloudflare, AWS and more", "Unofficial HTTP status codes by vendor: nginx 444 and 499, Cloudflare 52x, AWS load balancer 46x, IIS, Laravel and others, and whether a client ever sees them.", "", &main)
}

/// Search results, rendered on the server so the page works without JavaScript.
pub fn search_page(frame: &Frame, query: &str, hits: &[Hit]) -> String {
    let mut main = String::new();
    if query.trim().is_empty() {
        main.push_str("<h1>Search</h1>\n<p>Type a code, a name, an old name, a symptom or a vendor: <em>404</em>, <em>payload too large</em>, <em>upstream timed out</em>, <em>cloudflare 522</em>.</p>\n");
    } else if hits.is_empty() {
        let _ = write!(
            main,
            "<h1>No code matches “{}”</h1>\n<p>Try fewer or other words, or browse the <a href=\"/\">list of all codes</a>.</p>\n",
            escape(query)
        );
    } else {
        let _ = write!(
            main,
            "<h1>Results for “{}”</h1>\n<ol class=\"results\">",
            escape(query)
        );
        for hit in hits {
            let e = hit.entry;
            let _ = write!(
                main,
                "<li><a href=\"/{code}\"><span class=\"code c{class}\">{code}</span> {name}</a><p>{summary}</p></li>",
                code = e.code_text(),
                class = e.code / 100,
                name = escape(e.name),
                summary = escape(e.summary)
            );
        }
        main.push_str("</ol>\n");
    }
    frame.layout(
        "/search",
        &format!(
            "Search: {} | httpstatus",
            if query.is_empty() {
                "status codes"
            } else {
                query
            }
        ),
        "Search HTTP status codes by number, name, old name, symptom or vendor.",
        query,
        &main,
    )
}

/// A valid code that nobody assigned: how a client must treat it.
pub fn unassigned_page(frame: &Frame, lookup: &Lookup) -> String {
    let code = lookup.code();
    let class = Class::of(code);
    let fallback = match lookup {
        Lookup::Unassigned { fallback, .. } => *fallback,
        Lookup::Known(e) => e,
    };
    let main = format!(
        "<h1><span class=\"code c{c}\">{code}</span> Unassigned</h1>\n<p class=\"lead\">{explanation}.</p>\n\
         <p>No specification or well-known vendor defines {code}. It is still a valid status code: HTTP requires a client that does not \
         recognise a code to treat it as the first code of its class, here <a href=\"/{fb}\">{fb} {fbname}</a>. A server should not send \
         it; if you received it, the software that sent it gave it a private meaning, and its documentation is where to look.</p>\n\
         <p>See <a href=\"/class/{label}\">the {label} codes</a>{guide}. \
         This server can send it for testing: <a href=\"/status/{code}\"><code>/status/{code}</code></a>.</p>\n",
        c = code / 100,
        explanation = escape(&lookup.explanation()),
        fb = fallback.code,
        fbname = escape(fallback.name),
        label = class.label(),
        guide = guide_link(GUIDE_BASICS)
            .map(|slug| format!(" and <a href=\"/guides/{slug}\">how status codes work</a>"))
            .unwrap_or_default(),
    );
    frame.layout(
        &format!("/{code}"),
        &format!("{code}: unassigned HTTP status code"),
        &format!(
            "{code} is not assigned; clients treat it as {} {}.",
            fallback.code, fallback.name
        ),
        "",
        &main,
    )
}

/// The page for a path that does not exist: says so, and offers search.
pub fn not_found(frame: &Frame, path: &str, hits: &[Hit]) -> String {
    let mut main = format!(
        "<h1>Nothing at {}</h1>\n<p class=\"lead\">This site has a page for every status code from 100 to 599 and for the vendor codes people meet in logs. \
         Try the search box, or one of these:</p>\n",
        escape(&truncate(path, 200))
    );
    if hits.is_empty() {
        main.push_str(&code_list(
            POPULAR.iter().filter_map(|c| httpstatus_catalog::get(*c)),
        ));
    } else {
        main.push_str(&code_list(hits.iter().map(|h| h.entry)));
    }
    frame.layout(
        "/404.html",
        "Page not found | httpstatus",
        "This page does not exist; search the HTTP status codes instead.",
        "",
        &main,
    )
}

/// The page for a method the site does not answer (it serves GET and HEAD).
pub fn method_not_allowed(frame: &Frame, method: &str) -> String {
    let main = format!(
        "<h1>{} is not allowed here</h1>\n<p class=\"lead\">This site's pages answer GET and HEAD only. \
         To see how a server answers other methods, use the live endpoints: \
         <a href=\"/status/405\"><code>/status/405</code></a> answers any method with a real 405.</p>\n",
        escape(&truncate(method, 40))
    );
    frame.layout(
        "/405.html",
        "Method not allowed | httpstatus",
        "This site answers GET and HEAD only.",
        "",
        &main,
    )
}

/// Shortens text to at most `max` characters, at a word boundary, with an ellipsis.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max - 1).collect();
    let cut = match cut.rfind(' ') {
        Some(at) if at > max / 2 => &cut[..at],
        _ => &cut,
    };
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

//! A code's page: its sections, its sources, its examples in tabs, and the "Try it" block.

use std::fmt::Write as _;

use httpstatus_catalog::entry::{FRAMEWORKS, framework_label};
use httpstatus_catalog::{Entry, Example};

use super::{Frame, code_list, escape, section_html, sources_html, truncate};
use crate::highlight::highlight;
use crate::markdown::to_html;

/// A code's page.
pub fn code_page(frame: &Frame, e: &Entry) -> String {
    let code = e.code_text();
    let mut main = String::with_capacity(24 * 1024);
    let _ = write!(
        main,
        "<article class=\"entry\">\n<h1><span class=\"code c{class}\">{code}</span> {name}</h1>\n<p class=\"lead\">{summary}</p>\n<dl class=\"facts\">",
        class = e.code / 100,
        name = escape(e.name),
        summary = escape(e.summary)
    );
    if (1..=5).contains(&(e.code / 100)) {
        let _ = write!(
            main,
            "<dt>Class</dt><dd><a href=\"/class/{0}\">{0}</a> ({1})</dd>",
            e.class().label(),
            e.class().meaning()
        );
    } else {
        main.push_str(
            "<dt>Class</dt><dd>none: <a href=\"/#outside\">outside the 100-599 range</a>, so not a valid HTTP status code</dd>",
        );
    }
    let _ = write!(main, "<dt>Status</dt><dd>{}</dd>", escape(&e.status_text()));
    if let Some(reference) = e.reference {
        let text = escape(reference);
        match e.spec_url {
            Some(url) => {
                let _ = write!(
                    main,
                    "<dt>Defined in</dt><dd><a href=\"{}\">{text}</a></dd>",
                    escape(url)
                );
            }
            None => {
                let _ = write!(main, "<dt>Defined in</dt><dd>{text}</dd>");
            }
        }
    } else if let Some(url) = e.spec_url {
        let _ = write!(
            main,
            "<dt>Source</dt><dd><a href=\"{0}\">{0}</a></dd>",
            escape(url)
        );
    }
    let names: Vec<&str> = e.former_names.iter().chain(e.aliases).copied().collect();
    if !names.is_empty() {
        let _ = write!(
            main,
            "<dt>Also known as</dt><dd>{}</dd>",
            escape(&names.join(", "))
        );
    }
    let f = e.flags;
    let _ = write!(
        main,
        "<dt>Response</dt><dd>{}; {}; {}</dd><dt>Retry</dt><dd>{}</dd>",
        f.describe_kind(),
        f.describe_body(),
        f.describe_cache(),
        escape(f.retry.describe())
    );
    if !e.required_headers().is_empty() {
        let _ = write!(
            main,
            "<dt>Must carry</dt><dd>{}</dd>",
            e.required_headers().join(", ")
        );
    }
    if !e.client_sees {
        main.push_str("<dt>Seen by clients</dt><dd>no: it never reaches a client</dd>");
    }
    main.push_str("</dl>\n");
    if e.low_confidence {
        main.push_str("<p class=\"note\">Low confidence: the only sources for this code are weak. Treat it with care.</p>\n");
    }
    try_it(frame, e, &mut main);
    crate::reproduce::section(frame, e, &mut main);
    for section in e.sections.iter().filter(|s| s.title != "Related codes") {
        section_html(&mut main, section.title, &to_html(section.markdown, false));
        if section.title == "Headers that go with it" {
            examples(&mut main, e);
        }
    }
    if !e.vendors.is_empty() {
        main.push_str("<section aria-labelledby=\"vendors\"><h2 id=\"vendors\">Vendor meanings</h2>\n<dl class=\"vendors\">");
        for v in e.vendors {
            let mut notes = Vec::new();
            if !v.client_sees {
                notes.push("never reaches a client");
            }
            if v.low_confidence {
                notes.push("low confidence");
            }
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!(" <span class=\"tag\">{}</span>", notes.join(", "))
            };
            let _ = write!(
                main,
                "<dt>{}: {}{notes}</dt><dd><p>{}</p><p class=\"source\">Source: {}</p></dd>",
                escape(v.vendor),
                escape(v.name),
                escape(v.description),
                escape(v.source)
            );
        }
        main.push_str("</dl></section>\n");
    }
    if let Some(related) = e.section("Related codes") {
        let mut body = to_html(related.markdown, true);
        let links: Vec<&Entry> = e
            .related
            .iter()
            .filter_map(|c| httpstatus_catalog::get(*c))
            .collect();
        if !links.is_empty() {
            body.push_str(&code_list(links.into_iter()));
        }
        section_html(&mut main, "Related codes", &body);
    }
    crate::constants::section(&mut main, e);
    sources_html(&mut main, e.sources);
    main.push_str("</article>\n");
    let description = format!("{code} {}: {}", e.name, e.summary);
    frame.layout(
        &format!("/{code}"),
        &format!("{code} {} | HTTP status code", e.name),
        &truncate(&description, 155),
        "",
        &main,
    )
}

/// The Examples section. The raw exchanges and configuration come first; then the programs, grouped per
/// language and framework (Node.js, Express, Fastify, axios, Python, FastAPI, Flask, Django, Requests, HTTPX),
/// each group a `<section>` under its own `<h3>`. Without JavaScript every group is shown; `site.js` turns
/// the groups into tabs and remembers the reader's choice.
fn examples(out: &mut String, e: &Entry) {
    out.push_str("<section aria-labelledby=\"examples\"><h2 id=\"examples\">Examples</h2>\n");
    let is_program = |x: &Example| matches!(x.language, "javascript" | "python");
    let mut index = 0;
    for x in e.examples.iter().filter(|x| !is_program(x)) {
        example_figure(out, x, index);
        index += 1;
    }
    let mut flavours: Vec<(&str, Option<&str>)> = Vec::new();
    for language in ["javascript", "python"] {
        flavours.push((language, None));
        flavours.extend(
            FRAMEWORKS
                .iter()
                .filter(|(lang, _)| *lang == language)
                .map(|(lang, name)| (*lang, Some(*name))),
        );
    }
    let groups: Vec<_> = flavours
        .into_iter()
        .filter_map(|(language, framework)| {
            let members: Vec<&Example> = e
                .examples
                .iter()
                .filter(|x| x.language == language && x.framework == framework)
                .collect();
            (!members.is_empty()).then_some((language, framework, members))
        })
        .collect();
    if !groups.is_empty() {
        out.push_str("<div class=\"example-groups\">\n");
        for (language, framework, members) in groups {
            let key = framework.unwrap_or(language);
            let flavour = framework.map_or(language.to_owned(), |f| format!("{language}/{f}"));
            let _ = writeln!(
                out,
                "<section class=\"example-group\" id=\"examples-{key}\" data-flavour=\"{flavour}\" \
                 aria-labelledby=\"examples-{key}-h\"><h3 id=\"examples-{key}-h\">{label}</h3>",
                label = framework_label(language, framework),
            );
            for x in members {
                example_figure(out, x, index);
                index += 1;
            }
            out.push_str("</section>\n");
        }
        out.push_str("</div>\n");
    }
    out.push_str("<p class=\"small\">Every Node.js and Python example here is compiled by our tests, and every server example is started and its responses checked on the wire.</p>\n</section>\n");
}

fn example_figure(out: &mut String, x: &Example, i: usize) {
    let role = match x.role {
        "server" => " · server",
        "client" => " · client",
        _ => "",
    };
    if !x.intro.is_empty() {
        out.push_str(&to_html(x.intro, true));
    }
    let framework = x
        .framework
        .map(|f| format!(" data-framework=\"{f}\""))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "<figure class=\"example\" data-language=\"{lang}\"{framework}><figcaption><span class=\"lang\">{label}{role}</span> {title}\
         <button type=\"button\" class=\"copy\" data-copy=\"ex{i}\" hidden>Copy</button></figcaption>\
         <pre id=\"ex{i}\"><code class=\"language-{lang}\">{code}</code></pre></figure>",
        label = x.framework_label(),
        lang = x.language,
        title = escape(x.title),
        code = highlight(x.language, x.code),
    );
}

fn try_it(frame: &Frame, e: &Entry, out: &mut String) {
    if !(100..=599).contains(&e.code) {
        return;
    }
    let Some(live) = frame.live_url else {
        return;
    };
    let code = e.code;
    let href = format!("{live}/status/{code}");
    let url = if live.is_empty() {
        format!("{}{href}", frame.public_url)
    } else {
        href.clone()
    };
    let curl = if e.flags.interim {
        format!("curl -v {url}")
    } else {
        format!("curl -i {url}")
    };
    let _ = write!(
        out,
        "<aside class=\"try\" aria-labelledby=\"try\"><h2 id=\"try\">Try it</h2>\
         <p>{who} answers <a href=\"{href}\"><code>/status/{code}</code></a> with a real {code}{extra}.</p>\
         <pre><code class=\"language-shell\">{curl}</code></pre>",
        extra = if e.flags.interim {
            " interim response, then a final 200"
        } else {
            ""
        },
        curl = escape(&curl),
        href = escape(&href),
        who = if live.is_empty() {
            "This server"
        } else {
            "The live server"
        },
    );
    if !e.flags.interim {
        let _ = write!(
            out,
            "<button type=\"button\" class=\"try-button\" data-code=\"{code}\" data-url=\"{href}\" hidden>Send the request</button><pre class=\"try-output\" aria-live=\"polite\" hidden></pre>"
        );
    }
    out.push_str("</aside>\n");
}

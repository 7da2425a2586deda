//! "Reproduce it" on a code's page: the curl commands that make the live server produce the code from its real
//! cause, pointed at this server (or the live server an export names), with the status each gets. The `pre`
//! carries the expected statuses in `data-expect`, so that the site's crawl test can run what the page shows.

use std::fmt::Write as _;

use httpstatus_catalog::Entry;
use httpstatus_catalog::reproduce::{self, Target};

use crate::html::{Frame, escape};

/// Appends the section when a scenario produces the code and the page has a live server to point at.
pub fn section(frame: &Frame, e: &Entry, out: &mut String) {
    let Some(case) = reproduce::for_code(e.code) else {
        return;
    };
    let Some(live) = frame.live_url else {
        return;
    };
    let base = if live.is_empty() {
        frame.public_url
    } else {
        live
    };
    let target = Target {
        base,
        ..Target::LOCAL
    };
    let commands = case.commands(&target).join("\n");
    let expect: Vec<String> = case.expect.iter().map(|s| s.to_string()).collect();
    let _ = write!(
        out,
        "<section class=\"reproduce\" aria-labelledby=\"reproduce\"><h2 id=\"reproduce\">Reproduce it</h2>\n\
         <p><strong>{title}.</strong> {explain}</p>\n\
         <pre class=\"reproduce-commands\" data-expect=\"{expect}\"><code class=\"language-shell\">{commands}</code></pre>\n\
         <p class=\"note\">{each}: {shown}. {key}</p>\n</section>\n",
        title = escape(case.title),
        explain = escape(case.explain),
        expect = expect.join(" "),
        commands = escape(&commands),
        each = if case.expect.len() == 1 {
            "Expected"
        } else {
            "Expected, in order"
        },
        shown = case.expect_text(),
        key = if case.needs_tls() {
            "These hosts are on the HTTPS port of <code>httpstatus serve --tls</code>, made from its local CA; \
             every name under <code>.localhost</code> reaches this machine."
                .to_owned()
        } else if case.steps.iter().any(|s| s.contains("{key}")) {
            format!(
                "Replace <code>{}</code> with a name of your own so that your runs do not share state.",
                case.key()
            )
        } else {
            String::new()
        },
    );
}

//! The httpstatus web site and JSON API, as data and pure functions: every page is rendered once, given an
//! ETag, and compressed (gzip and brotli) the first time a client asks for that encoding.
//!
//! # Layout
//! - [`Site::new`] renders every fixed page and asset; [`Site::handle`] answers one request (routing, ETag and
//!   `If-None-Match`, content coding, CORS on the API, security headers); [`Site::export`] writes the same
//!   site as static files.
//! - [`html`]: the page templates; [`markdown`] and [`highlight`]: catalog Markdown and examples to HTML.
//! - [`api`]: the JSON API and its OpenAPI description.
//!
//! The site does no network I/O: the server hands it a request and sends back the [`Reply`].

#![recursion_limit = "256"]

pub mod api;
pub mod constants;
pub mod highlight;
pub mod html;
pub mod markdown;
pub mod reproduce;

use std::collections::HashMap;
use std::io::Write as _;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use httpstatus_catalog::{Class, Lookup};

use crate::html::Frame;

const CSS: &str = include_str!("../assets/site.css");
/// The page script: the search engine for static hosts (`search.js`), then the page behaviour (`site.js`).
const JS: &str = concat!(
    include_str!("../assets/search.js"),
    include_str!("../assets/site.js")
);
/// Where the search index is published, for the search engine in [`JS`].
pub const SEARCH_INDEX_PATH: &str = "/assets/search-index.json";

/// The security headers every page carries. The policy allows nothing inline and nothing from elsewhere.
pub const SECURITY_HEADERS: [(&str, &str); 3] = [
    (
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
];

const HTML: &str = "text/html; charset=utf-8";
const JSON: &str = "application/json";
const PROBLEM: &str = "application/problem+json";
const CACHE_PAGE: &str = "max-age=600";
const CACHE_ASSET: &str = "max-age=31536000, immutable";
const CACHE_SHORT: &str = "max-age=60";

/// A rendered response body with its validators, compressed lazily and then kept.
#[derive(Debug)]
pub struct Resource {
    pub content_type: &'static str,
    pub cache_control: &'static str,
    pub body: Bytes,
    /// A strong validator of the identity body: a hash of its bytes.
    pub etag: String,
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
}

impl Resource {
    pub fn new(
        content_type: &'static str,
        cache_control: &'static str,
        body: impl Into<Bytes>,
    ) -> Resource {
        let body = body.into();
        let etag = format!("\"{:016x}\"", fnv1a(&body));
        Resource {
            content_type,
            cache_control,
            body,
            etag,
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
        }
    }

    /// The gzip body, compressed on first use.
    pub fn gzip(&self) -> &Bytes {
        self.gzip.get_or_init(|| {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            encoder
                .write_all(&self.body)
                .expect("writing to memory cannot fail");
            encoder
                .finish()
                .expect("writing to memory cannot fail")
                .into()
        })
    }

    /// The brotli body, compressed on first use.
    pub fn brotli(&self) -> &Bytes {
        self.brotli.get_or_init(|| {
            let mut out = Vec::new();
            let params = brotli::enc::BrotliEncoderParams {
                quality: 11,
                lgwin: 22,
                ..Default::default()
            };
            brotli::BrotliCompress(&mut &self.body[..], &mut out, &params)
                .expect("compressing memory cannot fail");
            out.into()
        })
    }

    fn compressible(&self) -> bool {
        self.content_type.starts_with("text/")
            || self.content_type.starts_with("application/json")
            || self.content_type.starts_with("application/xml")
            || self.content_type.starts_with("application/javascript")
            || self.content_type.starts_with("image/svg")
    }
}

/// A 64-bit FNV-1a hash: cheap, stable across runs, good enough for validators and asset names.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// One request as the site needs it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Request<'a> {
    pub method: &'a str,
    /// The path without the query.
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub accept_encoding: Option<&'a str>,
    pub if_none_match: Option<&'a str>,
}

/// What to send back. The server adds `Date`, framing and `Connection`, and drops the body for HEAD and 304.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Bytes,
}

/// The whole site.
pub struct Site {
    /// Absolute URL the site is published at, for canonical links, the sitemap and curl examples.
    public_url: String,
    /// Where the "Try it" blocks point: empty for this server, a URL for a live server elsewhere, `None` for
    /// none (a static export without a live server).
    live_url: Option<String>,
    /// Fixed resources by path.
    resources: HashMap<String, Arc<Resource>>,
    css_path: String,
    js_path: String,
}

impl Site {
    /// Renders every fixed page. `public_url` is where the site is published, e.g. `http://127.0.0.1:8080`.
    pub fn new(public_url: &str) -> Site {
        Site::with_live_url(public_url, Some(""))
    }

    /// Renders every fixed page, with the "Try it" blocks pointing at `live_url`: `Some("")` for the server
    /// that serves the site, `Some(url)` for a live server elsewhere, `None` to leave them out (a static
    /// export with no live server).
    pub fn with_live_url(public_url: &str, live_url: Option<&str>) -> Site {
        let public_url = public_url.trim_end_matches('/').to_owned();
        let live_url = live_url.map(|u| u.trim_end_matches('/').to_owned());
        let css_path = format!("/assets/site.{:08x}.css", fnv1a(CSS.as_bytes()) as u32);
        let js_path = format!("/assets/site.{:08x}.js", fnv1a(JS.as_bytes()) as u32);
        let mut site = Site {
            public_url,
            live_url,
            resources: HashMap::new(),
            css_path,
            js_path,
        };
        site.render_all();
        site
    }

    fn frame(&self) -> Frame<'_> {
        Frame {
            public_url: &self.public_url,
            live_url: self.live_url.as_deref(),
            css: &self.css_path,
            js: &self.js_path,
        }
    }

    fn add(&mut self, path: impl Into<String>, resource: Resource) {
        self.resources.insert(path.into(), Arc::new(resource));
    }

    fn render_all(&mut self) {
        let mut add = Vec::new();
        {
            let frame = self.frame();
            add.push((
                "/".to_owned(),
                Resource::new(HTML, CACHE_PAGE, html::home(&frame)),
            ));
            for e in httpstatus_catalog::entries() {
                add.push((
                    format!("/{}", e.code_text()),
                    Resource::new(HTML, CACHE_PAGE, html::code_page(&frame, e)),
                ));
            }
            for class in Class::ALL {
                let page = httpstatus_catalog::class_page(class);
                add.push((
                    format!("/class/{}", class.label()),
                    Resource::new(HTML, CACHE_PAGE, html::class_page(&frame, class, page)),
                ));
            }
            for guide in httpstatus_catalog::guides() {
                add.push((
                    format!("/guides/{}", guide.slug),
                    Resource::new(HTML, CACHE_PAGE, html::guide_page(&frame, guide)),
                ));
            }
            add.push((
                "/guides".to_owned(),
                Resource::new(HTML, CACHE_PAGE, html::guides_index(&frame)),
            ));
            for step in httpstatus_catalog::choose::steps() {
                add.push((
                    step.path(),
                    Resource::new(HTML, CACHE_PAGE, html::choose_page(&frame, step)),
                ));
            }
            add.push((
                "/unofficial".to_owned(),
                Resource::new(HTML, CACHE_PAGE, html::unofficial(&frame)),
            ));
            add.push((
                "/404.html".to_owned(),
                Resource::new(
                    HTML,
                    CACHE_SHORT,
                    html::not_found(&frame, "this address", &[]),
                ),
            ));
            add.push((
                "/search".to_owned(),
                Resource::new(HTML, CACHE_SHORT, html::search_page(&frame, "", &[])),
            ));
            add.push((
                self.css_path.clone(),
                Resource::new("text/css; charset=utf-8", CACHE_ASSET, CSS),
            ));
            add.push((
                self.js_path.clone(),
                Resource::new("text/javascript; charset=utf-8", CACHE_ASSET, JS),
            ));
            add.push((
                SEARCH_INDEX_PATH.to_owned(),
                Resource::new(
                    JSON,
                    CACHE_PAGE,
                    httpstatus_catalog::search::index_json().to_string(),
                ),
            ));
            add.push(("/robots.txt".to_owned(), Resource::new("text/plain; charset=utf-8", CACHE_PAGE, format!("User-agent: *\nAllow: /\nDisallow: /status/\nDisallow: /long\nSitemap: {}/sitemap.xml\n", self.public_url))));
        }
        for (path, resource) in add {
            self.add(path, resource);
        }
        let sitemap = self.sitemap();
        self.add(
            "/sitemap.xml",
            Resource::new("application/xml; charset=utf-8", CACHE_PAGE, sitemap),
        );
        for (path, body) in api::fixed_documents(&self.public_url) {
            self.add(path, Resource::new(JSON, CACHE_PAGE, body));
        }
    }

    fn sitemap(&self) -> String {
        let mut paths: Vec<&String> = self
            .resources
            .keys()
            .filter(|p| {
                self.resources[*p].content_type == HTML && *p != "/404.html" && *p != "/search"
            })
            .collect();
        paths.sort();
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for path in paths {
            out.push_str(&format!(
                "<url><loc>{}{}</loc></url>\n",
                html::escape(&self.public_url),
                html::escape(path)
            ));
        }
        out.push_str("</urlset>\n");
        out
    }

    /// The fixed resources, by path: what [`Site::export`] writes.
    pub fn resources(&self) -> impl Iterator<Item = (&str, &Resource)> {
        self.resources.iter().map(|(p, r)| (p.as_str(), r.as_ref()))
    }

    /// The fixed resource at `path`, if any.
    pub fn resource(&self, path: &str) -> Option<&Resource> {
        self.resources.get(path).map(Arc::as_ref)
    }

    /// Answers one request for a page, an asset or the API.
    pub fn handle(&self, request: &Request) -> Reply {
        let is_api = request.path.starts_with("/api/");
        if is_api && request.method == "OPTIONS" {
            return self.finish(request, preflight());
        }
        if request.method != "GET" && request.method != "HEAD" {
            let mut reply = if is_api {
                api::problem(
                    405,
                    httpstatus_catalog::phrase(405),
                    &format!(
                        "{} is not allowed here: the API is read-only, use GET or HEAD",
                        request.method
                    ),
                )
            } else {
                self.html_reply(
                    405,
                    CACHE_SHORT,
                    &html::method_not_allowed(&self.frame(), request.method),
                )
            };
            reply.headers.push((
                "Allow",
                if is_api {
                    "GET, HEAD, OPTIONS".into()
                } else {
                    "GET, HEAD".into()
                },
            ));
            return self.finish(request, reply);
        }
        let path = fixed_alias(request.path, request.query);
        let reply = match self.resources.get(path.as_ref()) {
            Some(resource)
                if request.path != "/search" || query_value(request.query, "q").is_none() =>
            {
                return self.finish(request, self.serve_resource(request, resource));
            }
            _ => revalidate(request, self.dynamic(request)),
        };
        self.finish(request, reply)
    }

    fn dynamic(&self, request: &Request) -> Reply {
        let path = request.path;
        if path == "/search" {
            let query = query_value(request.query, "q").unwrap_or_default();
            let query = html::truncate(&query, 200);
            let hits = httpstatus_catalog::search(&query, 20);
            return self.html_reply(
                200,
                CACHE_SHORT,
                &html::search_page(&self.frame(), &query, &hits),
            );
        }
        if let Some(rest) = path.strip_prefix("/api/") {
            return api::dynamic(rest, request.query);
        }
        if path.len() > 1 && path.ends_with('/') {
            let target = path.trim_end_matches('/');
            if self.resources.contains_key(target) {
                return redirect(target);
            }
        }
        let digits = path.trim_start_matches('/');
        if digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(lookup @ Lookup::Unassigned { .. }) = httpstatus_catalog::parse(digits) {
                return self.html_reply(
                    200,
                    CACHE_PAGE,
                    &html::unassigned_page(&self.frame(), &lookup),
                );
            }
        }
        let words: String = path
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .take(200)
            .collect();
        let hits = httpstatus_catalog::search(&words, 8);
        self.html_reply(
            404,
            CACHE_SHORT,
            &html::not_found(&self.frame(), path, &hits),
        )
    }

    fn html_reply(&self, status: u16, cache: &'static str, body: &str) -> Reply {
        let resource = Resource::new(HTML, cache, body.to_owned());
        let mut reply = Reply {
            status,
            headers: vec![
                ("Content-Type", HTML.into()),
                ("Cache-Control", cache.into()),
            ],
            body: resource.body.clone(),
        };
        reply.headers.push(("ETag", resource.etag));
        reply
    }

    fn serve_resource(&self, request: &Request, resource: &Resource) -> Reply {
        let coding = if resource.compressible() {
            choose_coding(request.accept_encoding)
        } else {
            Coding::Identity
        };
        let (body, etag) = match coding {
            Coding::Brotli => (resource.brotli().clone(), tagged(&resource.etag, "br")),
            Coding::Gzip => (resource.gzip().clone(), tagged(&resource.etag, "gz")),
            Coding::Identity => (resource.body.clone(), resource.etag.clone()),
        };
        let mut headers = vec![
            ("Content-Type", resource.content_type.to_owned()),
            ("Cache-Control", resource.cache_control.to_owned()),
            ("ETag", etag),
        ];
        if resource.compressible() {
            headers.push(("Vary", "Accept-Encoding".into()));
        }
        match coding {
            Coding::Brotli => headers.push(("Content-Encoding", "br".into())),
            Coding::Gzip => headers.push(("Content-Encoding", "gzip".into())),
            Coding::Identity => {}
        }
        if request
            .if_none_match
            .is_some_and(|value| etag_matches(value, &resource.etag))
        {
            headers.retain(|(name, _)| *name != "Content-Type" && *name != "Content-Encoding");
            return Reply {
                status: 304,
                headers,
                body: Bytes::new(),
            };
        }
        Reply {
            status: 200,
            headers,
            body,
        }
    }

    /// Adds the headers every reply of the site carries.
    fn finish(&self, request: &Request, mut reply: Reply) -> Reply {
        if request.path.starts_with("/api/") {
            reply
                .headers
                .push(("Access-Control-Allow-Origin", "*".into()));
        }
        for (name, value) in SECURITY_HEADERS {
            reply.headers.push((name, value.into()));
        }
        reply
    }

    /// Writes the whole site as static files under `dir`: pages as `PATH/index.html`, the not-found page as
    /// `404.html`, the API as `.json` files, and a `.gz` and `.br` beside every compressible file.
    pub fn export(&self, dir: &Path) -> std::io::Result<usize> {
        self.precompress();
        let mut written = 0;
        let mut paths: Vec<&String> = self.resources.keys().collect();
        paths.sort();
        for path in paths {
            let resource = &self.resources[path];
            let file = export_path(path, resource.content_type);
            let target = dir.join(&file);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&target, &resource.body)?;
            written += 1;
            if resource.compressible() {
                std::fs::write(format!("{}.gz", target.display()), resource.gzip())?;
                std::fs::write(format!("{}.br", target.display()), resource.brotli())?;
                written += 2;
            }
        }
        Ok(written)
    }
}

impl Site {
    /// Compresses every compressible resource now, on all cores, rather than on first request.
    pub fn precompress(&self) {
        let work: Vec<&Resource> = self
            .resources
            .values()
            .map(Arc::as_ref)
            .filter(|r| r.compressible())
            .collect();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let next = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(resource) = work.get(i) else { break };
                        resource.gzip();
                        resource.brotli();
                    }
                });
            }
        });
    }
}

/// The fixed document that answers an API path: `/api/v1/codes` is `/api/v1/codes.json` when unfiltered,
/// `/api/v1/codes/404` is `/api/v1/codes/404.json`.
fn fixed_alias<'a>(path: &'a str, query: Option<&str>) -> std::borrow::Cow<'a, str> {
    if path == "/api/v1/codes" && query.is_none_or(str::is_empty) {
        return "/api/v1/codes.json".into();
    }
    match path.strip_prefix("/api/v1/codes/") {
        Some(code) if code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{path}.json").into()
        }
        _ => path.into(),
    }
}

/// Where a path lives in an export: `/` is `index.html`, `/404` is `404/index.html`, files keep their names.
pub fn export_path(path: &str, content_type: &str) -> String {
    let relative = path.trim_start_matches('/');
    if relative.is_empty() {
        "index.html".to_owned()
    } else if content_type == HTML && !relative.ends_with(".html") {
        format!("{relative}/index.html")
    } else {
        relative.to_owned()
    }
}

/// Turns a rendered 200 into a 304 when the request's `If-None-Match` names its ETag.
fn revalidate(request: &Request, mut reply: Reply) -> Reply {
    let matches = reply.status == 200
        && reply.headers.iter().any(|(name, value)| {
            *name == "ETag"
                && request
                    .if_none_match
                    .is_some_and(|v| etag_matches(v, value))
        });
    if matches {
        reply.status = 304;
        reply.body = Bytes::new();
        reply.headers.retain(|(name, _)| *name != "Content-Type");
    }
    reply
}

fn preflight() -> Reply {
    Reply {
        status: 204,
        headers: vec![
            ("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS".into()),
            ("Access-Control-Allow-Headers", "*".into()),
            ("Access-Control-Max-Age", "86400".into()),
            ("Cache-Control", CACHE_PAGE.into()),
        ],
        body: Bytes::new(),
    }
}

fn redirect(target: &str) -> Reply {
    Reply {
        status: 308,
        headers: vec![
            ("Location", target.to_owned()),
            ("Content-Type", "text/plain; charset=utf-8".into()),
            ("Cache-Control", CACHE_PAGE.into()),
        ],
        body: Bytes::from(format!("This page lives at {target}\n")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coding {
    Brotli,
    Gzip,
    Identity,
}

/// Picks brotli, then gzip, from an `Accept-Encoding` value; a coding with `q=0` is refused.
fn choose_coding(accept: Option<&str>) -> Coding {
    let Some(accept) = accept else {
        return Coding::Identity;
    };
    let mut best = (Coding::Identity, 0.0f32);
    for item in accept.split(',') {
        let (name, q) = httpstatus_wire::headers::weighted(item);
        let name = name.to_ascii_lowercase();
        let coding = match name.as_str() {
            "br" => Coding::Brotli,
            "gzip" | "x-gzip" => Coding::Gzip,
            "*" => Coding::Brotli,
            _ => continue,
        };
        let rank = |c: Coding| match c {
            Coding::Brotli => 2,
            Coding::Gzip => 1,
            Coding::Identity => 0,
        };
        if q > 0.0 && (q > best.1 || (q == best.1 && rank(coding) > rank(best.0))) {
            best = (coding, q);
        }
    }
    best.0
}

fn tagged(etag: &str, coding: &str) -> String {
    format!("{}-{coding}\"", etag.trim_end_matches('"'))
}

/// Weak comparison (RFC 9110 section 13.1.2): any listed tag, `W/` or not, of any coding of this body.
fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    let bare = etag.trim_matches('"');
    if_none_match.split(',').any(|candidate| {
        let candidate = candidate.trim();
        if candidate == "*" {
            return true;
        }
        let candidate = candidate
            .strip_prefix("W/")
            .unwrap_or(candidate)
            .trim_matches('"');
        let candidate = candidate
            .strip_suffix("-gz")
            .or_else(|| candidate.strip_suffix("-br"))
            .unwrap_or(candidate);
        candidate == bare
    })
}

/// The first value of a query parameter, decoded (`+` is a space).
pub fn query_value(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codings_follow_accept_encoding() {
        assert_eq!(choose_coding(None), Coding::Identity);
        assert_eq!(choose_coding(Some("gzip, deflate, br")), Coding::Brotli);
        assert_eq!(choose_coding(Some("gzip")), Coding::Gzip);
        assert_eq!(choose_coding(Some("br;q=0, gzip")), Coding::Gzip);
        assert_eq!(choose_coding(Some("gzip;q=0.5, br;q=0.4")), Coding::Gzip);
        assert_eq!(choose_coding(Some("identity")), Coding::Identity);
        assert_eq!(choose_coding(Some("*;q=0")), Coding::Identity);
    }

    #[test]
    fn etags_compare_weakly_across_codings() {
        assert!(etag_matches("\"abc\"", "\"abc\""));
        assert!(etag_matches("W/\"abc-gz\"", "\"abc\""));
        assert!(etag_matches("\"x\", \"abc-br\"", "\"abc\""));
        assert!(etag_matches("*", "\"abc\""));
        assert!(!etag_matches("\"abd\"", "\"abc\""));
    }

    #[test]
    fn export_paths() {
        assert_eq!(export_path("/", HTML), "index.html");
        assert_eq!(export_path("/404", HTML), "404/index.html");
        assert_eq!(export_path("/404.html", HTML), "404.html");
        assert_eq!(
            export_path("/api/v1/codes/404.json", JSON),
            "api/v1/codes/404.json"
        );
    }
}

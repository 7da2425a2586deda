//! The web site and the JSON API as a [`Handler`], and [`Everything`]: the site and the live endpoints on one
//! server, as `httpstatus serve` runs them.

use std::sync::Arc;

use httpstatus_site::{Request, Site};

use crate::Live;
use httpstatus_server::Response;
use httpstatus_server::{BoxFuture, Handler};
use httpstatus_server::{Exchange, ExchangeError};

/// The site's pages, assets and API, rendered once by [`Site::new`].
pub struct Pages {
    site: Arc<Site>,
}

impl Pages {
    pub fn new(site: Arc<Site>) -> Self {
        Pages { site }
    }
}

impl Handler for Pages {
    fn handle<'a, 'c>(
        &'a self,
        ex: &'a mut Exchange<'c>,
    ) -> BoxFuture<'a, Result<(), ExchangeError>> {
        Box::pin(serve_page(&self.site, ex))
    }
}

async fn serve_page(site: &Site, ex: &mut Exchange<'_>) -> Result<(), ExchangeError> {
    let head = ex.request();
    let request = Request {
        method: &head.method,
        path: head.path(),
        query: head.query(),
        accept_encoding: head.headers.get_str("accept-encoding"),
        if_none_match: head.headers.get_str("if-none-match"),
    };
    let reply = site.handle(&request);
    let mut response = Response::new(reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        response.headers.append(name, value.as_bytes())?;
    }
    response.body = reply.body;
    ex.respond(response).await
}

/// The reason phrase of a status the site sends, from the catalog.
fn reason(status: u16) -> &'static str {
    httpstatus_catalog::phrase(status)
}

/// Everything `httpstatus serve` offers: the live endpoints under `/status` and `/long`, the site elsewhere.
pub struct Everything {
    live: Live,
    pages: Pages,
}

impl Everything {
    /// `public_url` is the address the site is reached at, used in canonical links and curl examples.
    pub fn new(public_url: &str) -> Self {
        Everything::with_live(public_url, Live::new())
    }

    /// The same with the live endpoints given (their scenarios' state in Redis, say).
    pub fn with_live(public_url: &str, live: Live) -> Self {
        Everything {
            live,
            pages: Pages::new(Arc::new(Site::new(public_url))),
        }
    }

    /// Whether a path belongs to the live endpoints.
    pub fn is_live(path: &str) -> bool {
        path == "/status"
            || path.starts_with("/status/")
            || path == "/long"
            || path.starts_with("/long/")
            || path == "/early-hints"
            || path.starts_with("/early-hints/")
            || path == "/scenario"
            || path.starts_with("/scenario/")
    }
}

impl Handler for Everything {
    fn handle<'a, 'c>(
        &'a self,
        ex: &'a mut Exchange<'c>,
    ) -> BoxFuture<'a, Result<(), ExchangeError>> {
        if Everything::is_live(ex.request().path()) {
            self.live.handle(ex)
        } else {
            self.pages.handle(ex)
        }
    }
}

//! Search quality: realistic queries with the code a person expects first. Prints the top-1 accuracy.

/// (query, expected first result).
const QUERIES: &[(&str, u16)] = &[
    // Names, exact and partial.
    ("too many requests", 429),
    ("bad gateway", 502),
    ("service unavailable", 503),
    ("internal server error", 500),
    ("moved permanently", 301),
    ("permanent redirect", 308),
    ("temporary redirect", 307),
    ("see other", 303),
    ("not modified", 304),
    ("early hints", 103),
    ("processing", 102),
    ("switching protocols", 101),
    ("no content", 204),
    ("partial content", 206),
    ("method not allowed", 405),
    ("precondition failed", 412),
    ("unsupported media type", 415),
    ("uri too long", 414),
    ("request header fields too large", 431),
    ("unavailable for legal reasons", 451),
    ("too early", 425),
    ("upgrade required", 426),
    ("network authentication required", 511),
    ("loop detected", 508),
    ("insufficient storage", 507),
    ("http version not supported", 505),
    ("not implemented", 501),
    ("proxy authentication required", 407),
    ("payment required", 402),
    ("length required", 411),
    ("expectation failed", 417),
    ("misdirected request", 421),
    ("failed dependency", 424),
    ("multi-status", 207),
    ("non-authoritative information", 203),
    ("variant also negotiates", 506),
    ("upload resumption supported", 104),
    ("request timeout", 408),
    ("gone", 410),
    ("conflict", 409),
    // Old names and synonyms.
    ("payload too large", 413),
    ("request entity too large", 413),
    ("requested range not satisfiable", 416),
    ("unprocessable entity", 422),
    ("request-uri too long", 414),
    ("i'm a teapot", 418),
    ("teapot", 418),
    ("switch proxy", 306),
    ("rate limited", 429),
    ("rate limit exceeded", 429),
    ("login required", 401),
    ("page not found", 404),
    ("access denied", 403),
    ("gateway time-out", 504),
    ("websocket upgrade", 101),
    ("captive portal", 511),
    // Natural language.
    ("upstream timed out", 504),
    ("upstream sent an invalid response", 502),
    ("resource deleted for good", 410),
    ("server down for maintenance", 503),
    ("csrf token mismatch", 419),
    // Vendors.
    ("cloudflare origin unreachable", 523),
    ("cloudflare web server is down", 521),
    ("cloudflare ssl handshake failed", 525),
    ("cloudflare connection timed out", 522),
    ("nginx client closed request", 499),
    ("nginx no response", 444),
    ("laravel page expired", 419),
    ("twitter enhance your calm", 420),
    ("aws alb client closed connection", 460),
    ("x-forwarded-for too many ip addresses", 463),
    ("plain http request sent to https port", 497),
    ("outlook web access login timeout", 440),
    ("bandwidth limit exceeded", 509),
    ("linkedin request denied", 999),
    ("anthropic overloaded", 529),
    ("esri invalid token", 498),
    // Symptoms, in the words of someone who has the problem.
    ("file upload too big", 413),
    ("wrong password", 401),
    ("not logged in", 401),
    ("permission denied", 403),
    ("server overloaded", 503),
    ("conditional request failed", 412),
    ("edit conflict", 409),
    ("json validation error", 422),
    ("page deleted forever", 410),
    ("client certificate required nginx", 496),
    ("request header too large nginx", 494),
    ("webdav locked file", 423),
    ("legal takedown", 451),
    ("tls early data replay", 425),
    ("wrong content type", 415),
    ("resumable upload", 104),
    ("preload hints", 103),
    ("aws elb 000", 0),
    // Typos.
    ("gatway timeout", 504),
    ("too many reqests", 429),
    ("interal server error", 500),
    ("servce unavailable", 503),
    ("forbiden", 403),
    ("unauthorised", 401),
    ("premanent redirect", 308),
    // Codes inside text.
    ("error 404", 404),
    ("got a 502 from nginx", 502),
    ("HTTP 418", 418),
    ("what does 207 mean", 207),
    // Questions and error messages as people type or paste them: forum titles, server logs, error pages.
    // A body that is too big (413) and keeping a client from timing out (102) in several phrasings.
    ("nginx 413 request entity too large when uploading", 413),
    ("PayloadTooLargeError: request entity too large", 413),
    ("json body too big", 413),
    ("how do i increase the max upload size", 413),
    ("upload size limit exceeded", 413),
    ("post body exceeds the size limit", 413),
    ("uploading a large file fails with an error", 413),
    ("client intended to send too large body", 413),
    ("request body is too large for the server", 413),
    (
        "how to keep the client from timing out during a long request",
        102,
    ),
    ("send a heartbeat so the client does not time out", 102),
    (
        "keep connection alive while the server is still working",
        102,
    ),
    ("interim response while processing a long request", 102),
    ("long running request keeps timing out", 102),
    ("tell the client the server is still working", 102),
    (
        "upstream prematurely closed connection while reading response header from upstream",
        502,
    ),
    (
        "connect() failed (111: Connection refused) while connecting to upstream",
        502,
    ),
    (
        "upstream timed out (110: Connection timed out) while reading response header from upstream",
        504,
    ),
    ("a timeout occurred cloudflare", 524),
    ("invalid ssl certificate cloudflare", 526),
    ("you don't have permission to access this resource", 403),
    ("the requested URL was not found on this server", 404),
    ("Cannot GET /api/users", 404),
    ("you have exceeded the rate limit", 429),
    ("API rate limit exceeded, retry after", 429),
    (
        "the server is temporarily unable to service your request due to maintenance downtime",
        503,
    ),
    ("Service Temporarily Unavailable", 503),
    ("the method is not allowed for the requested URL", 405),
    ("Unsupported Media Type content-type application/json", 415),
    ("the plain HTTP request was sent to HTTPS port", 497),
    ("No required SSL certificate was sent", 496),
    ("request uri too large", 414),
    ("precondition failed etag mismatch", 412),
    ("redirect after a form post", 303),
    ("permanent redirect that keeps the POST method", 308),
    ("validation failed for the submitted fields", 422),
    ("resource already exists", 409),
    ("proxy asks for a username and password squid", 407),
    ("load balancer says client closed connection", 460),
    ("nginx closes the connection without a response", 444),
    ("server does not support this http version", 505),
    ("server timed out waiting for the request", 408),
    ("hotel wifi login page", 511),
    ("content blocked for legal reasons in my country", 451),
    ("session expired outlook web app", 440),
    ("arcgis token expired", 498),
    ("missing bearer token", 401),
    ("browser cache not modified etag", 304),
    ("video streaming range request partial", 206),
    ("resource created return location", 201),
    ("delete succeeded no body", 204),
    ("unhandled exception in my app", 500),
    ("server does not recognise the method", 501),
    ("malformed json syntax error in request", 400),
    ("page removed permanently do not come back", 410),
];

#[test]
fn top_1_accuracy_is_at_least_90_percent() {
    assert!(QUERIES.len() >= 160);
    let mut misses = Vec::new();
    for (query, expected) in QUERIES {
        let first = httpstatus_catalog::search(query, 3);
        let got: Vec<u16> = first.iter().map(|h| h.entry.code).collect();
        if got.first() != Some(expected) {
            misses.push(format!("  {query:?}: expected {expected}, got {got:?}"));
        }
    }
    let accuracy = 1.0 - misses.len() as f64 / QUERIES.len() as f64;
    println!(
        "search top-1 accuracy: {:.1}% of {} queries",
        accuracy * 100.0,
        QUERIES.len()
    );
    for miss in &misses {
        println!("{miss}");
    }
    assert!(
        accuracy >= 0.9,
        "top-1 accuracy {:.1}% is under 90%:\n{}",
        accuracy * 100.0,
        misses.join("\n")
    );
}

#[test]
fn search_is_deterministic() {
    for (query, _) in QUERIES {
        let a: Vec<u16> = httpstatus_catalog::search(query, 10)
            .iter()
            .map(|h| h.entry.code)
            .collect();
        let b: Vec<u16> = httpstatus_catalog::search(query, 10)
            .iter()
            .map(|h| h.entry.code)
            .collect();
        assert_eq!(a, b, "{query}");
    }
}

#[test]
fn nonsense_and_empty_queries_find_nothing() {
    assert!(httpstatus_catalog::search("", 10).is_empty());
    assert!(httpstatus_catalog::search("   ", 10).is_empty());
    assert!(httpstatus_catalog::search("qwxzv", 10).is_empty());
    let long = "a".repeat(100_000);
    assert!(httpstatus_catalog::search(&long, 10).len() <= 10);
}

#[test]
fn every_phrasing_of_a_too_big_body_or_a_client_timing_out_finds_its_code() {
    let mut checked = 0;
    for &(query, expected) in QUERIES.iter().filter(|(_, code)| [413, 102].contains(code)) {
        let first = httpstatus_catalog::search(query, 1)
            .first()
            .map(|h| h.entry.code);
        assert_eq!(first, Some(expected), "{query:?}");
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} phrasings of 413 and 102");
}

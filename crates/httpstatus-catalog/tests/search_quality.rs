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
];

#[test]
fn top_1_accuracy_is_at_least_90_percent() {
    assert!(QUERIES.len() >= 60);
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

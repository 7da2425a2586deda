//! The JSON API: `/api/v1/codes`, `/api/v1/codes/{code}`, `/api/v1/search?q=`, and `/api/openapi.json`.
//! Entries are the same objects `httpstatus CODE --json` prints. Errors are RFC 9457 problem details.

use bytes::Bytes;
use httpstatus_catalog::{Brief, Class, Lookup};
use serde_json::{Value, json};

use crate::{CACHE_PAGE, CACHE_SHORT, JSON, PROBLEM, Reply, query_value};

/// The longest search query the API accepts, in characters.
pub const MAX_QUERY: usize = 200;

/// The documents that never change while the server runs: the list, every entry, the OpenAPI description.
pub fn fixed_documents(public_url: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let briefs: Vec<Brief> = httpstatus_catalog::entries()
        .iter()
        .map(Brief::from)
        .collect();
    out.push(("/api/v1/codes.json".to_owned(), to_json(&briefs)));
    for e in httpstatus_catalog::entries() {
        out.push((format!("/api/v1/codes/{}.json", e.code_text()), to_json(e)));
    }
    out.push((
        "/api/openapi.json".to_owned(),
        to_json(&openapi(public_url)),
    ));
    out
}

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let mut text = serde_json::to_string(value).expect("catalog data always serialises");
    text.push('\n');
    text
}

fn json_reply(status: u16, cache: &'static str, body: String) -> Reply {
    Reply {
        status,
        headers: vec![
            ("Content-Type", JSON.into()),
            ("Cache-Control", cache.into()),
        ],
        body: Bytes::from(body),
    }
}

/// An RFC 9457 problem details reply.
pub fn problem(status: u16, title: &str, detail: &str) -> Reply {
    let body = to_json(
        &json!({"type": "about:blank", "title": title, "status": status, "detail": detail}),
    );
    Reply {
        status,
        headers: vec![
            ("Content-Type", PROBLEM.into()),
            ("Cache-Control", "no-store".into()),
        ],
        body: Bytes::from(body),
    }
}

/// Answers an API path (without the leading `/api/`) that is not a fixed document.
pub fn dynamic(rest: &str, query: Option<&str>) -> Reply {
    match rest {
        "v1/codes" => list(query),
        "v1/search" => search(query),
        _ => match rest.strip_prefix("v1/codes/") {
            Some(code) => one(code.strip_suffix(".json").unwrap_or(code)),
            None => problem(
                404,
                httpstatus_catalog::phrase(404),
                "no such API resource; see /api/openapi.json for the endpoints",
            ),
        },
    }
}

fn list(query: Option<&str>) -> Reply {
    let class = match query_value(query, "class") {
        None => None,
        Some(text) => match Class::parse(&text) {
            Some(class) => Some(class),
            None => {
                return problem(
                    400,
                    httpstatus_catalog::phrase(400),
                    &format!(
                        "`class` must be one of 1xx, 2xx, 3xx, 4xx, 5xx, not `{}`",
                        clip(&text)
                    ),
                );
            }
        },
    };
    let official = match query_value(query, "official").as_deref() {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(other) => {
            return problem(
                400,
                httpstatus_catalog::phrase(400),
                &format!(
                    "`official` must be `true` or `false`, not `{}`",
                    clip(other)
                ),
            );
        }
    };
    let briefs: Vec<Brief> = httpstatus_catalog::entries()
        .iter()
        .filter(|e| class.is_none_or(|c| e.class() == c))
        .filter(|e| official.is_none_or(|o| e.is_official() == o))
        .map(Brief::from)
        .collect();
    json_reply(200, CACHE_PAGE, to_json(&briefs))
}

fn one(text: &str) -> Reply {
    match httpstatus_catalog::parse(text) {
        Ok(lookup @ Lookup::Unassigned { .. }) => json_reply(200, CACHE_PAGE, to_json(&lookup)),
        Ok(Lookup::Known(entry)) => json_reply(200, CACHE_PAGE, to_json(entry)),
        Err(error) => problem(
            404,
            httpstatus_catalog::phrase(404),
            &clip(&error.to_string()),
        ),
    }
}

fn search(query: Option<&str>) -> Reply {
    let Some(q) = query_value(query, "q") else {
        return problem(
            400,
            httpstatus_catalog::phrase(400),
            "the `q` parameter is required: /api/v1/search?q=too+many+requests",
        );
    };
    if q.chars().count() > MAX_QUERY {
        return problem(
            400,
            httpstatus_catalog::phrase(400),
            &format!("`q` is longer than {MAX_QUERY} characters"),
        );
    }
    let limit = match query_value(query, "limit") {
        None => 10,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => {
                return problem(
                    400,
                    httpstatus_catalog::phrase(400),
                    "`limit` must be a whole number from 1 to 100",
                );
            }
        },
    };
    let briefs: Vec<Brief> = httpstatus_catalog::search(&q, limit)
        .iter()
        .map(|h| Brief::from(h.entry))
        .collect();
    json_reply(200, CACHE_SHORT, to_json(&briefs))
}

fn clip(text: &str) -> String {
    crate::html::truncate(text, 80)
}

/// The OpenAPI 3.1 description of the API.
pub fn openapi(public_url: &str) -> Value {
    let problem_response = |description: &str| json!({"description": description, "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}});
    // The server refuses a request line longer than it accepts before the API sees the request.
    let too_long = json!({"description": "The request line is longer than the server accepts", "content": {"text/plain": {"schema": {"type": "string"}}}});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "httpstatus API",
            "version": "1.0.0",
            "description": "Every HTTP status code, registered and vendor-specific, as data: meaning, origin, what to do, how to fix, examples. Read-only and open to every origin (CORS)."
        },
        "servers": [{"url": public_url}],
        "paths": {
            "/api/v1/codes": {"get": {
                "operationId": "listCodes",
                "summary": "List status codes, ordered by code",
                "parameters": [
                    {"name": "class", "in": "query", "required": false, "schema": {"type": "string", "enum": ["1xx", "2xx", "3xx", "4xx", "5xx"]}},
                    {"name": "official", "in": "query", "required": false, "schema": {"type": "string", "enum": ["true", "false"]}}
                ],
                "responses": {
                    "200": {"description": "The matching codes", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Brief"}}}}},
                    "400": problem_response("A filter has an invalid value"),
                    "414": too_long.clone()
                }
            }},
            "/api/v1/codes/{code}": {"get": {
                "operationId": "getCode",
                "summary": "One status code's entry; a valid but unassigned code (e.g. 299) gets its class fallback",
                "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}, "example": "429"}],
                "responses": {
                    "200": {"description": "The entry, or the class fallback of an unassigned code", "content": {"application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/Entry"}, {"$ref": "#/components/schemas/Unassigned"}]}}}},
                    "404": problem_response("Not a status code (status codes are three digits, 100 to 599)"),
                    "414": too_long.clone()
                }
            }},
            "/api/v1/search": {"get": {
                "operationId": "search",
                "summary": "Search by number, name, old name, synonym, vendor or symptom; best first",
                "parameters": [
                    {"name": "q", "in": "query", "required": true, "schema": {"type": "string", "maxLength": MAX_QUERY}},
                    {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}}
                ],
                "responses": {
                    "200": {"description": "Results, best first", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Brief"}}}}},
                    "400": problem_response("`q` is missing or too long, or `limit` is invalid"),
                    "414": too_long
                }
            }}
        },
        "components": {"schemas": {
            "Brief": {"type": "object", "required": ["code", "name", "class", "official", "status", "summary"], "properties": {
                "code": {"type": "integer"}, "name": {"type": "string"}, "class": {"type": "string"}, "official": {"type": "boolean"},
                "status": {"$ref": "#/components/schemas/Status"}, "summary": {"type": "string"}
            }},
            "Status": {"type": "string", "enum": ["permanent", "temporary", "obsoleted", "unused", "unofficial"]},
            "Entry": {"type": "object", "required": ["code", "name", "iana_name", "class", "official", "status", "reference", "summary", "sources", "sections", "examples", "related", "aliases", "vendors"], "properties": {
                "code": {"type": "integer"},
                "name": {"type": "string"},
                "iana_name": {"type": ["string", "null"]},
                "class": {"type": "string"},
                "official": {"type": "boolean"},
                "status": {"$ref": "#/components/schemas/Status"},
                "expires": {"type": ["string", "null"]},
                "reference": {"type": ["string", "null"]},
                "spec_url": {"type": ["string", "null"]},
                "sources": {"type": "array", "minItems": 1, "items": {"type": "string", "format": "uri"}},
                "summary": {"type": "string"},
                "sections": {"type": "array", "items": {"type": "object", "required": ["title", "markdown"], "properties": {"title": {"type": "string"}, "markdown": {"type": "string"}}}},
                "examples": {"type": "array", "items": {"type": "object", "required": ["language", "title", "framework", "code"], "properties": {"language": {"type": "string"}, "title": {"type": "string"}, "role": {"type": "string"}, "path": {"type": "string"}, "framework": {"type": ["string", "null"], "description": "the library the example is written with (express, fastify, axios, fastapi, flask, django, requests, httpx); null for the language's standard library"}, "intro": {"type": "string"}, "code": {"type": "string"}}}},
                "related": {"type": "array", "items": {"type": "integer"}},
                "aliases": {"type": "array", "items": {"type": "string"}},
                "former_names": {"type": "array", "items": {"type": "string"}},
                "vendors": {"type": "array", "items": {"type": "object", "required": ["vendor", "name", "description", "source"], "properties": {
                    "vendor": {"type": "string"}, "name": {"type": "string"}, "description": {"type": "string"}, "source": {"type": "string"},
                    "client_sees": {"type": "boolean"}, "low_confidence": {"type": "boolean"}
                }}},
                "flags": {"type": "object", "properties": {"interim": {"type": "boolean"}, "body_allowed": {"type": "boolean"}, "cacheable": {"type": "boolean"}, "retry": {"type": "string", "enum": ["not-applicable", "no", "after-delay", "idempotent-only"]}}},
                "client_sees": {"type": "boolean"},
                "constants": crate::constants::schema(),
                "reproduce": {"type": ["object", "null"], "required": ["title", "steps", "commands", "expect", "explain", "needs_tls"], "properties": {
                    "title": {"type": "string"},
                    "steps": {"type": "array", "items": {"type": "string"}},
                    "commands": {"type": "array", "items": {"type": "string"}},
                    "expect": {"type": "array", "items": {"type": "integer"}},
                    "explain": {"type": "string"},
                    "needs_tls": {"type": "boolean"}
                }},
                "low_confidence": {"type": "boolean"}
            }},
            "Unassigned": {"type": "object", "required": ["code", "assigned", "name", "class", "official", "treat_as", "explanation"], "properties": {
                "code": {"type": "integer"}, "assigned": {"const": false}, "name": {"type": "string"}, "class": {"type": "string"},
                "official": {"const": false}, "treat_as": {"type": "integer"}, "explanation": {"type": "string"}
            }},
            "Problem": {"type": "object", "required": ["type", "title", "status", "detail"], "properties": {
                "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"}
            }}
        }}
    })
}

//! `/scenario/items/{key}` and `/scenario/items/{key}/{name}`: a small JSON collection per key, where each
//! status code of methods and content comes from its real cause: 405 with the resource's `Allow`, 406 when
//! `Accept` excludes JSON, 415 for another `Content-Type` (with `Accept-Post` or `Accept-Patch`), 400 for
//! malformed JSON, 422 for valid JSON that fails validation (an RFC 9457 problem document whose `errors` name
//! each field by JSON pointer), 409 for a create whose name exists, 410 for a deleted item, 201 with
//! `Location` for a create.

use std::time::Duration;

use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::{
    Body, Params, Scenarios, bad_request, json_response, media_type, method_not_allowed, parse_key,
    problem, read_limited, send, too_large, unavailable,
};
use httpstatus_server::{Exchange, ExchangeError, Response};

/// Most items in one collection.
pub const MAX_ITEMS: usize = 100;
/// Deleted names remembered per collection (for 410); the oldest is forgotten first.
pub const MAX_DELETED: usize = 100;
/// Largest request body.
pub const MAX_BODY: u64 = 8 * 1024;
/// Longest item name.
pub const MAX_NAME: usize = 64;
/// Largest quantity.
pub const MAX_QUANTITY: u64 = 1000;
/// How long a collection lives after its last change.
pub const TTL: Duration = Duration::from_secs(3600);
const RETRIES: usize = 8;
const JSON: &str = "application/json";
const MERGE_PATCH: &str = "application/merge-patch+json";

/// Answers `/scenario/items/...`.
pub async fn handle(
    scenarios: &Scenarios,
    ex: &mut Exchange<'_>,
    segments: &[&str],
) -> Result<(), ExchangeError> {
    let parsed = parse_key(segments.first()).and_then(|key| {
        Params::parse(ex.request().query(), &[])?;
        match segments.get(1..) {
            Some([]) | None => Ok((key, None)),
            Some([name]) => Ok((key, Some(parse_name(name).map_err(|e| e.to_string())?))),
            _ => Err("use /scenario/items/{key} or /scenario/items/{key}/{name}".into()),
        }
    });
    let (key, name) = match parsed {
        Ok(parsed) => parsed,
        Err(message) => return send(ex, bad_request(&message)).await,
    };
    let method = ex.request().method.clone();
    let allow = if name.is_some() {
        "GET, HEAD, PATCH, DELETE"
    } else {
        "GET, HEAD, POST"
    };
    if !allow.split(", ").any(|m| m == method) {
        return send(ex, method_not_allowed(&method, allow)).await;
    }
    if !accepts_json(ex.request().headers.get_str("accept")) {
        let detail = "this resource is only available as application/json; send an Accept that \
                      allows it (or none)";
        return send(ex, problem(406, detail, json!({ "available": [JSON] }))).await;
    }
    let store_key = format!("items:{key}");
    let response = match (method.as_str(), name) {
        ("GET" | "HEAD", None) => match load(scenarios, &store_key).await {
            Ok((collection, _)) => {
                let items: Vec<&Value> = collection.items.values().collect();
                json_response(200, &json!({ "items": items }))
            }
            Err(unavailable) => unavailable,
        },
        ("GET" | "HEAD", Some(name)) => match load(scenarios, &store_key).await {
            Ok((collection, _)) => match collection.items.get(&name) {
                Some(item) => json_response(200, item),
                None => missing(&collection, &name),
            },
            Err(unavailable) => unavailable,
        },
        ("POST", None) => match json_body(ex, JSON).await? {
            Err(refusal) => refusal,
            Ok(body) => match validate(&body, true) {
                Err(errors) => unprocessable(errors),
                Ok(item) => create(scenarios, &store_key, &key, item).await,
            },
        },
        ("PATCH", Some(name)) => match json_body(ex, MERGE_PATCH).await? {
            Err(refusal) => refusal,
            Ok(body) => match validate(&body, false) {
                Err(errors) => unprocessable(errors),
                Ok(patch) => update(scenarios, &store_key, &name, Some(patch)).await,
            },
        },
        ("DELETE", Some(name)) => update(scenarios, &store_key, &name, None).await,
        _ => unreachable!("methods are checked against Allow above"),
    };
    // What a write here takes: the collection's POST, or the item's PATCH.
    let (field, value) = if segments.len() == 1 {
        ("Accept-Post", JSON)
    } else {
        ("Accept-Patch", MERGE_PATCH)
    };
    send(ex, with_accept(response, field, value)).await
}

fn with_accept(mut response: Response, field: &str, value: &str) -> Response {
    response
        .headers
        .append(field, value)
        .expect("a valid field");
    response
}

/// Whether `Accept` allows `application/json`: the most specific matching range has a q above 0.
fn accepts_json(accept: Option<&str>) -> bool {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return true;
    };
    let mut best: Option<(u8, f32)> = None;
    for range in accept.split(',') {
        let (media, q) = httpstatus_wire::headers::weighted(range);
        let specificity = match media.trim().to_ascii_lowercase().as_str() {
            "application/json" => 3,
            "application/*" => 2,
            "*/*" => 1,
            _ => continue,
        };
        if best.is_none_or(|(s, _)| specificity > s) {
            best = Some((specificity, q));
        }
    }
    best.is_some_and(|(_, q)| q > 0.0)
}

/// Reads a JSON body of media type `wanted`: Err(415, 413 or 400) when it is not one.
async fn json_body(
    ex: &mut Exchange<'_>,
    wanted: &str,
) -> Result<Result<Value, Response>, ExchangeError> {
    let media = media_type(ex);
    if media.as_deref() != Some(wanted) {
        let got = media.map_or("no Content-Type".to_owned(), |m| {
            format!("Content-Type {m}")
        });
        let detail = format!("this request takes {wanted}; it came with {got}");
        return Ok(Err(problem(415, &detail, json!({ "accepted": [wanted] }))));
    }
    let body = match read_limited(ex, MAX_BODY).await? {
        Body::Complete(body) => body,
        other => return Ok(Err(too_large(MAX_BODY, &other))),
    };
    Ok(serde_json::from_slice(&body).map_err(|error| {
        let detail = format!(
            "the body is not valid JSON: {error} (line {}, column {})",
            error.line(),
            error.column()
        );
        bad_request(&detail)
    }))
}

/// One validation error, named by its JSON pointer (RFC 9457 section 3's example).
fn error(pointer: &str, detail: String) -> Value {
    json!({ "pointer": pointer, "detail": detail })
}

/// Checks an item (`create`: `name` and `quantity` required) or a merge patch (only `quantity`). Returns
/// the item or patch as it will be stored, or every error found.
fn validate(body: &Value, create: bool) -> Result<Value, Vec<Value>> {
    let Some(object) = body.as_object() else {
        return Err(vec![error(
            "#",
            "must be a JSON object such as {\"name\": \"apple\", \"quantity\": 3}".into(),
        )]);
    };
    let mut errors = Vec::new();
    let mut out = Map::new();
    for (member, value) in object {
        match member.as_str() {
            "name" if create => match value.as_str().map(parse_name) {
                Some(Ok(name)) => {
                    out.insert("name".into(), Value::String(name));
                }
                Some(Err(message)) => errors.push(error("#/name", message)),
                None => errors.push(error("#/name", "must be a string".into())),
            },
            "name" => errors.push(error(
                "#/name",
                "cannot be changed: it names the item in its URL".into(),
            )),
            "quantity" => match value.as_u64().filter(|q| *q <= MAX_QUANTITY) {
                Some(quantity) => {
                    out.insert("quantity".into(), json!(quantity));
                }
                None => errors.push(error(
                    "#/quantity",
                    format!("must be a whole number from 0 to {MAX_QUANTITY}; got {value}"),
                )),
            },
            other => errors.push(error(
                &format!("#/{}", other.replace('~', "~0").replace('/', "~1")),
                "is not a member of an item: items have name and quantity".into(),
            )),
        }
    }
    if create {
        for required in ["name", "quantity"] {
            if !object.contains_key(required) {
                errors.push(error(&format!("#/{required}"), "is required".into()));
            }
        }
    }
    if errors.is_empty() {
        Ok(Value::Object(out))
    } else {
        Err(errors)
    }
}

/// An item name: 1 to 64 lowercase letters, digits and '-'.
fn parse_name(name: &str) -> Result<String, String> {
    if (1..=MAX_NAME).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        Ok(name.to_owned())
    } else {
        Err(format!(
            "{name:?} is not a valid item name: 1 to {MAX_NAME} lowercase letters, digits and '-'"
        ))
    }
}

fn unprocessable(errors: Vec<Value>) -> Response {
    let fields: Vec<&str> = errors
        .iter()
        .filter_map(|e| e["pointer"].as_str())
        .collect();
    let detail = format!(
        "the JSON is well-formed but not a valid item: see {}",
        fields.join(", ")
    );
    problem(422, &detail, json!({ "errors": errors }))
}

/// A collection: its items by name, and the names deleted, oldest first.
#[derive(Debug, Default)]
struct Collection {
    items: Map<String, Value>,
    deleted: Vec<String>,
}

impl Collection {
    fn encode(&self) -> Bytes {
        Bytes::from(json!({ "items": self.items, "deleted": self.deleted }).to_string())
    }
}

/// The collection and its stored form, or the 503 that says the store is unavailable.
async fn load(
    scenarios: &Scenarios,
    store_key: &str,
) -> Result<(Collection, Option<Bytes>), Response> {
    let stored = scenarios
        .store()
        .get(store_key)
        .await
        .map_err(|e| unavailable(&e))?;
    let value: Value = stored
        .as_deref()
        .and_then(|b| serde_json::from_slice(b).ok())
        .unwrap_or(Value::Null);
    let collection = Collection {
        items: value["items"].as_object().cloned().unwrap_or_default(),
        deleted: value["deleted"]
            .as_array()
            .map(|names| {
                names
                    .iter()
                    .filter_map(|n| n.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
    };
    Ok((collection, stored))
}

fn missing(collection: &Collection, name: &str) -> Response {
    if collection.deleted.iter().any(|n| n == name) {
        let detail =
            format!("the item {name} was deleted and is gone for good; create a new one with POST");
        problem(410, &detail, json!({}))
    } else {
        problem(404, &format!("there is no item named {name}"), json!({}))
    }
}

/// What a change to a collection decided.
enum Change {
    /// Store the changed collection, then answer with this.
    Write(Response),
    /// Answer with this and store nothing.
    Refuse(Response),
}

/// Runs `change` on the collection until the write lands (another request may write in between).
async fn modify(
    scenarios: &Scenarios,
    store_key: &str,
    mut change: impl FnMut(&mut Collection) -> Change,
) -> Response {
    for _ in 0..RETRIES {
        let (mut collection, stored) = match load(scenarios, store_key).await {
            Ok(loaded) => loaded,
            Err(unavailable) => return unavailable,
        };
        let response = match change(&mut collection) {
            Change::Write(response) => response,
            Change::Refuse(refusal) => return refusal,
        };
        match scenarios
            .store()
            .compare_and_set(store_key, stored.as_deref(), Some(collection.encode()), TTL)
            .await
        {
            Ok(true) => return response,
            Ok(false) => {}
            Err(e) => return unavailable(&e),
        }
    }
    problem(
        503,
        "the collection kept changing under other requests; try again",
        json!({}),
    )
}

async fn create(scenarios: &Scenarios, store_key: &str, key: &str, item: Value) -> Response {
    let name = item["name"].as_str().expect("validated").to_owned();
    modify(scenarios, store_key, |collection| {
        let location = format!("/scenario/items/{key}/{name}");
        if collection.items.contains_key(&name) {
            let detail = format!(
                "an item named {name} already exists at {location}; choose another name, or PATCH that one"
            );
            return Change::Refuse(problem(409, &detail, json!({ "existing": location })));
        }
        if collection.items.len() >= MAX_ITEMS {
            let detail =
                format!("a collection holds at most {MAX_ITEMS} items; delete one first");
            return Change::Refuse(problem(409, &detail, json!({})));
        }
        collection.deleted.retain(|n| *n != name);
        collection.items.insert(name.clone(), item.clone());
        let mut response = json_response(201, &item);
        response
            .headers
            .append("Location", &location)
            .expect("names are valid paths");
        Change::Write(response)
    })
    .await
}

/// Applies a merge patch to an item, or deletes it (`None`).
async fn update(
    scenarios: &Scenarios,
    store_key: &str,
    name: &str,
    patch: Option<Value>,
) -> Response {
    modify(scenarios, store_key, |collection| {
        let Some(item) = collection.items.get_mut(name) else {
            return Change::Refuse(missing(collection, name));
        };
        match &patch {
            Some(Value::Object(patch)) => {
                item.as_object_mut()
                    .expect("items are objects")
                    .extend(patch.clone());
                Change::Write(json_response(200, item))
            }
            _ => {
                collection.items.remove(name);
                collection.deleted.push(name.to_owned());
                if collection.deleted.len() > MAX_DELETED {
                    collection.deleted.remove(0);
                }
                Change::Write(Response::new(204, httpstatus_catalog::phrase(204)))
            }
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_table() {
        for (accept, ok) in [
            (None, true),
            (Some(""), true),
            (Some("application/json"), true),
            (Some("*/*"), true),
            (Some("text/html, */*;q=0.1"), true),
            (Some("application/*"), true),
            (Some("text/html"), false),
            (Some("application/json;q=0, */*"), false),
            (Some("application/xml"), false),
        ] {
            assert_eq!(accepts_json(accept), ok, "{accept:?}");
        }
    }

    #[test]
    fn validation_names_every_field() {
        let errors = validate(
            &json!({"name": "Bad Name", "quantity": -1, "colour": 1}),
            true,
        )
        .unwrap_err();
        let pointers: Vec<&str> = errors
            .iter()
            .map(|e| e["pointer"].as_str().unwrap())
            .collect();
        assert_eq!(pointers, ["#/colour", "#/name", "#/quantity"]);
        let errors = validate(&json!({}), true).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(validate(&json!([1]), true).is_err());
        assert!(validate(&json!({"name": "a-1", "quantity": 3}), true).is_ok());
        assert!(validate(&json!({"quantity": 3}), false).is_ok());
        assert!(validate(&json!({"name": "x"}), false).is_err());
    }
}

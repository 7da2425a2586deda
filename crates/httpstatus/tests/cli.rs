//! The `httpstatus` binary as a user runs it: real processes, real pipes, exit codes.

use std::io::Read;
use std::process::{Command, Output, Stdio};

fn httpstatus(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_httpstatus"))
        .args(args)
        .env_remove("NO_COLOR")
        .env("COLUMNS", "80")
        .output()
        .expect("run httpstatus")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn a_code_prints_its_whole_page() {
    let o = httpstatus(&["404"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.starts_with("404 Not Found\n"), "{text}");
    for heading in [
        "ORIGIN",
        "WHAT CAN I DO?",
        "CAUSES",
        "HOW TO DEBUG & FIX",
        "HEADERS THAT GO WITH IT",
        "EXAMPLES",
        "RELATED CODES",
    ] {
        assert!(text.contains(heading), "missing {heading}");
    }
    // Each example's heading names its language once: "Node.js: title", or a title that already says it.
    let examples = &text[text.find("EXAMPLES").unwrap()..];
    assert!(examples.contains("Node.js") && examples.contains("Python"));
    for label in ["Node.js", "Python", "Express", "FastAPI"] {
        assert!(
            !examples
                .lines()
                .any(|l| l.starts_with(&format!("{label}: ")) && l.ends_with(&format!("({label})"))),
            "{label} named twice in a heading"
        );
    }
    assert!(
        !text.contains('\x1b'),
        "no colours when stdout is not a terminal"
    );
    assert_eq!(stdout(&httpstatus(&["show", "404"])), text);
}

#[test]
fn colours_only_when_asked_and_never_with_no_color() {
    let o = httpstatus(&["--color", "always", "404"]);
    assert!(stdout(&o).contains("\x1b[1;33m404 Not Found"));
    let o = Command::new(env!("CARGO_BIN_EXE_httpstatus"))
        .args(["404"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!stdout(&o).contains('\x1b'));
}

#[test]
fn short_is_one_line() {
    let o = httpstatus(&["502", "--short"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("502 Bad Gateway: "));
}

#[test]
fn json_is_the_api_object() {
    let o = httpstatus(&["102", "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["code"], 102);
    assert_eq!(v["name"], "Processing");
    assert_eq!(v["iana_name"], "Processing");
    assert_eq!(v["class"], "1xx");
    assert_eq!(v["official"], true);
    assert_eq!(v["status"], "permanent");
    assert_eq!(v["reference"], "[RFC2518]");
    assert!(
        v["sections"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| !s["markdown"].as_str().unwrap().is_empty())
    );
    assert!(v["related"].as_array().unwrap().iter().all(|r| r.is_u64()));
    let v: serde_json::Value =
        serde_json::from_slice(&httpstatus(&["--json", "499"]).stdout).unwrap();
    assert_eq!(v["iana_name"], serde_json::Value::Null);
    assert_eq!(v["official"], false);
    assert_eq!(v["status"], "unofficial");
    assert!(v["vendors"].as_array().unwrap().len() >= 3);
}

#[test]
fn an_unassigned_code_prints_the_class_fallback_and_succeeds() {
    let o = httpstatus(&["299"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(
        text.contains("200 OK") && text.contains("RFC 9110"),
        "{text}"
    );
    let v: serde_json::Value =
        serde_json::from_slice(&httpstatus(&["299", "--json"]).stdout).unwrap();
    assert_eq!(v["treat_as"], 200);
    assert_eq!(v["assigned"], false);
}

#[test]
fn what_is_not_a_code_exits_1_with_suggestions() {
    let o = httpstatus(&["42"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let err = stderr(&o);
    assert!(
        err.contains("42 is not an HTTP status code") && err.contains("100 to 599"),
        "{err}"
    );
    assert!(err.contains("did you mean: 42"), "{err}");
    for input in ["600", "1000", "4044"] {
        let o = httpstatus(&["show", input]);
        assert_eq!(o.status.code(), Some(1), "{input}");
        assert!(stderr(&o).contains("is not an HTTP status code"), "{input}");
    }
    let o = httpstatus(&["show", "teapot"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("418"), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_slice(&httpstatus(&["42", "--json"]).stdout).unwrap();
    assert!(v["error"].as_str().unwrap().contains("100 to 599"));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["--frobnicate"][..],
        &["list", "--class", "7xx"][..],
        &["search"][..],
        &["completions", "tcsh"][..],
    ] {
        let o = httpstatus(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).is_empty());
    }
    assert_eq!(httpstatus(&["--help"]).status.code(), Some(0));
    assert_eq!(httpstatus(&["--version"]).status.code(), Some(0));
}

#[test]
fn search_finds_typos_first() {
    let o = httpstatus(&["search", "gatway", "timeout"]);
    assert!(o.status.success());
    assert!(
        stdout(&o).starts_with("504 Gateway Timeout"),
        "{}",
        stdout(&o)
    );
    let v: serde_json::Value =
        serde_json::from_slice(&httpstatus(&["--json", "search", "too", "many"]).stdout).unwrap();
    assert_eq!(v[0]["code"], 429);
    let o = httpstatus(&["search", "qwxzv"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nothing matches"));
}

#[test]
fn list_filters_by_class_and_registration() {
    let all: serde_json::Value =
        serde_json::from_slice(&httpstatus(&["--json", "list"]).stdout).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 99);
    let four: serde_json::Value =
        serde_json::from_slice(&httpstatus(&["list", "--class", "4xx", "--json"]).stdout).unwrap();
    assert!(four.as_array().unwrap().iter().all(|e| e["class"] == "4xx"));
    let text = stdout(&httpstatus(&["list", "--unofficial"]));
    assert!(
        text.lines().all(|l| !l.starts_with("404")) && text.contains("499 Client Closed Request")
    );
    let text = stdout(&httpstatus(&["list", "--official"]));
    assert_eq!(text.lines().count(), 64);
    assert!(
        httpstatus(&["list", "--official", "--unofficial"])
            .status
            .code()
            == Some(2)
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    // The reader goes away before the first write, so every write meets a closed pipe.
    for args in [
        &["list"][..],
        &["404"][..],
        &["--json", "list"][..],
        &["search", "timeout"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_httpstatus"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let status = child.wait().unwrap();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert_eq!(status.code(), Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
}

#[test]
fn piped_into_head_prints_one_line_and_exits_0() {
    let script = r#"set -o pipefail; "$BIN" list | head -1; "$BIN" 404 | head -1"#;
    let o = Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("BIN", env!("CARGO_BIN_EXE_httpstatus"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("000 "), "{text}");
    assert_eq!(lines[1], "404 Not Found");
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
}

#[test]
fn completions_for_three_shells() {
    for shell in ["bash", "zsh", "fish"] {
        let o = httpstatus(&["completions", shell]);
        assert!(o.status.success());
        let text = stdout(&o);
        assert!(
            text.contains("httpstatus") && text.contains("search"),
            "{shell}"
        );
    }
}

/// `httpstatus serve` on a free port, stopped when dropped.
struct Server {
    child: std::process::Child,
    url: String,
}

impl Server {
    fn start() -> Server {
        Server::start_with(&[])
    }

    fn start_with(extra: &[&str]) -> Server {
        use std::io::{BufRead, BufReader};
        let mut child = Command::new(env!("CARGO_BIN_EXE_httpstatus"))
            .args(["serve", "--addr", "127.0.0.1:0", "--quiet"])
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .expect("the first line names the address")
            .to_owned();
        Server { child, url }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_takes_a_thread_count_and_refuses_zero() {
    let server = Server::start_with(&["--threads", "1"]);
    let o = httpstatus(&["probe", &format!("{}/status/204", server.url)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("< HTTP/1.1 204 No Content"),
        "{}",
        stdout(&o)
    );

    let o = httpstatus(&["serve", "--threads", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--threads"), "{}", stderr(&o));
    assert!(stderr(&o).contains("1..=1024"), "{}", stderr(&o));
}

#[test]
fn probe_names_a_429_and_its_retry_after() {
    let server = Server::start();
    let url = format!("{}/status/429", server.url);
    let o = httpstatus(&["probe", &url]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("< HTTP/1.1 429 Too Many Requests"), "{text}");
    assert!(text.contains("< Retry-After: "), "{text}");
    assert!(text.contains("= 429 Too Many Requests: "), "{text}");
    assert!(!text.contains("warning:"), "{text}");

    let o = httpstatus(&[
        "probe",
        "--json",
        &format!("{}/status/200?interim=103,102", server.url),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let statuses: Vec<u64> = v["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [103, 102, 200]);
    assert_eq!(v["responses"][0]["interim"], true);
    assert_eq!(v["final"]["status"], 200);
    assert!(v["final"]["total_ms"].as_f64().unwrap() >= v["final"]["ttfb_ms"].as_f64().unwrap());
    assert_eq!(v["error"], serde_json::Value::Null);
    assert!(
        v["request_headers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h[0] == "Host")
    );
}

#[test]
fn probe_refuses_bad_input_and_reports_a_dead_port() {
    for args in [
        &["probe", "ftp://example.com/"][..],
        &["probe", "not a url"][..],
        &["probe", "http://127.0.0.1:1/", "-H", "no colon"][..],
        &["probe", "http://127.0.0.1:1/", "-X", "GET /"][..],
    ] {
        let o = httpstatus(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&o).starts_with("httpstatus probe: "),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let o = httpstatus(&["probe", &format!("http://127.0.0.1:{port}/")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("error: cannot connect"),
        "{}",
        stdout(&o)
    );
}

fn httpstatus_with_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_httpstatus"))
        .args(args)
        .env("COLUMNS", "80")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run httpstatus");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn choose_walks_the_tree_from_answers_given_as_flags_or_on_stdin() {
    // Redirect, moved for good, method kept: 308.
    let o = httpstatus(&["choose", "--answers", "2,2,1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("Send 308 Permanent Redirect"), "{text}");
    assert!(text.contains("> The resource has moved for good"), "{text}");
    assert!(text.contains("httpstatus 308"), "{text}");

    // The same answers on stdin, one a line, and as JSON.
    let o = httpstatus_with_stdin(&["choose", "--json"], "2\n2\n2\n");
    assert!(o.status.success(), "{}", stderr(&o));
    let value: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(value["code"], 301);
    assert_eq!(value["name"], "Moved Permanently");
    assert_eq!(value["path"].as_array().unwrap().len(), 3);
    assert!(value["reason"].as_str().unwrap().starts_with("301"));
}

#[test]
fn choose_says_where_the_answers_stop_or_go_wrong() {
    // Too few answers: the open question and its answers, exit 1.
    let o = httpstatus(&["choose", "--answers", "3"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("What is the problem with the request?"));
    assert!(stdout(&o).contains("  1. Who sends it"));
    assert!(
        stderr(&o).contains("add one more, 1 to 7"),
        "{}",
        stderr(&o)
    );
    let o = httpstatus(&["choose", "--answers", "3", "--json"]);
    let value: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(value["code"], serde_json::Value::Null);
    assert_eq!(value["pending"]["step"], "client");

    // An answer that does not exist, and words that are not numbers: usage errors.
    let o = httpstatus(&["choose", "--answers", "9"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("choose 1 to 4"), "{}", stderr(&o));
    let o = httpstatus(&["choose", "--answers", "yes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`yes` is not an answer number"));
    let o = httpstatus(&["choose", "--answers", "1,1,1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("left over after reaching 201"));
}

#[test]
fn the_cli_uses_the_catalog_wording() {
    for code in [104u16, 204, 429, 499] {
        let entry = httpstatus_catalog::get(code).unwrap();
        let text = stdout(&httpstatus(&["--color", "never", &code.to_string()]));
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let f = entry.flags;
        for words in [
            entry.status_text(),
            f.describe_kind().to_owned(),
            f.describe_body().to_owned(),
            f.describe_cache().to_owned(),
            f.retry.describe().to_owned(),
        ] {
            assert!(flat.contains(&words), "{code}: missing {words:?}");
        }
        for x in entry.examples {
            assert!(
                text.contains(x.framework_label()),
                "{code}: the {} label",
                x.framework_label()
            );
        }
        for url in entry.sources {
            assert!(text.contains(url), "{code}: source {url}");
        }
    }
    let text = stdout(&httpstatus(&["--color", "never", "405"]));
    assert!(text.contains("must carry Allow"), "{text}");
}

/// The examples `httpstatus CODE --json ARGS...` keeps, as `(language, framework)`.
fn kept_examples(code: u16, args: &[&str]) -> Vec<(String, Option<String>)> {
    let code = format!("{code:03}");
    let o = httpstatus(&[&[code.as_str(), "--json"][..], args].concat());
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["language"].as_str().unwrap().to_owned(),
                x["framework"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

/// A code with examples in both languages and at least one framework example.
fn code_with_framework_examples() -> &'static httpstatus_catalog::Entry {
    httpstatus_catalog::entries()
        .iter()
        .filter(|e| {
            e.examples.iter().any(|x| x.language == "javascript")
                && e.examples.iter().any(|x| x.language == "python")
        })
        .max_by_key(|e| e.examples.iter().filter(|x| x.framework.is_some()).count())
        .filter(|e| e.examples.iter().any(|x| x.framework.is_some()))
        .expect("a code page with framework examples")
}

#[test]
fn lang_keeps_one_languages_examples_under_any_alias() {
    let entry = code_with_framework_examples();
    for (aliases, language) in [
        (&["python", "py", "PY", "Python"][..], "python"),
        (
            &["node", "javascript", "js", "JS", "Node"][..],
            "javascript",
        ),
    ] {
        let expected: Vec<(String, Option<String>)> = entry
            .examples
            .iter()
            .filter(|x| x.language == language)
            .map(|x| (x.language.to_owned(), x.framework.map(str::to_owned)))
            .collect();
        assert!(!expected.is_empty());
        for alias in aliases {
            assert_eq!(
                kept_examples(entry.code, &["--lang", alias]),
                expected,
                "--lang {alias}"
            );
        }
    }
    // The text page: the kept examples' titles are there, the others' are not.
    let code = entry.code_text();
    let text = stdout(&httpstatus(&[
        "--color", "never", &code, "--lang", "python",
    ]));
    for x in entry.examples {
        let shared = entry
            .examples
            .iter()
            .any(|y| y.language == "python" && y.title == x.title);
        if x.language == "python" {
            assert!(text.contains(x.title), "{code}: `{}` is missing", x.title);
        } else if !shared {
            assert!(!text.contains(x.title), "{code}: `{}` is shown", x.title);
        }
    }
    // The options may come before the code.
    let before = stdout(&httpstatus(&[
        "--color", "never", "--lang", "python", &code,
    ]));
    assert_eq!(before, text);
}

#[test]
fn framework_keeps_those_frameworks_case_insensitive_repeatable_or_comma_separated() {
    let entry = code_with_framework_examples();
    let names: Vec<&str> = entry.examples.iter().filter_map(|x| x.framework).collect();
    let first = names[0];
    let upper = first.to_ascii_uppercase();
    let only_first = kept_examples(entry.code, &["--framework", &upper]);
    assert!(!only_first.is_empty());
    assert!(
        only_first.iter().all(|(_, f)| f.as_deref() == Some(first)),
        "{only_first:?}"
    );
    assert_eq!(
        only_first.len(),
        names.iter().filter(|n| **n == first).count()
    );
    // Two frameworks, the two ways of giving them; with --lang, an example matching either is kept.
    let other = if first == "flask" { "express" } else { "flask" };
    let comma = kept_examples(entry.code, &["--framework", &format!("{first},{other}")]);
    let repeated = kept_examples(entry.code, &["--framework", first, "--framework", other]);
    assert_eq!(comma, repeated);
    assert!(
        comma
            .iter()
            .all(|(_, f)| f.as_deref() == Some(first) || f.as_deref() == Some(other))
    );
    let either = kept_examples(entry.code, &["--lang", "js", "--framework", first]);
    let expected = entry
        .examples
        .iter()
        .filter(|x| x.language == "javascript" || x.framework == Some(first))
        .count();
    assert_eq!(either.len(), expected);
}

#[test]
fn a_framework_the_page_lacks_is_said_and_an_unknown_one_exits_2() {
    let lacking = httpstatus_catalog::entries()
        .iter()
        .find(|e| !e.examples.iter().any(|x| x.framework == Some("django")))
        .expect("a page without a Django example");
    let code = lacking.code_text();
    let o = httpstatus(&["--color", "never", &code, "--framework", "django"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains(&format!("No Django example for {code}; this page has ")),
        "{text}"
    );
    assert!(kept_examples(lacking.code, &["--framework", "django"]).is_empty());

    for (args, valid) in [
        (
            &["429", "--framework", "koa"][..],
            "valid: express, fastify, axios, fastapi, flask, django, requests, httpx",
        ),
        (
            &["429", "--framework", "flask,rails"][..],
            "valid: express, fastify, axios, fastapi, flask, django, requests, httpx",
        ),
        (
            &["429", "--lang", "ruby"][..],
            "valid: node, javascript, js, python, py",
        ),
        (
            &["--lang", "go", "429"][..],
            "valid: node, javascript, js, python, py",
        ),
    ] {
        let o = httpstatus(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(valid), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}

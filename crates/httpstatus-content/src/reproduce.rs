//! "Reproduce it": `content/reproduce.toml`, the curl commands that make the live server produce a code from
//! its real cause, with the status each command gets. The rules: every code has a page and at most one case;
//! every step is a `curl` command that reaches the live server (`{base}`) or its HTTPS port (`{tls}`, then
//! with a `host`); there is one expected status per step, each 100-599 or 0 for "no response at all".

use std::collections::BTreeSet;

use serde::Deserialize;

use crate::ContentError;

/// Every case, in file order.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reproductions {
    #[serde(rename = "case")]
    pub cases: Vec<Case>,
}

/// One code's reproduction.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub code: u16,
    pub title: String,
    /// curl commands with `{base}`, `{tls}`, `{key}` and `{ca}` placeholders, run in order.
    pub steps: Vec<String>,
    /// The status each step gets; 0 when the connection gives none.
    pub expect: Vec<u16>,
    /// What the reader sees, and why.
    pub explain: String,
    /// The SNI name `{tls}` stands for (a broken-TLS host); `localhost` when absent.
    #[serde(default)]
    pub host: Option<String>,
}

/// Parses and checks `text` (the file `name`) against the codes that have pages.
pub fn parse_reproduce(
    name: &str,
    text: &str,
    with_pages: &BTreeSet<u16>,
) -> Result<Vec<Case>, ContentError> {
    let parsed: Reproductions =
        toml::from_str(text).map_err(|e| ContentError::new(name, e.to_string()))?;
    let mut seen = BTreeSet::new();
    for case in &parsed.cases {
        let fail =
            |reason: String| ContentError::new(name, format!("code {}: {reason}", case.code));
        if !with_pages.contains(&case.code) {
            return Err(fail("no page for this code".into()));
        }
        if !seen.insert(case.code) {
            return Err(fail("a second case; one per code".into()));
        }
        if case.title.trim().is_empty() || case.explain.trim().is_empty() {
            return Err(fail("title and explain must say something".into()));
        }
        if case.steps.is_empty() || case.steps.len() != case.expect.len() {
            return Err(fail(format!(
                "{} steps and {} expected statuses: give one status per step",
                case.steps.len(),
                case.expect.len()
            )));
        }
        for step in &case.steps {
            if !step.starts_with("curl ") {
                return Err(fail(format!("{step:?} is not a curl command")));
            }
            let tls = step.contains("{tls}");
            if !tls && !step.contains("{base}/") {
                return Err(fail(format!(
                    "{step:?} reaches neither {{base}}/ nor {{tls}}"
                )));
            }
            if tls != case.host.is_some() {
                return Err(fail(
                    "a step with {tls} needs a host, and a host needs {tls}".into(),
                ));
            }
        }
        if let Some(bad) = case
            .expect
            .iter()
            .find(|s| **s != 0 && !(100..=599).contains(*s))
        {
            return Err(fail(format!(
                "{bad} is not a status (100-599, or 0 for none)"
            )));
        }
    }
    Ok(parsed.cases)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages() -> BTreeSet<u16> {
        [200, 412].into_iter().collect()
    }

    #[test]
    fn a_good_case_parses() {
        let text = "[[case]]\ncode = 412\ntitle = \"t\"\nsteps = [\"curl -i {base}/x\"]\nexpect = [412]\nexplain = \"e\"\n";
        let cases = parse_reproduce("r.toml", text, &pages()).unwrap();
        assert_eq!(cases[0].expect, [412]);
    }

    #[test]
    fn each_rule_names_the_problem() {
        for (text, says) in [
            (
                "code = 999\ntitle = \"t\"\nsteps = [\"curl {base}/x\"]\nexpect = [200]\nexplain = \"e\"",
                "no page",
            ),
            (
                "code = 200\ntitle = \"t\"\nsteps = [\"wget {base}/x\"]\nexpect = [200]\nexplain = \"e\"",
                "not a curl",
            ),
            (
                "code = 200\ntitle = \"t\"\nsteps = [\"curl {base}/x\"]\nexpect = []\nexplain = \"e\"",
                "one status per step",
            ),
            (
                "code = 200\ntitle = \"t\"\nsteps = [\"curl http://x/\"]\nexpect = [200]\nexplain = \"e\"",
                "reaches neither",
            ),
            (
                "code = 200\ntitle = \"t\"\nsteps = [\"curl {tls}/\"]\nexpect = [0]\nexplain = \"e\"",
                "needs a host",
            ),
            (
                "code = 200\ntitle = \"t\"\nsteps = [\"curl {base}/x\"]\nexpect = [42]\nexplain = \"e\"",
                "not a status",
            ),
        ] {
            let error =
                parse_reproduce("r.toml", &format!("[[case]]\n{text}\n"), &pages()).unwrap_err();
            assert!(error.to_string().contains(says), "{error}");
        }
    }
}

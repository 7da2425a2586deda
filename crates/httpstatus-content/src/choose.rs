//! "Which status code should I send?": the decision tree in `content/choose.toml`, its parser and its rules.
//!
//! A tree is a list of steps, each one question with answers; an answer leads to another step or ends at a
//! code, with the reason that code fits. The rules: ids are unique slugs, `start` exists, every answer has
//! exactly one of `step` and `code`, every step it names exists, every code it names has a page, every step
//! is reachable from `start`, and no path comes back to a step it already passed (so every walk ends).

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::ContentError;
use crate::page::check_sources;

/// The id of the first step.
pub const START: &str = "start";

/// The decision tree, validated.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tree {
    pub title: String,
    pub summary: String,
    pub sources: Vec<String>,
    #[serde(rename = "step")]
    pub steps: Vec<Step>,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// A slug, unique in the tree: the step's URL on the site is `/choose/{id}` (`/choose` for `start`).
    pub id: String,
    pub question: String,
    #[serde(rename = "answer")]
    pub answers: Vec<Answer>,
}

/// One answer to a question: it leads to another step, or ends at a code with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub label: String,
    #[serde(default)]
    pub step: Option<String>,
    #[serde(default)]
    pub code: Option<u16>,
    #[serde(default)]
    pub reason: Option<String>,
}

/// Parses and validates the tree. `known_codes` are the codes that have a page.
pub fn parse_choose(
    file: &str,
    text: &str,
    known_codes: &BTreeSet<u16>,
) -> Result<Tree, ContentError> {
    let tree: Tree =
        toml::from_str(text).map_err(|e| ContentError::new(file, e.message().trim().to_owned()))?;
    check_tree(&tree, known_codes).map_err(|reason| ContentError::new(file, reason))?;
    Ok(tree)
}

fn check_tree(tree: &Tree, known_codes: &BTreeSet<u16>) -> Result<(), String> {
    if tree.title.trim().is_empty() || tree.summary.trim().is_empty() {
        return Err("`title` and `summary` must not be empty".into());
    }
    check_sources(&tree.sources)?;
    let mut by_id: BTreeMap<&str, &Step> = BTreeMap::new();
    for step in &tree.steps {
        let slug = !step.id.is_empty()
            && step
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !slug {
            return Err(format!(
                "step id `{}` must be lowercase words joined by `-`",
                step.id
            ));
        }
        if by_id.insert(&step.id, step).is_some() {
            return Err(format!("two steps have the id `{}`", step.id));
        }
        if step.question.trim().is_empty() {
            return Err(format!("step `{}` has an empty question", step.id));
        }
        if step.answers.len() < 2 {
            return Err(format!(
                "step `{}` has {} answer(s); a question needs at least two",
                step.id,
                step.answers.len()
            ));
        }
        for answer in &step.answers {
            let at = format!("step `{}`, answer `{}`", step.id, answer.label);
            if answer.label.trim().is_empty() {
                return Err(format!("step `{}` has an answer without a label", step.id));
            }
            match (&answer.step, answer.code, &answer.reason) {
                (Some(_), None, None) => {}
                (None, Some(code), Some(reason)) => {
                    if !known_codes.contains(&code) {
                        return Err(format!("{at}: code {code} has no page"));
                    }
                    if reason.trim().is_empty() {
                        return Err(format!("{at}: the reason is empty"));
                    }
                }
                (None, Some(_), None) => {
                    return Err(format!("{at}: a code needs a `reason`"));
                }
                _ => {
                    return Err(format!("{at}: give either `step`, or `code` with `reason`"));
                }
            }
        }
    }
    if !by_id.contains_key(START) {
        return Err(format!("there is no step `{START}`"));
    }
    for step in &tree.steps {
        for next in step.answers.iter().filter_map(|a| a.step.as_deref()) {
            if !by_id.contains_key(next) {
                return Err(format!(
                    "step `{}` leads to `{next}`, which does not exist",
                    step.id
                ));
            }
        }
    }
    // Depth-first from the start: a step met again on the current path is a cycle.
    let mut reached = BTreeSet::new();
    let mut path = Vec::new();
    visit(START, &by_id, &mut path, &mut reached)?;
    if let Some(lost) = tree.steps.iter().find(|s| !reached.contains(s.id.as_str())) {
        return Err(format!(
            "step `{}` cannot be reached from `{START}`",
            lost.id
        ));
    }
    Ok(())
}

fn visit<'a>(
    id: &'a str,
    by_id: &BTreeMap<&'a str, &'a Step>,
    path: &mut Vec<&'a str>,
    reached: &mut BTreeSet<&'a str>,
) -> Result<(), String> {
    if path.contains(&id) {
        return Err(format!("the steps loop: {} -> {id}", path.join(" -> ")));
    }
    reached.insert(id);
    path.push(id);
    for next in by_id[id].answers.iter().filter_map(|a| a.step.as_deref()) {
        visit(next, by_id, path, reached)?;
    }
    path.pop();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str =
        "title = \"t\"\nsummary = \"s\"\nsources = [\"https://www.rfc-editor.org/rfc/rfc9110\"]\n";

    fn parse(steps: &str) -> Result<Tree, String> {
        let known: BTreeSet<u16> = [200, 404].into_iter().collect();
        parse_choose("choose.toml", &format!("{HEAD}{steps}"), &known).map_err(|e| e.reason)
    }

    fn step(id: &str, answers: &[&str]) -> String {
        let mut out = format!("[[step]]\nid = \"{id}\"\nquestion = \"q?\"\n");
        for a in answers {
            out.push_str(&format!("[[step.answer]]\nlabel = \"l\"\n{a}\n"));
        }
        out
    }

    const OK: &str = "code = 200\nreason = \"r\"";

    #[test]
    fn a_small_tree_parses() {
        let tree = parse(&format!(
            "{}{}",
            step("start", &[OK, "step = \"more\""]),
            step("more", &[OK, "code = 404\nreason = \"r\""])
        ))
        .unwrap();
        assert_eq!(tree.steps.len(), 2);
    }

    #[test]
    fn broken_trees_are_rejected_with_the_reason() {
        for (steps, why) in [
            (step("first", &[OK, OK]), "no step `start`"),
            (step("start", &[OK]), "at least two"),
            (step("start", &[OK, "step = \"nowhere\""]), "does not exist"),
            (
                step("start", &[OK, "code = 999\nreason = \"r\""]),
                "has no page",
            ),
            (step("start", &[OK, "code = 200"]), "needs a `reason`"),
            (
                step(
                    "start",
                    &[OK, "code = 200\nreason = \"r\"\nstep = \"start\""],
                ),
                "either",
            ),
            (step("start", &[OK, "step = \"start\""]), "loop"),
            (
                format!("{}{}", step("start", &[OK, OK]), step("island", &[OK, OK])),
                "cannot be reached",
            ),
            (
                format!("{}{}", step("start", &[OK, OK]), step("start", &[OK, OK])),
                "two steps",
            ),
            (step("Start", &[OK, OK]), "lowercase"),
        ] {
            let error = parse(&steps).expect_err(why);
            assert!(error.contains(why), "{why}: {error}");
        }
    }
}

//! The decision tree walked whole: every path ends at a real code, and every code an application may send is
//! reachable.

use std::collections::{BTreeMap, BTreeSet};

use httpstatus_catalog::choose::{self, Next, Walk, WalkError};

/// Every path from the start, as the answer numbers that follow it, with the code it ends at.
fn every_path() -> Vec<(Vec<usize>, u16)> {
    let mut out = Vec::new();
    let mut stack = vec![(choose::START, Vec::new())];
    while let Some((id, answers)) = stack.pop() {
        let step =
            choose::step(id).unwrap_or_else(|| panic!("{answers:?} leads to a missing step {id}"));
        assert!(step.answers.len() >= 2, "{id} is not a question");
        assert!(
            answers.len() < choose::steps().len(),
            "{answers:?} goes round in circles"
        );
        for (i, answer) in step.answers.iter().enumerate() {
            let mut next_answers = answers.clone();
            next_answers.push(i + 1);
            match answer.next {
                Next::Step(next) => stack.push((next, next_answers)),
                Next::Code { code, .. } => out.push((next_answers, code)),
            }
        }
    }
    out
}

#[test]
fn every_path_ends_at_a_real_code_with_a_reason() {
    let paths = every_path();
    assert!(
        paths.len() >= choose::codes_to_cover().count(),
        "{} paths",
        paths.len()
    );
    for (answers, code) in &paths {
        let walk = choose::walk(answers).unwrap();
        let (end, reason) = walk
            .result()
            .unwrap_or_else(|| panic!("{answers:?} is a dead end"));
        assert_eq!(end, *code);
        let entry = httpstatus_catalog::get(end).unwrap_or_else(|| panic!("{end} has no entry"));
        assert!(
            entry.is_official(),
            "{answers:?} ends at the unofficial {end}"
        );
        assert!(
            (200..=599).contains(&end),
            "{answers:?} ends at {end}, not a final code"
        );
        assert!(
            reason.starts_with(&end.to_string()),
            "the reason for {end} names it first: {reason}"
        );
    }
}

#[test]
fn every_code_an_application_may_send_is_reachable() {
    let reached: BTreeSet<u16> = every_path().into_iter().map(|(_, code)| code).collect();
    let missing: Vec<u16> = choose::codes_to_cover()
        .map(|e| e.code)
        .filter(|c| !reached.contains(c))
        .collect();
    assert!(missing.is_empty(), "the tree never leads to {missing:?}");
    assert!(choose::codes_to_cover().count() >= 55);
}

#[test]
fn every_step_is_reached_and_has_a_page_path() {
    let mut reached = BTreeMap::new();
    for (answers, _) in every_path() {
        let walk = choose::walk(&answers).unwrap();
        for (step, _) in walk.path {
            reached.insert(step.id, step.path());
        }
    }
    for step in choose::steps() {
        assert!(reached.contains_key(step.id), "{} is never asked", step.id);
    }
    assert_eq!(reached[choose::START], "/choose");
    assert_eq!(reached["permanent"], "/choose/permanent");
    assert!(!choose::sources().is_empty());
}

#[test]
fn the_usual_confusions_are_told_apart() {
    let ends = |answers: &[usize]| choose::walk(answers).unwrap().result().unwrap().0;
    // Permanent moves: 308 keeps the method, 301 may not.
    assert_eq!(ends(&[2, 2, 1]), 308);
    assert_eq!(ends(&[2, 2, 2]), 301);
    assert_eq!(ends(&[2, 3, 1]), 307);
    assert_eq!(ends(&[2, 3, 2]), 302);
    // Not authenticated, forbidden, hidden.
    assert_eq!(ends(&[3, 1, 1]), 401);
    assert_eq!(ends(&[3, 1, 3, 1]), 403);
    assert_eq!(ends(&[3, 1, 3, 2]), 404);
    // Malformed, invalid, conflicting.
    assert_eq!(ends(&[3, 3, 1]), 400);
    assert_eq!(ends(&[3, 4, 1]), 422);
    assert_eq!(ends(&[3, 4, 2]), 409);
    // One client too fast, the whole server overloaded.
    assert_eq!(ends(&[3, 5, 1]), 429);
    assert_eq!(ends(&[4, 2]), 503);
    assert_eq!(ends(&[4, 4, 1]), 502);
    assert_eq!(ends(&[4, 4, 2]), 504);
}

#[test]
fn walks_that_stop_early_or_go_wrong_say_so() {
    let Walk { path, pending } = choose::walk(&[1]).unwrap();
    assert_eq!(path.len(), 1);
    assert_eq!(pending.map(|s| s.id), Some("success"));
    assert_eq!(
        choose::walk(&[]).unwrap().pending.map(|s| s.id),
        Some("start")
    );
    assert!(matches!(
        choose::walk(&[9]),
        Err(WalkError::NoSuchAnswer {
            given: 9,
            count: 4,
            ..
        })
    ));
    assert!(matches!(
        choose::walk(&[0]),
        Err(WalkError::NoSuchAnswer { .. })
    ));
    assert!(matches!(
        choose::walk(&[1, 1, 1]),
        Err(WalkError::TooManyAnswers {
            code: 201,
            extra: 1
        })
    ));
}

//! "Which status code should I send?": the decision tree from `content/choose.toml`, as static data, and a
//! walk through it by answer numbers (what `httpstatus choose --answers 1,2,1` and the site's step pages use).

use serde::Serialize;

use crate::entry::{Entry, RegistryStatus};

/// One question of the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Step {
    /// A slug: the step's page is `/choose/{id}`, and `/choose` for the first step.
    pub id: &'static str,
    pub question: &'static str,
    pub answers: &'static [Answer],
}

/// One answer to a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub label: &'static str,
    pub next: Next,
}

/// Where an answer leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Next {
    /// Another question, by id.
    Step(&'static str),
    /// The end: the code to send and why it fits.
    Code { code: u16, reason: &'static str },
}

/// The id of the first step.
pub const START: &str = "start";

/// `Which status code should I send?`
pub fn title() -> &'static str {
    crate::generated::CHOOSE_TITLE
}

/// One sentence about the tree.
pub fn summary() -> &'static str {
    crate::generated::CHOOSE_SUMMARY
}

/// The documents the tree's reasons come from.
pub fn sources() -> &'static [&'static str] {
    crate::generated::CHOOSE_SOURCES
}

/// Every step, the first one first.
pub fn steps() -> &'static [Step] {
    crate::generated::CHOOSE_STEPS
}

/// The step with this id.
pub fn step(id: &str) -> Option<&'static Step> {
    steps().iter().find(|s| s.id == id)
}

/// The first step.
pub fn start() -> &'static Step {
    step(START).expect("the build checks that the tree has a start step")
}

impl Step {
    /// The site path of this step's page.
    pub fn path(&self) -> String {
        if self.id == START {
            "/choose".to_owned()
        } else {
            format!("/choose/{}", self.id)
        }
    }
}

/// The codes the tree must lead to: every final code of the registry that an application may send, that is
/// every registered 2xx to 5xx code with a permanent or temporary registration, except 305 Use Proxy, which
/// RFC 9110 section 15.4.6 deprecates.
pub fn codes_to_cover() -> impl Iterator<Item = &'static Entry> {
    crate::entries().iter().filter(|e| {
        e.is_official()
            && (2..=5).contains(&(e.code / 100))
            && matches!(
                e.status,
                RegistryStatus::Permanent | RegistryStatus::Temporary
            )
            && e.code != 305
    })
}

/// Where a walk ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    /// Each question asked and the answer given, in order.
    pub path: Vec<(&'static Step, &'static Answer)>,
    /// The question still open when the answers ran out; `None` when the walk reached a code.
    pub pending: Option<&'static Step>,
}

impl Walk {
    /// The code and reason the walk ended at, when it did.
    pub fn result(&self) -> Option<(u16, &'static str)> {
        match self.path.last() {
            Some((_, answer)) => match answer.next {
                Next::Code { code, reason } if self.pending.is_none() => Some((code, reason)),
                _ => None,
            },
            None => None,
        }
    }
}

/// Why a list of answers does not fit the tree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WalkError {
    #[error("answer {given} to \"{question}\" does not exist: choose 1 to {count}")]
    NoSuchAnswer {
        question: &'static str,
        given: usize,
        count: usize,
    },
    #[error("{extra} answer(s) left over after reaching {code}: the walk ends there")]
    TooManyAnswers { code: u16, extra: usize },
}

/// Follows answers (numbered from 1) from the first step.
pub fn walk(answers: &[usize]) -> Result<Walk, WalkError> {
    let mut at = start();
    let mut path = Vec::new();
    for (i, &given) in answers.iter().enumerate() {
        let answer = given.checked_sub(1).and_then(|n| at.answers.get(n)).ok_or(
            WalkError::NoSuchAnswer {
                question: at.question,
                given,
                count: at.answers.len(),
            },
        )?;
        path.push((at, answer));
        match answer.next {
            Next::Step(id) => {
                at = step(id).expect("the build checks that every step exists");
            }
            Next::Code { code, .. } => {
                let extra = answers.len() - i - 1;
                if extra > 0 {
                    return Err(WalkError::TooManyAnswers { code, extra });
                }
                return Ok(Walk {
                    path,
                    pending: None,
                });
            }
        }
    }
    Ok(Walk {
        path,
        pending: Some(at),
    })
}

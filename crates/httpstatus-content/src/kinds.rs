//! The two kinds that the content format and the catalog share: a code's registration status and what a
//! client may do after it. Defined here once; the catalog includes this very file (`#[path]`), so the content
//! checks and the catalog's JSON cannot disagree on a name or a value. Nothing here may use the rest of this
//! crate.

use serde::{Deserialize, Serialize};

/// Registration status, from the IANA registry's annotations; `Unofficial` for a code the registry lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegistryStatus {
    Permanent,
    Temporary,
    Obsoleted,
    Unused,
    /// Not in the registry: used by one or more vendors.
    Unofficial,
}

impl RegistryStatus {
    /// `permanent`, `temporary`, `obsoleted`, `unused` or `unofficial`: the value in front matter and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            RegistryStatus::Permanent => "permanent",
            RegistryStatus::Temporary => "temporary",
            RegistryStatus::Obsoleted => "obsoleted",
            RegistryStatus::Unused => "unused",
            RegistryStatus::Unofficial => "unofficial",
        }
    }
}

/// What a client may do with the same request after receiving this code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Retry {
    /// Not a failure (1xx, 2xx, 3xx).
    NotApplicable,
    /// The same request gets the same answer.
    No,
    /// Retry later, honouring `Retry-After` when present.
    AfterDelay,
    /// A transient failure: retry only idempotent requests.
    IdempotentOnly,
}

impl Retry {
    /// `not-applicable`, `no`, `after-delay` or `idempotent-only`: the value in front matter and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Retry::NotApplicable => "not-applicable",
            Retry::No => "no",
            Retry::AfterDelay => "after-delay",
            Retry::IdempotentOnly => "idempotent-only",
        }
    }

    /// In words, as every front end shows it.
    pub fn describe(self) -> &'static str {
        match self {
            Retry::NotApplicable => "not a failure",
            Retry::No => "no: the same request gets the same answer",
            Retry::AfterDelay => "yes, after a delay (honour Retry-After)",
            Retry::IdempotentOnly => "only idempotent requests (GET, PUT, DELETE...)",
        }
    }
}

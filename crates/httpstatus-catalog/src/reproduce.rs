//! "Reproduce it": for the codes a scenario of the live server produces from its real cause, the curl
//! commands that do it and the status each gets (from `content/reproduce.toml`). Every front end shows them
//! through [`Reproduction::commands`], with the live server's address.

use crate::generated;

/// One code's reproduction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Reproduction {
    pub code: u16,
    pub title: &'static str,
    /// curl commands with `{base}`, `{tls}`, `{key}` and `{ca}` placeholders; see [`Reproduction::commands`].
    #[serde(skip)]
    pub steps: &'static [&'static str],
    /// The status each step gets; 0 when the connection gives none.
    pub expect: &'static [u16],
    pub explain: &'static str,
    /// The broken-TLS host `{tls}` stands for, if any.
    pub host: Option<&'static str>,
}

/// Where the commands point.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The live server, without a trailing slash: `http://127.0.0.1:8080`.
    pub base: &'a str,
    /// The HTTPS port of the live server.
    pub tls_port: u16,
    /// What stands for the local CA's certificate file.
    pub ca: &'a str,
}

impl Target<'static> {
    /// `httpstatus serve --tls` on this machine, with its defaults.
    pub const LOCAL: Target<'static> = Target {
        base: "http://127.0.0.1:8080",
        tls_port: 8443,
        ca: "\"$(httpstatus ca path)\"",
    };
}

impl Reproduction {
    /// The key shown in the commands: any name of the reader's choosing does (1 to 64 letters, digits, `.`,
    /// `_`, `~`, `-`); runs with the same key share state.
    pub fn key(&self) -> String {
        format!("try-{}", self.code)
    }

    /// The commands, ready to paste, with `key` in place of `{key}`.
    pub fn commands_with_key(&self, target: &Target<'_>, key: &str) -> Vec<String> {
        let tls = format!(
            "https://{}:{}",
            self.host.unwrap_or("localhost"),
            target.tls_port
        );
        self.steps
            .iter()
            .map(|step| {
                step.replace("{base}", target.base)
                    .replace("{tls}", &tls)
                    .replace("{key}", key)
                    .replace("{ca}", target.ca)
            })
            .collect()
    }

    /// The commands, ready to paste.
    pub fn commands(&self, target: &Target<'_>) -> Vec<String> {
        self.commands_with_key(target, &self.key())
    }

    /// The expected statuses in words, in order: `200, then 429`; 0 reads "no response (the connection fails)".
    pub fn expect_text(&self) -> String {
        self.expect
            .iter()
            .map(|s| match s {
                0 => "no response (the connection fails)".to_owned(),
                s => s.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", then ")
    }

    /// Whether the commands need the HTTPS port (`httpstatus serve --tls`).
    pub fn needs_tls(&self) -> bool {
        self.host.is_some()
    }
}

/// Every reproduction, by code.
pub fn all() -> &'static [Reproduction] {
    generated::REPRODUCE
}

/// The reproduction of `code`, if a scenario produces it.
pub fn for_code(code: u16) -> Option<&'static Reproduction> {
    all().iter().find(|r| r.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_all_filled() {
        assert!(all().len() >= 30);
        for r in all() {
            for command in r.commands(&Target::LOCAL) {
                assert!(
                    !command.contains('{') || command.contains("'{\""),
                    "{}: {command}",
                    r.code
                );
                assert!(command.starts_with("curl "));
            }
            assert_eq!(r.steps.len(), r.expect.len());
        }
        let r = for_code(526).unwrap();
        assert_eq!(
            r.commands(&Target::LOCAL),
            [
                "curl -i --cacert \"$(httpstatus ca path)\" https://expired.localhost:8443/status/200"
            ]
        );
        let r = for_code(412).unwrap();
        assert!(
            r.commands(&Target::LOCAL)[0]
                .ends_with("http://127.0.0.1:8080/scenario/conditional/try-412")
        );
    }
}

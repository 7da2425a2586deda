//! `trust_instructions`: how a user tells common clients to trust the local CA.

use std::path::Path;

/// Short plain text (under 15 lines) telling a user how to make curl, Node.js, Python, Chrome, Firefox and
/// a Debian system trust the CA certificate at `ca_pem_path`. The path is quoted for a POSIX shell when needed.
pub fn trust_instructions(ca_pem_path: &Path) -> String {
    let path = shell_quote(&ca_pem_path.to_string_lossy());
    format!(
        "\
To trust the httpstatus local CA, give its certificate to your clients:
  curl:     curl --cacert {path} https://localhost:PORT/
  Node.js:  NODE_EXTRA_CA_CERTS={path} node app.js
            (added to Node's built-in CAs; read when node starts)
  Python:   SSL_CERT_FILE={path} python3 app.py
            (ssl, urllib and httpx; it replaces their default CA file, so httpx then trusts this CA only)
  requests: REQUESTS_CA_BUNDLE={path} python3 app.py  (requests ignores SSL_CERT_FILE)
  Chrome, Chromium on Linux (certutil is in libnss3-tools or nss-tools; restart the browser):
            certutil -d sql:$HOME/.pki/nssdb -A -t \"C,,\" -n \"httpstatus local CA\" -i {path}
  Firefox:  Settings > Privacy & Security > Certificates > View Certificates > Authorities > Import,
            then tick \"Trust this CA to identify websites\"
  Debian, Ubuntu (system-wide):
            sudo cp {path} /usr/local/share/ca-certificates/httpstatus.crt && sudo update-ca-certificates
Anyone who can read ca-key.pem beside it can impersonate any site to the clients that trust this CA.
"
    )
}

/// `text` as one word for a POSIX shell: unchanged when it holds only safe characters, else in single quotes.
fn shell_quote(text: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "/._-+=:,@%".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_client_gets_the_path_and_the_text_stays_short() {
        let text = trust_instructions(Path::new("/home/u/.local/share/httpstatus/ca/ca.pem"));
        let path = "/home/u/.local/share/httpstatus/ca/ca.pem";
        for expected in [
            format!("curl --cacert {path} "),
            format!("NODE_EXTRA_CA_CERTS={path} "),
            format!("SSL_CERT_FILE={path} "),
            format!("REQUESTS_CA_BUNDLE={path} "),
            format!(
                "certutil -d sql:$HOME/.pki/nssdb -A -t \"C,,\" -n \"httpstatus local CA\" -i {path}\n"
            ),
            "Firefox".to_owned(),
        ] {
            assert!(text.contains(&expected), "missing {expected:?} in\n{text}");
        }
        assert!(text.lines().count() <= 15, "{text}");
        let without_path = text.replace(path, "PATH");
        assert!(
            without_path.lines().all(|line| line.len() <= 110),
            "{without_path}"
        );
    }

    #[test]
    fn paths_with_spaces_or_quotes_are_quoted_for_the_shell() {
        assert_eq!(shell_quote("/a/b.pem"), "/a/b.pem");
        assert_eq!(
            shell_quote("/Users/Jo Doe/ca.pem"),
            "'/Users/Jo Doe/ca.pem'"
        );
        assert_eq!(shell_quote("/tmp/it's/ca.pem"), r"'/tmp/it'\''s/ca.pem'");
        assert_eq!(shell_quote(""), "''");
        let text = trust_instructions(Path::new("/Users/Jo Doe/ca.pem"));
        assert!(text.contains("curl --cacert '/Users/Jo Doe/ca.pem' "));
    }
}

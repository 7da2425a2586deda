//! Certificates in words: each certificate of the chain described with `x509-parser` (subject, issuer, names,
//! validity, key), and a verification failure turned into a sentence a person can act on.

use std::time::{SystemTime, UNIX_EPOCH};

use rustls::CertificateError;
use rustls::pki_types::CertificateDer;
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::record::CertificateRecord;

const DAY: i64 = 86_400;

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Describes one DER certificate; one that does not parse is described as such.
pub(crate) fn describe(der: &CertificateDer<'_>) -> CertificateRecord {
    let Ok((_, cert)) = X509Certificate::from_der(der.as_ref()) else {
        return CertificateRecord {
            subject: "(a certificate that does not parse as X.509)".into(),
            issuer: String::new(),
            sans: Vec::new(),
            not_before: String::new(),
            not_after: String::new(),
            days_left: 0,
            key: String::new(),
            self_signed: false,
        };
    };
    let mut sans = Vec::new();
    if let Ok(Some(ext)) = cert.subject_alternative_name() {
        for name in &ext.value.general_names {
            match name {
                GeneralName::DNSName(dns) => sans.push((*dns).to_owned()),
                GeneralName::IPAddress(ip) => match ip.len() {
                    4 => sans.push(std::net::Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3]).to_string()),
                    16 => {
                        let mut octets = [0u8; 16];
                        octets.copy_from_slice(ip);
                        sans.push(std::net::Ipv6Addr::from(octets).to_string());
                    }
                    _ => {}
                },
                _ => {}
            }
        }
    }
    let not_after = cert.validity().not_after.timestamp();
    let subject = cert.subject().to_string();
    let issuer = cert.issuer().to_string();
    CertificateRecord {
        self_signed: subject == issuer,
        subject,
        issuer,
        sans,
        not_before: rfc3339(cert.validity().not_before.timestamp()),
        not_after: rfc3339(not_after),
        days_left: (not_after - now()).div_euclid(DAY),
        key: key_type(&cert),
    }
}

fn key_type(cert: &X509Certificate<'_>) -> String {
    let spki = cert.public_key();
    let bits = spki.parsed().map_or(0, |k| k.key_size());
    match spki.algorithm.algorithm.to_id_string().as_str() {
        "1.2.840.113549.1.1.1" => format!("RSA {bits}"),
        "1.2.840.10045.2.1" => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| oid.to_id_string());
            match curve.as_deref() {
                Some("1.2.840.10045.3.1.7") => "EC P-256".into(),
                Some("1.3.132.0.34") => "EC P-384".into(),
                Some("1.3.132.0.35") => "EC P-521".into(),
                _ => format!("EC {bits}"),
            }
        }
        "1.3.101.112" => "Ed25519".into(),
        "1.3.101.113" => "Ed448".into(),
        other => format!("algorithm {other}"),
    }
}

/// `2025-03-01T12:00:00Z` from seconds since the epoch (proleptic Gregorian, UTC).
pub(crate) fn rfc3339(seconds: i64) -> String {
    let days = seconds.div_euclid(DAY);
    let rem = seconds.rem_euclid(DAY);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

/// The verification result in words, for a person who has to fix it.
pub(crate) fn verdict(
    error: Option<&rustls::Error>,
    chain: &[CertificateRecord],
    host: &str,
) -> String {
    let Some(error) = error else {
        return if chain.is_empty() {
            "not checked: no certificate was received".into()
        } else {
            "valid".into()
        };
    };
    let leaf = chain.first();
    let rustls::Error::InvalidCertificate(cert_error) = error else {
        return format!("the handshake failed: {error}");
    };
    match cert_error {
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            match chain.iter().find(|c| c.days_left < 0) {
                Some(c) if c.days_left == -1 => {
                    format!("expired less than a day ago (not after {})", c.not_after)
                }
                Some(c) => format!(
                    "expired {} ago (not after {})",
                    days(-c.days_left - 1),
                    c.not_after
                ),
                None => "expired".into(),
            }
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => match leaf {
            Some(c) => format!("not valid yet: valid from {}", c.not_before),
            None => "not valid yet".into(),
        },
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            let names = leaf.map(|c| c.sans.join(", ")).unwrap_or_default();
            if names.is_empty() {
                format!("name mismatch: the certificate names no host, not {host}")
            } else {
                format!("name mismatch: certificate is for {names}, not {host}")
            }
        }
        CertificateError::UnknownIssuer => match chain {
            [only] if only.self_signed => {
                "self-signed: the certificate vouches for itself and no trusted authority issued it"
                    .into()
            }
            [.., top] if top.self_signed => format!(
                "unknown issuer: the chain ends at {}, which the trust store does not hold",
                top.subject
            ),
            [.., top] => format!(
                "chain incomplete or unknown issuer: the server did not send the certificate of {}, and the \
                 trust store does not hold it; a server must send its intermediate certificates",
                top.issuer
            ),
            [] => "unknown issuer".into(),
        },
        CertificateError::BadSignature => {
            "bad signature: a certificate is not signed by the key of its issuer".into()
        }
        CertificateError::Revoked => "revoked".into(),
        other => format!("invalid certificate: {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_735_689_599), "2024-12-31T23:59:59Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }
}

//! The two reference lists every code page is checked against: the IANA registry and the vendor-code list.

use std::collections::BTreeMap;

use crate::ContentError;
pub use crate::kinds::RegistryStatus;

/// What the IANA registry says about one code, with the annotation split off the description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryRow {
    pub code: u16,
    /// The reason phrase with any annotation removed ("Not Extended"; "(Unused)" stays whole).
    pub phrase: String,
    /// The reference exactly as the registry writes it, e.g. `[RFC9110, Section 15.5.14]`.
    pub reference: String,
    pub status: RegistryStatus,
    /// Expiry date of a temporary registration (`YYYY-MM-DD`).
    pub expires: Option<String>,
}

/// One vendor meaning from the unofficial list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorRow {
    pub code: u16,
    pub name: String,
    pub vendor: String,
    pub source_hint: String,
}

/// Both lists, keyed by code.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub iana: BTreeMap<u16, RegistryRow>,
    pub vendors: BTreeMap<u16, Vec<VendorRow>>,
}

impl Registry {
    /// Parses the IANA CSV (`code,description,reference`) and the vendor CSV (`code,name,vendor,source_hint`).
    pub fn parse(iana_csv: &str, unofficial_csv: &str) -> Result<Registry, ContentError> {
        let mut registry = Registry::default();
        for record in records("iana-status-codes.csv", iana_csv, 3)? {
            let code = parse_csv_code("iana-status-codes.csv", &record[0])?;
            let (phrase, status, expires) = split_annotation(&record[1]);
            registry.iana.insert(
                code,
                RegistryRow {
                    code,
                    phrase,
                    reference: record[2].clone(),
                    status,
                    expires,
                },
            );
        }
        for record in records("unofficial-status-codes.csv", unofficial_csv, 4)? {
            let code = parse_csv_code("unofficial-status-codes.csv", &record[0])?;
            registry.vendors.entry(code).or_default().push(VendorRow {
                code,
                name: record[1].clone(),
                vendor: record[2].clone(),
                source_hint: record[3].clone(),
            });
        }
        Ok(registry)
    }

    /// Every code that must have a page: the registry's and the vendor list's.
    pub fn all_codes(&self) -> Vec<u16> {
        let mut codes: Vec<u16> = self
            .iana
            .keys()
            .chain(self.vendors.keys())
            .copied()
            .collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    }
}

fn records(file: &str, text: &str, columns: usize) -> Result<Vec<Vec<String>>, ContentError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record =
            record.map_err(|e| ContentError::new(file, format!("row {}: {e}", index + 2)))?;
        if record.len() != columns {
            return Err(ContentError::new(
                file,
                format!(
                    "row {} has {} columns, expected {columns}",
                    index + 2,
                    record.len()
                ),
            ));
        }
        out.push(record.iter().map(str::to_owned).collect());
    }
    Ok(out)
}

fn parse_csv_code(file: &str, text: &str) -> Result<u16, ContentError> {
    text.parse()
        .map_err(|_| ContentError::new(file, format!("`{text}` is not a status code")))
}

/// Splits "Not Extended (OBSOLETED)" into the phrase and the status the annotation states.
fn split_annotation(description: &str) -> (String, RegistryStatus, Option<String>) {
    if description == "(Unused)" {
        return (description.to_owned(), RegistryStatus::Unused, None);
    }
    let Some(open) = description.find(" (") else {
        return (description.to_owned(), RegistryStatus::Permanent, None);
    };
    let phrase = description[..open].to_owned();
    let note = &description[open..];
    if note.contains("OBSOLETED") {
        (phrase, RegistryStatus::Obsoleted, None)
    } else if note.contains("TEMPORARY") {
        let expires = note
            .find("expires ")
            .map(|at| note[at + 8..].chars().take(10).collect::<String>());
        (phrase, RegistryStatus::Temporary, expires)
    } else {
        (description.to_owned(), RegistryStatus::Permanent, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_become_status() {
        let iana = "code,description,reference\n\
            104,\"Upload Resumption Supported (TEMPORARY - registered 2024-11-13, extension registered 2025-09-15, expires 2026-11-13)\",[draft]\n\
            418,(Unused),\"[RFC9110, Section 15.5.19]\"\n\
            510,Not Extended (OBSOLETED),[RFC2774][Status change of HTTP experiments to Historic]\n\
            200,OK,\"[RFC9110, Section 15.3.1]\"\n";
        let r = Registry::parse(
            iana,
            "code,name,vendor,source_hint\n499,Client Closed Request,nginx,src\n",
        )
        .unwrap();
        assert_eq!(r.iana[&104].phrase, "Upload Resumption Supported");
        assert_eq!(r.iana[&104].status, RegistryStatus::Temporary);
        assert_eq!(r.iana[&104].expires.as_deref(), Some("2026-11-13"));
        assert_eq!(r.iana[&418].phrase, "(Unused)");
        assert_eq!(r.iana[&418].status, RegistryStatus::Unused);
        assert_eq!(r.iana[&510].phrase, "Not Extended");
        assert_eq!(r.iana[&510].status, RegistryStatus::Obsoleted);
        assert_eq!(r.iana[&200].reference, "[RFC9110, Section 15.3.1]");
        assert_eq!(r.all_codes(), vec![104, 200, 418, 499, 510]);
    }
}

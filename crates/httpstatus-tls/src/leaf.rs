//! Leaf certificates: what to put in one (`LeafSpec`), what comes out (`ChainAndKey`), and self-signed leaves.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::time::{Duration, SystemTime};

use rcgen::string::Ia5String;
use rcgen::{
    CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::TlsError;
use crate::pem::{FileMode, key_pem, pem_encode, write_file};

/// One day, the unit of certificate validity.
pub const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// The organisation named in every certificate this crate makes, so that a user can tell where one came from.
pub(crate) const ORGANISATION: &str = "httpstatus";

/// What a leaf certificate says: the names it is valid for, when, and what goes beside it in the chain.
///
/// The fields are public so that a test or a deliberately broken host can start from [`LeafSpec::localhost`]
/// and change one thing: `LeafSpec { not_after: SystemTime::now() - DAY, ..LeafSpec::localhost() }` is an
/// expired certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafSpec {
    /// DNS names (subject alternative names); `*.example.test` makes a wildcard certificate.
    pub dns_names: Vec<String>,
    /// IP addresses (subject alternative names), for clients that connect to an address rather than a name.
    pub ip_addresses: Vec<IpAddr>,
    /// The start of validity: a client whose clock is earlier rejects the certificate as not yet valid.
    pub not_before: SystemTime,
    /// The end of validity: a client whose clock is later rejects the certificate as expired.
    pub not_after: SystemTime,
    /// Whether the chain carries the issuing CA certificate after the leaf. Clients need only the leaf when
    /// they trust the CA itself; leaving out an intermediate makes the "incomplete chain" mistake on purpose.
    pub include_ca: bool,
}

impl LeafSpec {
    /// `localhost`, `127.0.0.1` and `::1`, valid from one day ago (a little clock skew is harmless) for a year.
    pub fn localhost() -> LeafSpec {
        LeafSpec::for_names(
            vec!["localhost".to_owned()],
            vec![
                IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(Ipv6Addr::LOCALHOST),
            ],
        )
    }

    /// The given names and addresses, valid from one day ago for a year, without the CA in the chain.
    pub fn for_names(dns_names: Vec<String>, ip_addresses: Vec<IpAddr>) -> LeafSpec {
        let now = SystemTime::now();
        LeafSpec {
            dns_names,
            ip_addresses,
            not_before: now - DAY,
            not_after: now + 365 * DAY,
            include_ca: false,
        }
    }

    /// The common name: the first DNS name, else the first address. Clients match the alternative names,
    /// not this; it is what certificate viewers show as the title.
    fn common_name(&self) -> String {
        match (self.dns_names.first(), self.ip_addresses.first()) {
            (Some(name), _) => name.clone(),
            (None, Some(address)) => address.to_string(),
            (None, None) => ORGANISATION.to_owned(),
        }
    }

    /// The rcgen parameters of a server certificate (not a CA, server authentication only).
    pub(crate) fn params(&self) -> Result<CertificateParams, TlsError> {
        let mut params = CertificateParams::default();
        params.not_before = self.not_before.into();
        params.not_after = self.not_after.into();
        params.distinguished_name = distinguished_name(&self.common_name());
        for name in &self.dns_names {
            let ia5 = Ia5String::try_from(name.as_str())
                .map_err(|_| TlsError::InvalidDnsName { name: name.clone() })?;
            params.subject_alt_names.push(SanType::DnsName(ia5));
        }
        params.subject_alt_names.extend(
            self.ip_addresses
                .iter()
                .map(|address| SanType::IpAddress(*address)),
        );
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        Ok(params)
    }
}

/// A distinguished name of a common name and the httpstatus organisation.
pub(crate) fn distinguished_name(common_name: &str) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, common_name);
    name.push(DnType::OrganizationName, ORGANISATION);
    name
}

/// A certificate chain (leaf first) and the leaf's private key: what a TLS server needs.
#[derive(Debug)]
pub struct ChainAndKey {
    /// The leaf certificate, then whatever the server sends after it (intermediates, sometimes the CA).
    pub chain: Vec<CertificateDer<'static>>,
    /// The private key of the leaf, in the form it was made or read (PKCS#8, PKCS#1 or SEC1).
    pub key: PrivateKeyDer<'static>,
}

impl Clone for ChainAndKey {
    fn clone(&self) -> ChainAndKey {
        ChainAndKey {
            chain: self.chain.clone(),
            key: self.key.clone_key(),
        }
    }
}

impl ChainAndKey {
    /// A freshly generated key and the certificate `sign` makes for it, followed by `issuer` when given.
    pub(crate) fn generate(
        sign: impl FnOnce(&KeyPair) -> Result<rcgen::Certificate, rcgen::Error>,
        issuer: Option<&CertificateDer<'static>>,
    ) -> Result<ChainAndKey, TlsError> {
        let key = KeyPair::generate()?;
        let leaf = sign(&key)?;
        let mut chain = vec![leaf.der().clone()];
        chain.extend(issuer.cloned());
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        Ok(ChainAndKey { chain, key })
    }

    /// The chain as PEM, leaf first: the usual content of a `cert.pem` or `fullchain.pem` file.
    pub fn chain_pem(&self) -> String {
        self.chain
            .iter()
            .map(|cert| pem_encode("CERTIFICATE", cert))
            .collect()
    }

    /// The private key as PEM, labelled after its form.
    pub fn key_pem(&self) -> String {
        key_pem(&self.key)
    }

    /// Writes the chain and the key as PEM files (the key readable by its owner only), for servers and tools
    /// that read certificates from files. [`crate::load_pem_chain`] reads them back.
    pub fn write_pem_files(&self, cert_file: &Path, key_file: &Path) -> Result<(), TlsError> {
        write_file(cert_file, self.chain_pem().as_bytes(), FileMode::Public)?;
        write_file(key_file, self.key_pem().as_bytes(), FileMode::Private)
    }
}

/// A leaf that signs itself instead of coming from a CA: no client trusts it unless told to trust that very
/// certificate, which is what "self-signed certificate" errors look like. `include_ca` is ignored: the chain is
/// the leaf alone.
pub fn issue_self_signed(spec: &LeafSpec) -> Result<ChainAndKey, TlsError> {
    let params = spec.params()?;
    ChainAndKey::generate(|key| params.self_signed(key), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localhost_names_the_three_loopback_forms_and_starts_in_the_past() {
        let spec = LeafSpec::localhost();
        assert_eq!(spec.dns_names, ["localhost"]);
        assert_eq!(
            spec.ip_addresses,
            [
                IpAddr::from([127, 0, 0, 1]),
                IpAddr::from(Ipv6Addr::LOCALHOST)
            ]
        );
        let now = SystemTime::now();
        assert!(spec.not_before < now && now < spec.not_after);
        assert!(spec.not_after.duration_since(spec.not_before).unwrap() >= 365 * DAY);
        assert!(!spec.include_ca);
    }

    #[test]
    fn common_name_falls_back_to_an_address_then_the_organisation() {
        let mut spec = LeafSpec::for_names(vec![], vec![IpAddr::from([10, 0, 0, 1])]);
        assert_eq!(spec.common_name(), "10.0.0.1");
        spec.ip_addresses.clear();
        assert_eq!(spec.common_name(), "httpstatus");
    }

    #[test]
    fn a_name_outside_ascii_is_refused_with_its_name() {
        let spec = LeafSpec::for_names(vec!["bücher.example".to_owned()], vec![]);
        let error = issue_self_signed(&spec).unwrap_err();
        assert!(
            matches!(&error, TlsError::InvalidDnsName { name } if name == "bücher.example"),
            "{error}"
        );
        assert!(error.to_string().contains("punycode"));
    }

    #[test]
    fn a_self_signed_chain_is_the_leaf_alone_even_when_the_ca_is_asked_for() {
        let spec = LeafSpec {
            include_ca: true,
            ..LeafSpec::localhost()
        };
        let leaf = issue_self_signed(&spec).unwrap();
        assert_eq!(leaf.chain.len(), 1);
        assert!(matches!(leaf.key, PrivateKeyDer::Pkcs8(_)));
        assert!(
            leaf.chain_pem()
                .starts_with("-----BEGIN CERTIFICATE-----\n")
        );
        assert!(leaf.key_pem().starts_with("-----BEGIN PRIVATE KEY-----\n"));
    }
}

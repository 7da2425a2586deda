//! Signing with a CA key: leaves and intermediate CAs, shared by the local CA and the intermediates it makes.

use std::time::SystemTime;

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::CertificateDer;

use crate::leaf::{DAY, distinguished_name};
use crate::{ChainAndKey, LeafSpec, TlsError};

/// A CA certificate and the issuer (name, key identifier, signing key) that signs in its name.
pub(crate) struct Authority {
    /// The CA certificate, put after leaves whose spec asks for it.
    pub(crate) cert: CertificateDer<'static>,
    /// What rcgen needs to sign: the CA's subject name, key identifier method and key.
    pub(crate) issuer: Issuer<'static, KeyPair>,
}

impl Authority {
    /// A root CA kept in memory only, valid from a day ago for a year: a CA no client trusts.
    pub(crate) fn ephemeral_root(common_name: &str) -> Result<Authority, TlsError> {
        let now = SystemTime::now();
        let params = ca_params(
            common_name,
            now - DAY,
            now + 365 * DAY,
            BasicConstraints::Unconstrained,
        );
        let key = KeyPair::generate()?;
        let cert = params.self_signed(&key)?.der().clone();
        Ok(Authority {
            cert,
            issuer: Issuer::new(params, key),
        })
    }

    /// A fresh key and a leaf certificate for it, signed by this CA.
    pub(crate) fn issue(&self, spec: &LeafSpec) -> Result<ChainAndKey, TlsError> {
        let params = spec.params()?;
        let ca = spec.include_ca.then_some(&self.cert);
        ChainAndKey::generate(|key| params.signed_by(key, &self.issuer), ca)
    }

    /// A CA below this one, valid from a day ago for a year, that may sign leaves only (path length 0).
    pub(crate) fn issue_intermediate(&self, common_name: &str) -> Result<IntermediateCa, TlsError> {
        let now = SystemTime::now();
        let params = ca_params(
            common_name,
            now - DAY,
            now + 365 * DAY,
            BasicConstraints::Constrained(0),
        );
        let key = KeyPair::generate()?;
        let cert = params.signed_by(&key, &self.issuer)?.der().clone();
        let issuer = Issuer::new(params, key);
        Ok(IntermediateCa {
            authority: Authority { cert, issuer },
        })
    }
}

/// The parameters of a CA certificate: a name, a validity, basic constraints CA, and key usage limited to
/// signing certificates and CRLs.
pub(crate) fn ca_params(
    common_name: &str,
    not_before: SystemTime,
    not_after: SystemTime,
    constraints: BasicConstraints,
) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = distinguished_name(common_name);
    params.not_before = not_before.into();
    params.not_after = not_after.into();
    params.is_ca = IsCa::Ca(constraints);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.use_authority_key_identifier_extension = true;
    params
}

/// An intermediate CA made by [`crate::LocalCa::issue_intermediate`]: it lives in memory only.
///
/// A leaf it issues verifies only when the server sends this certificate after it (`include_ca: true`);
/// without it, clients that trust the local CA fail with an unknown issuer, as with a server that forgot its
/// intermediate.
pub struct IntermediateCa {
    authority: Authority,
}

impl IntermediateCa {
    /// The intermediate's certificate (DER).
    pub fn cert_der(&self) -> &CertificateDer<'static> {
        &self.authority.cert
    }

    /// A fresh key and a leaf certificate for `spec`, signed by this intermediate; with `include_ca` the chain
    /// is leaf then intermediate.
    pub fn issue(&self, spec: &LeafSpec) -> Result<ChainAndKey, TlsError> {
        self.authority.issue(spec)
    }
}

impl std::fmt::Debug for IntermediateCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntermediateCa")
            .field("issuer", &self.authority.issuer)
            .finish()
    }
}

//! httpstatus-tls: certificates and rustls configuration for the httpstatus server and probe.
//!
//! A local certificate authority is made once per machine and kept on disk; the server issues itself a fresh
//! leaf from it at each start-up, and a user trusts the CA once (see [`trust_instructions`]). Leaves can be
//! made wrong on purpose (expired, not yet valid, self-signed, for another name, with an incomplete chain) for
//! tests and for deliberately broken hosts. A real certificate can be loaded from PEM files instead.
//!
//! Invariants: no sockets, no async, no process-wide rustls state: every configuration names the `ring`
//! provider itself. The only I/O is reading and writing PEM files.
//!
//! # Layout
//!
//! - [`ca`]: [`LocalCa`], made or loaded from `<dir>/ca.pem` and `<dir>/ca-key.pem`.
//! - `authority`: signing leaves and intermediates with a CA key; [`IntermediateCa`].
//! - [`leaf`]: [`LeafSpec`] (names, validity, chain), [`ChainAndKey`], [`issue_self_signed`].
//! - `pem`: [`load_pem_chain`], PEM encoding, key files readable by their owner only.
//! - [`config`]: [`server_config`] and [`client_config_trusting`], both with the `ring` provider.
//! - [`paths`]: [`default_data_dir`] and [`default_ca_dir`].
//! - `trust`: [`trust_instructions`].
//! - `error`: [`TlsError`].

mod authority;
pub mod ca;
pub mod config;
mod error;
pub mod hosts;
pub mod leaf;
pub mod paths;
mod pem;
mod trust;

pub use authority::IntermediateCa;
pub use ca::{CA_CERT_FILE, CA_KEY_FILE, LocalCa};
pub use config::{ALPN_H2, ALPN_HTTP_1_1, client_config_trusting, crypto_provider, server_config};
pub use error::TlsError;
pub use hosts::{BROKEN_HOSTS, BrokenHost, broken_hosts};
pub use leaf::{ChainAndKey, DAY, LeafSpec, issue_self_signed};
pub use paths::{default_ca_dir, default_data_dir};
pub use pem::load_pem_chain;
pub use trust::trust_instructions;

/// The rustls crate this one is built on, so that users name the same `CertificateDer` and configuration types.
pub use rustls;

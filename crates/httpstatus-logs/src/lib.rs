//! Access logs explained: formats, detection, parsing and aggregation, pure over lines.
//!
//! # Layout
//! - [`format`]: the formats we read and which catalog vendor meanings fit each one.
//! - [`parse`]: one parser per format family, and [`parse::detect`] from the first lines.
//! - [`record`]: one parsed line ([`Record`]): status, the other side's status, path, client, agent, time.
//! - [`stats`]: mergeable, bounded aggregation ([`Stats`]): counts, capped top lists, latency histograms,
//!   a time series.
//! - [`attribution`]: who produced a code, from the pair of statuses a log carries.
//! - [`report`]: the report as data (what the CLI prints as text, JSON or HTML), with catalog meanings and
//!   spike detection.
//! - [`render`]: pure helpers for the front ends: sparklines and the spike marks under them.
//! - [`filter`]: `--since`, `--until`, `--code`, `--path`.
//!
//! No I/O, no threads: the binary reads files and splits the work; everything here takes lines.

pub mod attribution;
pub mod filter;
pub mod format;
pub mod parse;
pub mod record;
pub mod render;
pub mod report;
pub mod stats;
pub mod time;

pub use filter::Filter;
pub use format::Format;
pub use parse::{Detection, Line, Parser, detect};
pub use record::{Record, Second};
pub use report::Report;
pub use stats::Stats;

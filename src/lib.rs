//! cmek-lint: a static auditor for the AWS IAM and KMS policies behind a Pinecone
//! customer-managed encryption key (CMEK).
//!
//! Pipeline, one direction: [`discover`] files (streamed by the [`driver`]) → read → [`extract`] policy documents →
//! span-preserving [`json`] parse → [`policy`] model → [`rules`] → [`diagnostic`]s →
//! the [`engine`]'s sink → [`render`]. A rule never renders; a renderer never decides; only the
//! sink decides what is reported.
//!
//! Modules are floors, each importing only the floors below: ARCHITECTURE.md lists them, and
//! `tests/architecture.rs` holds the code to it.
#![forbid(unsafe_code)]

pub mod baseline;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod driver;
pub mod engine;
pub mod eval;
pub mod extract;
pub mod fix;
pub mod generate;
pub mod json;
pub mod pinecone;
pub mod policy;
pub mod render;
pub mod rules;
pub mod scenarios;
pub mod settings;
pub mod setup;
pub mod source;
pub mod suppress;

pub mod data;
pub use commands::{ExitStatus, run};

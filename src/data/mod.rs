//! Embedded reference data: action names, principal prefixes, placeholder patterns.

pub mod actions;
pub mod kms;
pub mod placeholders;

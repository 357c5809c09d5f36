//! The span-preserving JSON layer: a lenient parser that accepts what users paste (comments,
//! trailing commas, smart quotes, invisible spaces, a byte-order mark) and *records* each
//! deviation from strict JSON with its exact span, so rules can report it.

mod escape;
mod node;
mod parse;

pub use escape::{escape_at, quote};
pub use node::{Member, Node, Value};
pub use parse::{Lenience, LenienceKind, ParseError, Parsed, duplicate_keys, parse};

//! yusuan-core: money in integer fen, classification catalogs, and the Document model of a
//! published budget disclosure. Everything else in yusuan reads or writes these types.

pub mod budget;
pub mod catalog;
pub mod document;
pub mod label;
pub mod money;
pub mod profile;
pub mod reason;

pub use catalog::{Catalog, Classification, Lookup};
pub use document::*;
pub use money::{
    compare_same, compare_sum, format_fen, format_fen_to, Agreement, Amount, AmountError, Money,
    MoneyUnit, UnknownUnit,
};
pub use profile::Profile;

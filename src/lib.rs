//! 报修台 Baoxiu Desk core: everything the office can do, without a window.
//! The desktop shell (`src-tauri/`) and the `baoxiu` CLI are thin fronts over this crate.

pub mod account;
pub mod attachment;
pub mod audit;
pub(crate) mod canvas;
pub mod clock;
pub mod connection;
pub mod error;
pub mod export;
pub mod font;
pub mod import;
pub mod input;
pub mod logfile;
pub mod outfile;
pub mod report;
pub mod seed;
pub mod sla;
pub mod slip;
pub mod store;
pub mod ticket;
pub mod workflow;

pub use error::{Error, Result};
pub use store::Store;

//! One integration-test binary; a module per area, mirroring `src/`.
//! Every test opens its own fresh temporary database.

// A test that cannot set itself up should stop right there.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod backup;
mod cli;
mod common;
mod connection;
mod desk;
mod edit;
mod fuzz;
mod import;
mod intake;
mod live;
mod outfile;
mod race;
mod report;
mod resolve;
mod rounds;
mod search;
mod sites;
mod sla;
mod slip;
mod store_open;
mod tickets;
mod tls;
mod upgrade;
mod workflow;

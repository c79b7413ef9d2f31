//! One integration-test binary; a module per area, mirroring `src/`.
//! Every test opens its own fresh temporary database.

mod common;

//! Any text as a budget source (TOML), as `yusuan publish` and `POST /api/publish` take it:
//! parsing and the semantic checks must end with a budget or with located problems, never a
//! panic, in time linear in the source.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(problems) = yusuan_core::budget::Budget::from_toml(text) {
            assert!(problems.len() <= yusuan_core::budget::MAX_PROBLEMS + 1);
        }
    }
});

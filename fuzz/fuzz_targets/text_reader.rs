//! Any bytes as a text disclosure: read, then audit.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let doc = yusuan_read::read_text("fuzz.txt", text);
        let _ = yusuan_audit::check(&doc);
    }
});

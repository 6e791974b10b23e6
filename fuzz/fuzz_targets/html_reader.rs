//! Any bytes as an HTML page: page to text, read, audit.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(html) = std::str::from_utf8(data) {
        if let Ok(text) = yusuan_read::html::html_to_text("fuzz.html", html) {
            let doc = yusuan_read::read_text("fuzz.html", &text);
            let _ = yusuan_audit::check(&doc);
        }
    }
});

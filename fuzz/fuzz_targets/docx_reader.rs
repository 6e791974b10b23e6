//! Any bytes as a Word document: body to text, read, audit.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = yusuan_read::docx::docx_to_text("fuzz.docx", data) {
        let doc = yusuan_read::read_text("fuzz.docx", &text);
        let _ = yusuan_audit::check(&doc);
    }
});

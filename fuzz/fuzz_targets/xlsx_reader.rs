//! Any bytes as an Excel workbook: sheets to text, read, audit.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = yusuan_read::excel::workbook_to_text("fuzz.xlsx", data) {
        let doc = yusuan_read::read_text("fuzz.xlsx", &text);
        let _ = yusuan_audit::check(&doc);
    }
});

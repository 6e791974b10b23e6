//! Any text as the narrative of a Chongqing disclosure: the title makes the reader take the
//! Chongqing profile, so the input goes through the narrative's figure extractor (amounts,
//! changes, counts, headings) and the text rules.
#![no_main]
use libfuzzer_sys::fuzz_target;

const HEAD: &str = "重庆市大渡口区人民政府办公室\n\n2025 年部门预算情况说明\n\n";

fuzz_target!(|data: &[u8]| {
    if let Ok(body) = std::str::from_utf8(data) {
        let text = format!("{HEAD}{body}");
        let doc = yusuan_read::read_text("fuzz.txt", &text);
        let _ = yusuan_audit::check(&doc);
    }
});

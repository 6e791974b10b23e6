//! Any bytes as a PDF: lay out its text, read, audit. The reader's own guard turns a parser
//! panic into an error, so a panic that reaches here is a bug of ours.
#![no_main]
use libfuzzer_sys::fuzz_target;

/// pdf_oxide catches some of its own panics (and our guard the rest); libFuzzer's hook would
/// abort on them. Abort on a panic outside the PDF parser, as the binary's hook reports only
/// those, and on any panic in our own reader code.
fn hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Inside the parser, a panic of pdf_oxide's is caught and reported as a broken
            // file; one in our own code (the content interpreter, the grid) is a bug.
            let ours = info
                .location()
                .is_some_and(|l| l.file().contains("yusuan-read"));
            if !yusuan_read::pdf::in_parser() || ours {
                default(info);
                std::process::abort();
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    hook();
    if let Ok(text) = yusuan_read::pdf::pdf_to_text("fuzz.pdf", data) {
        let doc = yusuan_read::read_text("fuzz.pdf", &text);
        let _ = yusuan_audit::check(&doc);
    }
});

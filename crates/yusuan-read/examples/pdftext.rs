//! Print the layout text the PDF reader makes of a PDF: cargo run -p yusuan-read --example pdftext -- FILE
fn main() {
    let Some(p) = std::env::args().nth(1) else {
        eprintln!("usage: pdftext FILE.pdf");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&p).unwrap_or_default();
    match yusuan_read::pdf::pdf_to_text(&p, &bytes) {
        Ok(t) => print!("{t}"),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
}

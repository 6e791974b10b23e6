//! Print the text the readers make of a file (a PDF laid out, a workbook's sheets as
//! tab-separated text): cargo run -p yusuan-read --example pdftext -- FILE
fn main() {
    let Some(p) = std::env::args().nth(1) else {
        eprintln!("usage: pdftext FILE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&p).unwrap_or_default();
    match yusuan_read::bytes_to_text(&p, &bytes) {
        Ok(t) => print!("{t}"),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
}

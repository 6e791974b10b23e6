fn main() {
    let p = std::env::args().nth(1).expect("path");
    let d = yusuan_read::read_path(std::path::Path::new(&p)).expect("read");
    println!("{}", serde_json::to_string_pretty(&d).expect("json"));
}

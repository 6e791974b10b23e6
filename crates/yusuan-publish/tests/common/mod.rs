//! What the publishing tests share.

use yusuan_core::budget::Budget;

/// The bundled example source (the README's first command publishes it).
pub fn example() -> Budget {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/chongqing-dadukou-govoffice-2025/budget.toml"
    );
    let text = std::fs::read_to_string(path).expect("example budget");
    Budget::from_toml(&text).unwrap_or_else(|e| panic!("{e:?}"))
}

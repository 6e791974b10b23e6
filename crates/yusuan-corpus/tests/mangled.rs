//! The narrative checks slice text by byte offsets (quotes around a slip, years, rates): no
//! input may make them panic. Corpus texts with characters replaced, inserted and deleted at
//! random (a fixed seed), around the characters those checks look for, are read and audited.

#[path = "../../yusuan-audit/tests/common/mod.rs"]
mod common;
use common::*;

const ALPHABET: &[char] = &[
    '（', '）', '(', ')', '“', '”', '。', '，', '；', '%', '％', '万', '元', '年', '月', '日', '-',
    '至', '比', '较', '增', '加', '减', '少', '占', '类', '款', '项', '0', '1', '2', '9', '.', ',',
    ' ', '\n', '\u{c}', '\t', 'X', '<', '填', '写', '编', '制', '范', '围', '周', '期',
];

#[test]
fn mangled_texts_never_panic_the_audit() {
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let mut audited = 0;
    for path in corpus_files() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if !path.to_string_lossy().ends_with(".txt") {
            continue;
        }
        // The narrative is the first part of a document: mangle there.
        let chars: Vec<char> = text.chars().take(12_000).collect();
        let rest: String = text.chars().skip(12_000).collect();
        for _ in 0..6 {
            let mut v = chars.clone();
            for _ in 0..400 {
                let k = next() % v.len().max(1);
                let c = ALPHABET[next() % ALPHABET.len()];
                match next() % 3 {
                    0 => v[k] = c,
                    1 => v.insert(k, c),
                    _ => {
                        v.remove(k);
                    }
                }
            }
            let mangled: String = v.into_iter().collect::<String>() + &rest;
            let _ = audit(&mangled);
            audited += 1;
        }
    }
    assert!(
        audited >= 100 || std::env::var_os("CI").is_none(),
        "{audited}"
    );
}

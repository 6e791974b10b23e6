//! Helpers on printed labels that every layer asks the same question of: the label with its
//! white space removed, whether it is a classification code, whether it names a total row.

/// Remove all white space (including the ideographic space).
pub fn compact(s: &str) -> String {
    compact_cow(s).into_owned()
}

/// [`compact`], borrowing the text when it has no white space to remove.
pub fn compact_cow(s: &str) -> std::borrow::Cow<'_, str> {
    let drop = |c: char| c.is_whitespace() || c == '\u{feff}';
    if !s.chars().any(drop) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    out.extend(s.chars().filter(|c| !drop(*c)));
    std::borrow::Cow::Owned(out)
}

/// A function or economic code: 3, 5 or 7 digits.
pub fn is_code(s: &str) -> bool {
    let n = s.len();
    (n == 3 || n == 5 || n == 7) && s.bytes().all(|b| b.is_ascii_digit())
}

/// Labels that mark total rows.
/// A total's label: 合计 / 总计 itself, or one that names what it totals ("人员经费合计", the
/// row closing a block of the 决算 基本支出 table printed side by side).
pub fn closes_block(s: &str) -> bool {
    let kept: String = s
        .chars()
        .filter(|c| !(c.is_whitespace() || *c == '\u{feff}'))
        .collect();
    kept.ends_with("合计") || kept.ends_with("总计")
}

pub fn is_total_label(s: &str) -> bool {
    // Asked of every label of every table, many times over: compared without building the
    // compacted string, and most labels (names of items) turned away by their first character.
    let first = s.chars().find(|c| !(c.is_whitespace() || *c == '\u{feff}'));
    if !matches!(first, Some('合' | '总' | '收' | '支')) {
        return false;
    }
    let kept = s
        .chars()
        .filter(|c| !(c.is_whitespace() || *c == '\u{feff}'));
    [
        "合计",
        "总计",
        "收入合计",
        "支出合计",
        "收入总计",
        "支出总计",
    ]
    .iter()
    .any(|t| t.chars().eq(kept.clone()))
}

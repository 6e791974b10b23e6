//! One unit, whatever its documents call it.
//!
//! The same office prints its name more than one way: "中共江苏省委办公厅" on one year's cover,
//! "江苏省委办公厅" on the next, "中国共产党江苏省委员会办公厅" in a heading. A unit's identity
//! (its *key*) is the budget code the document prints beside its name where there is one
//! (`103001-重庆市大渡口区人民政府办公室（本级）`), scoped by the place the name starts with (codes
//! are only unique within one finance bureau), else its name normalised by [`normalise`]. What
//! neither can tell, the finance bureau merges by hand (`Store::merge_units`).
//!
//! The normalisation only drops what never tells two offices apart; every rule has a
//! counter-example in the tests below that must stay two units.

/// A unit's name reduced to what identifies the office:
///
/// - white space dropped, half-width brackets made full-width;
/// - a trailing （本级） dropped (the unit itself, as project tables print it);
/// - a leading 中共 / 中国共产党 dropped: a party committee's offices are printed with and without
///   it (中共江苏省委办公厅 = 江苏省委办公厅); and for such a name only, its 省委员会 / 市委员会 /
///   区委员会 / 县委员会 shortened to 省委 / 市委 / 区委 / 县委 (中国共产党江苏省委员会办公厅). A name
///   without the party prefix keeps its 委员会 (政协江苏省委员会 is not the party's 省委);
/// - 人民政府 written 政府 (江苏省人民政府办公厅 = 江苏省政府办公厅); 人民法院, 人民检察院 and the
///   other 人民… bodies are untouched.
pub fn normalise(name: &str) -> String {
    let mut s: String = name
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .collect();
    while let Some(rest) = s.strip_suffix("（本级）") {
        s = rest.to_string();
    }
    let mut party = false;
    for prefix in ["中国共产党", "中共"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            if !rest.is_empty() {
                s = rest.to_string();
                party = true;
            }
            break;
        }
    }
    if party {
        for level in ["省", "市", "区", "县", "州", "旗"] {
            s = s.replace(&format!("{level}委员会"), &format!("{level}委"));
        }
    }
    s.replace("人民政府", "政府")
}

/// The place a unit's name starts with: its leading administrative areas (江苏省, 重庆市大渡口区,
/// 上海市普陀区), empty when the name does not start with one.
pub fn place(normalised: &str) -> String {
    const AREAS: [char; 7] = ['省', '市', '区', '县', '州', '旗', '盟'];
    let chars: Vec<char> = normalised.chars().collect();
    let mut end = 0;
    // Each area is a short name (2 to 8 characters) ending in an area word.
    'areas: loop {
        for len in 2..=8 {
            match chars.get(end + len - 1) {
                Some(c) if AREAS.contains(c) => {
                    end += len;
                    continue 'areas;
                }
                Some(_) => {}
                None => break 'areas,
            }
        }
        break;
    }
    chars[..end].iter().collect()
}

/// The budget code a document prints beside its own name (`填报单位：103001-重庆市大渡口区人民政府
/// 办公室（本级）`, `实施单位 103001-…`): a run of 3 to 12 digits, a hyphen, then a name that
/// normalises to the document's. The first such code, or none. Codes beside other units' names
/// (a department's subordinate units) are not the document's.
pub fn printed_code(text: &str, unit: &str) -> Option<String> {
    let own = normalise(unit);
    if own.is_empty() {
        return None;
    }
    for line in text.lines() {
        for cell in line.split(['\t', ' ', '：', ':']) {
            let Some((code, name)) = cell.split_once(['-', '－']) else {
                continue;
            };
            let code = code.trim();
            if (3..=12).contains(&code.len())
                && code.bytes().all(|b| b.is_ascii_digit())
                && normalise(name) == own
            {
                return Some(code.to_string());
            }
        }
    }
    None
}

/// The key a document of `unit` (its name as printed) files under: `code:PLACE:CODE` when its
/// text prints its code, `name:NORMALISED` otherwise; empty for a document whose unit could not
/// be read.
pub fn key(unit: &str, text: &str) -> String {
    let name = normalise(unit);
    if name.is_empty() {
        return String::new();
    }
    match printed_code(text, unit) {
        Some(code) => format!("code:{}:{code}", place(&name)),
        None => name_key(unit),
    }
}

/// The key a unit's name alone gives (no code known): `name:NORMALISED`.
pub fn name_key(unit: &str) -> String {
    let name = normalise(unit);
    if name.is_empty() {
        String::new()
    } else {
        format!("name:{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &str, b: &str) -> bool {
        normalise(a) == normalise(b)
    }

    #[test]
    fn a_party_office_with_and_without_its_prefix_is_one_unit() {
        assert!(same("中共江苏省委办公厅", "江苏省委办公厅"));
        assert!(same("中国共产党江苏省委员会办公厅", "江苏省委办公厅"));
        assert!(same("中共上海市普陀区委组织部", "上海市普陀区委组织部"));
        assert!(same(
            "中共重庆市大渡口区委员会组织部",
            "重庆市大渡口区委组织部"
        ));
        assert!(same(" 江苏省 委办公厅 ", "江苏省委办公厅"));
        assert!(same(
            "重庆市大渡口区人民政府办公室(本级)",
            "重庆市大渡口区人民政府办公室"
        ));
        assert!(same("江苏省人民政府办公厅", "江苏省政府办公厅"));
    }

    #[test]
    fn different_offices_stay_different() {
        // The party's committee and the government, the congress, the CPPCC.
        assert!(!same("中共江苏省委办公厅", "江苏省政府办公厅"));
        assert!(!same("江苏省委办公厅", "江苏省人大常委会办公厅"));
        assert!(!same("政协江苏省委员会办公厅", "江苏省委办公厅"));
        assert!(!same("政协江苏省委员会办公厅", "中共江苏省委办公厅"));
        // 委员会 is only shortened in a party committee's name.
        assert!(!same("江苏省发展和改革委员会", "江苏省发展和改革委"));
        // The same office in two places, two offices in one place.
        assert!(!same(
            "重庆市大渡口区人民政府办公室",
            "重庆市渝中区人民政府办公室"
        ));
        assert!(!same(
            "中共上海市普陀区委组织部",
            "中共上海市普陀区委宣传部"
        ));
        assert!(!same("上海市普陀区委组织部", "上海市普陀区组织部"));
        // 人民 only goes from 人民政府.
        assert!(!same("江苏省人民检察院", "江苏省检察院办公室"));
        assert!(!same("江苏省人民法院", "江苏省人民检察院"));
        // 中共 alone is not a name to empty.
        assert_eq!(normalise("中共"), "中共");
        assert_eq!(normalise(""), "");
    }

    #[test]
    fn places_are_the_leading_areas() {
        assert_eq!(place("重庆市大渡口区政府办公室"), "重庆市大渡口区");
        assert_eq!(place("江苏省委办公厅"), "江苏省");
        assert_eq!(place("上海市普陀区政府万里街道办事处"), "上海市普陀区");
        assert_eq!(place("财政局"), "");
    }

    #[test]
    fn the_code_is_the_one_printed_beside_the_units_own_name() {
        let text = "填报单位：\t\t103001-重庆市大渡口区人民政府办公室（本级）\t\n\
                    实施单位\t103002-重庆市大渡口区机关事务中心\n";
        let unit = "重庆市大渡口区人民政府办公室";
        assert_eq!(printed_code(text, unit).as_deref(), Some("103001"));
        assert_eq!(key(unit, text), "code:重庆市大渡口区:103001");
        // Another unit's code is not this unit's.
        assert_eq!(printed_code(text, "重庆市大渡口区财政局"), None);
        assert_eq!(
            key("重庆市大渡口区财政局", text),
            "name:重庆市大渡口区财政局"
        );
        // A project number is not a unit code (its name is a project's).
        assert_eq!(
            printed_code("项目名称\t50010422T000000091478-区政府协调督查专项", unit),
            None
        );
        // The same code in another district is another unit.
        let other = "填报单位：103001-重庆市渝中区人民政府办公室（本级）";
        assert_ne!(key("重庆市渝中区人民政府办公室", other), key(unit, text));
        assert_eq!(key("", text), "");
    }
}

//! A quantity and its parts in brackets after it ("地上8013平方米（其中计容面积7998平方米，不计容
//! 面积105平方米）", "编制12人（行政编制10人，事业编制2人）"): parts the words make complementary
//! (X and 不X / 非X) add up to the whole; parts listed after 其中 never exceed it. Money is
//! text.sum's; this rule reads the other quantities (areas, people, vehicles, rooms).

use crate::{Ctx, Level, Location, Rule, Sink};
use yusuan_core::{Paragraph, Span};

pub(crate) const PARTS: Rule = rule!(
    "text.parts",
    Error,
    weaker: Warning,
    "全部",
    "说明中数量与其括注分项",
    "A quantity followed by its parts in brackets, each with its figure in the same unit: two parts that the words make complementary (计容 / 不计容, 在编 / 非在编) add up to the quantity (an error otherwise); parts after 其中 that add up to more than the quantity are a warning (they might overlap). Amounts of money are text.sum's."
);

pub fn run(ctx: &Ctx, sink: &mut Sink) {
    for s in &ctx.doc.sections {
        for p in &s.paragraphs {
            check(p, sink);
        }
    }
}

/// A printed figure: its value in thousandths (areas carry decimals) and its text.
fn figure(s: &str) -> Option<i64> {
    let mut whole: i64 = 0;
    let mut frac: i64 = 0;
    let mut places = 0;
    let mut dot = false;
    let mut digits = 0;
    for c in s.chars() {
        match c {
            '0'..='9' => {
                let d = i64::from(c as u8 - b'0');
                digits += 1;
                if dot {
                    if places >= 3 {
                        return None;
                    }
                    frac = frac * 10 + d;
                    places += 1;
                } else {
                    whole = whole.checked_mul(10)?.checked_add(d)?;
                }
            }
            ',' if !dot => {}
            '.' if !dot => dot = true,
            _ => return None,
        }
    }
    if digits == 0 {
        return None;
    }
    while places < 3 {
        frac *= 10;
        places += 1;
    }
    whole.checked_mul(1000)?.checked_add(frac)
}

fn is_unit_char(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// The units a part may carry: the whole's, or none.
const UNITS: &[&str] = &[
    "平方米",
    "立方米",
    "公里",
    "千米",
    "米",
    "人",
    "名",
    "辆",
    "个",
    "家",
    "套",
    "台",
    "间",
    "处",
    "亩",
    "户",
    "栋",
    "座",
    "项",
];

/// Where the figure that ends `s` starts (digits, a decimal point, thousands separators).
fn figure_start(s: &str) -> Option<usize> {
    s.char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.' || *c == ',')
        .last()
        .map(|(i, _)| i)
}

/// A number and its unit ending at byte `end` of `text`: (value, unit, start byte).
fn quantity_before(text: &str, end: usize) -> Option<(i64, &'static str, usize)> {
    let head = text[..end].trim_end();
    let unit = UNITS.iter().find(|u| head.ends_with(**u))?;
    let num_end = head.len() - unit.len();
    let num_text = head[..num_end].trim_end();
    let start = figure_start(num_text)?;
    let value = figure(&num_text[start..])?;
    // A figure run into a longer number or a code ("2024年") is not a quantity.
    if num_text[..start]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphanumeric())
    {
        return None;
    }
    Some((value, unit, start))
}

/// One part: its label and value; `None` when the part is not "label figure [unit]".
fn part<'a>(s: &'a str, unit: &str) -> Option<(&'a str, i64)> {
    let s = s.trim().trim_end_matches(['。', '；']);
    let s = s.strip_suffix(unit).unwrap_or(s).trim_end();
    let digits_at = figure_start(s)?;
    let label = s[..digits_at].trim().trim_end_matches(['：', ':', '为']);
    if label.is_empty() || !label.chars().all(is_unit_char) {
        return None;
    }
    Some((label, figure(&s[digits_at..])?))
}

/// "计容面积" and "不计容面积": the second is the first negated.
fn complementary(a: &str, b: &str) -> bool {
    let negated = |x: &str, y: &str| {
        ["不", "非", "未"]
            .iter()
            .any(|n| y.strip_prefix(n).is_some_and(|rest| rest == x))
    };
    negated(a, b) || negated(b, a)
}

fn shown(v: i64) -> String {
    let whole = v / 1000;
    let frac = v % 1000;
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{}", format!("{frac:03}").trim_end_matches('0'))
    }
}

fn check(p: &Paragraph, sink: &mut Sink) {
    let text = p.text.as_str();
    for (open, _) in text.match_indices('（') {
        let Some((whole, unit, start)) = quantity_before(text, open) else {
            continue;
        };
        let inner_start = open + '（'.len_utf8();
        let Some(len) = text[inner_start..].find(['）', '（']) else {
            continue;
        };
        if !text[inner_start + len..].starts_with('）') {
            continue;
        }
        let inner = &text[inner_start..inner_start + len];
        let (subset, list) = match inner.trim().strip_prefix("其中") {
            Some(rest) => (true, rest.trim_start_matches(['：', ':', '，'])),
            None => (false, inner),
        };
        let parts: Option<Vec<(&str, i64)>> = list
            .split(['，', '、', '；', ','])
            .map(|s| part(s, unit))
            .collect();
        let Some(parts) = parts else { continue };
        if parts.len() < 2 {
            continue;
        }
        let sum: i64 = parts.iter().map(|(_, v)| v).sum();
        let paired = parts.len() == 2 && complementary(parts[0].0, parts[1].0);
        let level = if paired && sum != whole {
            Level::Violated
        } else if subset && sum > whole {
            Level::Weaker
        } else {
            continue;
        };
        let listed: Vec<String> = parts
            .iter()
            .map(|(l, v)| format!("{l}{}{unit}", shown(*v)))
            .collect();
        let said = if paired {
            "两部分互补，合计应等于总数"
        } else {
            "分项合计超过总数"
        };
        sink.emit(
            &PARTS,
            level,
            format!(
                "情况说明称{}{unit}（{}），分项合计为{}{unit}，与总数相差{}{unit}：{said}",
                shown(whole),
                listed.join("，"),
                shown(sum),
                shown((sum - whole).abs()),
            ),
            vec![Location::new(
                Span::line(p.line_at(start), p.span.page),
                None,
            )],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quantities_and_parts() {
        let t = "地上8013平方米（其中计容面积7998平方米，不计容面积105平方米）";
        let open = t.find('（').unwrap_or(0);
        assert_eq!(
            quantity_before(t, open).map(|q| (q.0, q.1)),
            Some((8_013_000, "平方米"))
        );
        assert_eq!(
            part("不计容面积105平方米", "平方米"),
            Some(("不计容面积", 105_000))
        );
        assert!(complementary("计容面积", "不计容面积"));
        assert!(!complementary("行政编制", "事业编制"));
        assert_eq!(quantity_before("2024年（", "2024年".len()), None);
        assert_eq!(shown(13_459_500), "13459.5");
    }
}

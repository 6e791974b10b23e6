//! The explanations around a figure: an item's purpose and reason naming another item of the
//! list (text copied from the item above and not adapted), and a reason whose direction
//! contradicts the change it explains ("减少2.98%。主要原因是：…经费增加").
//!
//! Both are warnings: the figures may all be right, the words are not.

use crate::item::pieces;
use crate::{Ctx, Level, Location, Rule, Sink};
use yusuan_core::catalog::normalize_name;
use yusuan_core::{Paragraph, Span, Subject};

pub(crate) const COPIED_ITEM: Rule = rule!(
    "edit.copied-item",
    Warning,
    "全部",
    "科目说明疑似复制自其他科目",
    "An item's purpose (主要用于…) or reason (主要原因是…) names another item of the same list and not the item itself: text carried over from the item above and not adapted. A 项 name used under several 款 (行政运行, 一般行政管理事务) counts only with its 款 name before it."
);
pub(crate) const REASON_DIRECTION: Rule = rule!(
    "edit.reason-direction",
    Warning,
    "全部",
    "原因说明与增减方向不符",
    "A reason (主要原因是…) whose every clause ends in a direction word (…经费增加) of the other sense than the change it explains (比上年减少…), or a change for a flat figure."
);

pub fn run(ctx: &Ctx, sink: &mut Sink) {
    for s in &ctx.doc.sections {
        for p in &s.paragraphs {
            reason_direction(p, sink);
        }
    }
    copied_items(ctx, sink);
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Sense {
    Up,
    Down,
    Flat,
}

impl Sense {
    fn word(self) -> &'static str {
        match self {
            Sense::Up => "增加",
            Sense::Down => "减少",
            Sense::Flat => "持平",
        }
    }
}

const UP: &[&str] = &["增加", "增长", "提高", "上升", "增多", "上涨", "提升"];
const DOWN: &[&str] = &[
    "减少", "下降", "降低", "压减", "压缩", "缩减", "核减", "减小", "下调",
];
const FLAT: &[&str] = &["持平", "不变", "保持不变", "无变化"];

/// The sense of a direction word that `text` ends with.
fn ends_in_sense(text: &str) -> Option<Sense> {
    let t = text.trim_end_matches(|c: char| c.is_whitespace() || "。；;，,、".contains(c));
    for (words, sense) in [(FLAT, Sense::Flat), (UP, Sense::Up), (DOWN, Sense::Down)] {
        if words.iter().any(|w| t.ends_with(w)) {
            return Some(sense);
        }
    }
    None
}

/// The sense of the last comparison ("比…增加", "较上年减少", "与上年持平") in `text`.
fn stated_sense(text: &str) -> Option<(Sense, usize)> {
    let from = ["比", "较", "相比"]
        .iter()
        .filter_map(|w| text.rfind(w))
        .max()?;
    let tail = &text[from..];
    // The first direction word after the comparison word, within the clause.
    let clause_end = tail.find(['。', '；']).unwrap_or(tail.len());
    let tail = &tail[..clause_end];
    let mut best: Option<(usize, Sense)> = None;
    for (words, sense) in [(UP, Sense::Up), (DOWN, Sense::Down), (FLAT, Sense::Flat)] {
        for w in words {
            if let Some(at) = tail.find(w) {
                if best.is_none_or(|(b, _)| at < b) {
                    best = Some((at, sense));
                }
            }
        }
    }
    best.map(|(at, sense)| (sense, from + at))
}

/// The byte ranges of reason clauses: after "原因是" / "原因为" / "原因：" to the sentence's end.
fn reasons(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(at) = text[pos..].find("原因").map(|a| pos + a) {
        let mut start = at + "原因".len();
        for lead in ["主要是", "是", "为", "：", ":"] {
            if let Some(rest) = text[start..].strip_prefix(lead) {
                start = text.len() - rest.len();
            }
        }
        let end = text[start..].find('。').map_or(text.len(), |e| start + e);
        if start > at + "原因".len() {
            out.push((start, end));
        }
        pos = end.max(start);
    }
    out
}

fn reason_direction(p: &Paragraph, sink: &mut Sink) {
    let text = p.text.as_str();
    if !text.contains("原因") {
        return;
    }
    let mut before = 0;
    for (start, end) in reasons(text) {
        // The change the reason explains: the last comparison since the previous reason.
        let Some((stated, at)) = stated_sense(&text[before..start]) else {
            before = end;
            continue;
        };
        let at = before + at;
        before = end;
        let clause = &text[start..end];
        let senses: Vec<Sense> = clause
            .split(['；', '，', ';', ',', '、'])
            .filter_map(ends_in_sense)
            .collect();
        let Some(&first) = senses.first() else {
            continue;
        };
        if senses.iter().any(|&s| s != first) || first == stated {
            continue;
        }
        // A flat figure explained as 保持不变 and a change explained by what stayed: no slip.
        if first == Sense::Flat {
            continue;
        }
        let shown: String = clause.chars().take(40).collect();
        let mut locations = vec![Location::new(
            Span::line(p.line_at(start), p.span.page),
            None,
        )];
        if p.line_at(at) != p.line_at(start) {
            locations.push(Location::new(Span::line(p.line_at(at), p.span.page), None));
        }
        sink.emit(
            &REASON_DIRECTION,
            Level::Violated,
            format!(
                "说明的变动为“{}”，所述原因却是“{shown}”（{}）：原因与增减方向不符，请核对",
                stated.word(),
                first.word()
            ),
            locations,
        );
    }
}

/// One item of a narrative's item list: its printed path and where its words are.
struct Item<'d> {
    names: Vec<String>,
    /// The words that identify this item in another item's text.
    key: String,
    para: &'d Paragraph,
    /// Byte range of the item's own words in the paragraph (after its printed path).
    range: (usize, usize),
    label: &'d str,
}

fn copied_items(ctx: &Ctx, sink: &mut Sink) {
    // Item figures: a path with at least 款 and 项 printed.
    let mut found: Vec<(Vec<String>, &str, Span)> = Vec::new();
    for f in &ctx.doc.figures {
        if let Subject::Unknown(label) = &f.subject {
            let path = pieces(label);
            if path.len() >= 2 && path.last().is_some_and(|p| p.level == 7) {
                let names = path.iter().map(|p| normalize_name(&p.name)).collect();
                found.push((names, label.as_str(), f.span));
            }
        }
    }
    if found.len() < 2 {
        return;
    }
    let paras: Vec<&Paragraph> = ctx
        .doc
        .sections
        .iter()
        .flat_map(|s| s.paragraphs.iter())
        .collect();
    let mut items: Vec<Item> = Vec::new();
    for (names, label, span) in &found {
        let Some(para) = paras.iter().find(|p| {
            p.span.page == span.page
                && p.span.line <= span.line
                && span.line <= p.span.end_line.max(p.span.line)
        }) else {
            continue;
        };
        let quote = label.trim_matches(['“', '”', '"']);
        let Some(at) = para.text.find(quote) else {
            continue;
        };
        let start = at + quote.len();
        let Some(last) = names.last() else { continue };
        let shared = found
            .iter()
            .filter(|(n, _, _)| n.last() == Some(last))
            .count()
            > 1
            || ctx.functional.codes_named(last, 7).len() > 1;
        let key = if shared && names.len() >= 2 {
            format!("{}{last}", names[names.len() - 2])
        } else {
            last.clone()
        };
        items.push(Item {
            names: names.clone(),
            key,
            para,
            range: (start, para.text.len()),
            label,
        });
    }
    // An item's words end where the next item of the same paragraph begins.
    for k in 0..items.len() {
        let (para, start) = (items[k].para, items[k].range.0);
        let next = items
            .iter()
            .filter(|o| std::ptr::eq(o.para, para) && o.range.0 > start)
            .map(|o| o.range.0 - o.label.trim_matches(['“', '”', '"']).len())
            .min();
        if let Some(end) = next {
            items[k].range.1 = end;
        }
    }
    for (k, item) in items.iter().enumerate() {
        let own_words = &item.para.text[item.range.0..item.range.1];
        for (lead, clause) in clauses(own_words) {
            let text = normalize_name(clause);
            let own = item.names.last().is_some_and(|n| text.contains(n.as_str()));
            if own {
                continue;
            }
            let Some(other) = items
                .iter()
                .enumerate()
                .filter(|(j, o)| *j != k && o.names != item.names)
                .map(|(_, o)| o)
                .filter(|o| o.key.chars().count() >= 4 && names_alone(&text, &o.key, &item.names))
                .max_by_key(|o| o.key.len())
            else {
                continue;
            };
            let at = item.range.0 + clause.as_ptr() as usize - own_words.as_ptr() as usize;
            let own_name = item.names.last().map_or("", String::as_str);
            let shown: String = clause.chars().take(40).collect();
            sink.emit(
                &COPIED_ITEM,
                Level::Violated,
                format!(
                    "“{own_name}”的{lead}写的是“{shown}”，说的是另一科目“{}”，未提及本科目：疑似复制自其他科目的说明，请核对",
                    other.names.join("-")
                ),
                vec![Location::new(
                    Span::line(item.para.line_at(at), item.para.span.page),
                    None,
                )],
            );
            break;
        }
    }
}

/// The purpose and reason clauses of an item's words.
fn clauses(text: &str) -> Vec<(&'static str, &str)> {
    let mut out = Vec::new();
    if let Some(at) = text.find("主要用于") {
        let rest = &text[at + "主要用于".len()..];
        let end = rest.find('。').unwrap_or(rest.len());
        out.push(("用途说明", &rest[..end]));
    }
    for (start, end) in reasons(text) {
        out.push(("原因说明", &text[start..end]));
    }
    out
}

/// `key` stands in `text` as a name of its own: at the clause's start or after a mark, and
/// followed by 经费 / 支出 / 的 or a mark or the end (“事业单位离退休经费增加”, not “省人大立法研究所”).
fn names_alone(text: &str, key: &str, own: &[String]) -> bool {
    // Inside one of the item's own names (事业单位医疗 in 行政事业单位医疗): not the other item.
    let inside = |at: usize| {
        own.iter().filter(|n| n.len() > key.len()).any(|n| {
            text.match_indices(n.as_str())
                .any(|(o, _)| o <= at && at + key.len() <= o + n.len())
        })
    };
    text.match_indices(key).any(|(at, _)| {
        if inside(at) {
            return false;
        }
        let before = text[..at].chars().next_back();
        let after = &text[at + key.len()..];
        let starts = before.is_none_or(|c| "，、；：:（“".contains(c));
        let ends = after.is_empty()
            || ["经费", "支出", "的", "（", "，", "。", "；", "、", "”"]
                .iter()
                .any(|w| after.starts_with(w));
        starts && ends
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn senses() {
        assert_eq!(ends_in_sense("行政运行经费增加。"), Some(Sense::Up));
        assert_eq!(ends_in_sense("科普活动经费保持不变"), Some(Sense::Flat));
        assert_eq!(ends_in_sense("上年新增的一次性项目本年不再安排"), None);
        assert_eq!(
            stated_sense("2024年预算安排110.60万元，比2023年预算执行数减少2.98%。").map(|s| s.0),
            Some(Sense::Down)
        );
        assert_eq!(reasons("增加。主要原因是：人员增加。").len(), 1);
        assert!(names_alone("事业单位离退休经费增加", "事业单位离退休", &[]));
        assert!(!names_alone(
            "新增省人大立法研究所办公用房",
            "人大立法",
            &[]
        ));
        let own = ["行政事业单位医疗".to_string()];
        assert!(!names_alone(
            "行政事业单位医疗经费增加",
            "事业单位医疗",
            &own
        ));
    }
}

//! A 决算's narrative against itself and its tables (DOMAIN.md §9): each item's "年初预算为 A
//! 万元，支出决算为 B 万元，完成年初预算的 P%" with its reason word (决算数大于 / 小于 / 等于预算数),
//! and the totals it states (收入支出总计, 财政拨款收入支出总计, 本年收入合计, 本年支出合计)
//! against the 总表s.

use crate::facts::{check_same, loc, side_items, side_label, Side, SideLabel, Val};
use crate::{Ctx, Level, Location, Rule, Sink};
use yusuan_core::{format_fen, Amount, ColumnRole, MoneyUnit, Paragraph, Span, TableKind};

pub(crate) const EXECUTION: Rule = rule!(
    "final.execution",
    Error,
    "决算",
    "预算完成率与增减说法",
    "“年初预算为 A 万元，支出决算为 B 万元，完成年初预算的 P%”: P is B / A at the printed precision of all three (or B / 全年预算 where the 全年预算 is stated), and the reason's word (决算数大于 / 小于 / 等于预算数, 持平) agrees with A and B."
);
pub(crate) const TOTAL: Rule = rule!(
    "final.total",
    Error,
    "决算",
    "说明中的决算总额与总表一致",
    "The totals the narrative states (收入支出总计, 财政拨款收入支出总计, 本年收入合计, 本年支出合计) are the 总计 and 本年合计 rows of the 收入支出决算总表 and the 财政拨款收入支出决算总表."
);

pub(crate) const ITEM: Rule = rule!(
    "final.item",
    Error,
    "决算",
    "说明中科目的决算数与表格一致",
    "An item the narrative names by its 类 / 款 / 项 path (“1、一般公共服务支出（类）财政事务（款）行政运行（项）…支出决算为 B 万元”) spends B: the 合计 of that row of the 一般公共预算财政拨款支出决算表."
);
pub(crate) const YEAR: Rule = rule!(
    "final.year",
    Warning,
    "决算",
    "决算年度",
    "Every “YYYY年度” the 决算 prints (title, headings, table titles, narrative) is its year or the year it is compared with (the one before); a heading or title naming the 部门决算 of another year too."
);
pub(crate) const CROSS: Rule = rule!(
    "final.cross",
    Error,
    "决算",
    "决算表间关系",
    "The 合计 of the 收入决算表 is the 总表's 本年收入合计 (and its 财政拨款 the 财政拨款总表's); the 合计 of the 支出决算表 is the 总表's 本年支出合计; the 合计 of the 一般公共预算财政拨款支出决算表 is the 财政拨款总表's 本年支出合计 of 一般公共预算."
);

pub fn run(ctx: &Ctx, sink: &mut Sink) {
    mandatory(ctx, sink);
    years(ctx, sink);
    cross(ctx, sink);
    for s in &ctx.doc.sections {
        for p in &s.paragraphs {
            let c = Compact::new(&p.text);
            execution(ctx, p, &c, sink);
            totals(ctx, p, &c, sink);
        }
    }
}

/// A paragraph's text without white space (a PDF's line breaks split "支出决算为 / 446.11"),
/// with each character's byte offset in the paragraph.
struct Compact {
    text: String,
    offsets: Vec<usize>,
}

impl Compact {
    fn new(text: &str) -> Compact {
        // The narrative tokenizer's compaction (white space out, full-width digits in), with an
        // offset for every byte of the compacted text.
        let (chars, offs) = crate::arith::compact(text);
        let mut out = String::with_capacity(text.len());
        let mut offsets = Vec::with_capacity(text.len());
        for (ch, o) in chars.into_iter().zip(offs) {
            offsets.extend(std::iter::repeat_n(o, ch.len_utf8()));
            out.push(ch);
        }
        Compact { text: out, offsets }
    }

    fn line(&self, p: &Paragraph, at: usize) -> Location {
        let o = self.offsets.get(at).copied().unwrap_or(0);
        Location::new(Span::line(p.line_at(o), p.span.page), None)
    }
}

/// The amount printed right after byte `at` ("2993.92万元"): the amount, its text and the byte
/// after it.
fn amount_at(text: &str, at: usize) -> Option<(Amount, &str, usize)> {
    let rest = &text[at..];
    let len = rest
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.' || *c == ',')
        .last()
        .map(|(i, c)| i + c.len_utf8())?;
    let number = &rest[..len];
    let unit_len = if rest[len..].starts_with("万元") {
        "万元".len()
    } else {
        return None;
    };
    let amount = Amount::parse(number, MoneyUnit::WanYuan).ok()?;
    Some((amount, number, at + len + unit_len))
}

/// The first amount after the word `word` within `window` bytes from `from`.
fn stated(text: &str, from: usize, window: usize, word: &str) -> Option<(Amount, String, usize)> {
    let end = (from + window).min(text.len());
    let end = (end..=text.len()).find(|&e| text.is_char_boundary(e))?;
    let at = text[from..end].find(word)? + from + word.len();
    let at = text[at..]
        .strip_prefix('为')
        .map_or(at, |r| text.len() - r.len());
    let (a, s, _) = amount_at(text, at)?;
    Some((a, s.to_string(), at))
}

/// A percentage right after a word: its value in units of 10^-decimals percent, and decimals.
fn percent_after(text: &str, from: usize, window: usize, word: &str) -> Option<(i64, u32, usize)> {
    let end = (from + window).min(text.len());
    let end = (end..=text.len()).find(|&e| text.is_char_boundary(e))?;
    let at = text[from..end].find(word)? + from + word.len();
    let rest = &text[at..];
    let len = rest
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
        .last()
        .map(|(i, c)| i + c.len_utf8())?;
    if !rest[len..].starts_with(['%', '％']) {
        return None;
    }
    let number = &rest[..len];
    let decimals = number.split('.').nth(1).map_or(0, str::len) as u32;
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    Some((digits.parse().ok()?, decimals, at))
}

/// Whether the percentage P (value, decimals) can be B / A given every printed half step.
fn rate_fits(b: Amount, a: Amount, p: (i64, u32)) -> bool {
    if a.fen <= 0 {
        return false;
    }
    let (ha, hb) = (a.half_step() as f64, b.half_step() as f64);
    let (a, b) = (a.fen as f64, b.fen as f64);
    let low = (b - hb).max(0.0) / (a + ha) * 100.0;
    let high = if a - ha > 0.0 {
        (b + hb) / (a - ha) * 100.0
    } else {
        f64::INFINITY
    };
    let scale = 10f64.powi(p.1 as i32);
    let half = 0.5 / scale;
    let v = p.0 as f64 / scale;
    v + half >= low - 1e-9 && v - half <= high + 1e-9
}

fn execution(ctx: &Ctx, p: &Paragraph, c: &Compact, sink: &mut Sink) {
    let text = c.text.as_str();
    let general = ctx.facts.table(TableKind::GeneralBudgetByFunction);
    let index = general.map(crate::item::Index::new);
    let mut from = 0;
    while let Some(k) = text[from..].find("年初预算为").map(|k| k + from) {
        from = k + "年初预算为".len();
        let Some((a, a_text, _)) = amount_at(text, from) else {
            continue;
        };
        // The sentence's 全年预算 (adjusted budget) and 决算 within the next words.
        let full = stated(text, from, 90, "全年预算");
        let Some((b, b_text, b_at)) = stated(text, from, 150, "决算") else {
            continue;
        };
        // The item the sentence is of: the 类 / 款 / 项 path printed before it.
        if let (Some(t), Some(ix)) = (general, index.as_ref()) {
            item_against_table(t, ix, p, c, k, (b, b_at), sink);
        }
        let bases: Vec<(Amount, &str)> = std::iter::once((a, "年初预算"))
            .chain(full.as_ref().map(|f| (f.0, "全年预算")))
            .collect();
        if let Some((pv, pd, p_at)) = percent_after(text, b_at, 60, "的") {
            let fits = bases.iter().any(|(base, _)| rate_fits(b, *base, (pv, pd)));
            let computable = bases.iter().any(|(base, _)| base.fen > 0);
            if computable && !fits {
                let (base, name) = bases
                    .iter()
                    .rev()
                    .find(|(base, _)| base.fen > 0)
                    .copied()
                    .unwrap_or((a, "年初预算"));
                let shown = format!(
                    "{}.{:0w$}",
                    pv / 10i64.pow(pd),
                    pv % 10i64.pow(pd),
                    w = pd as usize
                );
                let shown = if pd == 0 { pv.to_string() } else { shown };
                // Cut rather than rounded (95.4571 printed 95.45): a rounding difference.
                let exact = b.fen as f64 / base.fen as f64 * 100.0 * 10f64.powi(pd as i32);
                let level = if exact.floor() as i64 == pv {
                    Level::Info
                } else {
                    Level::Violated
                };
                sink.emit(
                    &EXECUTION,
                    level,
                    format!(
                        "情况说明称{name}{}万元、支出决算{}万元，完成{shown}%，但按金额计算应为{:.2}%（{} ÷ {}）{}",
                        if name == "年初预算" { a_text } else { full.as_ref().map_or("", |f| f.1.as_str()) },
                        b_text,
                        b.fen as f64 / base.fen as f64 * 100.0,
                        format_fen(b.fen, MoneyUnit::WanYuan),
                        format_fen(base.fen, MoneyUnit::WanYuan),
                        if level == Level::Info { "，系截尾而非四舍五入，属尾差" } else { "" },
                    ),
                    vec![c.line(p, p_at)],
                );
            }
        }
        // The reason's word: 决算数大于 / 小于 / 等于预算数.
        let window_end = (b_at + 120).min(text.len());
        let window_end = (window_end..=text.len())
            .find(|&e| text.is_char_boundary(e))
            .unwrap_or(text.len());
        let tail = &text[b_at..window_end];
        let Some(w) = tail.find("决算数") else {
            continue;
        };
        let after = &tail[w + "决算数".len()..];
        let said = if after.starts_with("大于") || after.starts_with("超过") {
            Some(std::cmp::Ordering::Greater)
        } else if after.starts_with("小于") || after.starts_with("低于") {
            Some(std::cmp::Ordering::Less)
        } else if after.starts_with("等于")
            || after.starts_with("同预算数持平")
            || after.starts_with("与预算数持平")
            || after.starts_with("与预算数相等")
        {
            Some(std::cmp::Ordering::Equal)
        } else {
            None
        };
        let Some(said) = said else { continue };
        let agrees = bases.iter().any(|(base, _)| b.fen.cmp(&base.fen) == said);
        if !agrees {
            let word = |o: std::cmp::Ordering| match o {
                std::cmp::Ordering::Greater => "大于",
                std::cmp::Ordering::Less => "小于",
                std::cmp::Ordering::Equal => "等于",
            };
            sink.emit(
                &EXECUTION,
                Level::Violated,
                format!(
                    "情况说明称决算数{}预算数，但年初预算{a_text}万元、支出决算{b_text}万元，决算数{}预算数",
                    word(said),
                    word(b.fen.cmp(&a.fen))
                ),
                vec![c.line(p, b_at + w)],
            );
        }
    }
}

/// The path printed before byte `k` of the paragraph ("…行政运行（项）。主要用于…年初预算为"),
/// resolved to its row of the 一般公共预算 table, against the stated 决算数.
fn item_against_table(
    t: &yusuan_core::Table,
    ix: &crate::item::Index,
    p: &Paragraph,
    c: &Compact,
    k: usize,
    (b, b_at): (Amount, usize),
    sink: &mut Sink,
) {
    let text = &c.text[..k];
    // The last level mark before the sentence, and the path that ends with it.
    let Some(end) = ["（项）", "（款）", "（类）"]
        .iter()
        .filter_map(|m| text.rfind(m).map(|at| at + m.len()))
        .max()
    else {
        return;
    };
    // The path starts after the sentence or list number before it.
    let start = text[..end]
        .rfind(['。', '；', '：', '、', '.', '．'])
        .map_or(0, |s| {
            s + text[s..].chars().next().map_or(1, char::len_utf8)
        });
    // Only a path that names the sentence's item: no full stop between it and 年初预算 other
    // than the one after it (“…（项）。主要用于：…。年初预算为…”).
    if text[end..].matches('。').count() > 2 {
        return;
    }
    let path = crate::item::pieces(&text[start..end]);
    if path.len() < 2 {
        return;
    }
    let Some((row, true)) = crate::item::resolve(ix, &path) else {
        return;
    };
    check_same(
        sink,
        &ITEM,
        Level::Violated,
        Side {
            desc: || format!("情况说明所称“{}”支出决算", &c.text[start..end]),
            val: Val::Amt(b),
            loc: || c.line(p, b_at),
        },
        Side {
            desc: || format!("{} {} {}的“合计”", t.label(), row.code, row.name),
            val: Val::of(t.value(row.row, ColumnRole::Total)),
            loc: || loc(t, row.row.span).in_column(ColumnRole::Total),
        },
        MoneyUnit::WanYuan,
    );
}

/// "YYYY年度" in `text` at years other than `year` and the one before: (byte offset, year).
fn other_years(text: &str, year: i32) -> Vec<(usize, i32)> {
    let c: Vec<(usize, char)> = text
        .char_indices()
        .filter(|(_, ch)| !ch.is_whitespace())
        .collect();
    let mut out = Vec::new();
    for k in 0..c.len().saturating_sub(5) {
        let digits: String = c[k..k + 4].iter().map(|(_, ch)| *ch).collect();
        let starts = k == 0 || !c[k - 1].1.is_ascii_digit();
        if starts
            && digits.bytes().all(|b| b.is_ascii_digit())
            && c[k + 4].1 == '年'
            && c[k + 5].1 == '度'
        {
            if let Ok(y) = digits.parse::<i32>() {
                if y != year && y != year - 1 {
                    out.push((c[k].0, y));
                }
            }
        }
    }
    out
}

/// The 决算's year throughout: headings, table titles, narrative.
fn years(ctx: &Ctx, sink: &mut Sink) {
    let Some(year) = ctx.doc.year.as_ref().map(|y| y.value) else {
        return;
    };
    let mut spots: Vec<(Location, String)> = Vec::new();
    for s in &ctx.doc.sections {
        for (_, y) in other_years(&s.heading, year) {
            spots.push((
                Location::new(s.span, None),
                format!("标题“{}”写作{y}年度", s.heading.trim()),
            ));
        }
        for p in &s.paragraphs {
            for (at, y) in other_years(&p.text, year) {
                let shown: String = p.text[at..].chars().take(16).collect();
                spots.push((
                    Location::new(Span::line(p.line_at(at), p.span.page), None),
                    format!("“{shown}”写作{y}年度"),
                ));
            }
        }
    }
    for t in &ctx.doc.tables {
        for (_, y) in other_years(&t.title, year) {
            spots.push((loc(t, t.span), format!("{}写作{y}年度", t.title)));
        }
    }
    let Some((_, first)) = spots.first() else {
        return;
    };
    let more = if spots.len() > 1 {
        format!("等{}处", spots.len())
    } else {
        String::new()
    };
    sink.emit(
        &YEAR,
        Level::Violated,
        format!("本文件是{year}年度决算，{first}{more}：既不是决算年度，也不是比较的上一年度"),
        spots.into_iter().map(|(l, _)| l).collect(),
    );
}

/// Every table the profile makes mandatory is printed: one finding names the missing ones, at
/// the place where the first of them belongs (from the table the profile lists before it to
/// the one after).
fn mandatory(ctx: &Ctx, sink: &mut Sink) {
    let Some(profile) = ctx.profile else { return };
    let specs: Vec<&yusuan_core::profile::TableSpec> =
        profile.tables.iter().filter(|t| t.mandatory).collect();
    let missing: Vec<usize> = (0..specs.len())
        .filter(|&i| ctx.facts.table(specs[i].kind).is_none())
        .collect();
    let Some(&first) = missing.first() else {
        return;
    };
    // Nothing read at all is a reading problem (another note says so), not nine missing tables.
    if ctx.doc.tables.is_empty() {
        return;
    }
    let before = specs[..first]
        .iter()
        .rev()
        .find_map(|s| ctx.facts.table(s.kind));
    let after = specs[first + 1..]
        .iter()
        .find_map(|s| ctx.facts.table(s.kind));
    // The table before it (which may have taken in the missing one's lines) up to the next.
    let from = before.map_or(Span::line(1, None), |t| t.span);
    let to = after.map_or(from, |t| Span::line(t.span.line, t.span.page));
    let at = Location::new(from.to(to), None);
    let names: Vec<&str> = missing
        .iter()
        .filter_map(|&i| specs[i].title.first().map(String::as_str))
        .collect();
    sink.emit(
        &crate::complete::TABLES,
        Level::Violated,
        format!("缺少必备表格：{}", names.join("、")),
        vec![at],
    );
}

/// A 收支总表's 本年收入合计 (income) or 本年支出合计 (expenditure) in column `role`.
fn current_total(
    t: &yusuan_core::Table,
    item: ColumnRole,
    role: ColumnRole,
) -> Option<(Val, &yusuan_core::Row, String)> {
    let (label, _, row) = side_items(t, item)
        .into_iter()
        .find(|(l, _, _)| side_label(l) == SideLabel::Current)?;
    t.col(role)?;
    Some((Val::of(t.value(row, role)), row, label))
}

/// The 合计 row of a by-class table in column `role`.
fn class_total(t: &yusuan_core::Table, role: ColumnRole) -> Option<(Val, &yusuan_core::Row)> {
    t.col(role)?;
    let row = crate::facts::total_row(t)?;
    row.cells
        .iter()
        .any(|c| matches!(c.value, yusuan_core::CellValue::Amount(_)))
        .then(|| (Val::of(t.value(row, role)), row))
}

fn cross(ctx: &Ctx, sink: &mut Sink) {
    use ColumnRole::*;
    use TableKind::*;
    let table = |k| ctx.facts.table(k);
    // (by-class table, its column, 总表, side, 总表 column)
    let pairs = [
        (DeptIncome, Total, DeptSummary, IncomeItem, IncomeAmount),
        (DeptIncome, Fiscal, FiscalSummary, IncomeItem, IncomeAmount),
        (DeptExpenditure, Total, DeptSummary, ExpItem, Total),
        (
            GeneralBudgetByFunction,
            Total,
            FiscalSummary,
            ExpItem,
            GeneralBudget,
        ),
    ];
    for (by_class, col, summary, side, summary_col) in pairs {
        let (Some(a), Some(b)) = (table(by_class), table(summary)) else {
            continue;
        };
        let (Some((va, ra)), Some((vb, rb, label))) =
            (class_total(a, col), current_total(b, side, summary_col))
        else {
            continue;
        };
        check_same(
            sink,
            &CROSS,
            Level::Violated,
            Side {
                desc: || format!("{}合计行的“{}”", a.label(), col.label()),
                val: va,
                loc: || loc(a, ra.span).in_column(col),
            },
            Side {
                desc: || match summary_col {
                    IncomeAmount | Total => format!("{}“{label}”", b.label()),
                    _ => format!("{}“{label}”的“{}”", b.label(), summary_col.label()),
                },
                val: vb,
                loc: || loc(b, rb.span),
            },
            ctx.facts.unit(a),
        );
    }
}

/// The narrative's totals against the 总表s.
fn totals(ctx: &Ctx, p: &Paragraph, c: &Compact, sink: &mut Sink) {
    let text = c.text.as_str();
    for (word, fiscal, label) in [
        ("财政拨款收入支出总计", true, SideLabel::Grand),
        ("收入支出总计", false, SideLabel::Grand),
        ("本年收入合计", false, SideLabel::Current),
    ] {
        let mut from = 0;
        while let Some(k) = text[from..].find(word).map(|k| k + from) {
            from = k + word.len();
            // "财政拨款收入支出总计" also holds "收入支出总计": the longer word takes it. A
            // sentence of 财政拨款 may say 本年收入合计 of that money alone: not compared.
            let sentence = text[..k].rfind('。').map_or(0, |e| e + '。'.len_utf8());
            if !fiscal && text[sentence..k].contains("财政拨款") {
                continue;
            }
            // The amount right after the word (为 / 是 between), not a comparison's.
            let mut at = from;
            for lead in ["为", "是", "："] {
                if let Some(r) = text[at..].strip_prefix(lead) {
                    at = text.len() - r.len();
                }
            }
            let Some((amount, _, _)) = amount_at(text, at) else {
                continue;
            };
            let kind = if fiscal {
                TableKind::FiscalSummary
            } else {
                TableKind::DeptSummary
            };
            let Some(t) = ctx.facts.table(kind) else {
                continue;
            };
            let Some((row_label, row)) = side_items(t, ColumnRole::IncomeItem)
                .into_iter()
                .map(|(l, _, r)| (l, r))
                .find(|(l, _)| side_label(l) == label)
            else {
                continue;
            };
            let shown_word = word.to_string();
            check_same(
                sink,
                &TOTAL,
                Level::Violated,
                Side {
                    desc: || format!("情况说明所称{shown_word}"),
                    val: Val::Amt(amount),
                    loc: || c.line(p, k),
                },
                Side {
                    desc: || format!("{}“{}”", t.label(), row_label),
                    val: Val::of(t.value(row, ColumnRole::IncomeAmount)),
                    loc: || loc(t, row.span),
                },
                MoneyUnit::WanYuan,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_fit_at_the_printed_precision() {
        let (Ok(a), Ok(b)) = (
            Amount::parse("10210.34", MoneyUnit::WanYuan),
            Amount::parse("9746.50", MoneyUnit::WanYuan),
        ) else {
            panic!("amounts");
        };
        assert!(rate_fits(b, a, (9546, 2)));
        // 95.4571 cut to 95.45 is outside; the rule calls it a rounding difference.
        assert!(!rate_fits(b, a, (9545, 2)));
        assert!(!rate_fits(b, a, (9555, 2)));
        let c = Compact::new("年初预算为 452.40 万元，支出决算为\n446.11 万元");
        assert_eq!(
            stated(&c.text, 0, 150, "决算").map(|s| s.1),
            Some("446.11".to_string())
        );
    }
}

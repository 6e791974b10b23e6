//! A 决算's narrative against itself and its tables (DOMAIN.md §9): each item's "年初预算为 A
//! 万元，支出决算为 B 万元，完成年初预算的 P%" with its reason word (决算数大于 / 小于 / 等于预算数),
//! and the totals it states (收入支出总计, 财政拨款收入支出总计, 本年收入合计, 本年支出合计)
//! against the 总表s.

use crate::facts::{check_same, loc, side_items, side_label, Side, SideLabel, Val};
use crate::{Ctx, Level, Location, Rule, Sink};
use yusuan_core::{format_fen, Amount, Basis, ColumnRole, MoneyUnit, Paragraph, Span, TableKind};

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
    "The totals the narrative states (收入支出总计, 财政拨款收入支出总计, 本年收入合计, 本年支出合计) are the 总计 and 本年合计 rows of the 收入支出决算总表 and the 财政拨款收入支出决算总表; the 财政拨款收入 of 本年收入合计 and the 基本支出 / 项目支出 of 本年支出合计 are the 合计 row of the 收入决算表 and the 支出决算表; 一般公共预算财政拨款支出 and its 基本支出 are the 合计 row of the 一般公共预算财政拨款支出决算表."
);

pub(crate) const ITEM: Rule = rule!(
    "final.item",
    Error,
    "决算",
    "说明中科目的决算数与表格一致",
    "An item the narrative names by its 类 / 款 / 项 path (“1、一般公共服务支出（类）财政事务（款）行政运行（项）…支出决算为 B 万元”, “一般公共服务支出（类）264.87万元”) spends B: the 合计 of that row of the 一般公共预算财政拨款支出决算表."
);
pub(crate) const YEAR: Rule = rule!(
    "final.year",
    Warning,
    "决算",
    "决算年度",
    "Every “YYYY年度” the 决算 prints (title, headings, table titles, narrative) is its year or the year it is compared with (the one before); a heading or title naming the 部门决算 of another year too."
);
pub(crate) const UNIT_NAME: Rule = rule!(
    "final.unit-name",
    Warning,
    "决算",
    "决算单位名称一致",
    "The unit a heading, table title or sentence names before “YYYY年度” (“中共上海市普陀区委社会工作部2024年度部门决算表”) is the unit of the cover: a name ending like a unit's (部, 局, 委, 办公室, 中心…) that neither holds the cover's name nor is part of it is another unit's."
);
pub(crate) const THREE_PUBLIC: Rule = rule!(
    "final.three-public",
    Error,
    "决算",
    "说明中的“三公”经费与决算表一致",
    "What the “三公” sections state is the 财政拨款“三公”经费支出决算表's: the 年初预算 of the whole and of a part (因公出国（境）费, 公务用车购置及运行（维护）费 and its 购置 / 运行 parts, 公务接待费) is its 预算数, its 决算 (“支出决算为 B 万元”, “支出 B 万元”) its 决算数, a part's 完成预算的 P% is its 决算数 / 预算数, and its 占 S% its share of the 决算数 合计, each at the printed precision. 国内公务接待 and 外宾接待 are parts of 公务接待费 and not compared."
);
pub(crate) const PERFORMANCE: Rule = rule!(
    "final.performance",
    Error,
    "决算",
    "绩效自评项目数与评级",
    "“绩效自评的…项目 N 个…（其中，绩效评级为“优”的项目 a 个；“良” b 个；“合格” c 个；“不合格” d 个）”: the ratings count every project evaluated, a + b + c + d = N; and of the problems found (“发现问题 p 个，已经完成整改的 q 个，正在整改的 r 个”) no more are being or have been corrected than were found, q + r ≤ p."
);
pub(crate) const CROSS: Rule = rule!(
    "final.cross",
    Error,
    "决算",
    "决算表间关系",
    "The 合计 of the 收入决算表 is the 总表's 本年收入合计 (and its 财政拨款 the 财政拨款总表's); the 合计 of the 支出决算表 is the 总表's 本年支出合计; the 合计 of the 一般公共预算财政拨款支出决算表 is the 财政拨款总表's 本年支出合计 of 一般公共预算, and its 基本支出 the 人员经费合计 plus the 公用经费合计 of the 一般公共预算财政拨款基本支出决算表."
);

pub fn run(ctx: &Ctx, sink: &mut Sink) {
    mandatory(ctx, sink);
    years(ctx, sink);
    unit_names(ctx, sink);
    cross(ctx, sink);
    // The 一般公共预算 table the narrative's items are found in, indexed once.
    let general = ctx.facts.table(TableKind::GeneralBudgetByFunction);
    let index = general.map(crate::item::Index::new);
    let items = general.zip(index.as_ref());
    // The headings a section is under (a subsection "（一）" printed apart from its words is
    // still the 三公 section's).
    let mut under: Vec<(u8, &str)> = Vec::new();
    for s in &ctx.doc.sections {
        while under.last().is_some_and(|(level, _)| *level >= s.level) {
            under.pop();
        }
        under.push((s.level, s.heading.as_str()));
        // A section's paragraphs as one text: a PDF's blank lines split an item's path
        // ("1、…行政运行（项）" / "。" / "主要用于…全年预算为") over several paragraphs.
        let c = Compact::new(&s.paragraphs);
        execution(items, &c, sink);
        if let Some((t, ix)) = items {
            class_figures(t, ix, &c, sink);
        }
        totals(ctx, &c, sink);
        if under.iter().any(|(_, h)| h.contains("三公")) {
            three_public(ctx, &c, sink);
        }
        performance(&c, sink);
    }
}

/// The words that name the 三公 parts in a narrative, the most specific first where one starts
/// another (“公务用车购置及运行” before “公务用车购置”), in the order the 三公 table prints them.
pub(crate) const THREE_PUBLIC_PARTS: [(&str, ColumnRole); 6] = [
    ("三公", ColumnRole::Total),
    ("因公出国", ColumnRole::Abroad),
    ("公务用车购置及运行", ColumnRole::CarSubtotal),
    ("公务用车购置", ColumnRole::CarPurchase),
    ("公务用车运行", ColumnRole::CarOperation),
    ("公务接待", ColumnRole::Reception),
];

/// One part named in a 三公 section: where its name starts and ends, and its column.
struct PartMention {
    at: usize,
    end: usize,
    role: ColumnRole,
}

fn part_mentions(text: &str) -> Vec<PartMention> {
    let mut out: Vec<PartMention> = Vec::new();
    for (word, role) in THREE_PUBLIC_PARTS {
        for (at, _) in text.match_indices(word) {
            let end = at + word.len();
            let before = &text[..at];
            let skip = match role {
                // 购置 alone, not the start of 购置及运行.
                ColumnRole::CarPurchase => text[end..].starts_with('及'),
                // 国内公务接待 / 外宾接待 are parts of 公务接待费.
                ColumnRole::Reception => before.ends_with("国内") || before.ends_with("国（境）外"),
                _ => false,
            };
            if !skip && !out.iter().any(|m| m.at <= at && at < m.end) {
                out.push(PartMention { at, end, role });
            }
        }
    }
    out.sort_by_key(|m| m.at);
    out
}

/// A 三公 section's figures against the 三公 决算 table: each part's 年初预算 against its 预算数
/// column, its 决算 against its 决算数 column, its 完成预算的 P% and 占 S%.
fn three_public(ctx: &Ctx, c: &Compact, sink: &mut Sink) {
    // The table's one row of figures; a table that prints none ("本表无数据") is not compared.
    let Some((t, row)) =
        crate::facts::three_public_row(&ctx.facts).filter(|(t, _)| t.has_budget_columns())
    else {
        return;
    };
    let unit = ctx.facts.unit(t);
    let cell = |role: ColumnRole, basis: Basis| Val::of(t.value_in(row, role, basis));
    let at_cell = |role: ColumnRole| {
        let mut l = loc(t, row.span);
        l.column = Some(role);
        l
    };
    let text = c.text.as_str();
    let mentions = part_mentions(text);
    for (i, m) in mentions.iter().enumerate() {
        if t.col_in(m.role, Basis::Own).is_none() {
            continue;
        }
        // The clause about this part: up to the next part named, 其中, or the sentence's end.
        let next = mentions.get(i + 1).map_or(text.len(), |n| n.at);
        let clause_end = text[m.end..next]
            .find(['；', '。'])
            .into_iter()
            .chain(text[m.end..next].find("其中"))
            .min()
            .map_or(next, |e| m.end + e);
        let shown_name = if m.role == ColumnRole::Total {
            "“三公”经费"
        } else {
            m.role.label()
        };
        let mut from = m.end;
        let mut actual: Option<(Amount, usize)> = None;
        let mut budget_stated = false;
        while let Some((amount, at, after)) = next_amount(text, from, clause_end) {
            let prefix = &text[from..at];
            from = after;
            // A change against the prior year or a budget other than 年初 ends what is read.
            if [
                "比", "增加", "减少", "增长", "下降", "上年", "全年", "调整", "占",
            ]
            .iter()
            .any(|w| prefix.contains(w))
            {
                break;
            }
            let ends = |words: &[&str]| words.iter().any(|w| prefix.ends_with(w));
            let basis = if ends(&["预算为", "预算", "预算数为", "预算数"]) {
                budget_stated = true;
                Basis::Budget
            } else if ends(&[
                "决算为",
                "决算",
                "决算数为",
                "决算数",
                "支出为",
                "支出",
                "费为",
                "费",
            ]) {
                actual = Some((amount, after));
                Basis::Own
            } else {
                continue;
            };
            check_same(
                sink,
                &THREE_PUBLIC,
                Level::Violated,
                Side {
                    desc: || {
                        format!(
                            "情况说明所称{shown_name}{}",
                            if basis == Basis::Budget {
                                "年初预算"
                            } else {
                                "决算"
                            }
                        )
                    },
                    val: Val::Amt(amount),
                    loc: || c.line(at),
                },
                Side {
                    desc: || {
                        let col = if m.role == ColumnRole::Total {
                            "合计"
                        } else {
                            m.role.label()
                        };
                        format!("{}“{col}”的{}", t.label(), basis.final_word())
                    },
                    val: cell(m.role, basis),
                    loc: || at_cell(m.role),
                },
                unit,
            );
            if basis == Basis::Own {
                break;
            }
        }
        let Some((b, b_end)) = actual else { continue };
        // A 决算 the table contradicts is reported above; its rate and share are not judged on it.
        let unit_zero = Val::Blank.amount_or_zero(unit);
        let in_table = match cell(m.role, Basis::Own) {
            Val::Amt(x) => Some(x),
            Val::Blank => unit_zero,
            Val::Unreadable(_) => None,
        };
        if in_table.is_some_and(|x| {
            matches!(
                yusuan_core::compare_same(b, x),
                yusuan_core::Agreement::Differs(_)
            )
        }) {
            continue;
        }
        // 完成预算的 P%: the printed 年初预算 sentence is final.execution's; a part's rate is its
        // 决算数 over its 预算数 in the table.
        if !budget_stated {
            let rate = ["完成预算的", "完成年初预算的"]
                .iter()
                .find_map(|w| percent_after(&text[..clause_end], b_end, 40, w));
            if let (Some((pv, pd, p_at)), Val::Amt(base)) = (rate, cell(m.role, Basis::Budget)) {
                if base.fen > 0 && !rate_fits(b, base, (pv, pd)) {
                    sink.emit(
                        &THREE_PUBLIC,
                        Level::Violated,
                        format!(
                            "情况说明称{shown_name}决算{}万元，完成预算的{}，但{}的{shown_name}预算数为{}万元，应为{}",
                            format_fen(b.fen, MoneyUnit::WanYuan),
                            crate::arith::show_pct(pv, pd),
                            t.label(),
                            format_fen(base.fen, MoneyUnit::WanYuan),
                            show_rate(b, base),
                        ),
                        vec![c.line(p_at), at_cell(m.role)],
                    );
                }
            }
        }
        // 占 S%: its share of the 决算数 合计.
        if m.role != ColumnRole::Total {
            if let (Some((sv, sd, s_at)), Val::Amt(whole)) = (
                percent_after(&text[..clause_end], b_end, 12, "占"),
                cell(ColumnRole::Total, Basis::Own),
            ) {
                if whole.fen > 0 && !rate_fits(b, whole, (sv, sd)) {
                    sink.emit(
                        &THREE_PUBLIC,
                        Level::Violated,
                        format!(
                            "情况说明称{shown_name}决算{}万元，占{}，但“三公”经费决算合计{}万元，应占{}",
                            format_fen(b.fen, MoneyUnit::WanYuan),
                            crate::arith::show_pct(sv, sd),
                            format_fen(whole.fen, MoneyUnit::WanYuan),
                            show_rate(b, whole),
                        ),
                        vec![c.line(s_at), at_cell(ColumnRole::Total)],
                    );
                }
            }
        }
    }
}

/// The count printed right after byte `at` ("39个"): the count and the byte after 个.
fn count_at(text: &str, at: usize) -> Option<(u64, usize)> {
    let digits = text[at..].bytes().take_while(u8::is_ascii_digit).count();
    let n = text[at..at + digits].parse().ok()?;
    text[at + digits..]
        .starts_with('个')
        .then_some((n, at + digits + '个'.len_utf8()))
}

/// A count, where its digits start and the byte after its 个.
type Count = (u64, usize, usize);

/// The first count after `word` within `window` bytes of `from`, after the words between:
/// (count, where the digits start, the byte after 个).
fn count_after(text: &str, from: usize, window: usize, word: &str) -> Option<Count> {
    let end = (from + window).min(text.len());
    let end = (end..=text.len()).find(|&e| text.is_char_boundary(e))?;
    let at = text[from..end].find(word)? + from + word.len();
    let (n, after) = count_at(text, at)?;
    Some((n, at, after))
}

/// The 绩效自评 statement: its ratings add up to the projects evaluated, and no more problems
/// corrected than found.
fn performance(c: &Compact, sink: &mut Sink) {
    let text = c.text.as_str();
    let mut from = 0;
    while let Some(k) = text[from..].find("绩效自评的").map(|k| k + from) {
        from = k + "绩效自评的".len();
        let Some((n, n_at, n_end)) = count_after(text, from, 40, "项目") else {
            continue;
        };
        // The ratings, each "为“优”的项目 a 个", in the 200 bytes after.
        let ratings: Vec<(&str, Option<Count>)> = ["优", "良", "合格", "不合格"]
            .iter()
            .map(|r| {
                let word = format!("“{r}”的项目");
                (*r, count_after(text, n_end, 400, &word))
            })
            .collect();
        if ratings.iter().all(|(_, x)| x.is_some()) {
            let sum: u64 = ratings.iter().filter_map(|(_, x)| x.map(|x| x.0)).sum();
            if sum != n {
                let parts: Vec<String> = ratings
                    .iter()
                    .filter_map(|(r, x)| x.map(|x| format!("“{r}”{}个", x.0)))
                    .collect();
                let at: Vec<usize> = std::iter::once(n_at)
                    .chain(ratings.iter().filter_map(|(_, x)| x.map(|x| x.1)))
                    .collect();
                sink.emit(
                    &PERFORMANCE,
                    Level::Violated,
                    format!(
                        "情况说明称绩效自评的项目{n}个，但各评级项目合计{sum}个（{}）",
                        parts.join("、")
                    ),
                    places(c, &at),
                );
            }
        }
        if let Some((p, p_at, p_end)) = count_after(text, n_end, 600, "发现问题") {
            let done = count_after(text, p_end, 60, "已经完成整改的");
            let doing = done.and_then(|d| count_after(text, d.2, 60, "正在整改的"));
            if let (Some(q), Some(r)) = (done, doing) {
                if q.0 + r.0 > p {
                    sink.emit(
                        &PERFORMANCE,
                        Level::Violated,
                        format!(
                            "情况说明称绩效自评中共发现问题{p}个，但已经完成整改的{}个、正在整改的{}个，合计{}个，多于发现的问题",
                            q.0,
                            r.0,
                            q.0 + r.0
                        ),
                        places(c, &[p_at, r.1]),
                    );
                }
            }
        }
    }
}

/// The next "N万元" between `from` and `end`: the amount, where it starts and the byte after its
/// unit.
fn next_amount(text: &str, from: usize, end: usize) -> Option<(Amount, usize, usize)> {
    let mut at = from;
    while at < end {
        let d = text[at..end].find(|ch: char| ch.is_ascii_digit())? + at;
        if let Some((a, _, after)) = amount_at(text, d) {
            return Some((a, d, after));
        }
        // Past this run of digits (a year, a count).
        at = d + text[d..]
            .find(|ch: char| !(ch.is_ascii_digit() || ch == '.' || ch == ','))
            .unwrap_or(text.len() - d);
    }
    None
}

/// The 一般公共预算 table and its index of rows by code and name.
type Items<'a, 't> = Option<(&'t yusuan_core::Table, &'a crate::item::Index<'t>)>;

/// Paragraphs' text without white space (a PDF's line breaks split "支出决算为 / 446.11"), with
/// the source line of each byte.
struct Compact {
    text: String,
    at: Vec<Span>,
}

impl Compact {
    fn new(paragraphs: &[Paragraph]) -> Compact {
        let mut text = String::new();
        let mut at = Vec::new();
        for p in paragraphs {
            // The narrative tokenizer's compaction (white space out, full-width digits in).
            let (chars, offs) = crate::arith::compact(&p.text);
            for (ch, o) in chars.into_iter().zip(offs) {
                at.extend(std::iter::repeat_n(
                    Span::line(p.line_at(o), p.span.page),
                    ch.len_utf8(),
                ));
                text.push(ch);
            }
        }
        Compact { text, at }
    }

    /// The lines from byte `from` to byte `to` (a word and its amount a line break apart).
    fn lines(&self, from: usize, to: usize) -> Location {
        let mut l = self.line(from);
        let end = self.line(to);
        if end.page == l.page && end.line > l.line {
            l.end_line = end.line;
        }
        l
    }

    fn line(&self, at: usize) -> Location {
        let span = self
            .at
            .get(at)
            .or(self.at.last())
            .copied()
            .unwrap_or(Span::line(1, None));
        Location::new(span, None)
    }
}

/// The lines of these bytes, each once, in order given.
fn places(c: &Compact, at: &[usize]) -> Vec<Location> {
    let mut out: Vec<Location> = Vec::new();
    for &a in at {
        let l = c.line(a);
        if !out.iter().any(|o| o.line == l.line && o.page == l.page) {
            out.push(l);
        }
    }
    out
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
fn percent_after(text: &str, from: usize, window: usize, word: &str) -> Option<(i64, u8, usize)> {
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
    let decimals = u8::try_from(number.split('.').nth(1).map_or(0, str::len)).ok()?;
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    Some((digits.parse().ok()?, decimals, at))
}

/// Whether the percentage P (value, decimals) can be B / A given every printed half step (the
/// exact intervals of arith).
fn rate_fits(b: Amount, a: Amount, p: (i64, u8)) -> bool {
    a.fen > 0 && crate::arith::pct_fits(b, a, p)
}

/// B / A as the rules print a rate: rounded half up to two decimals ("95.46%").
fn show_rate(b: Amount, a: Amount) -> String {
    crate::arith::show_pct(crate::arith::rounded_pct(b.fen, a.fen, 2), 2)
}

/// One "年初预算为 A 万元，[全年预算为 F 万元，]支出决算为 B 万元" of the narrative (or an item's
/// "全年预算为 F 万元，支出决算为 B 万元" without its 年初预算): byte offsets into its [`Compact`].
struct Sentence {
    /// Where the sentence's first budget word starts (年初 / 全年).
    k: usize,
    a: Amount,
    a_text: String,
    a_name: &'static str,
    a_at: usize,
    full: Option<(Amount, String, usize)>,
    b: Amount,
    b_text: String,
    b_at: usize,
}

fn sentences(c: &Compact) -> Vec<Sentence> {
    let text = c.text.as_str();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(k) = text[from..].find("预算为").map(|k| k + from) {
        from = k + "预算为".len();
        let a_name = if text[..k].ends_with("年初") {
            "年初预算"
        } else if text[..k].ends_with("全年") {
            "全年预算"
        } else {
            continue;
        };
        let k = k - "年初".len();
        let a_at = from;
        let Some((a, a_text, _)) = amount_at(text, from) else {
            continue;
        };
        // The sentence's 全年预算 (adjusted budget) and 决算 within the next words.
        let full = if a_name == "年初预算" {
            stated(text, from, 90, "全年预算")
        } else {
            None
        };
        let Some((b, b_text, b_at)) = stated(text, from, 150, "决算") else {
            continue;
        };
        from = b_at;
        out.push(Sentence {
            k,
            a,
            a_text: a_text.to_string(),
            a_name,
            a_at,
            full,
            b,
            b_text,
            b_at,
        });
    }
    out
}

fn execution(items: Items, c: &Compact, sink: &mut Sink) {
    let text = c.text.as_str();
    for st in sentences(c) {
        let Sentence {
            k,
            a,
            ref a_text,
            a_name,
            ref full,
            b,
            ref b_text,
            b_at,
            ..
        } = st;
        let a_text = a_text.as_str();
        // The item the sentence is of: the 类 / 款 / 项 path printed before it.
        if let Some((t, ix)) = items {
            item_against_table(t, ix, c, k, (b, b_at), sink);
        }
        let bases: Vec<(Amount, &str)> = std::iter::once((a, a_name))
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
                    .unwrap_or((a, a_name));
                let shown = crate::arith::show_pct(pv, pd);
                // Outside the interval the printed figures allow: an error, even when the
                // percentage was cut rather than rounded (95.4571 printed 95.45), as DOMAIN.md
                // §7 and text.rate have it.
                sink.emit(
                    &EXECUTION,
                    Level::Violated,
                    format!(
                        "情况说明称{name}{}万元、支出决算{}万元，完成{shown}，但按金额计算应为{}（{} ÷ {}）",
                        if name == a_name { a_text } else { full.as_ref().map_or("", |f| f.1.as_str()) },
                        b_text,
                        show_rate(b, base),
                        format_fen(b.fen, MoneyUnit::WanYuan),
                        format_fen(base.fen, MoneyUnit::WanYuan),
                    ),
                    places(c, &[p_at, b_at]),
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
            // "与（全年）预算数持平 / 相等 / 一致"
            || (after.starts_with(['与', '同'])
                && ["持平", "相等", "一致"]
                    .iter()
                    .any(|w| after.chars().take(12).collect::<String>().contains(w)))
        {
            Some(std::cmp::Ordering::Equal)
        } else {
            None
        };
        let Some(said) = said else { continue };
        // A 年初预算 of 0 (a unit set up during the year) beside a 全年预算: the word speaks of
        // the 全年预算.
        let agrees = bases
            .iter()
            .filter(|(base, _)| base.fen != 0 || bases.len() == 1)
            .any(|(base, _)| b.fen.cmp(&base.fen) == said);
        if !agrees {
            let (shown_base, shown_name) = bases
                .iter()
                .rev()
                .find(|(base, _)| base.fen != 0)
                .copied()
                .unwrap_or((a, a_name));
            let word = |o: std::cmp::Ordering| match o {
                std::cmp::Ordering::Greater => "大于",
                std::cmp::Ordering::Less => "小于",
                std::cmp::Ordering::Equal => "等于",
            };
            sink.emit(
                &EXECUTION,
                Level::Violated,
                format!(
                    "情况说明称决算数{}预算数，但{shown_name}{}万元、支出决算{}万元，决算数{}预算数",
                    word(said),
                    format_fen(shown_base.fen, MoneyUnit::WanYuan),
                    format_fen(b.fen, MoneyUnit::WanYuan),
                    word(b.fen.cmp(&shown_base.fen))
                ),
                places(c, &[b_at + w, b_at]),
            );
        }
    }
}

/// The path printed before byte `k` ("…行政运行（项）。主要用于…年初预算为"): where it ends.
fn sentence_path_end(c: &Compact, k: usize) -> Option<usize> {
    let text = &c.text[..k];
    // The last level mark before the sentence, and the path that ends with it.
    let end = LEVEL_MARKS
        .iter()
        .filter_map(|m| text.rfind(m).map(|at| at + m.len()))
        .max()?;
    // Only a path that names the sentence's item: no full stop between it and 年初预算 other
    // than the one after it (“…（项）。主要用于：…。年初预算为…”).
    (text[end..].matches('。').count() <= 2).then_some(end)
}

/// The path printed before byte `k` of the paragraph, resolved to its row of the 一般公共预算
/// table, against the stated 决算数.
fn item_against_table(
    t: &yusuan_core::Table,
    ix: &crate::item::Index,
    c: &Compact,
    k: usize,
    spent: (Amount, usize),
    sink: &mut Sink,
) {
    if let Some(end) = sentence_path_end(c, k) {
        path_against_table(t, ix, c, end, spent, 2, sink);
    }
}

const LEVEL_MARKS: [&str; 3] = ["（项）", "（款）", "（类）"];

/// The path that ends at byte `end` (after its level mark) and has at least `min` levels,
/// resolved to its row of the 一般公共预算 table: the row and where the path starts.
fn path_row<'t>(
    ix: &crate::item::Index<'t>,
    c: &Compact,
    end: usize,
    min: usize,
) -> Option<(crate::facts::CodedRow<'t>, usize)> {
    let text = &c.text[..end];
    // The path starts after the sentence, clause or list number before it.
    let start = text
        .rfind(['。', '；', '：', '、', '，', '.', '．'])
        .map_or(0, |s| {
            s + text[s..].chars().next().map_or(1, char::len_utf8)
        });
    let path = crate::item::pieces(&text[start..end]);
    if path.len() < min {
        return None;
    }
    match crate::item::resolve(ix, &path) {
        Some((row, true)) => Some((row, start)),
        _ => None,
    }
}

/// The path that ends at byte `end`, against the amount stated for it.
fn path_against_table(
    t: &yusuan_core::Table,
    ix: &crate::item::Index,
    c: &Compact,
    end: usize,
    (b, b_at): (Amount, usize),
    min: usize,
    sink: &mut Sink,
) {
    let Some((row, start)) = path_row(ix, c, end, min) else {
        return;
    };
    check_same(
        sink,
        &ITEM,
        Level::Violated,
        Side {
            desc: || format!("情况说明所称“{}”支出决算", &c.text[start..end]),
            val: Val::Amt(b),
            loc: || c.line(b_at),
        },
        Side {
            desc: || format!("{} {} {}的“合计”", t.label(), row.code, row.name),
            val: Val::of(t.value(row.row, ColumnRole::Total)),
            loc: || loc(t, row.row.span).in_column(ColumnRole::Total),
        },
        MoneyUnit::WanYuan,
    );
}

/// What a 决算's narrative states of one 科目's execution (or of the whole 一般公共预算财政拨款
/// 支出, `code` None): its 年初预算, 全年预算 and 决算, each with where it is printed.
pub struct StatedExecution {
    pub code: Option<String>,
    pub initial: Option<(Amount, Location)>,
    pub full_year: Option<(Amount, Location)>,
    pub actual: (Amount, Location),
}

/// Every execution statement of the narrative tied to its 科目 (or to the whole).
pub(crate) fn stated_execution(ctx: &Ctx) -> Vec<StatedExecution> {
    let Some(t) = ctx.facts.table(TableKind::GeneralBudgetByFunction) else {
        return Vec::new();
    };
    let ix = crate::item::Index::new(t);
    let mut out = Vec::new();
    for s in &ctx.doc.sections {
        let c = Compact::new(&s.paragraphs);
        for st in sentences(&c) {
            let code = if c.text[..st.k].ends_with("一般公共预算财政拨款支出") {
                None
            } else {
                let Some(end) = sentence_path_end(&c, st.k) else {
                    continue;
                };
                let Some((row, _)) = path_row(&ix, &c, end, 2) else {
                    continue;
                };
                Some(row.code.to_string())
            };
            let initial = (st.a_name == "年初预算").then(|| (st.a, c.line(st.a_at)));
            let full_year = if st.a_name == "全年预算" {
                Some((st.a, c.line(st.a_at)))
            } else {
                st.full.as_ref().map(|f| (f.0, c.line(f.2)))
            };
            out.push(StatedExecution {
                code,
                initial,
                full_year,
                actual: (st.b, c.line(st.b_at)),
            });
        }
    }
    out
}

/// The structure's figures: "一般公共服务支出（类）264.87万元，占86.05%", an amount right
/// after a level mark, against that row of the 一般公共预算 table.
fn class_figures(t: &yusuan_core::Table, ix: &crate::item::Index, c: &Compact, sink: &mut Sink) {
    let text = c.text.as_str();
    for mark in LEVEL_MARKS {
        let mut from = 0;
        while let Some(k) = text[from..].find(mark).map(|k| k + from) {
            from = k + mark.len();
            if let Some((amount, _, _)) = amount_at(text, from) {
                path_against_table(t, ix, c, from, (amount, from), 1, sink);
            }
        }
    }
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

/// The name printed right before each "YYYY年度" of `text` (after the last punctuation before
/// it, white space out): (byte offset of the year, the name).
fn names_before_years(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for k in 0..chars.len() {
        let (at, c) = chars[k];
        let starts = c.is_ascii_digit() && (k == 0 || !chars[k - 1].1.is_ascii_digit());
        if !starts {
            continue;
        }
        // Four digits, white space allowed before 年度.
        let digits = chars[k..]
            .iter()
            .take_while(|(_, ch)| ch.is_ascii_digit())
            .count();
        if digits != 4 {
            continue;
        }
        let rest: String = chars[k + 4..]
            .iter()
            .map(|(_, ch)| *ch)
            .filter(|ch| !ch.is_whitespace())
            .take(2)
            .collect();
        if rest != "年度" {
            continue;
        }
        let before = &text[..at];
        let mark = before.rfind(|ch: char| {
            ch.is_ascii_punctuation() || "。，、；：（）“”《》\u{c}".contains(ch)
        });
        // A title quoted (《中共…区委2024年度工作要点》) names its author, not this unit.
        if mark.is_some_and(|m| before[m..].starts_with(['《', '“'])) {
            continue;
        }
        let start = mark.map_or(0, |s| {
            s + before[s..].chars().next().map_or(1, char::len_utf8)
        });
        let name: String = before[start..]
            .chars()
            .filter(|ch| !ch.is_whitespace())
            .collect();
        // A list number run into the name ("2 上海市…") is not part of it.
        let name = last_name(name.trim_start_matches(|ch: char| ch.is_ascii_digit())).to_string();
        out.push((at, name));
    }
    out
}

const ENDINGS: [&str; 16] = [
    "部",
    "局",
    "委",
    "委员会",
    "办公室",
    "办",
    "中心",
    "院",
    "厅",
    "署",
    "处",
    "所",
    "站",
    "队",
    "馆",
    "会",
];

/// The last unit name of a run of names a layout joined ("…服务中心上海市普陀区委统战部"): the
/// shortest tail that starts right after a unit's ending with a place and is itself a name of
/// five or more characters.
fn last_name(name: &str) -> &str {
    let mut best = name;
    for e in ENDINGS {
        for (i, _) in name.match_indices(e) {
            let tail = &name[i + e.len()..];
            // A name starts with its place (上海市…, 中共…), not in the middle of one
            // (…区委 / 社会工作部).
            let placed =
                tail.starts_with("中共") || tail.chars().take(4).any(|c| "省市区县".contains(c));
            if placed
                && tail.chars().count() >= 5
                && ENDINGS.iter().any(|x| tail.ends_with(x))
                && tail.len() < best.len()
            {
                best = tail;
            }
        }
    }
    best
}

/// Whether `name` reads as a unit's name and is not the cover's `unit`. A unit's name starts
/// with its place (上海市…, 中共…): "根据中共…区委" is a sentence that cites one.
fn other_unit(name: &str, unit: &str) -> bool {
    let placed = name.starts_with("中共") || name.chars().take(4).any(|c| "省市区县".contains(c));
    name.chars().count() >= 5
        && placed
        && ENDINGS.iter().any(|e| name.ends_with(e))
        // "纳入中共…工作部" holds the cover's name after a verb; "区财政局" is part of it.
        && !name.contains(unit)
        && !unit.contains(name)
}

/// One unit throughout: the names printed before "YYYY年度" in headings, table titles and
/// sentences against the cover's.
fn unit_names(ctx: &Ctx, sink: &mut Sink) {
    let Some(unit) = ctx
        .doc
        .unit_name
        .as_ref()
        .map(|u| yusuan_core::label::compact(&u.value))
    else {
        return;
    };
    let mut spots: Vec<(Location, String)> = Vec::new();
    for s in &ctx.doc.sections {
        for (_, name) in names_before_years(&s.heading) {
            if other_unit(&name, &unit) {
                spots.push((Location::new(s.span, None), name));
            }
        }
        for p in &s.paragraphs {
            for (at, name) in names_before_years(&p.text) {
                if other_unit(&name, &unit) {
                    spots.push((
                        Location::new(Span::line(p.line_at(at), p.span.page), None),
                        name,
                    ));
                }
            }
        }
    }
    for t in &ctx.doc.tables {
        for (_, name) in names_before_years(&t.title) {
            if other_unit(&name, &unit) {
                spots.push((loc(t, t.span), name));
            }
        }
    }
    emit_spots(sink, &UNIT_NAME, spots, |first, more| {
        format!("本文件是{unit}的决算，但“{first}”{more}写作另一单位的名称")
    });
}

/// Places of one slip as one finding, its message naming the first of them and how many.
fn emit_spots(
    sink: &mut Sink,
    rule: &'static Rule,
    spots: Vec<(Location, String)>,
    message: impl FnOnce(&str, &str) -> String,
) {
    let Some((_, first)) = spots.first() else {
        return;
    };
    let more = if spots.len() > 1 {
        format!("等{}处", spots.len())
    } else {
        String::new()
    };
    let text = message(first, &more);
    sink.emit(
        rule,
        Level::Violated,
        text,
        spots.into_iter().map(|(l, _)| l).collect(),
    );
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
    emit_spots(sink, &YEAR, spots, |first, more| {
        format!("本文件是{year}年度决算，{first}{more}：既不是决算年度，也不是比较的上一年度")
    });
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
    row.has_amount().then(|| (Val::of(t.value(row, role)), row))
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
    // 人员经费合计 + 公用经费合计 of the 基本支出 table = the 基本支出 of the 一般公共预算 table.
    if let (Some(basic), Some(general)) = (table(BasicByEconomic), table(GeneralBudgetByFunction)) {
        let closing: Vec<&yusuan_core::Row> = basic
            .col(Name)
            .map(|ni| {
                basic
                    .rows
                    .iter()
                    .filter(|r| yusuan_core::label::closes_block(r.text(ni)))
                    .collect()
            })
            .unwrap_or_default();
        if let (true, Some((vg, rg))) = (closing.len() >= 2, class_total(general, Basic)) {
            let parts: Vec<Val> = closing
                .iter()
                .map(|r| Val::of(basic.value(r, Total)))
                .collect();
            let names: Vec<String> = closing
                .iter()
                .filter_map(|r| basic.col(Name).map(|ni| r.text(ni)))
                .map(|l| l.trim_end_matches("合计").to_string())
                .collect();
            let first = closing[0].span;
            crate::facts::check_sum(
                sink,
                &CROSS,
                Side {
                    desc: || format!("{}合计行的“基本支出”", general.label()),
                    val: vg,
                    loc: || loc(general, rg.span).in_column(Basic),
                },
                &parts,
                &format!("{}的{}", basic.label(), names.join("、")),
                Some(&loc(basic, first)),
                ctx.facts.unit(general),
            );
        }
    }
}

/// The row of `t` whose label is `label` (人员经费合计), with a figure.
fn block_total<'t>(t: &'t yusuan_core::Table, label: &str) -> Option<&'t yusuan_core::Row> {
    let ni = t.col(ColumnRole::Name)?;
    t.rows
        .iter()
        .find(|r| yusuan_core::label::compact(r.text(ni)) == label)
}

/// Where a total the narrative states is printed.
#[derive(Clone, Copy)]
enum Target {
    /// A 收支总表's row on one side (its item column), in an amount column.
    Summary(TableKind, ColumnRole, SideLabel, ColumnRole),
    /// The 合计 row of a by-class table, in one column.
    ClassTotal(TableKind, ColumnRole),
    /// The row of a by-class table that closes a block (人员经费合计), in its 合计 column.
    BlockTotal(TableKind, &'static str),
}

/// One total the narrative states, by the words before its amount.
struct Stated {
    word: &'static str,
    /// A sentence that speaks of 财政拨款 means that money alone: not this total.
    not_fiscal: bool,
    /// Words the sentence must say before it (“本年支出合计…其中：基本支出 X”).
    after: Option<&'static str>,
    /// Those words may end the sentence before (“基本支出 X 万元。其中：人员经费 P 万元”).
    after_back: bool,
    target: Target,
}

const STATED: &[Stated] = {
    use ColumnRole::*;
    use TableKind::*;
    use Target::*;
    &[
        Stated {
            word: "财政拨款收入支出总计",
            not_fiscal: false,
            after: None,
            after_back: false,
            target: Summary(FiscalSummary, IncomeItem, SideLabel::Grand, IncomeAmount),
        },
        Stated {
            word: "收入支出总计",
            not_fiscal: true,
            after: None,
            after_back: false,
            target: Summary(DeptSummary, IncomeItem, SideLabel::Grand, IncomeAmount),
        },
        Stated {
            word: "本年收入合计",
            not_fiscal: true,
            after: None,
            after_back: false,
            target: Summary(DeptSummary, IncomeItem, SideLabel::Current, IncomeAmount),
        },
        Stated {
            word: "本年支出合计",
            not_fiscal: true,
            after: None,
            after_back: false,
            target: Summary(DeptSummary, ExpItem, SideLabel::Current, Total),
        },
        Stated {
            word: "财政拨款收入",
            not_fiscal: false,
            after: Some("本年收入合计"),
            after_back: false,
            target: ClassTotal(DeptIncome, Fiscal),
        },
        Stated {
            word: "基本支出",
            not_fiscal: true,
            after: Some("本年支出合计"),
            after_back: false,
            target: ClassTotal(DeptExpenditure, Basic),
        },
        Stated {
            word: "项目支出",
            not_fiscal: true,
            after: Some("本年支出合计"),
            after_back: false,
            target: ClassTotal(DeptExpenditure, Project),
        },
        Stated {
            word: "一般公共预算财政拨款支出",
            not_fiscal: false,
            after: None,
            after_back: false,
            target: ClassTotal(GeneralBudgetByFunction, Total),
        },
        Stated {
            word: "一般公共预算财政拨款基本支出",
            not_fiscal: false,
            after: None,
            after_back: false,
            target: ClassTotal(GeneralBudgetByFunction, Basic),
        },
        // “一般公共预算财政拨款基本支出 X 万元，其中：人员经费 P 万元…；公用经费 Q 万元”.
        Stated {
            word: "人员经费",
            not_fiscal: false,
            after: Some("基本支出"),
            after_back: true,
            target: BlockTotal(BasicByEconomic, "人员经费合计"),
        },
        Stated {
            word: "公用经费",
            not_fiscal: false,
            after: Some("基本支出"),
            after_back: true,
            target: BlockTotal(BasicByEconomic, "公用经费合计"),
        },
    ]
};

/// The narrative's totals against the 总表s and the 合计 rows of the by-class tables.
fn totals(ctx: &Ctx, c: &Compact, sink: &mut Sink) {
    let text = c.text.as_str();
    for st in STATED {
        let word = st.word;
        let mut from = 0;
        while let Some(k) = text[from..].find(word).map(|k| k + from) {
            from = k + word.len();
            let sentence = text[..k].rfind('。').map_or(0, |e| e + '。'.len_utf8());
            let before = &text[sentence..k];
            // "财政拨款收入支出总计" also holds "收入支出总计": the longer word takes it. A
            // sentence of 财政拨款 may say 本年收入合计 of that money alone: not compared.
            if st.not_fiscal && before.contains("财政拨款") {
                continue;
            }
            let back = if st.after_back {
                text[..sentence.saturating_sub('。'.len_utf8())]
                    .rfind('。')
                    .map_or(0, |e| e + '。'.len_utf8())
            } else {
                sentence
            };
            if st.after.is_some_and(|w| !text[back..k].contains(w)) {
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
            let (t, row_label, row, col) = match st.target {
                Target::Summary(kind, item, label, col) => {
                    let Some(t) = ctx.facts.table(kind) else {
                        continue;
                    };
                    let Some((l, row)) = side_items(t, item)
                        .into_iter()
                        .map(|(l, _, r)| (l, r))
                        .find(|(l, _)| side_label(l) == label)
                    else {
                        continue;
                    };
                    (t, l, row, col)
                }
                Target::ClassTotal(kind, col) => {
                    let Some(t) = ctx.facts.table(kind) else {
                        continue;
                    };
                    let Some((_, row)) = class_total(t, col) else {
                        continue;
                    };
                    (t, format!("合计行的“{}”", col.label()), row, col)
                }
                Target::BlockTotal(kind, label) => {
                    let Some(t) = ctx.facts.table(kind) else {
                        continue;
                    };
                    let Some(row) = block_total(t, label) else {
                        continue;
                    };
                    (t, format!("“{label}”"), row, ColumnRole::Total)
                }
            };
            if t.col(col).is_none() {
                continue;
            }
            check_same(
                sink,
                &TOTAL,
                Level::Violated,
                Side {
                    desc: || format!("情况说明所称{word}"),
                    val: Val::Amt(amount),
                    loc: || c.lines(k, at),
                },
                Side {
                    desc: || match st.target {
                        Target::Summary(..) => format!("{}“{row_label}”", t.label()),
                        Target::ClassTotal(..) | Target::BlockTotal(..) => {
                            format!("{}{row_label}", t.label())
                        }
                    },
                    val: Val::of(t.value(row, col)),
                    loc: || loc(t, row.span).in_column(col),
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
    fn a_unit_cited_is_not_another_unit_named() {
        let unit = "上海市普陀区财政局";
        let others = |text: &str| -> Vec<String> {
            names_before_years(text)
                .into_iter()
                .map(|(_, n)| n)
                .filter(|n| other_unit(n, unit))
                .collect()
        };
        // A heading naming another unit: named.
        assert_eq!(
            others("上海市普陀区民政局2024年度部门决算"),
            ["上海市普陀区民政局"]
        );
        // A sentence citing the district committee, or its document: not.
        assert!(others("根据中共上海市普陀区委2024年度工作要点，本部门").is_empty());
        assert!(others("落实《中共上海市普陀区委2024年度工作要点》").is_empty());
        assert!(others("上海市普陀区财政局2024年度部门决算").is_empty());
    }

    #[test]
    fn more_problems_corrected_than_found() {
        let para = |t: &str| Paragraph {
            text: t.into(),
            ..Paragraph::default()
        };
        let text = "绩效自评的2024年度项目4个，涉及预算金额598.42万元（其中，绩效评级为“优”的项目4个；绩效评级为“良”的项目0个；绩效评级为“合格”的项目0个；绩效评级为“不合格”的项目0个。绩效自评中共发现问题1个，已经完成整改的1个，正在整改的1个）。";
        let mut sink = Sink::default();
        performance(&Compact::new(&[para(text)]), &mut sink);
        assert_eq!(sink.findings.len(), 1);
        assert!(sink.findings[0].message.contains("合计2个，多于发现的问题"));
        // Two found, one corrected and one being corrected: nothing.
        let mut sink = Sink::default();
        performance(
            &Compact::new(&[para(&text.replace("1个，已", "2个，已"))]),
            &mut sink,
        );
        assert!(sink.findings.is_empty());
    }

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
        let c = Compact::new(&[Paragraph {
            text: "年初预算为 452.40 万元，支出决算为\n446.11 万元".into(),
            ..Paragraph::default()
        }]);
        assert_eq!(
            stated(&c.text, 0, 150, "决算").map(|s| s.1),
            Some("446.11".to_string())
        );
    }
}

//! Item figures of the narrative ("公共安全支出（204类）司法（06款）行政运行（01项）1672.67万元",
//! "检察（款）行政运行（项）支出12,268.62万元") against their row of the function table, found by
//! the codes printed in the path or else by its names level by level.

use crate::facts::{check_same, coded_rows, loc, Side, Val};
use crate::{Ctx, Level, Location, Rule, Sink};
use yusuan_core::catalog::normalize_name;
use yusuan_core::{compare_same, Agreement, ColumnRole, Figure, Subject, Table, TableKind};

pub(crate) const ITEM: Rule = rule!(
    "text.item",
    Error,
    "全部",
    "说明中的科目金额与表格一致",
    "An item the narrative names by its 类 / 款 / 项 path (with or without codes) states the amount of that row of the function tables: an error when no function table's row agrees."
);
pub(crate) const ITEM_LEVEL: Rule = rule!(
    "text.item-level",
    Warning,
    "全部",
    "科目级次标注错误",
    "A name in an item's path is marked at a level its row does not have (“行政事业单位离退休（类）” where 20805 is a 款)."
);

/// One piece of a printed path: its name, its level (3, 5 or 7 digits) and its code digits.
#[derive(Debug)]
pub(crate) struct Piece {
    pub(crate) name: String,
    pub(crate) level: usize,
    pub(crate) digits: Option<String>,
}

pub(crate) fn pieces(label: &str) -> Vec<Piece> {
    // “（款)”: a half-width bracket closing a level mark reads as the full-width one (the slip
    // itself is edit.brackets').
    let l = label
        .trim_matches(['“', '”', '"'])
        .replace('(', "（")
        .replace(')', "）");
    let l = l.as_str();
    let mut out = Vec::new();
    // The name runs from the end of the last level mark; "（室）" inside a name stays in it.
    let mut name_start = 0;
    let mut pos = 0;
    while let Some(open) = l[pos..].find('（').map(|o| pos + o) {
        let after = open + '（'.len_utf8();
        let Some(close) = l[after..].find('）').map(|c| after + c) else {
            break;
        };
        let inner = &l[after..close];
        pos = close + '）'.len_utf8();
        let digits: String = inner.chars().filter(char::is_ascii_digit).collect();
        let mark: String = inner.chars().filter(|c| !c.is_ascii_digit()).collect();
        let level = match mark.trim() {
            "类" => 3,
            "款" => 5,
            "项" => 7,
            _ => continue,
        };
        let name = l[name_start..open].trim();
        name_start = pos;
        if name.is_empty() {
            return Vec::new();
        }
        out.push(Piece {
            name: name.to_string(),
            level,
            digits: (!digits.is_empty()).then_some(digits),
        });
    }
    out
}

/// The tables an item path may name a row of: the function tables of every fund.
fn function_tables<'t>(ctx: &Ctx<'t>) -> Vec<&'t Table> {
    [
        TableKind::GeneralBudgetByFunction,
        TableKind::DeptExpenditure,
        TableKind::GovFundByFunction,
    ]
    .iter()
    .filter_map(|k| ctx.facts.table(*k))
    .collect()
}

pub fn run(ctx: &Ctx, sink: &mut Sink) {
    let tables = function_tables(ctx);
    if tables.is_empty() {
        // A narrative published apart from its tables: its level marks are checked against
        // the catalog.
        for f in &ctx.doc.figures {
            if let Subject::Unknown(label) = &f.subject {
                catalog_level_slip(ctx.functional, f, &pieces(label), sink);
            }
        }
        return;
    }
    let mut indexes: Option<Vec<Index>> = None;
    for f in &ctx.doc.figures {
        let (Subject::Unknown(label), Some(amount)) = (&f.subject, f.amount) else {
            continue;
        };
        let path = pieces(label);
        if path.is_empty() {
            continue;
        }
        let ix = indexes.get_or_insert_with(|| tables.iter().map(|t| Index::new(t)).collect());
        // One piece (“行政运行（项）支出”, its 类 and 款 in the heading above): an item only
        // where one row of the function tables has that name at that level.
        if path.len() == 1 && !ix.iter().any(|i| resolve(i, &path).is_some()) {
            continue;
        }
        check(ctx, f, &path, amount, ix, sink);
    }
}

/// A function table's coded rows with their names normalised once (a path is resolved
/// against every row, for every item figure).
pub(crate) struct Index<'t> {
    table: &'t Table,
    rows: Vec<(crate::facts::CodedRow<'t>, String)>,
    by_code: std::collections::HashMap<&'t str, usize>,
}

impl<'t> Index<'t> {
    pub(crate) fn new(table: &'t Table) -> Index<'t> {
        let rows: Vec<_> = coded_rows(table)
            .into_iter()
            .map(|r| {
                let n = normalize_name(r.name);
                (r, n)
            })
            .collect();
        let by_code = rows
            .iter()
            .enumerate()
            .map(|(k, (r, _))| (r.code, k))
            .collect();
        Index {
            table,
            rows,
            by_code,
        }
    }

    fn name_of(&self, code: &str) -> Option<&str> {
        self.by_code.get(code).map(|&k| self.rows[k].1.as_str())
    }
}

/// "未归口管理的行政单位离退休支出" names the row "未归口管理的行政单位离退休" (both normalised).
fn same(a: &str, b: &str) -> bool {
    a == b || a.trim_end_matches("支出") == b.trim_end_matches("支出")
}

/// The code of the path's row, and whether its levels were as printed.
pub(crate) fn resolve<'t>(
    ix: &Index<'t>,
    path: &[Piece],
) -> Option<(crate::facts::CodedRow<'t>, bool)> {
    // Codes printed in every piece: 204 + 06 + 01.
    if path.iter().all(|p| p.digits.is_some()) {
        let code: String = path.iter().filter_map(|p| p.digits.as_deref()).collect();
        return ix.by_code.get(code.as_str()).map(|&k| (ix.rows[k].0, true));
    }
    let last = path.last()?;
    let last_name = normalize_name(&last.name);
    let parents: Vec<(usize, String)> = path[..path.len() - 1]
        .iter()
        .map(|p| (p.level, normalize_name(&p.name)))
        .collect();
    let fits = |r: &crate::facts::CodedRow, name: &str, levels: bool| {
        if !same(name, &last_name) || (levels && r.code.len() != last.level) {
            return false;
        }
        // Every parent named is the row's ancestor at its level, or (levels ignored) at any.
        parents.iter().all(|(level, want)| {
            let is = |n: usize| {
                n < r.code.len() && ix.name_of(&r.code[..n]).is_some_and(|x| same(x, want))
            };
            if levels {
                is(*level)
            } else {
                is(3) || is(5)
            }
        })
    };
    let exact: Vec<_> = ix.rows.iter().filter(|(r, n)| fits(r, n, true)).collect();
    match exact[..] {
        [(r, _)] => return Some((*r, true)),
        [] => {}
        _ => return None,
    }
    let loose: Vec<_> = ix.rows.iter().filter(|(r, n)| fits(r, n, false)).collect();
    match loose[..] {
        [(r, _)] => return Some((*r, false)),
        [] => {}
        _ => return None,
    }
    // A parent's name run into the row's, its level mark left out: “人大事务行政运行（项）”
    // is 20101 人大事务 + 2010101 行政运行. One row only, at the level printed.
    let run_in: Vec<_> = ix
        .rows
        .iter()
        .filter(|(r, n)| {
            r.code.len() == last.level
                && !n.is_empty()
                && last_name.len() > n.len()
                && last_name.ends_with(n.as_str())
                && [3, 5].iter().any(|&k| {
                    k < r.code.len()
                        && ix
                            .name_of(&r.code[..k])
                            .is_some_and(|x| last_name[..last_name.len() - n.len()] == *x)
                })
        })
        .collect();
    match run_in[..] {
        [(r, _)] => return Some((*r, true)),
        [] => {}
        _ => return None,
    }
    by_catalog(ix, path)
}

/// The path's code by the catalog, level by level (each piece's name the one code of its level
/// under the code found so far), and the table's row of that code: a row whose printed name a
/// layout garbled ("一般公共服务" / "支出" read as "支出") is still found.
fn by_catalog<'t>(ix: &Index<'t>, path: &[Piece]) -> Option<(crate::facts::CodedRow<'t>, bool)> {
    use yusuan_core::catalog::{Catalog, Classification};
    let catalog = Catalog::builtin(Classification::Functional);
    let mut code = String::new();
    for p in path {
        let found: Vec<&str> = catalog
            .codes_named(&p.name, p.level)
            .into_iter()
            .filter(|c| c.starts_with(code.as_str()))
            .collect();
        let [one] = found[..] else {
            return None;
        };
        code = one.to_string();
    }
    ix.by_code.get(code.as_str()).map(|&k| (ix.rows[k].0, true))
}

/// “…（类）”：20805 行政事业单位离退休是款级科目，应标注为（款）.
fn level_message(f: &Figure, p: &Piece, code: &str) -> String {
    let is = level_word(code.len());
    format!(
        "情况说明第{}行“{}（{}）”：{code} {}是{is}级科目，应标注为（{is}）",
        f.span.line,
        p.name,
        level_word(p.level),
        p.name,
    )
}

fn level_word(n: usize) -> &'static str {
    match n {
        3 => "类",
        5 => "款",
        _ => "项",
    }
}

fn check(
    ctx: &Ctx,
    f: &Figure,
    path: &[Piece],
    amount: yusuan_core::Amount,
    tables: &[Index],
    sink: &mut Sink,
) {
    let found: Vec<(&Table, crate::facts::CodedRow, bool)> = tables
        .iter()
        .filter_map(|ix| resolve(ix, path).map(|(r, levels_ok)| (ix.table, r, levels_ok)))
        .collect();
    let Some((t0, r0, levels_ok)) = found.first() else {
        let label: String = path
            .iter()
            .map(|p| format!("{}（{}）", p.name, level_word(p.level)))
            .collect();
        sink.emit(
            &ITEM,
            Level::Info,
            format!(
                "无法核验：情况说明第{}行所列科目“{label}”在支出功能分类表中找不到对应的行",
                f.span.line
            ),
            vec![Location::new(f.span, None)],
        );
        return;
    };
    if !levels_ok {
        level_slip(f, path, t0, r0, sink);
    }
    // Agreeing with any function table's row is enough (部门 and 财政拨款 tables may differ).
    let agrees = found.iter().any(
        |(t, r, _)| match Val::of(t.value(r.row, ColumnRole::Total)) {
            Val::Amt(a) => !matches!(compare_same(amount, a), Agreement::Differs(_)),
            _ => true,
        },
    );
    if agrees {
        return;
    }
    let label = path
        .iter()
        .map(|p| format!("{}（{}）", p.name, level_word(p.level)))
        .collect::<String>();
    check_same(
        sink,
        &ITEM,
        Level::Violated,
        Side {
            desc: || format!("情况说明第{}行“{}”", f.span.line, label),
            val: Val::Amt(amount),
            loc: || Location::new(f.span, None),
        },
        Side {
            desc: || format!("{} {} {}的“合计”", t0.label(), r0.code, r0.name),
            val: Val::of(t0.value(r0.row, ColumnRole::Total)),
            loc: || loc(t0, r0.row.span),
        },
        ctx.facts.unit(t0),
    );
}

fn level_slip(f: &Figure, path: &[Piece], t: &Table, r: &crate::facts::CodedRow, sink: &mut Sink) {
    let rows = coded_rows(t);
    for p in path {
        let want = normalize_name(&p.name);
        let actual = [3, 5, 7].into_iter().find(|&n| {
            n <= r.code.len()
                && rows
                    .iter()
                    .any(|x| x.code == &r.code[..n] && normalize_name(x.name) == want)
        });
        if let Some(n) = actual.filter(|n| *n != p.level) {
            sink.emit(
                &ITEM_LEVEL,
                Level::Violated,
                level_message(f, p, &r.code[..n]),
                vec![Location::new(f.span, None), loc(t, r.row.span)],
            );
            return;
        }
    }
}

/// A level mark the catalog contradicts, where no function table is there to decide: a name
/// the catalog never has at the level printed and has at exactly one other level, under one
/// code, whose neighbours in the path (those the catalog knows) are its ancestors or
/// descendants. “行政事业单位离退休（类）…（项）”: 20805 is a 款 (and the 项 after it is one of
/// its own). Paths of one piece, or with codes printed, are left to the tables.
fn catalog_level_slip(catalog: &yusuan_core::Catalog, f: &Figure, path: &[Piece], sink: &mut Sink) {
    if path.len() < 2 || path.iter().any(|p| p.digits.is_some()) {
        return;
    }
    let named = |name: &str| -> Vec<&str> {
        [3, 5, 7]
            .into_iter()
            .flat_map(|n| catalog.codes_named(name, n))
            .collect()
    };
    for (k, p) in path.iter().enumerate() {
        if !catalog.codes_named(&p.name, p.level).is_empty() {
            continue;
        }
        let [code] = named(&p.name)[..] else {
            continue;
        };
        let related = |other: &str| other.starts_with(code) || code.starts_with(other);
        let neighbours_fit = path
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != k)
            .all(|(_, q)| {
                let theirs = named(&q.name);
                theirs.is_empty() || theirs.iter().any(|c| related(c))
            });
        if !neighbours_fit {
            return;
        }
        sink.emit(
            &ITEM_LEVEL,
            Level::Violated,
            level_message(f, p, code),
            vec![Location::new(f.span, None)],
        );
        return;
    }
}

pub(crate) const PERSONNEL: Rule = rule!(
    "text.personnel",
    Error,
    "全部",
    "人员经费与公用经费",
    "The 人员经费 and 公用经费 the narrative states equal the basic table's split: its 人员经费 / 公用经费 columns, or 301 + 303 and the rest of 基本支出 where it prints codes only. An error when no basic table agrees."
);

/// The basic table's 人员经费 or 公用经费 total.
fn split_of(t: &Table, personnel: bool) -> Option<Val> {
    let total = crate::facts::total_row(t)?;
    let role = if personnel {
        ColumnRole::Personnel
    } else {
        ColumnRole::PublicUse
    };
    if t.col(role).is_some() {
        return Some(Val::of(t.value(total, role)));
    }
    let rows = coded_rows(t);
    let class = |code: &str| {
        rows.iter().find(|r| r.code == code).map_or(Some(0), |r| {
            match Val::of(t.value(r.row, ColumnRole::Total)) {
                Val::Amt(a) => Some(a.fen),
                Val::Blank => Some(0),
                _ => None,
            }
        })
    };
    let Val::Amt(all) = Val::of(t.value(total, ColumnRole::Total)) else {
        return None;
    };
    // 301 must be printed: a table without its classes cannot be split.
    rows.iter().find(|r| r.code == "301")?;
    let people = class("301")? + class("303")?;
    let fen = if personnel { people } else { all.fen - people };
    Some(Val::Amt(yusuan_core::Amount { fen, ..all }))
}

pub fn personnel(ctx: &Ctx, sink: &mut Sink) {
    let tables: Vec<&Table> = ctx.facts.tables(TableKind::BasicByEconomic).collect();
    if tables.is_empty() {
        return;
    }
    for f in &ctx.doc.figures {
        let (Subject::Unknown(label), Some(amount)) = (&f.subject, f.amount) else {
            continue;
        };
        let Some((bare, personnel)) = personnel_label(label) else {
            continue;
        };
        let stated: Vec<(&Table, Val)> = tables
            .iter()
            .filter_map(|t| split_of(t, personnel).map(|v| (*t, v)))
            .collect();
        let Some((t0, v0)) = stated.first() else {
            continue;
        };
        let agrees = stated.iter().any(|(_, v)| match v {
            Val::Amt(a) => !matches!(compare_same(amount, *a), Agreement::Differs(_)),
            _ => true,
        });
        if agrees {
            continue;
        }
        let total = crate::facts::total_row(t0).map_or(t0.span, |r| r.span);
        check_same(
            sink,
            &PERSONNEL,
            Level::Violated,
            Side {
                desc: || format!("情况说明第{}行“{}”", f.span.line, bare),
                val: Val::Amt(amount),
                loc: || Location::new(f.span, None),
            },
            Side {
                desc: || format!("{}合计的{}", t0.label(), bare),
                val: v0.clone(),
                loc: || loc(t0, total),
            },
            ctx.facts.unit(t0),
        );
    }
}

/// "（一）人员经费", "人员经费": a label that is the quantity itself, and whether it is 人员经费
/// (else 公用经费).
fn personnel_label(label: &str) -> Option<(&str, bool)> {
    let bare = label
        .trim_start_matches(|c: char| "（()）一二三四五六七八九十、.．0123456789 ".contains(c))
        .trim();
    match bare {
        "人员经费" => Some((bare, true)),
        "公用经费" | "日常公用经费" => Some((bare, false)),
        _ => None,
    }
}

/// A narrative amount the audit cannot tie to what it is of, so that no rule checks it
/// against a table: listed by `yusuan read`, never left silently unknown.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Unresolved {
    pub line: u32,
    pub page: Option<u32>,
    /// What the narrative says the amount is of, as the reader took it.
    pub label: String,
    /// The amount as printed.
    pub amount: String,
    /// Why it is unresolved, in Chinese for the reader of the list.
    pub why: &'static str,
}

/// Words of an amount that is another figure of the item before it: its prior-year amount
/// (上年预算数, 当年预算执行数) or its planned amount (预算安排, 本年预算数).
fn of_the_item_before(label: &str) -> bool {
    let l = label.trim();
    let short = l.chars().count() <= 12;
    short
        && [
            "执行数",
            "上年",
            "预算安排",
            "本年预算",
            "预算数",
            "决算数",
            "安排",
        ]
        .iter()
        .any(|w| l.contains(w))
}

/// The narrative amounts no subject, 类 / 款 / 项 path or item resolves: item figures whose
/// path names no row of the function tables, and amounts whose words name nothing the tables
/// hold (a 会议费 total, a project's name). A prior or planned amount stated right after an item
/// it belongs to is that item's. Empty for a document the audit does not read as a budget.
pub fn unresolved(ctx: &Ctx) -> Vec<Unresolved> {
    let tables = function_tables(ctx);
    let indexes: Vec<Index> = tables.iter().map(|t| Index::new(t)).collect();
    let mut out = Vec::new();
    // The line of the last resolved figure: a prior or planned amount within two lines of it
    // is that figure's.
    let mut last_resolved: Option<u32> = None;
    for f in &ctx.doc.figures {
        let Some(amount) = f.amount else { continue };
        let why = match &f.subject {
            Subject::Unknown(label) => {
                let path = pieces(label);
                let basic = ctx.facts.table(TableKind::BasicByEconomic).is_some();
                let found =
                    !path.is_empty() && indexes.iter().any(|ix| resolve(ix, &path).is_some());
                if personnel_label(label).is_some() {
                    (!basic).then_some("本文件没有基本支出经济分类表，无从核对")
                } else if !path.is_empty() && indexes.is_empty() {
                    Some("本文件没有支出功能分类表，无从核对（表格另成文件时可一并审核：--as-one）")
                } else if found {
                    None
                } else if path.len() >= 2 {
                    Some("科目路径在支出功能分类表中找不到对应的行")
                } else if of_the_item_before(label)
                    && last_resolved.is_some_and(|l| f.span.line <= l + 2)
                {
                    None
                } else {
                    Some("未能确定所指的科目或项目")
                }
            }
            _ => None,
        };
        match why {
            Some(why) => out.push(Unresolved {
                line: f.span.line,
                page: f.span.page,
                label: f.subject.label(),
                amount: amount.to_string(),
                why,
            }),
            None => last_resolved = Some(f.span.line),
        }
    }
    out
}

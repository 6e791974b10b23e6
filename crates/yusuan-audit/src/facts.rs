//! Access to the document's tables by meaning, and the comparisons every rule shares.

use crate::{Level, Location, Rule, Sink};
use std::borrow::Cow;
use yusuan_core::label::{is_code, is_total_label};
use yusuan_core::{
    catalog::normalize_name, compare_same, compare_sum, format_fen, Agreement, Amount, CellValue,
    ColumnRole, Document, MoneyUnit, Row, Span, Table, TableKind,
};

/// A printed value as a rule sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Val {
    Blank,
    Amt(Amount),
    Unreadable(String),
}

impl Val {
    pub fn of(v: Option<&CellValue>) -> Val {
        match v {
            None | Some(CellValue::Blank) => Val::Blank,
            Some(CellValue::Amount(a)) => Val::Amt(*a),
            Some(CellValue::Text(t)) => Val::Unreadable(t.clone()),
        }
    }

    /// A blank cell contributes nothing to a sum: an exact zero in the given unit.
    pub fn amount_or_zero(&self, unit: MoneyUnit) -> Option<Amount> {
        match self {
            Val::Blank => Some(Amount {
                fen: 0,
                unit,
                decimals: 6,
            }),
            Val::Amt(a) => Some(*a),
            Val::Unreadable(_) => None,
        }
    }

    pub fn is_nonzero(&self) -> bool {
        matches!(self, Val::Amt(a) if a.fen != 0)
    }

    /// For messages: "2,686.02万元", "空白", or the unreadable text.
    pub fn show(&self, _unit: MoneyUnit) -> String {
        match self {
            Val::Blank => "空白".to_string(),
            Val::Amt(a) => a.to_string(),
            Val::Unreadable(t) => format!("“{t}”（无法识别为金额）"),
        }
    }
}

pub fn loc(table: &Table, span: Span) -> Location {
    Location::new(span, Some(table.label()))
}

/// A row with a classification code.
#[derive(Clone, Copy)]
pub struct CodedRow<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub row: &'a Row,
}

/// Lookups over the document.
pub struct Facts<'a> {
    pub doc: &'a Document,
    /// Whether all the unit's money is 一般公共预算 (asked for every narrative figure).
    only_general_budget: std::sync::OnceLock<Option<bool>>,
    /// Each document table's sides (income, expenditure, use), labelled once: every narrative
    /// figure looks its candidates up there.
    sides: Vec<[std::sync::OnceLock<Vec<SideEntry>>; 3]>,
}

/// One label of a side of a 收支 table: without its enumeration, its level, what it means and
/// its row's index.
#[derive(Clone)]
pub struct SideEntry {
    pub label: String,
    pub level: u8,
    pub kind: SideLabel,
    pub row: usize,
}

fn side_slot(item: ColumnRole) -> Option<usize> {
    match item {
        ColumnRole::IncomeItem => Some(0),
        ColumnRole::ExpItem => Some(1),
        ColumnRole::UseItem => Some(2),
        _ => None,
    }
}

fn side_entries_of(table: &Table, item: ColumnRole) -> Vec<SideEntry> {
    let Some(i) = table.col(item) else {
        return Vec::new();
    };
    table
        .rows
        .iter()
        .enumerate()
        .filter_map(|(k, r)| {
            let raw = yusuan_core::label::compact_cow(r.text(i));
            let (label, level) = strip_enumeration(&raw);
            (!label.is_empty()).then(|| SideEntry {
                kind: side_label(label),
                label: label.to_string(),
                level,
                row: k,
            })
        })
        .collect()
}

impl<'a> Facts<'a> {
    pub fn new(doc: &'a Document) -> Facts<'a> {
        Facts {
            doc,
            only_general_budget: std::sync::OnceLock::new(),
            sides: doc.tables.iter().map(|_| Default::default()).collect(),
        }
    }

    /// The side `item` of `table`: worked out once for a table of the document, each time for
    /// another (a variant the gate tries).
    pub fn side_entries(&self, table: &Table, item: ColumnRole) -> Cow<'_, [SideEntry]> {
        let slot = side_slot(item).and_then(|s| {
            let k = self
                .doc
                .tables
                .iter()
                .position(|t| std::ptr::eq(t, table))?;
            Some(&self.sides[k][s])
        });
        match slot {
            Some(cell) => Cow::Borrowed(cell.get_or_init(|| side_entries_of(table, item))),
            None => Cow::Owned(side_entries_of(table, item)),
        }
    }

    /// `cross::only_general_budget`, worked out once.
    pub fn only_general_budget(&self, work: impl FnOnce() -> Option<bool>) -> Option<bool> {
        *self.only_general_budget.get_or_init(work)
    }

    pub fn table(&self, kind: TableKind) -> Option<&'a Table> {
        self.doc.tables.iter().find(|t| t.kind == Some(kind))
    }

    pub fn tables(&self, kind: TableKind) -> impl Iterator<Item = &'a Table> + 'a {
        self.doc.tables.iter().filter(move |t| t.kind == Some(kind))
    }

    pub fn unit(&self, table: &Table) -> MoneyUnit {
        table.unit.unwrap_or(MoneyUnit::WanYuan)
    }
}

/// Rows whose code column holds a code, in order.
pub fn coded_rows(table: &Table) -> Vec<CodedRow<'_>> {
    let (Some(ci), ni) = (table.col(ColumnRole::Code), table.col(ColumnRole::Name)) else {
        return Vec::new();
    };
    table
        .rows
        .iter()
        .filter_map(|row| {
            let code = row.text(ci);
            is_code(code).then(|| CodedRow {
                code,
                name: ni.map_or("", |i| row.text(i)),
                row,
            })
        })
        .collect()
}

/// The 合计 / 总计 row of a coded table.
/// A document's 三公 table and its row of figures (a table that prints none, "本表无数据",
/// has none).
pub(crate) fn three_public_row<'a>(facts: &Facts<'a>) -> Option<(&'a Table, &'a Row)> {
    let t = facts.table(yusuan_core::TableKind::ThreePublic)?;
    let row = t.rows.iter().find(|r| r.has_amount())?;
    Some((t, row))
}

pub fn total_row(table: &Table) -> Option<&Row> {
    let ci = table.col(ColumnRole::Code);
    let ni = table.col(ColumnRole::Name);
    if ci.is_none() && ni.is_none() {
        // A table of one row of figures (Jiangsu 支出预算总表): that row is the total.
        let mut with_amounts = table.rows.iter().filter(|r| r.has_amount());
        let first = with_amounts.next();
        return if with_amounts.next().is_none() {
            first
        } else {
            None
        };
    }
    table.rows.iter().find(|r| {
        ci.is_some_and(|i| is_total_label(r.text(i)))
            || ni.is_some_and(|i| is_total_label(r.text(i)))
    })
}

/// The expenditure total of a 合计 / 小计 row: its 合计 cell, or, where the total is printed
/// across the columns (Jiangsu 支出合计 under 支出用途), the first figure of the row's
/// expenditure side.
pub fn exp_total(t: &Table, row: &Row) -> Val {
    let total = Val::of(t.value(row, ColumnRole::Total));
    if total != Val::Blank {
        return total;
    }
    t.columns
        .iter()
        .map(|c| c.role)
        .filter(|r| r.is_amount() && *r != ColumnRole::IncomeAmount && *r != ColumnRole::Total)
        .map(|r| Val::of(t.value(row, r)))
        .find(|v| *v != Val::Blank)
        .unwrap_or(Val::Blank)
}

/// The row of a 类/款/项 code.
pub fn row_by_code<'t>(table: &'t Table, code: &str) -> Option<CodedRow<'t>> {
    coded_rows(table).into_iter().find(|r| r.code == code)
}

/// The 类 row of a function table by name.
pub fn class_row_by_name<'t>(table: &'t Table, name: &str) -> Option<CodedRow<'t>> {
    let n = normalize_name(name);
    coded_rows(table)
        .into_iter()
        .find(|r| r.code.len() == 3 && normalize_name(r.name) == n)
}

/// One side of a two-sided 收支 table: (label without its enumeration, row).
pub fn side(table: &Table, item: ColumnRole) -> Vec<(String, &Row)> {
    side_items(table, item)
        .into_iter()
        .map(|(l, _, r)| (l, r))
        .collect()
}

/// One side with each label's level: 1 for "一、…" (or none), 2 for "1. …" / "（一）…".
pub fn side_items(table: &Table, item: ColumnRole) -> Vec<(String, u8, &Row)> {
    side_entries_of(table, item)
        .into_iter()
        .filter_map(|e| Some((e.label, e.level, table.rows.get(e.row)?)))
        .collect()
}

/// "一、财政拨款收入" -> ("财政拨款收入", 1); "1.一般公共预算资金" -> ("一般公共预算资金", 2).
pub fn strip_enumeration(s: &str) -> (&str, u8) {
    let han = s.trim_start_matches(|c: char| "一二三四五六七八九十".contains(c));
    if han.len() < s.len() {
        if let Some(r) = han.strip_prefix('、') {
            return (r, 1);
        }
    }
    let digits = s.trim_start_matches(|c: char| c.is_ascii_digit());
    if digits.len() < s.len() {
        if let Some(r) = digits.strip_prefix(['.', '．', '、']) {
            return (r, 2);
        }
    }
    if let Some(r) = s.strip_prefix(['（', '(']) {
        if let Some((n, rest)) = r.split_once(['）', ')']) {
            if !n.is_empty()
                && n.chars()
                    .all(|c| "一二三四五六七八九十".contains(c) || c.is_ascii_digit())
            {
                return (rest, 2);
            }
        }
    }
    (s, 1)
}

/// What a label on a 收支 table means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SideLabel {
    /// 一、本年收入 / 一、本年支出
    Current,
    /// 收入合计 / 支出合计 / 合计
    Grand,
    /// 二、上年结转 / 二、结转下年
    Carry,
    /// Anything else: a source (income) or a 类 (expenditure).
    Item,
}

pub fn side_label(label: &str) -> SideLabel {
    let l = label.trim_start_matches(|c: char| "一二三四五六七八九十、".contains(c));
    if l.starts_with("本年收入") || l.starts_with("本年支出") || l.ends_with("小计") {
        SideLabel::Current
    } else if is_total_label(l) || l.ends_with("合计") || l.ends_with("总计") {
        SideLabel::Grand
    } else if l.contains('结')
        && ([
            "上年结转",
            "结转下年",
            "年终结转",
            "年初结转",
            "年末结转",
            "使用非财政拨款结余",
            "结余分配",
        ]
        .iter()
        .any(|w| l.starts_with(w))
            || l.contains("结转和结余"))
    {
        SideLabel::Carry
    } else {
        SideLabel::Item
    }
}

/// The funding source a label names (一般公共预算资金 -> GeneralBudget).
pub fn source_of(label: &str) -> Option<ColumnRole> {
    ColumnRole::from_source_label(label)
}

/// Two amounts whose exact values differ by 10,000 times: a 元 / 万元 mix-up.
pub fn unit_mixup(a: Amount, b: Amount) -> bool {
    let (big, small) = if a.fen.abs() >= b.fen.abs() {
        (a, b)
    } else {
        (b, a)
    };
    small.fen != 0 && {
        let scaled = small.fen.saturating_mul(10_000);
        (big.fen - scaled).abs() <= small.half_step().saturating_mul(10_000) + big.half_step()
    }
}

/// A place holding a value. Its description ("表二 201 一般公共服务支出 总计") and location are
/// built only when a finding needs them: most identities hold, and formatting is the cost.
pub struct Side<D: Fn() -> String, L: Fn() -> Location> {
    pub desc: D,
    pub val: Val,
    pub loc: L,
}

/// Compare two printings of the same quantity. Equal: nothing. Within rounding: info. Else
/// `sev` (or a money-unit finding when they differ by exactly 10,000 times).
pub fn check_same<DA, LA, DB, LB>(
    sink: &mut Sink,
    rule: &'static Rule,
    level: Level,
    a: Side<DA, LA>,
    b: Side<DB, LB>,
    unit: MoneyUnit,
) where
    DA: Fn() -> String,
    LA: Fn() -> Location,
    DB: Fn() -> String,
    LB: Fn() -> Location,
{
    let locs = || vec![(a.loc)(), (b.loc)()];
    let (x, y) = match (&a.val, &b.val) {
        (Val::Unreadable(_), _) | (_, Val::Unreadable(_)) => {
            sink.emit(
                &crate::READ_UNREADABLE,
                Level::Violated,
                format!(
                    "无法核验：{}为{}，{}为{}",
                    (a.desc)(),
                    a.val.show(unit),
                    (b.desc)(),
                    b.val.show(unit)
                ),
                locs(),
            );
            return;
        }
        (Val::Blank, Val::Blank) => return,
        (va, vb) => match (va.amount_or_zero(unit), vb.amount_or_zero(unit)) {
            (Some(x), Some(y)) => (x, y),
            _ => return,
        },
    };
    match compare_same(x, y) {
        Agreement::Equal => {}
        Agreement::Rounding(d) => sink.emit(
            rule,
            Level::Info,
            format!(
                "{}为{}，{}为{}，相差{}{}，属四舍五入尾差",
                (a.desc)(),
                a.val.show(unit),
                (b.desc)(),
                b.val.show(unit),
                format_fen(d.abs(), x.unit),
                x.unit.label()
            ),
            locs(),
        ),
        Agreement::Differs(_) if unit_mixup(x, y) => sink.emit(
            &crate::consistency::MONEY_UNIT,
            Level::Violated,
            format!(
                "{}为{}，{}为{}，两者相差一万倍，金额单位（元/万元）标注不一致",
                (a.desc)(),
                a.val.show(unit),
                (b.desc)(),
                b.val.show(unit)
            ),
            locs(),
        ),
        Agreement::Differs(d) => sink.emit(
            rule,
            level,
            format!(
                "{}为{}，而{}为{}，相差{}{}",
                (a.desc)(),
                a.val.show(unit),
                (b.desc)(),
                b.val.show(unit),
                format_fen(d.abs(), x.unit),
                x.unit.label()
            ),
            locs(),
        ),
    }
}

/// Compare a stated total with its parts. Equal: nothing. Within the rounding tolerance
/// (the parts' and the total's half steps): info. Beyond: error.
pub fn check_sum<D, L>(
    sink: &mut Sink,
    rule: &'static Rule,
    total: Side<D, L>,
    parts: &[Val],
    parts_desc: &str,
    parts_loc: Option<&Location>,
    unit: MoneyUnit,
) where
    D: Fn() -> String,
    L: Fn() -> Location,
{
    let locs = || {
        let mut v = vec![(total.loc)()];
        if let Some(l) = parts_loc {
            v.push(l.clone());
        }
        v
    };
    if std::iter::once(&total.val)
        .chain(parts)
        .any(|v| matches!(v, Val::Unreadable(_)))
    {
        let unreadable: Vec<String> = std::iter::once(&total.val)
            .chain(parts)
            .filter(|v| matches!(v, Val::Unreadable(_)))
            .map(|v| v.show(unit))
            .collect();
        sink.emit(
            &crate::READ_UNREADABLE,
            Level::Violated,
            format!(
                "无法核验{}与{}之和：{}",
                (total.desc)(),
                parts_desc,
                unreadable.join("、")
            ),
            locs(),
        );
        return;
    }
    if matches!(total.val, Val::Blank) && parts.iter().all(|p| matches!(p, Val::Blank)) {
        return;
    }
    let Some(t) = total.val.amount_or_zero(unit) else {
        return;
    };
    let ps: Vec<Amount> = parts
        .iter()
        .filter_map(|p| p.amount_or_zero(unit))
        .collect();
    let agreement = compare_sum(t, &ps);
    if agreement == Agreement::Equal {
        return;
    }
    let sum: i64 = ps.iter().map(|a| a.fen).sum();
    let tol: i64 = t.half_step() + ps.iter().map(|a| a.half_step()).sum::<i64>();
    let u = t.unit;
    match agreement {
        Agreement::Equal => {}
        Agreement::Rounding(d) => sink.emit(
            rule,
            Level::Info,
            format!(
                "{}为{}，{}合计{}{}，相差{}{}，在尾差允许范围（±{}{}）内",
                (total.desc)(),
                total.val.show(unit),
                parts_desc,
                format_fen(sum, u),
                u.label(),
                format_fen(d.abs(), u),
                u.label(),
                format_fen(tol, u),
                u.label()
            ),
            locs(),
        ),
        Agreement::Differs(d) => sink.emit(
            rule,
            Level::Violated,
            format!(
                "{}为{}，但{}合计为{}{}，相差{}{}",
                (total.desc)(),
                total.val.show(unit),
                parts_desc,
                format_fen(sum, u),
                u.label(),
                format_fen(d.abs(), u),
                u.label()
            ),
            locs(),
        ),
    }
}

/// Whether the narrative says the unit has no money of a fund ("本部门无政府性基金预算",
/// "政府性基金拨款支出预算0万元").
pub fn narrative_says_none(doc: &Document, fund: &str) -> bool {
    let none_words = |t: &str| {
        ["无", "没有", "未安排", "不涉及"]
            .iter()
            .any(|k| t.contains(k))
    };
    // A paragraph naming the fund and its absence, or the fund's own section saying "无".
    let says_none = doc.sections.iter().any(|s| {
        s.paragraphs
            .iter()
            .any(|p| p.text.contains(fund) && none_words(&p.text))
            || (s.heading.contains(fund)
                && s.paragraphs
                    .first()
                    .is_some_and(|p| p.text.chars().count() <= 20 && none_words(&p.text)))
    });
    let subject = match fund {
        "政府性基金" => yusuan_core::Subject::GovFundExpenditure,
        _ => yusuan_core::Subject::StateCapitalExpenditure,
    };
    let says_zero = doc
        .figures
        .iter()
        .any(|f| f.subject == subject && f.amount.is_some_and(|a| a.fen == 0));
    says_none || says_zero
}

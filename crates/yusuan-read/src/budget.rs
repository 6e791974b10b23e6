//! A Budget rebuilt from a read Document (`yusuan read FILE --budget`): last year's published
//! document seeds this year's source.
//!
//! Line items come from the function tables of each fund (一般公共预算, 政府性基金, 国有资本经营)
//! at 项 level, with the prior year's column where the template prints one; money of other
//! sources from the 部门收入总表. The economic split comes from the basic-spending table; 三公
//! from its table; prior years, 机关运行经费 and 采购 from the narrative's figures. What a
//! document does not print (texts of goals, reasons) is left empty for the person to write.

use yusuan_core::budget::{
    Budget, ClassRounding, Compared, EconomicItem, LineItem, Money, RollUp, Source, Sourced,
    Staffing,
};
use yusuan_core::{CellValue, ColumnRole, Document, MoneyUnit, Subject, Table, TableKind};

fn amount(t: &Table, row: &yusuan_core::Row, role: ColumnRole) -> Money {
    match t.value(row, role) {
        Some(CellValue::Amount(a)) => a.money(),
        _ => Money::ZERO,
    }
}

fn code_of(t: &Table, row: &yusuan_core::Row) -> Option<String> {
    let i = t.col(ColumnRole::Code)?;
    let code: String = row
        .cells
        .get(i)?
        .text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    code.chars().all(|c| c.is_ascii_digit()).then_some(code)
}

fn name_of(t: &Table, row: &yusuan_core::Row) -> String {
    t.col(ColumnRole::Name)
        .and_then(|i| row.cells.get(i))
        .map_or(String::new(), |c| c.text.trim().to_string())
}

fn spanned<T>(v: T) -> Sourced<T> {
    Sourced::new(0..0, v)
}

/// The figure the narrative states for `subject`, with the prior year it implies.
fn stated(doc: &Document, subject: &Subject) -> Option<Compared> {
    let f = doc
        .figures
        .iter()
        .find(|f| &f.subject == subject && f.amount.is_some())?;
    let now = f.amount?.money();
    let prior = f
        .change
        .as_ref()
        .filter(|c| c.amount.is_some() || c.direction == yusuan_core::Direction::Flat)
        .map_or(Money::ZERO, |c| Money(now.fen() - c.signed_fen()));
    Some(Compared {
        amount: now,
        prior,
        reason: String::new(),
    })
}

/// Why a document cannot seed a budget source.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("这是一份决算，不能作为预算底稿（决算的数字是执行结果，不是预算安排）")]
    FinalAccounts,
    #[error(
        "未能识别为部门（单位）预算公开文件：没有一种地区版式认出它的预算表，不能作为预算底稿"
    )]
    Unrecognised,
    #[error("没有读到一般公共预算（或政府性基金、国有资本经营预算）支出表中任何一个项级科目，不能作为预算底稿")]
    NoItems,
}

/// The budget a published budget states, to seed next year's source from; a 决算, a document
/// no profile recognised and one whose by-class tables gave no 项 are refused (rather than
/// seeding an empty budget).
pub fn seed(doc: &Document) -> Result<Budget, SeedError> {
    if doc.kind == yusuan_core::DocKind::FinalAccounts {
        return Err(SeedError::FinalAccounts);
    }
    if doc.profile.is_none() {
        return Err(SeedError::Unrecognised);
    }
    let b = budget_of(doc);
    if b.items.is_empty() {
        return Err(SeedError::NoItems);
    }
    Ok(b)
}

/// Why a file gives no budget source.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Read(#[from] crate::ReadError),
    #[error("{0}")]
    Seed(#[from] SeedError),
    /// A workbook form (ours, or a filled template) whose cells are not a valid source.
    #[cfg(feature = "excel")]
    #[error(transparent)]
    Form(#[from] crate::excel::FormProblems),
}

/// The budget source a file gives: the source sheets of a workbook that carries them (a
/// published XLSX, a filled `yusuan template`), read as they are; otherwise the budget a
/// published document states ([`seed`]). The one entry point of `read --budget`, `publish`
/// of a workbook and the workspace.
pub fn source_of(name: &str, bytes: &[u8]) -> Result<Budget, SourceError> {
    #[cfg(feature = "excel")]
    match crate::excel::form_of(name, bytes) {
        Ok(Some(b)) => return Ok(b),
        Ok(None) => {}
        Err(crate::excel::FormError::Read(e)) => return Err(e.into()),
        Err(crate::excel::FormError::Source(problems)) => return Err(SourceError::Form(problems)),
    }
    let doc = crate::read_bytes(name, bytes)?;
    Ok(seed(&doc)?)
}

/// The 尾差 the 一般公共预算支出表 printed on its 类, 款 and 合计 rows: each column's printed
/// figure minus the sum of the row's 项 as seeded, where it is within what rounding can make
/// (a larger one is a misprint the audit reports, not a rounding to keep).
fn function_rounding(t: &Table, b: &Budget) -> Vec<RollUp> {
    let general: Vec<&LineItem> = b.items().filter(|i| i.source == Source::General).collect();
    // A table that prints each 科目's total only has this year's figures seeded unsplit:
    // its 合计 column's 尾差 is kept as such.
    let split = t.col(ColumnRole::Basic).is_some() && t.col(ColumnRole::Project).is_some();
    let mut out = Vec::new();
    let mut total_seen = false;
    for row in &t.rows {
        let code = match code_of(t, row) {
            Some(c) if matches!(c.len(), 3 | 5) => c,
            Some(_) => continue,
            None if !total_seen && row.has_amount() && is_total_row(t, row) => {
                total_seen = true;
                RollUp::TOTAL.to_string()
            }
            None => continue,
        };
        let under: Vec<&&LineItem> = general
            .iter()
            .filter(|i| code == RollUp::TOTAL || i.code.starts_with(&code))
            .collect();
        if under.is_empty() {
            continue;
        }
        let bound = b.rounding_bound(under.len());
        let diff = |role: ColumnRole, of: fn(&LineItem) -> Money| {
            if t.col(role).is_none() {
                return Money::ZERO;
            }
            let d = amount(t, row, role) - under.iter().map(|i| of(i)).sum::<Money>();
            if d.abs() <= bound {
                d
            } else {
                Money::ZERO
            }
        };
        let mut r = RollUp {
            code,
            basic: if split {
                diff(ColumnRole::Basic, |i| i.basic)
            } else {
                Money::ZERO
            },
            project: if split {
                diff(ColumnRole::Project, |i| i.project)
            } else {
                Money::ZERO
            },
            prior: diff(ColumnRole::Prior, LineItem::prior),
            total: Money::ZERO,
        };
        // The 合计 column, each figure rounded apart: what it prints beyond the sum of its 项
        // and the other columns' 尾差 (in a table of totals only, its own 尾差).
        if t.col(ColumnRole::Total).is_some() {
            let d = amount(t, row, ColumnRole::Total)
                - under.iter().map(|i| i.total()).sum::<Money>()
                - r.basic
                - r.project;
            if d.abs() <= bound {
                r.total = d;
            }
        }
        if !r.is_zero() {
            out.push(r);
        }
    }
    out
}

/// The 尾差 the economic table printed on its 类 rows: the 人员经费 and 公用经费 columns
/// minus the sums of the 类's 款 of each kind, where within rounding. A table without those
/// columns has its 类 total's 尾差 put on the kind of the 类's 款.
fn economic_rounding(t: &Table, b: &Budget) -> Vec<ClassRounding> {
    let split = t.col(ColumnRole::Personnel).is_some() && t.col(ColumnRole::PublicUse).is_some();
    let mut out = Vec::new();
    for row in &t.rows {
        let Some(code) = code_of(t, row).filter(|c| c.len() == 3) else {
            continue;
        };
        let under: Vec<&EconomicItem> = b
            .economic_items()
            .filter(|e| e.code.starts_with(&code))
            .collect();
        let Some(first) = under.first() else {
            continue;
        };
        let bound = b.rounding_bound(under.len());
        let sum = |kind: Option<Staffing>| -> Money {
            under
                .iter()
                .filter(|e| kind.is_none_or(|k| e.staffing() == k))
                .map(|e| e.amount)
                .sum()
        };
        let within = |d: Money| if d.abs() <= bound { d } else { Money::ZERO };
        let mut c = ClassRounding {
            code,
            ..ClassRounding::default()
        };
        if split {
            c.personnel =
                within(amount(t, row, ColumnRole::Personnel) - sum(Some(Staffing::Personnel)));
            c.public = within(amount(t, row, ColumnRole::PublicUse) - sum(Some(Staffing::Public)));
        } else if t.col(ColumnRole::Total).is_some() {
            let d = within(amount(t, row, ColumnRole::Total) - sum(None));
            match first.staffing() {
                Staffing::Personnel => c.personnel = d,
                Staffing::Public => c.public = d,
            }
        }
        if !c.personnel.is_zero() || !c.public.is_zero() {
            out.push(c);
        }
    }
    out
}

/// Whether a row without a code is the table's 合计 (or 总计) row.
fn is_total_row(t: &Table, row: &yusuan_core::Row) -> bool {
    row.cells
        .iter()
        .take(t.col(ColumnRole::Name).map_or(2, |i| i + 1))
        .any(|c| {
            let text: String = c.text.chars().filter(|c| !c.is_whitespace()).collect();
            text.contains("合计") || text.contains("总计")
        })
}

pub fn budget_of(doc: &Document) -> Budget {
    let mut b = Budget {
        year: doc.year.as_ref().map_or(0, |y| y.value),
        ..Budget::default()
    };
    b.unit.name = doc
        .unit_name
        .as_ref()
        .map_or(String::new(), |u| u.value.clone());
    b.unit.scope = doc.scope;
    b.unit.region = doc.profile.clone().unwrap_or_default();
    texts(doc, &mut b);
    let kind = |k: TableKind| doc.tables.iter().find(|t| t.kind == Some(k));
    let yuan = [
        TableKind::GeneralBudgetByFunction,
        TableKind::DeptExpenditure,
    ]
    .iter()
    .filter_map(|k| kind(*k))
    .any(|t| t.unit == Some(MoneyUnit::Yuan));
    b.money_unit = if yuan {
        MoneyUnit::Yuan
    } else {
        MoneyUnit::WanYuan
    };

    // Fiscal line items, per fund.
    let mut items: Vec<LineItem> = Vec::new();
    for (k, source) in [
        (TableKind::GeneralBudgetByFunction, Source::General),
        (TableKind::GovFundByFunction, Source::GovFund),
        (TableKind::StateCapitalByFunction, Source::StateCapital),
    ] {
        let Some(t) = kind(k) else { continue };
        for row in &t.rows {
            let Some(code) = code_of(t, row).filter(|c| c.len() == 7) else {
                continue;
            };
            let total = amount(t, row, ColumnRole::Total);
            let project = amount(t, row, ColumnRole::Project);
            let basic = amount(t, row, ColumnRole::Basic);
            // A table printing one figure per 科目 (Jiangsu's) leaves the split unknown.
            let unsplit = if basic.is_zero() && project.is_zero() {
                total
            } else {
                Money::ZERO
            };
            // The tables print the prior year per 科目 as one figure: its split into basic
            // and project stays unknown (`LineItem::prior`), never guessed from this year's.
            let prior = amount(t, row, ColumnRole::Prior);
            if total.is_zero() && prior.is_zero() && basic.is_zero() && project.is_zero() {
                continue;
            }
            items.push(LineItem {
                code,
                name: name_of(t, row),
                source,
                basic,
                project,
                prior,
                unsplit,
                ..LineItem::default()
            });
        }
    }
    // Other sources: the income table's other columns; basic first, as far as the expenditure
    // table's basic spending for the line exceeds the fiscal basic spending.
    if let (Some(income), Some(exp)) = (
        kind(TableKind::DeptIncome),
        kind(TableKind::DeptExpenditure),
    ) {
        let others = [
            (ColumnRole::SpecialAccount, Source::SpecialAccount),
            (ColumnRole::ServiceIncome, Source::Business),
            (ColumnRole::SuperiorSubsidy, Source::Superior),
            (ColumnRole::SubordinateIncome, Source::Subsidiary),
            (ColumnRole::OperatingIncome, Source::Operating),
            (ColumnRole::OtherIncome, Source::Other),
            (ColumnRole::CarryOver, Source::CarryOver),
        ];
        for row in &income.rows {
            let Some(code) = code_of(income, row).filter(|c| c.len() == 7) else {
                continue;
            };
            let exp_row = exp
                .rows
                .iter()
                .find(|r| code_of(exp, r).as_deref() == Some(&code));
            let fiscal_basic: Money = items
                .iter()
                .filter(|i| i.code == code)
                .map(|i| i.basic)
                .sum();
            let mut basic_left =
                exp_row.map_or(Money::ZERO, |r| amount(exp, r, ColumnRole::Basic)) - fiscal_basic;
            for (role, source) in others {
                let m = amount(income, row, role);
                if m.is_zero() {
                    continue;
                }
                let basic = if basic_left.fen() > 0 {
                    Money(basic_left.fen().min(m.fen()))
                } else {
                    Money::ZERO
                };
                basic_left = basic_left - basic;
                items.push(LineItem {
                    code: code.clone(),
                    name: name_of(income, row),
                    source,
                    basic,
                    project: m - basic,
                    ..LineItem::default()
                });
            }
        }
    }
    b.items = items.into_iter().map(spanned).collect();
    // A document printing fewer than two decimals (whole 元) makes larger 尾差.
    let decimals = [
        TableKind::GeneralBudgetByFunction,
        TableKind::BasicByEconomic,
    ]
    .iter()
    .filter_map(|k| kind(*k))
    .flat_map(|t| t.rows.iter().flat_map(|r| r.cells.iter()))
    .filter_map(|c| match c.value {
        CellValue::Amount(a) if a.fen != 0 => Some(a.decimals),
        _ => None,
    })
    .max();
    b.rounding.decimals = decimals.filter(|d| *d < 2);
    if let Some(t) = kind(TableKind::GeneralBudgetByFunction) {
        b.rounding.function = function_rounding(t, &b);
    }

    // Basic spending by economic code.
    if let Some(t) = kind(TableKind::BasicByEconomic) {
        for row in &t.rows {
            let Some(code) = code_of(t, row).filter(|c| c.len() == 5) else {
                continue;
            };
            let total = amount(t, row, ColumnRole::Total);
            let personnel = amount(t, row, ColumnRole::Personnel);
            let public = amount(t, row, ColumnRole::PublicUse);
            let item = EconomicItem {
                code,
                name: name_of(t, row),
                amount: total,
                kind: None,
            };
            let by_class = item.staffing();
            let kind = if !personnel.is_zero() && public.is_zero() {
                Staffing::Personnel
            } else if !public.is_zero() && personnel.is_zero() {
                Staffing::Public
            } else {
                by_class
            };
            b.economic.push(spanned(EconomicItem {
                kind: (kind != by_class).then_some(kind),
                ..item
            }));
        }
    }

    if let Some(t) = kind(TableKind::BasicByEconomic) {
        b.rounding.economic_class = economic_rounding(t, &b);
    }
    // The economic table's 合计 prints the basic spending; where its 款 add up to less or more
    // within rounding, the difference is the document's 尾差, kept so that the source
    // republishes the same 合计 (a larger one is left for the source check to refuse).
    if !b.economic.is_empty() {
        let basic = b.basic_of(Source::General);
        let econ: Money = b.economic_items().map(|e| e.amount).sum();
        let bound = b.rounding_bound(b.economic.len());
        let within = |d: Money| if d.abs() <= bound { d } else { Money::ZERO };
        b.rounding.economic = within(basic - econ);
        // The 合计 row's 人员经费 / 公用经费 as printed, against the sums of their items.
        let total_row = kind(TableKind::BasicByEconomic).and_then(|t| {
            t.rows
                .iter()
                .find(|r| code_of(t, r).is_none() && r.has_amount())
                .map(|r| (t, r))
        });
        if let Some((t, row)) = total_row {
            for (role, staffing, slot) in [
                (
                    ColumnRole::Personnel,
                    Staffing::Personnel,
                    &mut b.rounding.personnel,
                ),
                (
                    ColumnRole::PublicUse,
                    Staffing::Public,
                    &mut b.rounding.public,
                ),
            ] {
                let printed = amount(t, row, role);
                let sum: Money = b
                    .economic
                    .iter()
                    .map(|e| e.get_ref())
                    .filter(|e| e.staffing() == staffing)
                    .map(|e| e.amount)
                    .sum();
                if !printed.is_zero() {
                    *slot = within(printed - sum);
                }
            }
        }
    }

    // 三公, with prior years from the narrative.
    if let Some(t) = kind(TableKind::ThreePublic) {
        if let Some(row) = t.rows.iter().find(|r| r.has_amount()) {
            // A row whose figures were put in their columns by position (laid-out text with
            // blank cells) may hold them in the wrong columns. Where the narrative states the
            // parts and they add up to the row's 合计, the parts are the narrative's figures;
            // otherwise the row's, for the source check to weigh.
            let parts = [
                (ColumnRole::Abroad, Subject::Abroad),
                (ColumnRole::CarPurchase, Subject::CarPurchase),
                (ColumnRole::CarOperation, Subject::CarOperation),
                (ColumnRole::Reception, Subject::Reception),
            ]
            .map(|(role, subject)| (role, stated(doc, &subject)));
            let narrated: Vec<Money> = parts
                .iter()
                .filter_map(|(_, s)| s.as_ref().map(|c| c.amount))
                .collect();
            let by_narrative = row.placed
                && t.col(ColumnRole::Total).is_some()
                && !narrated.is_empty()
                && narrated.iter().copied().sum::<Money>() == amount(t, row, ColumnRole::Total);
            let [abroad, purchase, operation, reception] = parts.map(|(role, said)| {
                let mut c = said.unwrap_or_default();
                if !by_narrative {
                    c.amount = amount(t, row, role);
                }
                if c.prior.is_zero() && c.amount.is_zero() {
                    c.prior = Money::ZERO;
                }
                c
            });
            b.three_public.abroad = abroad;
            b.three_public.vehicle_purchase = purchase;
            b.three_public.vehicle_operation = operation;
            b.three_public.reception = reception;
        }
    }
    if let Some(c) = stated(doc, &Subject::OperatingCost) {
        b.operating_cost.amount = Some(c.amount);
        b.operating_cost.prior = c.prior;
    }
    let m = |s: Subject| stated(doc, &s).map_or(Money::ZERO, |c| c.amount);
    b.procurement.goods = m(Subject::ProcurementGoods);
    b.procurement.works = m(Subject::ProcurementWorks);
    b.procurement.services = m(Subject::ProcurementServices);
    b
}

/// 职能职责, 机构 and the contact, from the narrative.
fn texts(doc: &Document, b: &mut Budget) {
    for s in &doc.sections {
        let paragraphs = s.paragraphs.iter().map(|p| p.text.trim());
        if s.heading.contains("职能") && b.unit.functions.is_empty() {
            // "3. 负责…" / "3、负责…": the numbering is the template's. Where duties are
            // numbered, an unnumbered introduction ("主要职能包括：") is not a duty.
            let numbered = |p: &str| {
                let rest = p.trim_start_matches(|c: char| c.is_ascii_digit());
                (rest.len() < p.len())
                    .then(|| rest.trim_start_matches(['.', '、', '．', ' ']).to_string())
            };
            let all: Vec<&str> = paragraphs.filter(|p| !p.is_empty()).collect();
            let any_numbered = all.iter().any(|p| numbered(p).is_some());
            b.unit.functions = all
                .iter()
                .filter_map(|p| match numbered(p) {
                    Some(rest) => Some(rest),
                    None if !any_numbered => Some(p.to_string()),
                    None => None,
                })
                .collect();
        } else if (s.heading.contains("构成") || s.heading.contains("机构"))
            && b.unit.organization.is_empty()
        {
            b.unit.organization = paragraphs.collect::<Vec<_>>().join("\n");
        }
        for p in &s.paragraphs {
            let t = p.text.as_str();
            let after = |key: &str| {
                t.split_once(key).map(|(_, rest)| {
                    rest.trim_start_matches(['：', ':', ' '])
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_string()
                })
            };
            if t.contains("联系人") && b.unit.contact.name.is_empty() {
                b.unit.contact.name = after("联系人").unwrap_or_default();
                b.unit.contact.phone = after("联系方式")
                    .or_else(|| after("联系电话"))
                    .unwrap_or_default();
            }
        }
    }
}

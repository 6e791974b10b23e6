//! Budget -> the narrative (情况说明). The sentences are the template's (`[[sections]]` and
//! `[[after_tables]]` in `profiles/<region>.publish.toml`, rendered with minijinja); this module
//! gives them the budget's figures ([`Context`]) and the functions they say them with: `wan`
//! (a fen amount in 万元, two decimals with separators), `change(figure[, reason])` (the
//! template's `[phrases]`: 增加 / 减少 / 持平, and the reason after it), `clause` (a text
//! without its closing 。) and `chinese` (1 -> 一).
//!
//! A section's text is split into paragraphs at line ends; blank lines are dropped, so a loop
//! writes one paragraph per item and a condition that writes nothing leaves no paragraph.

use crate::derive::{chinese_number, classes, wan};
use crate::template::{Phrases, SectionSpec, Template, Term};
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;
use std::collections::BTreeMap;
use yusuan_core::budget::{Budget, Compared, Money, Source, VehicleCount};
use yusuan_core::{Paragraph, Section, Span};

/// An amount with the prior year's, in fen, and the reason given for the change.
#[derive(Serialize)]
struct Change {
    amount: i64,
    prior: i64,
    reason: String,
    /// Whether the prior year's figure is known (the templates say no change otherwise).
    known: bool,
}

impl Change {
    fn new(amount: Money, prior: Money, reason: &str) -> Change {
        Change {
            amount: amount.fen(),
            prior: prior.fen(),
            reason: reason.to_string(),
            known: true,
        }
    }

    /// A part (basic, project) of an amount whose prior year is known only as a total where
    /// `unsplit`: its change cannot be said (`known` false).
    fn split(amount: Money, prior: Money, unsplit: bool) -> Change {
        Change {
            known: !unsplit,
            ..Change::new(amount, prior, "")
        }
    }

    fn of(c: &Compared) -> Change {
        Change::new(c.amount, c.prior, &c.reason)
    }
}

/// A source of funds: its key (`general`, `gov_fund` ...), its label (一般公共预算), how the
/// narrative names it (一般公共预算拨款 for the fiscal ones) and its amounts.
#[derive(Serialize)]
struct SourceFigure {
    key: &'static str,
    label: &'static str,
    words: String,
    amount: i64,
    prior: i64,
}

/// A 类 / 款 / 项 line: its code, its names from the 类 down (`path`), its amount.
#[derive(Serialize)]
struct Line {
    code: String,
    name: String,
    path: Vec<String>,
    amount: i64,
}

#[derive(Serialize)]
struct Vehicles {
    count: u32,
    kinds: Vec<VehicleKind>,
}

#[derive(Serialize)]
struct VehicleKind {
    kind: String,
    count: u32,
}

impl Vehicles {
    fn of(v: &[VehicleCount]) -> Vehicles {
        Vehicles {
            count: v.iter().map(|c| c.count).sum(),
            kinds: v
                .iter()
                .map(|c| VehicleKind {
                    kind: c.kind.clone(),
                    count: c.count,
                })
                .collect(),
        }
    }
}

/// What a narrative's text can say: every figure in fen (print it with `|wan`), every text as
/// the source gives it.
#[derive(Serialize)]
struct Context<'a> {
    year: i32,
    prior_year: i32,
    /// 部门 or 单位.
    scope: &'static str,
    name: &'a str,
    functions: Vec<&'a str>,
    /// 机构设置, one entry per non-blank line.
    organization: Vec<&'a str>,
    contact: ContactTexts<'a>,
    terms: &'a [Term],
    /// All funds: this year's total against last year's.
    total: Change,
    /// Every source in the catalog's order, used or not (`sources|selectattr("amount")`).
    sources: Vec<SourceFigure>,
    /// The same by key: `source.general.amount`.
    source: BTreeMap<&'static str, Change>,
    /// 财政拨款: the three fiscal budgets together.
    fiscal: Change,
    /// 一般公共预算拨款 split into basic and project spending, each against last year's.
    general_basic: Change,
    general_project: Change,
    /// 类 lines of all funds.
    classes: Vec<Line>,
    /// 项 lines of 财政拨款 with money this year.
    fiscal_items: Vec<Line>,
    reasons: ReasonTexts<'a>,
    three_public: ThreePublicFigures,
    operating_cost: OperatingCostFigure<'a>,
    procurement: ProcurementFigure,
    assets: AssetFigures<'a>,
}

/// The reasons a source gives (every one present, blank when not given).
#[derive(Serialize)]
struct ReasonTexts<'a> {
    income: &'a str,
    expenditure: &'a str,
    basic: &'a str,
    project: &'a str,
    basic_uses: &'a str,
}

#[derive(Serialize)]
struct ContactTexts<'a> {
    name: &'a str,
    phone: &'a str,
}

#[derive(Serialize)]
struct ThreePublicFigures {
    total: Change,
    abroad: Change,
    reception: Change,
    vehicles: Change,
    vehicle_purchase: Change,
    vehicle_operation: Change,
}

#[derive(Serialize)]
struct OperatingCostFigure<'a> {
    amount: i64,
    prior: i64,
    reason: &'a str,
    uses: &'a str,
}

#[derive(Serialize)]
struct ProcurementFigure {
    total: i64,
    goods: i64,
    works: i64,
    services: i64,
}

#[derive(Serialize)]
struct AssetFigures<'a> {
    as_of: &'a str,
    vehicles: Vehicles,
    purchases: Vehicles,
}

/// The key a source goes by in a template: `general`, `gov_fund` ...
fn source_key(s: Source) -> &'static str {
    match s {
        Source::General => "general",
        Source::GovFund => "gov_fund",
        Source::StateCapital => "state_capital",
        Source::SpecialAccount => "special_account",
        Source::Business => "business",
        Source::Superior => "superior",
        Source::Subsidiary => "subsidiary",
        Source::Operating => "operating",
        Source::Other => "other",
        Source::CarryOver => "carry_over",
    }
}

fn context<'a>(b: &'a Budget, t: &'a Template) -> Context<'a> {
    let g = Source::General;
    let of_general = |f: fn(&yusuan_core::budget::LineItem) -> Money| -> Money {
        b.items().filter(|i| i.source == g).map(f).sum()
    };
    let unsplit = b.items().any(|i| i.source == g && !i.prior.is_zero());
    let fiscal = [Source::General, Source::GovFund, Source::StateCapital];
    let line = |r: &yusuan_core::budget::FunctionTotal| Line {
        code: r.code.clone(),
        name: r.name.clone(),
        path: [3, 5, 7]
            .iter()
            .filter(|n| **n <= r.code.len())
            .map(|n| b.function_name(&r.code[..*n]))
            .collect(),
        amount: r.total().fen(),
    };
    let tp = &b.three_public;
    Context {
        year: b.year,
        prior_year: b.year - 1,
        scope: b.unit.scope.label(),
        name: &b.unit.name,
        functions: b.unit.functions.iter().map(|f| f.trim()).collect(),
        organization: b
            .unit
            .organization
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect(),
        contact: ContactTexts {
            name: &b.unit.contact.name,
            phone: &b.unit.contact.phone,
        },
        terms: &t.terms,
        total: Change::new(b.total(), b.prior_total(), ""),
        sources: Source::ALL
            .into_iter()
            .map(|s| SourceFigure {
                key: source_key(s),
                label: s.label(),
                words: if s.is_fiscal() {
                    format!("{}拨款", s.label())
                } else {
                    s.label().to_string()
                },
                amount: b.total_of(s).fen(),
                prior: b.prior_of(s).fen(),
            })
            .collect(),
        source: Source::ALL
            .into_iter()
            .map(|s| (source_key(s), Change::new(b.total_of(s), b.prior_of(s), "")))
            .collect(),
        fiscal: Change::new(
            fiscal.iter().map(|s| b.total_of(*s)).sum(),
            fiscal.iter().map(|s| b.prior_of(*s)).sum(),
            "",
        ),
        general_basic: Change::split(b.basic_of(g), of_general(|i| i.prior_basic), unsplit),
        general_project: Change::split(b.project_of(g), of_general(|i| i.prior_project), unsplit),
        classes: classes(&b.function_rows(&Source::ALL))
            .into_iter()
            .map(line)
            .collect(),
        fiscal_items: b
            .function_rows(&fiscal)
            .iter()
            .filter(|r| r.code.len() == 7 && !r.total().is_zero())
            .map(line)
            .collect(),
        reasons: ReasonTexts {
            income: &b.reasons.income,
            expenditure: &b.reasons.expenditure,
            basic: &b.reasons.basic,
            project: &b.reasons.project,
            basic_uses: &b.reasons.basic_uses,
        },
        three_public: ThreePublicFigures {
            total: Change::new(tp.total(), tp.prior_total(), &tp.reason),
            abroad: Change::of(&tp.abroad),
            reception: Change::of(&tp.reception),
            vehicles: Change::new(
                tp.vehicles(),
                tp.vehicle_purchase.prior + tp.vehicle_operation.prior,
                "",
            ),
            vehicle_purchase: Change::of(&tp.vehicle_purchase),
            vehicle_operation: Change::of(&tp.vehicle_operation),
        },
        operating_cost: OperatingCostFigure {
            amount: b.operating_cost().fen(),
            prior: b.operating_cost.prior.fen(),
            reason: &b.operating_cost.reason,
            uses: &b.operating_cost.uses,
        },
        procurement: ProcurementFigure {
            total: b.procurement.total().fen(),
            goods: b.procurement.goods.fen(),
            works: b.procurement.works.fen(),
            services: b.procurement.services.fen(),
        },
        assets: AssetFigures {
            as_of: &b.assets.as_of,
            vehicles: Vehicles::of(&b.assets.vehicles),
            purchases: Vehicles::of(&b.assets.purchases),
        },
    }
}

/// How a change is said: the template's phrase for up, down or level, the amount in 万元; with
/// a reason (not blank) after a change that is not level, the `reason` phrase around both.
fn say_change(p: &Phrases, prior_year: i32, now: i64, prior: i64, reason: Option<&str>) -> String {
    let phrase = match now.cmp(&prior) {
        std::cmp::Ordering::Equal => &p.level,
        std::cmp::Ordering::Greater => &p.increase,
        std::cmp::Ordering::Less => &p.decrease,
    };
    let change = phrase
        .replace("{prior_year}", &prior_year.to_string())
        .replace("{amount}", &wan(Money((now - prior).abs())));
    match reason.map(str::trim) {
        Some(r) if now != prior && !r.is_empty() => p
            .reason
            .replace("{change}", &change)
            .replace("{reason}", r.trim_end_matches('。')),
        _ => change,
    }
}

/// The environment a template's texts render in: strict about names (a misspelt figure is an
/// error, never an empty string), no escaping (the renderers escape for their format).
pub(crate) fn environment(t: &Template, prior_year: i32) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_filter("wan", |fen: i64| wan(Money(fen)));
    env.add_filter("clause", |s: String| s.trim_end_matches('。').to_string());
    env.add_filter("chinese", |n: u32| chinese_number(n));
    let phrases = t.phrases.clone().unwrap_or_default();
    env.add_function(
        "change",
        move |c: minijinja::Value, reason: Option<String>| -> Result<String, minijinja::Error> {
            let fen = |key: &str| -> Result<i64, minijinja::Error> {
                i64::try_from(c.get_attr(key)?).map_err(|_| {
                    minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("change() 要一个有 amount 和 prior 的金额，而不是 {c}"),
                    )
                })
            };
            let (now, prior) = (fen("amount")?, fen("prior")?);
            Ok(say_change(
                &phrases,
                prior_year,
                now,
                prior,
                reason.as_deref(),
            ))
        },
    );
    env
}

/// Why a narrative could not be written: the section and minijinja's words.
#[derive(Debug, thiserror::Error)]
#[error("发布模板的说明文字“{section}”有误：{why}")]
pub struct NarrativeError {
    pub section: String,
    pub why: String,
}

fn para(text: String) -> Paragraph {
    Paragraph {
        text,
        span: Span::default(),
        pieces: Vec::new(),
        unfinished: false,
    }
}

/// The narrative of `b` in `t`: the sections before the tables and those after them, rendered
/// over one context.
pub(crate) fn write(
    b: &Budget,
    t: &Template,
) -> Result<(Vec<Section>, Vec<Section>), NarrativeError> {
    let env = environment(t, b.year - 1);
    let ctx = minijinja::Value::from_serialize(context(b, t));
    let render = |spec: &SectionSpec, text: &str| {
        env.render_str(text, &ctx).map_err(|e| NarrativeError {
            section: spec.heading.clone(),
            why: e.to_string(),
        })
    };
    let sections = |specs: &[SectionSpec]| -> Result<Vec<Section>, NarrativeError> {
        specs
            .iter()
            .map(|spec| {
                let body = render(spec, &spec.text)?;
                Ok(Section {
                    number: (!spec.number.is_empty()).then(|| spec.number.clone()),
                    level: spec.level,
                    heading: render(spec, &spec.heading)?,
                    span: Span::default(),
                    paragraphs: body
                        .lines()
                        .filter(|l| !l.trim().is_empty())
                        .map(|l| para(l.to_string()))
                        .collect(),
                })
            })
            .collect()
    };
    Ok((sections(&t.sections)?, sections(&t.after_tables)?))
}

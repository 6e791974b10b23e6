//! The Budget model: what a department decided, before it is printed.
//!
//! A [`Budget`] is the source from which every table and every figure of the narrative is
//! derived (`yusuan-publish`). It is written by people as TOML (see
//! `examples/chongqing-dadukou-govoffice-2025/budget.toml`), imported from the budget system's
//! Excel, or rebuilt from a published document (`yusuan read --budget`).
//!
//! Amounts are exact integer fen ([`Money`]). In TOML every amount is a plain number or string in
//! the unit named once at the top (`money_unit = "万元"` or `"元"`), so a source reads like the
//! tables it becomes.
//!
//! The layers, one module each: this module is the model (the types a source is made of);
//! `source` reads and writes the TOML form and names each problem's line; `check` is what a
//! source must satisfy beyond its syntax (codes, names, sums, weights); `totals` is what the
//! model computes (totals by source, the 类 / 款 / 项 roll-up, next year's draft).

use crate::money::MoneyUnit;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod check;
pub mod form;
mod source;
mod totals;

pub use crate::money::Money;
pub use source::{BudgetError, MAX_PROBLEMS};

/// A value of a budget source with its byte range in the source text (where a problem found
/// after parsing points). A read document's elements carry a [`crate::Span`] instead: page and
/// line.
pub type Sourced<T> = toml::Spanned<T>;

/// Funding sources (资金来源), in the order tables print them.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum Source {
    #[default]
    #[serde(rename = "一般公共预算")]
    General,
    #[serde(rename = "政府性基金预算")]
    GovFund,
    #[serde(rename = "国有资本经营预算")]
    StateCapital,
    #[serde(rename = "财政专户管理资金")]
    SpecialAccount,
    #[serde(rename = "事业收入")]
    Business,
    #[serde(rename = "上级补助收入")]
    Superior,
    #[serde(rename = "附属单位上缴收入")]
    Subsidiary,
    #[serde(rename = "事业单位经营收入")]
    Operating,
    #[serde(rename = "其他收入")]
    Other,
    #[serde(rename = "上年结转")]
    CarryOver,
}

impl Source {
    pub const ALL: [Source; 10] = [
        Source::General,
        Source::GovFund,
        Source::StateCapital,
        Source::SpecialAccount,
        Source::Business,
        Source::Superior,
        Source::Subsidiary,
        Source::Operating,
        Source::Other,
        Source::CarryOver,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Source::General => "一般公共预算",
            Source::GovFund => "政府性基金预算",
            Source::StateCapital => "国有资本经营预算",
            Source::SpecialAccount => "财政专户管理资金",
            Source::Business => "事业收入",
            Source::Superior => "上级补助收入",
            Source::Subsidiary => "附属单位上缴收入",
            Source::Operating => "事业单位经营收入",
            Source::Other => "其他收入",
            Source::CarryOver => "上年结转",
        }
    }

    /// 财政拨款: the three budgets of the fiscal system.
    pub fn is_fiscal(self) -> bool {
        matches!(
            self,
            Source::General | Source::GovFund | Source::StateCapital
        )
    }

    pub fn from_label(label: &str) -> Option<Source> {
        let l = label.trim();
        Source::ALL.into_iter().find(|s| {
            let name = s.label();
            l.starts_with(name.trim_end_matches("收入").trim_end_matches("预算"))
        })
    }
}

fn default_source() -> Source {
    Source::General
}

fn is_general(s: &Source) -> bool {
    *s == Source::General
}

fn is_zero(m: &Money) -> bool {
    m.is_zero()
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitInfo {
    pub name: String,
    /// Budget system code of the department (103).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub code: String,
    /// The implementing unit as printed in project tables (103001-…（本级）); defaults to
    /// `code-name`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub implementer: String,
    /// 部门 (consolidated) or 单位 (one unit).
    #[serde(default, with = "crate::document::scope_label")]
    pub scope: crate::Scope,
    /// Region profile the document is published for (chongqing, shanghai).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub region: String,
    /// 职能职责, one entry per numbered duty.
    #[serde(default)]
    pub functions: Vec<String>,
    /// 机构设置 / 单位构成.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub organization: String,
    #[serde(default)]
    pub contact: Contact,
}

/// One line item: a function code (项) funded by one source, split basic / project, with the
/// prior year's budget of the same line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineItem {
    /// 7-digit functional code (项).
    pub code: String,
    /// The 项's name; the catalog's name for the year when omitted.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default = "default_source", skip_serializing_if = "is_general")]
    pub source: Source,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub basic: Money,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub project: Money,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub prior_basic: Money,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub prior_project: Money,
    /// The prior year's amount where only its total is known (a source read from a document,
    /// whose tables print 上年预算数 per 科目 without its basic / project split): the split is
    /// left unknown rather than guessed, and the narrative says no basic / project change.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub prior: Money,
    /// This year's amount where only its total is known (a source read from a document whose
    /// function tables print one figure per 科目, as Jiangsu's do): its split into basic and
    /// project spending is left unknown, never guessed. A template that prints the split
    /// cannot publish it until the source splits it.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unsplit: Money,
}

impl LineItem {
    pub fn total(&self) -> Money {
        self.basic + self.project + self.unsplit
    }
    pub fn prior(&self) -> Money {
        self.prior_basic + self.prior_project + self.prior
    }
}

/// 人员经费 or 公用经费.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Staffing {
    #[serde(rename = "人员经费")]
    Personnel,
    #[serde(rename = "公用经费")]
    Public,
}

/// Basic spending of 一般公共预算 by economic code (款).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EconomicItem {
    /// 5-digit economic code (款).
    pub code: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    pub amount: Money,
    /// 人员经费 / 公用经费; by class when omitted (301, 303 人员; others 公用).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Staffing>,
}

impl EconomicItem {
    pub fn staffing(&self) -> Staffing {
        self.kind
            .unwrap_or(if matches!(self.code.get(..3), Some("301" | "303")) {
                Staffing::Personnel
            } else {
                Staffing::Public
            })
    }
}

/// One figure with its prior year and the reason for the change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compared {
    #[serde(default)]
    pub amount: Money,
    #[serde(default)]
    pub prior: Money,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// 三公经费 (一般公共预算财政拨款).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreePublic {
    #[serde(default)]
    pub abroad: Compared,
    #[serde(default)]
    pub vehicle_purchase: Compared,
    #[serde(default)]
    pub vehicle_operation: Compared,
    #[serde(default)]
    pub reception: Compared,
    /// Reason for the change of the total.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

impl ThreePublic {
    pub fn vehicles(&self) -> Money {
        self.vehicle_purchase.amount + self.vehicle_operation.amount
    }
    pub fn total(&self) -> Money {
        self.abroad.amount + self.vehicles() + self.reception.amount
    }
    pub fn prior_total(&self) -> Money {
        self.abroad.prior
            + self.vehicle_purchase.prior
            + self.vehicle_operation.prior
            + self.reception.prior
    }
}

/// 机关运行经费.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatingCost {
    /// Defaults to the 公用经费 of the basic spending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    #[serde(default)]
    pub prior: Money,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// What it is used for (主要用于…).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uses: String,
}

/// 政府采购预算.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Procurement {
    #[serde(default)]
    pub goods: Money,
    #[serde(default)]
    pub works: Money,
    #[serde(default)]
    pub services: Money,
}

impl Procurement {
    pub fn total(&self) -> Money {
        self.goods + self.works + self.services
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VehicleCount {
    pub kind: String,
    pub count: u32,
}

/// 国有资产占有使用情况.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assets {
    /// "2024 年 12 月".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub as_of: String,
    #[serde(default)]
    pub vehicles: Vec<VehicleCount>,
    /// Vehicles to buy this year, by kind.
    #[serde(default)]
    pub purchases: Vec<VehicleCount>,
}

/// Reasons for year-over-year changes, in the words of the department.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reasons {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub income: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub expenditure: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub basic: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub project: String,
    /// What the basic spending is for (主要用于…).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub basic_uses: String,
}

/// One indicator of a performance goal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// 一级指标 (产出指标 / 效益指标 / 满意度指标); absent in department tables.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub level1: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub level2: String,
    pub name: String,
    /// ≥, ≤, =, 定性.
    pub op: String,
    pub value: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
    pub weight: u32,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub core: bool,
}

/// The department's overall goal (整体绩效目标).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepartmentGoal {
    #[serde(default)]
    pub goal: String,
    #[serde(default)]
    pub indicators: Vec<Indicator>,
}

/// A project's performance goal (项目绩效目标).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectGoal {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub code: String,
    /// 项目负责人及联系电话.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub owner: String,
    #[serde(default)]
    pub fiscal: Money,
    #[serde(default)]
    pub other: Money,
    /// 预算执行率权重 (%).
    pub execution_weight: u32,
    pub goal: String,
    pub indicators: Vec<Indicator>,
}

/// A budget for one unit and year.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    pub year: i32,
    /// Unit every amount of the source is written in: "万元" or "元".
    #[serde(default, with = "unit_label")]
    pub money_unit: MoneyUnit,
    pub unit: UnitInfo,
    #[serde(default)]
    pub items: Vec<Sourced<LineItem>>,
    #[serde(default)]
    pub economic: Vec<Sourced<EconomicItem>>,
    #[serde(default)]
    pub three_public: ThreePublic,
    /// 机关运行经费; `running_cost` in a budget source.
    #[serde(default, rename = "running_cost")]
    pub operating_cost: OperatingCost,
    #[serde(default)]
    pub procurement: Procurement,
    #[serde(default)]
    pub assets: Assets,
    #[serde(default)]
    pub reasons: Reasons,
    #[serde(default)]
    pub department_goal: DepartmentGoal,
    #[serde(default)]
    pub projects: Vec<Sourced<ProjectGoal>>,
    /// Printed rounding (尾差) kept from the document this source was read from.
    #[serde(default, skip_serializing_if = "Rounding::is_none")]
    pub rounding: Rounding,
}

/// Rounding differences (尾差) a published document printed, kept in a source read from it so
/// that the source republishes the same figures: a department's system rounds each figure to
/// the printed precision, so a printed total can differ from the sum of its printed parts by
/// up to half a unit of the last digit per part. Only a difference within that bound is
/// accepted (`check`); any other is a figure to correct.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rounding {
    /// 一般公共预算基本支出 minus the sum of the economic items (the economic table's 合计
    /// prints the basic spending).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub economic: Money,
    /// The economic table's printed 合计 of 人员经费 minus the sum of the personnel items.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub personnel: Money,
    /// The economic table's printed 合计 of 公用经费 minus the sum of the public items.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub public: Money,
    /// The 一般公共预算支出表's printed 类, 款 and 合计 rows minus the sums of their 项.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub function: Vec<RollUp>,
    /// The economic table's printed 类 rows minus the sums of their 款.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub economic_class: Vec<ClassRounding>,
    /// The decimals the original printed its amounts with, where fewer than two (a document
    /// in whole 元): its 尾差 are then up to half of that last digit per part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u8>,
}

/// The 尾差 the economic table printed on one 类 row (301 工资福利支出): its 人员经费 and
/// 公用经费 columns minus the sums of its 款 (its 合计 column is the two together).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassRounding {
    /// The 类 code, 3 digits.
    pub code: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub personnel: Money,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub public: Money,
}

impl Rounding {
    pub fn is_none(&self) -> bool {
        self.economic.is_zero()
            && self.personnel.is_zero()
            && self.public.is_zero()
            && self.function.is_empty()
            && self.economic_class.is_empty()
            && self.decimals.is_none()
    }

    /// The recorded 尾差 of a roll-up row of the 一般公共预算支出表: a 类 or 款 code, or
    /// [`RollUp::TOTAL`].
    pub fn function_of(&self, code: &str) -> Option<&RollUp> {
        self.function.iter().find(|r| r.code == code)
    }
}

/// The 尾差 a function table printed on one roll-up row: each column's printed figure minus
/// the sum of the row's 项 as printed (the 上年 column included).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RollUp {
    /// A 类 (3 digits) or 款 (5 digits) code, or 合计 for the table's total row.
    pub code: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub basic: Money,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub project: Money,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub prior: Money,
    /// The 合计 (总计) column's own 尾差, beyond its basic and project columns' (each printed
    /// figure rounded apart), or, in a table of totals only, against the sum of its 项.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub total: Money,
}

impl RollUp {
    /// The code of the total row.
    pub const TOTAL: &'static str = "合计";

    pub fn is_zero(&self) -> bool {
        self.basic.is_zero()
            && self.project.is_zero()
            && self.prior.is_zero()
            && self.total.is_zero()
    }
}

impl Budget {
    /// What each recorded 尾差 makes the publication print, in words, for the output of the
    /// commands that read or publish a source.
    pub fn rounding_notes(&self) -> Vec<String> {
        let unit = self.money_unit;
        let mut notes = Vec::new();
        let basic = self.basic_of(Source::General);
        let r = &self.rounding;
        for (d, printed, what, key) in [
            (r.economic, basic, "合计", "economic"),
            (
                r.personnel,
                self.staffing(Staffing::Personnel) + r.personnel,
                "人员经费合计",
                "personnel",
            ),
            (
                r.public,
                self.staffing(Staffing::Public) + r.public,
                "公用经费合计",
                "public",
            ),
        ] {
            if d.is_zero() {
                continue;
            }
            notes.push(format!(
                "尾差：基本支出表“{what}”按原文印为 {}{u}，各经济科目之和为 {}{u}（相差 {}{u}，原文四舍五入所致，记于 [rounding] {key}）",
                crate::money::format_fen(printed.0, unit),
                crate::money::format_fen((printed - d).0, unit),
                d.to_decimal(unit),
                u = unit.label()
            ));
        }
        for c in &r.economic_class {
            let sum = |kind: Staffing| -> Money {
                self.economic_items()
                    .filter(|e| e.code.starts_with(&c.code) && e.staffing() == kind)
                    .map(|e| e.amount)
                    .sum()
            };
            let columns: Vec<String> = [
                ("人员经费", Staffing::Personnel, c.personnel),
                ("公用经费", Staffing::Public, c.public),
            ]
            .into_iter()
            .filter(|(_, _, d)| !d.is_zero())
            .map(|(what, kind, d)| {
                let sum = sum(kind);
                format!(
                    "{what}按原文印为 {}{u}，各款之和为 {}{u}",
                    crate::money::format_fen((sum + d).0, unit),
                    crate::money::format_fen(sum.0, unit),
                    u = unit.label()
                )
            })
            .collect();
            if columns.is_empty() {
                continue;
            }
            notes.push(format!(
                "尾差：基本支出表“{} {}”行{}（原文四舍五入所致，记于 [rounding] economic_class）",
                c.code,
                self.economic_name(&c.code),
                columns.join("；")
            ));
        }
        let rows = if self.rounding.function.is_empty() {
            Vec::new()
        } else {
            self.function_rows(&[Source::General])
        };
        for r in &self.rounding.function {
            if r.is_zero() {
                continue;
            }
            let row = rows.iter().find(|f| f.code == r.code);
            let (label, printed) = if r.code == RollUp::TOTAL {
                (
                    "合计".to_string(),
                    Some((
                        self.basic_of(Source::General),
                        self.project_of(Source::General),
                        self.prior_of(Source::General),
                        self.total_of(Source::General),
                    )),
                )
            } else {
                (
                    format!("{} {}", r.code, self.function_name(&r.code)),
                    row.map(|f| (f.basic, f.project, f.prior, f.total())),
                )
            };
            let Some((basic, project, prior, total)) = printed else {
                continue;
            };
            let columns: Vec<String> = [
                ("合计", total, r.total),
                ("基本支出", basic, r.basic),
                ("项目支出", project, r.project),
                ("上年预算数", prior, r.prior),
            ]
            .into_iter()
            .filter(|(_, _, d)| !d.is_zero())
            .map(|(what, printed, d)| {
                let of = if what == "合计" {
                    "其余各列之和"
                } else {
                    "各项之和"
                };
                format!(
                    "{what}按原文印为 {}{u}，{of}为 {}{u}",
                    crate::money::format_fen(printed.0, unit),
                    crate::money::format_fen((printed - d).0, unit),
                    u = unit.label()
                )
            })
            .collect();
            notes.push(format!(
                "尾差：一般公共预算支出表“{label}”行{}（原文四舍五入所致，记于 [rounding] function）",
                columns.join("；")
            ));
        }
        notes
    }
}

/// `money_unit` is written as its label, 万元 or 元.
mod unit_label {
    use crate::money::MoneyUnit;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(unit: &MoneyUnit, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(unit.label())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<MoneyUnit, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(|e: crate::money::UnknownUnit| serde::de::Error::custom(super::in_source(&e)))
    }
}

/// A unit a source's `money_unit` cannot be, said with the key's name.
fn in_source(e: &crate::money::UnknownUnit) -> String {
    format!("money_unit 只能是“万元”或“元”，而不是“{}”", e.0)
}

/// Totals of the line items by (class code) etc.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FunctionTotal {
    pub code: String,
    pub name: String,
    pub basic: Money,
    pub project: Money,
    pub prior: Money,
    /// This year's money whose basic / project split is unknown (`LineItem::unsplit`).
    pub unsplit: Money,
    /// The 尾差 the original printed in this row's 合计 column beyond its other columns'
    /// (`RollUp::total`).
    pub total_rounding: Money,
    pub by_source: BTreeMap<Source, Money>,
}

impl FunctionTotal {
    pub fn total(&self) -> Money {
        self.basic + self.project + self.unsplit + self.total_rounding
    }
}

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

use crate::catalog::{Catalog, Classification, Lookup};
use crate::money::MoneyUnit;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cell::Cell as StdCell;
use std::collections::BTreeMap;
use std::fmt;

pub use toml::Spanned;

thread_local! {
    /// The unit amounts are written in while a source is parsed or written. Set by
    /// [`Budget::from_toml`] and [`Budget::to_toml`] only.
    static UNIT: StdCell<MoneyUnit> = const { StdCell::new(MoneyUnit::WanYuan) };
}

/// An exact amount of money in fen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn fen(self) -> i64 {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Parse a decimal figure in `unit` exactly: `945.84`, `2,686.02`, `-3`. More decimals than
    /// fen allow is an error, never a silent rounding.
    pub fn parse(text: &str, unit: MoneyUnit) -> Result<Money, String> {
        let t: String = text
            .trim()
            .chars()
            .map(crate::money::normalize_char)
            .filter(|c| *c != ',' && *c != '_')
            .collect();
        let (neg, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest.to_string()),
            None => (false, t),
        };
        let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
        let ok = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if int.is_empty() && frac.is_empty() || !ok(int) || !ok(frac) {
            return Err(format!("“{text}”不是金额"));
        }
        let max_decimals = match unit {
            MoneyUnit::Yuan => 2,
            MoneyUnit::WanYuan => 6,
        };
        let frac = frac.trim_end_matches('0');
        if frac.len() > max_decimals {
            return Err(format!(
                "“{text}”的小数位多于{max_decimals}位（单位{}，最小到分）",
                unit.label()
            ));
        }
        let mut fen: i64 = 0;
        let per = unit.fen_per_unit();
        for c in int.chars() {
            fen = fen
                .checked_mul(10)
                .and_then(|f| f.checked_add(i64::from(c as u8 - b'0') * per))
                .ok_or_else(|| format!("“{text}”超出范围"))?;
        }
        let mut scale = per;
        for c in frac.chars() {
            scale /= 10;
            fen += i64::from(c as u8 - b'0') * scale;
        }
        Ok(Money(if neg { -fen } else { fen }))
    }

    /// The exact decimal text in `unit` with as many decimals as needed (at least two).
    pub fn to_decimal(self, unit: MoneyUnit) -> String {
        let per = unit.fen_per_unit();
        let abs = self.0.unsigned_abs();
        let int = abs / per as u64;
        let mut frac = format!(
            "{:0width$}",
            abs % per as u64,
            width = (per as f64).log10() as usize
        );
        while frac.len() > 2 && frac.ends_with('0') {
            frac.pop();
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        format!("{sign}{int}.{frac}")
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0 + o.0)
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money(self.0 - o.0)
    }
}

impl std::ops::AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        self.0 += o.0;
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let unit = UNIT.with(|u| u.get());
        let text = self.to_decimal(unit);
        if let Some(int) = text.strip_suffix(".00").and_then(|i| i.parse::<i64>().ok()) {
            return s.serialize_i64(int);
        }
        match text.parse::<f64>() {
            // A number reads better in TOML; keep a string where a float would not be exact.
            Ok(f) if format!("{f}") == text.trim_end_matches('0').trim_end_matches('.') => {
                s.serialize_f64(f)
            }
            _ => s.serialize_str(&text),
        }
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an amount such as 945.84 or \"2,686.02\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Money, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Money, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Money, E> {
                // The shortest text that reads back as this float is what the person wrote.
                self.visit_str(&format!("{v}"))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Money, E> {
                Money::parse(v, UNIT.with(|u| u.get())).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

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
}

impl LineItem {
    pub fn total(&self) -> Money {
        self.basic + self.project
    }
    pub fn prior(&self) -> Money {
        self.prior_basic + self.prior_project
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
    #[serde(default = "default_unit_label")]
    pub money_unit: String,
    pub unit: UnitInfo,
    #[serde(default)]
    pub items: Vec<Spanned<LineItem>>,
    #[serde(default)]
    pub economic: Vec<Spanned<EconomicItem>>,
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
    pub projects: Vec<Spanned<ProjectGoal>>,
}

fn default_unit_label() -> String {
    "万元".to_string()
}

/// A problem in a budget source, with its place (1-based line and column) when known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", location(*line, *column))]
pub struct BudgetError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

/// What is wrong with a source's code and name against its catalog for `year`, if anything: a
/// code the catalog does not know needs its name written; a name must be the code's.
fn code_problem(
    catalog: &Catalog,
    what: &str,
    code: &str,
    name: &str,
    year: i32,
) -> Option<String> {
    match catalog.lookup(code, name, Some(year)) {
        Lookup::Unknown if name.is_empty() => Some(format!(
            "{what}科目 {code} 不在 {year} 年科目表中，请写明 name"
        )),
        Lookup::NameMismatch(expected) if !name.is_empty() => Some(format!(
            "科目 {code} 的名称应为“{}”，而不是“{name}”",
            expected.join("”或“")
        )),
        _ => None,
    }
}

fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("第 {l} 行第 {c} 列：",),
        (Some(l), None) => format!("第 {l} 行："),
        _ => String::new(),
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    LineIndex::new(text).line_col(text, offset)
}

/// Where each line of a source starts: a problem's line is found by binary search, so that
/// naming the lines of many problems stays linear in the source (a hostile source has
/// thousands).
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex(starts)
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.0.partition_point(|&start| start <= offset).max(1);
        let start = self.0[line - 1];
        let col = text
            .get(start..offset)
            .map_or(0, |l| l.chars().count().min(MAX_COLUMN));
        (line, col + 1)
    }
}

/// Columns are counted up to here (a source on one line of megabytes would make counting
/// them for every problem quadratic).
const MAX_COLUMN: usize = 10_000;

/// The most problems a source's check reports (the rest are counted in one more line).
pub const MAX_PROBLEMS: usize = 200;

/// Totals of the line items by (class code) etc.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FunctionTotal {
    pub code: String,
    pub name: String,
    pub basic: Money,
    pub project: Money,
    pub prior: Money,
    pub by_source: BTreeMap<Source, Money>,
}

impl FunctionTotal {
    pub fn total(&self) -> Money {
        self.basic + self.project
    }
}

impl Budget {
    /// Parse and check a TOML source. Errors name the line.
    pub fn from_toml(text: &str) -> Result<Budget, Vec<BudgetError>> {
        #[derive(Deserialize)]
        struct Head {
            money_unit: Option<toml::Spanned<String>>,
        }
        let to_err = |e: toml::de::Error| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unzip();
            vec![BudgetError {
                line,
                column,
                message: e.message().to_string(),
            }]
        };
        let head: Head = toml::from_str(text).map_err(to_err)?;
        let unit = match &head.money_unit {
            None => MoneyUnit::WanYuan,
            Some(u) => match u.get_ref().as_str() {
                "万元" => MoneyUnit::WanYuan,
                "元" => MoneyUnit::Yuan,
                other => {
                    let (l, c) = line_col(text, u.span().start);
                    return Err(vec![BudgetError {
                        line: Some(l),
                        column: Some(c),
                        message: format!("money_unit 只能是“万元”或“元”，而不是“{other}”"),
                    }]);
                }
            },
        };
        let budget: Budget = with_unit(unit, || toml::from_str(text)).map_err(to_err)?;
        let problems = budget.check();
        if problems.is_empty() {
            Ok(budget)
        } else {
            let index = LineIndex::new(text);
            let more = problems.len().saturating_sub(MAX_PROBLEMS);
            let mut errors: Vec<BudgetError> = problems
                .into_iter()
                .take(MAX_PROBLEMS)
                .map(|(span, message)| {
                    let (line, column) = span.map(|s| index.line_col(text, s)).unzip();
                    BudgetError {
                        line,
                        column,
                        message,
                    }
                })
                .collect();
            if more > 0 {
                errors.push(BudgetError {
                    line: None,
                    column: None,
                    message: format!("另有 {more} 处问题未列出，请先改正以上问题"),
                });
            }
            Err(errors)
        }
    }

    /// Write as TOML, amounts in `money_unit`.
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        let unit = self.unit_of_money();
        with_unit(unit, || toml::to_string_pretty(self))
    }

    pub fn unit_of_money(&self) -> MoneyUnit {
        if self.money_unit == "元" {
            MoneyUnit::Yuan
        } else {
            MoneyUnit::WanYuan
        }
    }

    /// Semantic checks: codes known for the year and of the right depth, names matching codes,
    /// the economic split adding up to the basic spending, goals' weights.
    fn check(&self) -> Vec<(Option<usize>, String)> {
        let mut out = Vec::new();
        let functional = Catalog::builtin(Classification::Functional);
        let economic = Catalog::builtin(Classification::Economic);
        if !(2000..=2100).contains(&self.year) {
            out.push((None, format!("year = {} 不是有效的预算年度", self.year)));
        }
        if self.unit.name.trim().is_empty() {
            out.push((None, "unit.name 不能为空".to_string()));
        }
        let mut seen = std::collections::HashSet::new();
        for item in &self.items {
            let at = Some(item.span().start);
            let it = item.get_ref();
            if it.code.len() != 7 || !it.code.chars().all(|c| c.is_ascii_digit()) {
                out.push((at, format!("功能分类科目“{}”应为 7 位的项级编码", it.code)));
                continue;
            }
            if !seen.insert((it.code.clone(), it.source)) {
                out.push((
                    at,
                    format!("科目 {}（{}）重复出现", it.code, it.source.label()),
                ));
            }
            if let Some(problem) =
                code_problem(functional, "功能分类", &it.code, &it.name, self.year)
            {
                out.push((at, problem));
            }
            if it.basic.0 < 0 || it.project.0 < 0 {
                out.push((at, format!("科目 {} 的金额为负数", it.code)));
            }
        }
        for e in &self.economic {
            let at = Some(e.span().start);
            let it = e.get_ref();
            if it.code.len() != 5 || !it.code.chars().all(|c| c.is_ascii_digit()) {
                out.push((at, format!("经济分类科目“{}”应为 5 位的款级编码", it.code)));
                continue;
            }
            if let Some(problem) = code_problem(economic, "经济分类", &it.code, &it.name, self.year)
            {
                out.push((at, problem));
            }
        }
        if !self.economic.is_empty() {
            let basic = self.basic_of(Source::General);
            let econ: Money = self.economic.iter().map(|e| e.get_ref().amount).sum();
            if basic != econ {
                let unit = self.unit_of_money();
                out.push((
                    self.economic.first().map(|e| e.span().start),
                    format!(
                        "经济分类合计 {} 与一般公共预算基本支出 {} 不等（单位{}）",
                        econ.to_decimal(unit),
                        basic.to_decimal(unit),
                        unit.label()
                    ),
                ));
            }
        }
        for p in &self.projects {
            let at = Some(p.span().start);
            let p = p.get_ref();
            let w: u32 = p.indicators.iter().map(|i| i.weight).sum::<u32>() + p.execution_weight;
            if w != 100 {
                out.push((
                    at,
                    format!(
                        "项目“{}”的指标权重与预算执行率权重合计为 {w}，应为 100",
                        p.name
                    ),
                ));
            }
        }
        let w: u32 = self
            .department_goal
            .indicators
            .iter()
            .map(|i| i.weight)
            .sum();
        if !self.department_goal.indicators.is_empty() && w != 100 {
            out.push((None, format!("整体绩效指标权重合计为 {w}，应为 100")));
        }
        out
    }

    /// A draft for the next year: this year's figures become the prior year's, and stay as
    /// the starting point for the new figures; reasons for changes are cleared.
    pub fn next_year(&self) -> Budget {
        let mut b = self.clone();
        b.year += 1;
        for item in &mut b.items {
            let i = item.get_mut();
            i.prior_basic = i.basic;
            i.prior_project = i.project;
        }
        let running = self.operating_cost();
        let tp = &mut b.three_public;
        for c in [
            &mut tp.abroad,
            &mut tp.vehicle_purchase,
            &mut tp.vehicle_operation,
            &mut tp.reception,
        ] {
            c.prior = c.amount;
            c.reason.clear();
        }
        tp.reason.clear();
        b.operating_cost.prior = running;
        b.operating_cost.reason.clear();
        b.reasons = Reasons::default();
        b
    }

    pub fn items(&self) -> impl Iterator<Item = &LineItem> {
        self.items.iter().map(|i| i.get_ref())
    }

    pub fn economic_items(&self) -> impl Iterator<Item = &EconomicItem> {
        self.economic.iter().map(|i| i.get_ref())
    }

    pub fn total(&self) -> Money {
        self.items().map(LineItem::total).sum()
    }

    pub fn prior_total(&self) -> Money {
        self.items().map(LineItem::prior).sum()
    }

    pub fn total_of(&self, source: Source) -> Money {
        self.items()
            .filter(|i| i.source == source)
            .map(LineItem::total)
            .sum()
    }

    pub fn prior_of(&self, source: Source) -> Money {
        self.items()
            .filter(|i| i.source == source)
            .map(LineItem::prior)
            .sum()
    }

    pub fn basic_of(&self, source: Source) -> Money {
        self.items()
            .filter(|i| i.source == source)
            .map(|i| i.basic)
            .sum()
    }

    pub fn project_of(&self, source: Source) -> Money {
        self.items()
            .filter(|i| i.source == source)
            .map(|i| i.project)
            .sum()
    }

    /// 人员经费 or 公用经费 of the basic spending.
    pub fn staffing(&self, kind: Staffing) -> Money {
        self.economic_items()
            .filter(|e| e.staffing() == kind)
            .map(|e| e.amount)
            .sum()
    }

    pub fn operating_cost(&self) -> Money {
        self.operating_cost
            .amount
            .unwrap_or_else(|| self.staffing(Staffing::Public))
    }

    /// The name of a functional code (类, 款 or 项) for this year.
    pub fn function_name(&self, code: &str) -> String {
        if let Some(item) = self.items().find(|i| i.code == code && !i.name.is_empty()) {
            return item.name.clone();
        }
        Catalog::builtin(Classification::Functional)
            .name(code, Some(self.year))
            .unwrap_or_default()
            .to_string()
    }

    pub fn economic_name(&self, code: &str) -> String {
        if let Some(item) = self
            .economic_items()
            .find(|i| i.code == code && !i.name.is_empty())
        {
            return item.name.clone();
        }
        Catalog::builtin(Classification::Economic)
            .name(code, Some(self.year))
            .unwrap_or_default()
            .to_string()
    }

    /// Line items of `sources` rolled up to 类, 款 and 项 in code order (类 before its 款
    /// before its 项). Lines with neither this year's nor last year's money are left out.
    pub fn function_rows(&self, sources: &[Source]) -> Vec<FunctionTotal> {
        let mut map: BTreeMap<String, FunctionTotal> = BTreeMap::new();
        // Codes are checked when a source is read; a Budget built otherwise with a code that is
        // not 7 digits has its line left out rather than cut at a wrong boundary.
        let valid = |c: &str| c.len() == 7 && c.bytes().all(|b| b.is_ascii_digit());
        for item in self
            .items()
            .filter(|i| sources.contains(&i.source) && valid(&i.code))
        {
            for len in [3, 5, 7] {
                let code = &item.code[..len];
                let row = map
                    .entry(code.to_string())
                    .or_insert_with(|| FunctionTotal {
                        code: code.to_string(),
                        name: self.function_name(code),
                        ..Default::default()
                    });
                row.basic += item.basic;
                row.project += item.project;
                row.prior += item.prior();
                *row.by_source.entry(item.source).or_default() += item.total();
            }
        }
        map.into_values()
            .filter(|r| !r.total().is_zero() || !r.prior.is_zero())
            .collect()
    }
}

/// Run `f` with amounts read and written in `unit`.
fn with_unit<T>(unit: MoneyUnit, f: impl FnOnce() -> T) -> T {
    let old = UNIT.with(|u| u.replace(unit));
    let out = f();
    UNIT.with(|u| u.set(old));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_names_lines_and_columns_as_counting_would() {
        let text = "a = 1\n名称 = \"预算\"\n\nlast";
        let naive = |offset: usize| {
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (line, col)
        };
        let index = LineIndex::new(text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            assert_eq!(index.line_col(text, offset), naive(offset), "at {offset}");
        }
    }

    #[test]
    fn next_year_moves_this_years_figures_to_the_prior_year() {
        let source = include_str!("../../../examples/chongqing-dadukou-govoffice-2025/budget.toml");
        let b = Budget::from_toml(source).expect("the example is valid");
        let n = b.next_year();
        assert_eq!(n.year, b.year + 1);
        assert_ne!(
            b.prior_total(),
            b.total(),
            "the example changes from its prior year"
        );
        assert_eq!(n.prior_total(), b.total());
        assert_eq!(
            n.total(),
            b.total(),
            "this year's figures stay as the draft"
        );
        assert_eq!(n.three_public.prior_total(), b.three_public.total());
        assert_eq!(n.operating_cost.prior, b.operating_cost());
        assert!(n.reasons.expenditure.is_empty() && n.three_public.reason.is_empty());
        // Still a valid source, through TOML and back.
        let again =
            Budget::from_toml(&n.to_toml().expect("serialises")).expect("the draft is valid");
        assert_eq!(again.total(), n.total());
    }

    #[test]
    fn money_parses_exactly() {
        assert_eq!(
            Money::parse("945.84", MoneyUnit::WanYuan),
            Ok(Money(945_840_000))
        );
        assert_eq!(
            Money::parse("2,686.02", MoneyUnit::WanYuan),
            Ok(Money(2_686_020_000))
        );
        assert_eq!(Money::parse("0.000001", MoneyUnit::WanYuan), Ok(Money(1)));
        assert_eq!(Money::parse("12.5", MoneyUnit::Yuan), Ok(Money(1250)));
        assert!(Money::parse("12.345", MoneyUnit::Yuan).is_err());
        assert!(Money::parse("abc", MoneyUnit::Yuan).is_err());
        assert!(Money::parse("", MoneyUnit::Yuan).is_err());
        assert_eq!(Money(945_840_000).to_decimal(MoneyUnit::WanYuan), "945.84");
        assert_eq!(Money(1250).to_decimal(MoneyUnit::Yuan), "12.50");
        assert_eq!(Money(1).to_decimal(MoneyUnit::WanYuan), "0.000001");
    }

    const SMALL: &str = r#"
year = 2025
money_unit = "万元"
[unit]
name = "测试单位"
[[items]]
code = "2010301"
basic = 10.5
prior_basic = 9
[[items]]
code = "2080505"
basic = "1.25"
[[economic]]
code = "30101"
amount = 11.75
"#;

    #[test]
    fn small_source_reads_and_rolls_up() {
        let b = Budget::from_toml(SMALL).expect("valid");
        assert_eq!(b.total(), Money(11_750_000));
        let rows = b.function_rows(&[Source::General]);
        let codes: Vec<_> = rows.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(
            codes,
            ["201", "20103", "2010301", "208", "20805", "2080505"]
        );
        assert_eq!(rows[0].name, "一般公共服务支出");
        assert_eq!(rows[0].prior, Money(9_000_000));
        let back = Budget::from_toml(&b.to_toml().expect("serialises")).expect("round trip");
        assert_eq!(back.total(), b.total());
    }

    #[test]
    fn errors_point_at_the_line() {
        let bad = SMALL.replace("\"2080505\"", "\"2010397\"");
        let errs = Budget::from_toml(&bad).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].line, Some(10), "{errs:?}");
        assert!(errs[0].message.contains("2010397"));

        let bad = SMALL.replace("amount = 11.75", "amount = 11.7");
        let errs = Budget::from_toml(&bad).unwrap_err();
        assert!(errs[0].message.contains("经济分类合计 11.70"), "{errs:?}");
        assert_eq!(errs[0].line, Some(13));

        let bad = SMALL.replace("basic = 10.5", "basic = \"ten\"");
        let errs = Budget::from_toml(&bad).unwrap_err();
        assert_eq!(errs[0].line, Some(8), "{errs:?}");
    }
}

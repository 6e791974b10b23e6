//! A region's publishing template, as data: which tables a disclosure prints, in which order,
//! each with its number, title, unit, header rows and merges, and the projection of the budget
//! that fills it (one builder per table kind, in `derive`). Templates are TOML files
//! (`profiles/<region>.publish.toml`, beside the reading profiles); a new region's template is
//! a new file, read by [`Template::from_toml`] or listed in [`Template::builtin`].
//!
//! Texts may hold `{year}`, `{prior_year}`, `{scope}` (部门 / 单位) and, in a table of one fund,
//! `{fund}` (一般公共预算, 政府性基金预算 ...). A header cell `{listed_sources}` stands for one cell
//! per source the budget lists.

use serde::{Deserialize, Serialize};
use std::sync::LazyLock;
use yusuan_core::budget::Source;
use yusuan_core::MoneyUnit;

/// A publishing template.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// The region it publishes for, as budgets name it in `unit.region` (chongqing).
    pub id: String,
    /// Which narrative section's heading is the document's title (0-based).
    #[serde(default)]
    pub title_section: usize,
    /// The unit of the tables' amounts unless a table says otherwise: 万元 or 元.
    #[serde(with = "unit_label")]
    pub unit: MoneyUnit,
    /// The words of a change (增加 / 减少 / 持平, and its reason), for `change()` in texts.
    #[serde(default)]
    pub phrases: Option<Phrases>,
    /// The narrative printed before the tables, section by section.
    #[serde(default)]
    pub sections: Vec<SectionSpec>,
    /// The sections printed after the tables (Shanghai's 其他相关情况说明).
    #[serde(default)]
    pub after_tables: Vec<SectionSpec>,
    /// The glossary (名词解释), given to the texts as `terms`.
    #[serde(default)]
    pub terms: Vec<Term>,
    pub tables: Vec<TableSpec>,
}

/// One entry of a glossary.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub term: String,
    pub meaning: String,
}

/// How a change is said. `increase`, `decrease` and `level` take `{prior_year}` and
/// `{amount}` (the difference in 万元); `reason` takes `{change}` and `{reason}`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phrases {
    pub increase: String,
    pub decrease: String,
    pub level: String,
    pub reason: String,
}

/// One section of the narrative: its level (0 a title, 1 一、, 2 （一）), number and heading,
/// and its text (minijinja over the budget's figures; see `narrative.rs`), one paragraph per
/// line. A heading ending in 。 has its first paragraph printed on its line.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionSpec {
    pub level: u8,
    #[serde(default)]
    pub number: String,
    pub heading: String,
    #[serde(default)]
    pub text: String,
}

/// One table of a template.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    /// 表一; empty for templates whose tables are not numbered.
    #[serde(default)]
    pub number: String,
    pub title: String,
    /// 万元 or 元, when it differs from the template's.
    #[serde(default, with = "opt_unit_label")]
    pub unit: Option<MoneyUnit>,
    /// Header rows, as printed (a merged cell's text in its first cell, "" in the others).
    #[serde(default)]
    pub header: Vec<Vec<String>>,
    /// Merged header cells: `[row, column, rows, columns]`.
    #[serde(default)]
    pub merges: Vec<[usize; 4]>,
    pub body: Body,
}

/// What fills a table: one builder per kind.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Body {
    /// 类 / 款 / 项 rows of the line items of `sources`, code and name then `columns`.
    Function {
        sources: Sources,
        #[serde(default)]
        rows: Lines,
        columns: Vec<Value>,
        total: Place,
        /// A note printed when the table has no rows.
        #[serde(default)]
        empty_note: Option<String>,
    },
    /// Basic spending by economic 类 and 款, total / 人员经费 / 公用经费.
    Economic { total: Place },
    /// One row of 三公 figures (zero printed as 0.00).
    ThreePublic { columns: Vec<ThreePublicColumn> },
    /// A two-sided 收支总表: income lines beside expenditure lines, with fixed rows around.
    Summary {
        /// Rows before the two sides (cells: text, or `=value`).
        #[serde(default)]
        first: Vec<Vec<Fixed>>,
        income: Vec<Income>,
        expenditure: Expenditure,
        /// Rows after the two sides.
        #[serde(default)]
        last: Vec<Vec<Fixed>>,
    },
    /// 整体绩效目标表.
    DepartmentGoal,
    /// One 项目绩效目标表 per project, numbered on from `first_number` (11: 表十一).
    ProjectGoals { first_number: u32 },
}

/// Whose line items a table shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sources {
    General,
    GovFund,
    StateCapital,
    /// 财政拨款: the three fiscal budgets.
    Fiscal,
    All,
}

impl Sources {
    pub fn list(self) -> &'static [Source] {
        static FISCAL: [Source; 3] = [Source::General, Source::GovFund, Source::StateCapital];
        match self {
            Sources::General => &FISCAL[..1],
            Sources::GovFund => &FISCAL[1..2],
            Sources::StateCapital => &FISCAL[2..],
            Sources::Fiscal => &FISCAL,
            Sources::All => &Source::ALL,
        }
    }
}

/// Which 类 / 款 / 项 lines a function table lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lines {
    /// Lines with this year's money.
    #[default]
    Current,
    /// Lines with this year's or last year's money (a table with the prior year's column).
    WithPrior,
}

/// Where a total row goes: `合计` first (its label in the first cell) or last (in the second).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    First,
    Last,
}

/// An amount a cell shows, of a 类 / 款 / 项 line or of the whole budget: `total`, `basic`,
/// `project`, `prior`, `fiscal` (the three fiscal budgets), `source:一般公共预算` (one source),
/// or, in a function table, `listed_sources` (one column per source the budget lists).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Value {
    Total,
    Basic,
    Project,
    Prior,
    Fiscal,
    Source(Source),
    ListedSources,
}

impl TryFrom<String> for Value {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Value, ValueError> {
        Ok(match s.as_str() {
            "total" => Value::Total,
            "basic" => Value::Basic,
            "project" => Value::Project,
            "prior" => Value::Prior,
            "fiscal" => Value::Fiscal,
            "listed_sources" => Value::ListedSources,
            other => match other.strip_prefix("source:") {
                Some(label) => Value::Source(
                    Source::ALL
                        .into_iter()
                        .find(|s| s.label() == label)
                        .ok_or_else(|| ValueError(format!("没有“{label}”这个资金来源")))?,
                ),
                None => {
                    return Err(ValueError(format!(
                        "“{other}”不是金额：应为 total、basic、project、prior、fiscal、\
                         listed_sources 或 source:资金来源"
                    )))
                }
            },
        })
    }
}

/// A cell of a fixed row: its text, or `=value`, the budget's amount (`=total`, `=fiscal`,
/// `=source:一般公共预算`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Fixed {
    Text(String),
    Amount(Value),
}

impl TryFrom<String> for Fixed {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Fixed, ValueError> {
        match s.strip_prefix('=') {
            Some(value) => match Value::try_from(value.to_string())? {
                Value::ListedSources => Err(ValueError(
                    "listed_sources 只能用于功能分类表的列".to_string(),
                )),
                v => Ok(Fixed::Amount(v)),
            },
            None => Ok(Fixed::Text(s)),
        }
    }
}

/// A column of a 三公 table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThreePublicColumn {
    Total,
    Abroad,
    Vehicles,
    VehiclePurchase,
    VehicleOperation,
    Reception,
    /// 机关运行经费.
    OperatingCost,
}

/// An income line of a 收支总表: one `label` with its `amount`, or `each = "listed"`: one line
/// per source the budget lists, labelled `label` with `{source}` its name (without 资金).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Income {
    pub label: String,
    #[serde(default)]
    pub amount: Option<Value>,
    #[serde(default)]
    pub each: Option<Each>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Each {
    Listed,
}

/// The expenditure side of a 收支总表: a `head` line, then one line per 类 of `classes`,
/// labelled `label` (`{name}`, and `{number}` its place: 一, 二 ...), with `columns`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expenditure {
    #[serde(default)]
    pub head: Vec<Fixed>,
    pub classes: Sources,
    pub label: String,
    pub columns: Vec<Value>,
}

/// A cell value a template names wrongly (said inside the TOML parser's message).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ValueError(String);

/// Why a template cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("发布模板有误：{0}")]
pub struct TemplateError(String);

impl Template {
    /// Whether a table prints basic and project spending apart (a function table's 基本支出 /
    /// 项目支出 columns, a summary's, or the economic split of the basic spending).
    pub fn prints_split(&self) -> bool {
        let split = |v: &Value| matches!(v, Value::Basic | Value::Project);
        let fixed = |rows: &[Vec<Fixed>]| {
            rows.iter()
                .flatten()
                .any(|c| matches!(c, Fixed::Amount(v) if split(v)))
        };
        self.tables.iter().any(|t| match &t.body {
            Body::Function { columns, .. } => columns.iter().any(split),
            Body::Economic { .. } => true,
            Body::Summary {
                first,
                income,
                expenditure,
                last,
            } => {
                fixed(first)
                    || fixed(last)
                    || fixed(std::slice::from_ref(&expenditure.head))
                    || expenditure.columns.iter().any(split)
                    || income.iter().any(|i| i.amount.as_ref().is_some_and(split))
            }
            _ => false,
        })
    }

    /// Parse a template file.
    pub fn from_toml(text: &str) -> Result<Template, TemplateError> {
        let t: Template = toml::from_str(text).map_err(|e| TemplateError(e.to_string()))?;
        if t.id.trim().is_empty() {
            return Err(TemplateError("id 不能为空".to_string()));
        }
        for spec in &t.tables {
            let bad = |why: &str| TemplateError(format!("表“{}”：{why}", spec.title));
            if let Body::Summary {
                income,
                expenditure,
                ..
            } = &spec.body
            {
                if income
                    .iter()
                    .any(|i| i.amount.is_some() == i.each.is_some())
                {
                    return Err(bad("每个 income 行要么给出 amount，要么给出 each"));
                }
                if expenditure.columns.contains(&Value::ListedSources) {
                    return Err(bad("listed_sources 只能用于功能分类表的列"));
                }
            }
            if let Some(m) = spec.merges.iter().find(|m| m[0] >= spec.header.len()) {
                return Err(bad(&format!("合并单元格 {m:?} 不在表头中")));
            }
        }
        let narrative = t.sections.iter().chain(&t.after_tables);
        if narrative.clone().next().is_some() && t.phrases.is_none() {
            return Err(TemplateError(
                "有说明文字（sections）就要有 [phrases]：increase、decrease、level、reason".into(),
            ));
        }
        let env = crate::narrative::environment(&t, 0);
        for s in narrative {
            for text in [&s.heading, &s.text] {
                if let Err(e) = env.template_from_str(text) {
                    return Err(TemplateError(format!("说明文字“{}”：{e}", s.heading)));
                }
            }
        }
        Ok(t)
    }

    /// The templates yusuan ships, parsed once.
    pub fn builtin() -> &'static [Template] {
        static ALL: LazyLock<Vec<Template>> = LazyLock::new(|| {
            BUILTIN
                .iter()
                .map(|(name, text)| match Template::from_toml(text) {
                    Ok(t) => t,
                    // A bundled template is part of the build: a broken one is a bug to see.
                    Err(e) => panic!("bundled template {name}: {e}"),
                })
                .collect()
        });
        &ALL
    }

    /// The bundled template for a region.
    pub fn find(id: &str) -> Option<&'static Template> {
        Template::builtin().iter().find(|t| t.id == id)
    }
}

const BUILTIN: &[(&str, &str)] = &[
    (
        "chongqing",
        include_str!("../../../profiles/chongqing.publish.toml"),
    ),
    (
        "shanghai",
        include_str!("../../../profiles/shanghai.publish.toml"),
    ),
];

mod unit_label {
    use serde::{Deserialize, Deserializer};
    use yusuan_core::MoneyUnit;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<MoneyUnit, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

mod opt_unit_label {
    use serde::Deserializer;
    use yusuan_core::MoneyUnit;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<MoneyUnit>, D::Error> {
        super::unit_label::deserialize(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_templates_parse() {
        let ids: Vec<&str> = Template::builtin().iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["chongqing", "shanghai"]);
        assert_eq!(
            Template::find("chongqing").map(|t| t.tables.len()),
            Some(11)
        );
    }

    #[test]
    fn a_mistake_in_a_template_is_named() {
        let bad = r#"
id = "x"
unit = "万元"
[[tables]]
title = "t"
body = { kind = "function", sources = "all", columns = ["totl"], total = "first" }
"#;
        let e = Template::from_toml(bad).unwrap_err().to_string();
        assert!(e.contains("“totl”不是金额"), "{e}");
        let e = Template::from_toml(
            &bad.replace("\"totl\"", "\"total\"")
                .replace("total = \"first\"", "total = \"first\", extra = 1"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("extra"), "{e}");
        let e = Template::from_toml(&bad.replace("\"万元\"", "\"千元\""))
            .unwrap_err()
            .to_string();
        assert!(e.contains("千元"), "{e}");
    }
}

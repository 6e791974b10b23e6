//! The TOML form of a budget: parsing it (every problem named by its line and column) and
//! writing it back, amounts in the source's `money_unit`.

use super::{
    Assets, Budget, ClassRounding, Compared, DepartmentGoal, EconomicItem, Indicator, LineItem,
    Money, OperatingCost, Procurement, ProjectGoal, Reasons, RollUp, Rounding, ThreePublic,
    UnitInfo,
};
use crate::money::{AmountError, MoneyUnit};
use serde::Deserialize;

/// A problem in a budget source, with its place (1-based line and column) when known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", location(*line, *column, place.as_deref()))]
pub struct BudgetError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// Where in a workbook form (工作表“支出科目”第 5 行), for a source read from one.
    pub place: Option<String>,
    pub message: String,
}

impl BudgetError {
    /// A problem of a workbook form, at its sheet and row (`place`, empty when unknown).
    pub fn at_place(place: String, message: String) -> BudgetError {
        BudgetError {
            line: None,
            column: None,
            place: (!place.is_empty()).then_some(place),
            message,
        }
    }
}

fn location(line: Option<usize>, column: Option<usize>, place: Option<&str>) -> String {
    if let Some(place) = place {
        return format!("{place}：");
    }
    match (line, column) {
        (Some(l), Some(c)) => format!("第 {l} 行第 {c} 列：",),
        (Some(l), None) => format!("第 {l} 行："),
        _ => String::new(),
    }
}

/// A TOML parser's or deserializer's message, said in Chinese: the common ones word for word,
/// any other labelled as a TOML slip with the parser's words kept.
fn in_chinese(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message).trim();
    // The name between the first pair of backticks ("missing field `name`").
    let quoted = || {
        first
            .split('`')
            .nth(1)
            .map_or(String::new(), |k| format!("“{k}”"))
    };
    if first.starts_with("missing field") {
        return format!("缺少必填项{}", quoted());
    }
    if first.starts_with("unknown field") {
        let expected: Vec<&str> = first
            .split_once("expected")
            .map(|(_, rest)| rest.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        return if expected.is_empty() {
            format!("不认识的项{}", quoted())
        } else {
            format!(
                "不认识的项{}（此处可写：{}）",
                quoted(),
                expected.join("、")
            )
        };
    }
    if first.starts_with("duplicate key") {
        return format!("{}重复出现（同一处只能写一次）", quoted());
    }
    if first.starts_with("invalid type") {
        let wanted = first.split_once("expected").map_or("", |(_, w)| w.trim());
        let wanted = match wanted {
            w if w.contains("string") => "文字（用引号括起）",
            w if w.contains("sequence") => "列表（[ … ]）",
            w if w.contains("map") || w.contains("struct") || w.contains("table") => {
                "表（[…] 下的若干项）"
            }
            w if w.contains("integer") || w.contains("u32") || w.contains("i64") => "整数",
            w if w.contains("bool") => "true 或 false",
            _ => "另一种写法",
        };
        return format!("写法不对：此处应为{wanted}");
    }
    if first.starts_with("invalid string") {
        return "文字应以引号 \" 或 ' 括起".to_string();
    }
    if first.starts_with("expected newline") {
        return "此处应换行：一行只写一项（键 = 值）".to_string();
    }
    if first.starts_with("invalid key") || first.starts_with("invalid unquoted key") {
        return "项名写法不对：含中文或符号的项名要用引号括起".to_string();
    }
    if first.starts_with("invalid table header") {
        return "表头写法不对：应为 [名称] 或 [[名称]]".to_string();
    }
    if first.starts_with("invalid inline table") {
        return "行内表写法不对：应为 { 键 = 值, … }，且不能跨行".to_string();
    }
    if first.starts_with("invalid array") {
        return "列表写法不对：应为 [ 值, 值, … ]".to_string();
    }
    if first.starts_with("invalid number")
        || first.starts_with("invalid integer")
        || first.starts_with("invalid float")
    {
        return "数字写法不对（金额可写作 12.34 或 \"1,234.56\"）".to_string();
    }
    // Our own deserializers speak Chinese already ("“abc”不是金额").
    if !message.is_ascii() {
        return message.to_string();
    }
    format!("TOML 写法有误（{}）", message.replace('\n', "；"))
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

impl Budget {
    /// Parse and check a TOML source. Errors name the line.
    pub fn from_toml(text: &str) -> Result<Budget, Vec<BudgetError>> {
        #[derive(Deserialize)]
        struct Head {
            money_unit: Option<toml::Spanned<String>>,
        }
        let index = LineIndex::new(text);
        let at = |offset: Option<usize>, message: String| {
            let (line, column) = offset.map(|o| index.line_col(text, o)).unzip();
            BudgetError {
                line,
                column,
                place: None,
                message,
            }
        };
        let to_err =
            |e: toml::de::Error| vec![at(e.span().map(|s| s.start), in_chinese(e.message()))];
        let head: Head = toml::from_str(text).map_err(to_err)?;
        if let Some(u) = &head.money_unit {
            u.get_ref()
                .parse::<MoneyUnit>()
                .map_err(|e| vec![at(Some(u.span().start), super::in_source(&e))])?;
        }
        let mut budget: Budget = toml::from_str(text).map_err(to_err)?;
        // Amounts were read as 万元; a source in 元 holds 1/10,000 of what was read.
        if budget.money_unit == MoneyUnit::Yuan {
            let mut problems = Vec::new();
            budget.for_each_amount(&mut |path, m| {
                if m.0 % YUAN_PER_WAN == 0 {
                    m.0 /= YUAN_PER_WAN;
                } else {
                    let error = AmountError::TooPrecise {
                        text: m.to_decimal(MoneyUnit::WanYuan),
                        unit: MoneyUnit::Yuan,
                    };
                    problems.push(at(offset_of(text, path), error.to_string()));
                }
            });
            if !problems.is_empty() {
                return Err(problems);
            }
        }
        let problems = budget.check();
        if problems.is_empty() {
            return Ok(budget);
        }
        let more = problems.len().saturating_sub(MAX_PROBLEMS);
        let mut errors: Vec<BudgetError> = problems
            .into_iter()
            .take(MAX_PROBLEMS)
            .map(|(offset, message)| at(offset, message))
            .collect();
        if more > 0 {
            errors.push(at(
                None,
                format!("另有 {more} 处问题未列出，请先改正以上问题"),
            ));
        }
        Err(errors)
    }

    /// Write as TOML, amounts in `money_unit`.
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        if self.money_unit == MoneyUnit::WanYuan {
            return toml::to_string_pretty(self);
        }
        // Amounts are written as 万元; in 元 each is 10,000 times its value in 万元.
        let mut scaled = self.clone();
        let mut overflow = false;
        scaled.for_each_amount(&mut |_, m| match m.0.checked_mul(YUAN_PER_WAN) {
            Some(v) => m.0 = v,
            None => overflow = true,
        });
        if overflow {
            return Err(serde::ser::Error::custom("金额超出范围"));
        }
        toml::to_string_pretty(&scaled)
    }

    /// Every amount of the budget with its key path in the source. Written with exhaustive
    /// patterns, so that a new field cannot be left out of the rescaling of a source written in
    /// 元: adding one fails to compile here until it is placed.
    fn for_each_amount(&mut self, f: &mut dyn FnMut(&[Key], &mut Money)) {
        use Key::{Index, Name};
        let Budget {
            year: _,
            money_unit: _,
            unit,
            items,
            economic,
            three_public,
            operating_cost,
            procurement,
            assets,
            reasons,
            department_goal,
            projects,
            rounding,
        } = self;
        let UnitInfo {
            name: _,
            code: _,
            implementer: _,
            scope: _,
            region: _,
            functions: _,
            organization: _,
            contact: _,
        } = unit;
        for (i, item) in items.iter_mut().enumerate() {
            let LineItem {
                code: _,
                name: _,
                source: _,
                basic,
                project,
                prior_basic,
                prior_project,
                prior,
                unsplit,
            } = item.get_mut();
            for (key, m) in [
                ("basic", basic),
                ("project", project),
                ("prior_basic", prior_basic),
                ("prior_project", prior_project),
                ("prior", prior),
                ("unsplit", unsplit),
            ] {
                f(&[Name("items"), Index(i), Name(key)], m);
            }
        }
        for (i, item) in economic.iter_mut().enumerate() {
            let EconomicItem {
                code: _,
                name: _,
                amount,
                kind: _,
            } = item.get_mut();
            f(&[Name("economic"), Index(i), Name("amount")], amount);
        }
        let ThreePublic {
            abroad,
            vehicle_purchase,
            vehicle_operation,
            reception,
            reason: _,
        } = three_public;
        for (key, c) in [
            ("abroad", abroad),
            ("vehicle_purchase", vehicle_purchase),
            ("vehicle_operation", vehicle_operation),
            ("reception", reception),
        ] {
            let Compared {
                amount,
                prior,
                reason: _,
            } = c;
            f(&[Name("three_public"), Name(key), Name("amount")], amount);
            f(&[Name("three_public"), Name(key), Name("prior")], prior);
        }
        let OperatingCost {
            amount,
            prior,
            reason: _,
            uses: _,
        } = operating_cost;
        if let Some(amount) = amount {
            f(&[Name("running_cost"), Name("amount")], amount);
        }
        f(&[Name("running_cost"), Name("prior")], prior);
        let Procurement {
            goods,
            works,
            services,
        } = procurement;
        for (key, m) in [("goods", goods), ("works", works), ("services", services)] {
            f(&[Name("procurement"), Name(key)], m);
        }
        let Assets {
            as_of: _,
            vehicles: _,
            purchases: _,
        } = assets;
        let Reasons {
            income: _,
            expenditure: _,
            basic: _,
            project: _,
            basic_uses: _,
        } = reasons;
        let DepartmentGoal {
            goal: _,
            indicators,
        } = department_goal;
        for i in indicators.iter() {
            no_money(i);
        }
        for (i, p) in projects.iter_mut().enumerate() {
            let ProjectGoal {
                name: _,
                code: _,
                owner: _,
                fiscal,
                other,
                execution_weight: _,
                goal: _,
                indicators,
            } = p.get_mut();
            f(&[Name("projects"), Index(i), Name("fiscal")], fiscal);
            f(&[Name("projects"), Index(i), Name("other")], other);
            for i in indicators.iter() {
                no_money(i);
            }
        }
        let Rounding {
            economic,
            personnel,
            public,
            function,
            economic_class,
            decimals: _,
        } = rounding;
        for (key, m) in [
            ("economic", economic),
            ("personnel", personnel),
            ("public", public),
        ] {
            f(&[Name("rounding"), Name(key)], m);
        }
        for (i, r) in function.iter_mut().enumerate() {
            let RollUp {
                code: _,
                basic,
                project,
                prior,
                total,
            } = r;
            for (key, m) in [
                ("basic", basic),
                ("project", project),
                ("prior", prior),
                ("total", total),
            ] {
                f(
                    &[Name("rounding"), Name("function"), Index(i), Name(key)],
                    m,
                );
            }
        }
        for (i, c) in economic_class.iter_mut().enumerate() {
            let ClassRounding {
                code: _,
                personnel,
                public,
            } = c;
            for (key, m) in [("personnel", personnel), ("public", public)] {
                f(
                    &[
                        Name("rounding"),
                        Name("economic_class"),
                        Index(i),
                        Name(key),
                    ],
                    m,
                );
            }
        }
    }
}

/// One step of a value's key path in a source: `items[2].basic`.
#[derive(Clone, Copy)]
enum Key {
    Name(&'static str),
    Index(usize),
}

/// Where the value at `path` starts in `text` (parsed again only for a problem's place).
fn offset_of(text: &str, path: &[Key]) -> Option<usize> {
    let doc = toml_edit::ImDocument::parse(text).ok()?;
    let mut item = doc.as_item();
    for key in path {
        item = match *key {
            Key::Name(name) => item.get(name)?,
            Key::Index(i) => item.get(i)?,
        };
    }
    item.span().map(|s| s.start)
}

/// An indicator holds no money (a new field of money would have to be placed here).
fn no_money(i: &Indicator) {
    let Indicator {
        level1: _,
        level2: _,
        name: _,
        op: _,
        value: _,
        unit: _,
        weight: _,
        core: _,
    } = i;
}

/// Fen per 元 are 100, per 万元 1,000,000: an amount read as 万元 is 10,000 times too large when
/// the source was written in 元.
const YUAN_PER_WAN: i64 = MoneyUnit::WanYuan.fen_per_unit() / MoneyUnit::Yuan.fen_per_unit();

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::Source;

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
    #[test]
    fn toml_slips_are_said_in_chinese_at_their_line() {
        let cases = [
            ("year = 2025\n[unit]\nname = \n", 3, "文字应以引号"),
            ("year = 2025\n[unit]\ncode = \"1\"\n", 2, "缺少必填项“name”"),
            (
                "year = 2025\nyear = 2026\n[unit]\nname = \"x\"\n",
                2,
                "“year”重复出现",
            ),
            ("year = 2025 2026\n[unit]\nname = \"x\"\n", 1, "此处应换行"),
            (
                "year = 2025\n[unit]\nname = \"x\"\nfoo = 1\n",
                4,
                "不认识的项“foo”",
            ),
        ];
        for (text, line, words) in cases {
            let errs = Budget::from_toml(text).unwrap_err();
            assert_eq!(errs[0].line, Some(line), "{text}: {errs:?}");
            assert!(errs[0].message.contains(words), "{text}: {errs:?}");
            assert!(!errs[0].message.is_ascii(), "{errs:?}");
        }
    }

    #[test]
    fn wan_figures_in_a_source_in_yuan_are_refused() {
        let yuan = SMALL.replace("money_unit = \"万元\"", "money_unit = \"元\"");
        assert_ne!(yuan, SMALL);
        let errs = Budget::from_toml(&yuan).unwrap_err();
        assert!(
            errs.iter()
                .any(|e| e.message.contains("金额像是按万元填写的")),
            "{errs:?}"
        );
    }

    #[test]
    fn plausibility_checks_say_what_is_implausible_in_chinese() {
        let example =
            include_str!("../../../../examples/chongqing-dadukou-govoffice-2025/budget.toml");
        let refused = |from: &str, to: &str| {
            let text = example.replacen(from, to, 1);
            assert_ne!(text, example, "{from}");
            Budget::from_toml(&text)
                .unwrap_err()
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
        };
        // 三公 parts against their economic items.
        assert_eq!(
            refused("reception = { amount = 2.2,", "reception = { amount = 0.2,"),
            ["经济分类 30217 公务接待费 0.50 超过三公经费中的公务接待费 0.20（单位万元）：三公经费包含基本支出中的这一款，不能更少"]
        );
        // Goal funds against the project spending, all projects together.
        let many = refused("fiscal = 18.49", "fiscal = 880");
        assert!(
            many.iter()
                .any(|m| m.starts_with("各项目绩效目标的财政拨款合计")),
            "{many:?}"
        );
    }

    #[test]
    fn a_source_in_yuan_holds_the_same_money_as_in_wan() {
        // Every field of money, in 万元 and the same figures in 元.
        let wan = r#"
year = 2025
[unit]
name = "测试单位"
[[items]]
code = "2010301"
basic = 10.5
project = 2
prior_basic = 9
prior_project = "0.000001"
[[economic]]
code = "30101"
amount = 10.5
[three_public.abroad]
amount = 1
prior = 2
[three_public.vehicle_purchase]
amount = 3
prior = 4
[three_public.vehicle_operation]
amount = 5
prior = 6
[three_public.reception]
amount = 7
prior = 8
[running_cost]
amount = 9
prior = 10
[procurement]
goods = 11
works = 12
services = 13
[[projects]]
name = "项目"
fiscal = 2
other = 15
execution_weight = 100
goal = "目标"
indicators = []
"#;
        let yuan = wan
            .replace("year = 2025", "year = 2025\nmoney_unit = \"元\"")
            .replace("basic = 10.5", "basic = 105000")
            .replace("amount = 10.5", "amount = \"105,000\"")
            .replace("\"0.000001\"", "0.01");
        let yuan = (1..=15).rev().fold(yuan, |s, n| {
            s.replace(&format!(" = {n}\n"), &format!(" = {n}0000\n"))
        });
        let a = Budget::from_toml(wan).expect("valid in 万元");
        let b = Budget::from_toml(&yuan).expect("valid in 元");
        let strip = |mut x: Budget| {
            x.money_unit = MoneyUnit::WanYuan;
            toml::to_string(&x).expect("serialises")
        };
        assert_eq!(strip(a.clone()), strip(b.clone()));
        // Written back in its own unit, each reads as it was.
        let again = Budget::from_toml(&b.to_toml().expect("serialises")).expect("round trip");
        assert_eq!(again, b);
        assert!(b.to_toml().expect("serialises").contains("basic = 105000"));
        // A fen is the finest 元 figure.
        let errs = Budget::from_toml(&yuan.replace("= 0.01", "= 0.001")).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(
            (errs[0].line, errs[0].column),
            (Some(11), Some(17)),
            "{errs:?}"
        );
        assert_eq!(
            errs[0].message,
            "“0.001”的小数位多于2位（单位元，最小到分）"
        );
        // Outside the items too, the value itself is named.
        let bad = yuan.replacen(" = 10000\n", " = 10000.005\n", 1);
        let errs = Budget::from_toml(&bad).unwrap_err();
        let line = bad
            .lines()
            .position(|l| l.ends_with("10000.005"))
            .map(|i| i + 1);
        assert_eq!((errs[0].line, errs[0].column), (line, Some(10)), "{errs:?}");
        assert!(errs[0].message.starts_with("“10000.005”"), "{errs:?}");
        let errs = Budget::from_toml(&yuan.replace("\"元\"", "\"千元\"")).unwrap_err();
        assert_eq!(errs[0].line, Some(3), "{errs:?}");
        assert!(errs[0].message.contains("千元"), "{errs:?}");
    }
}

//! Budget -> the tables of a disclosure, each a projection of the line items.
//!
//! Rounding policy (one for every output): amounts are exact fen in the Budget; a figure printed
//! in 万元 is that exact amount rounded half away from zero to 0.01 万元, figure by figure. A
//! total is the rounding of the exact total, never the sum of rounded parts, so printed parts
//! may differ from their printed total by a few 0.01 (尾差), exactly as DOMAIN.md §4 expects.

use crate::template::{
    Body, Each, Fixed, Lines, Place, Sources, TableSpec, Template, ThreePublicColumn, Value,
};
use yusuan_core::budget::{Budget, FunctionTotal, Money, Source, Staffing};
use yusuan_core::{
    format_fen, format_fen_to, Amount, Cell, CellValue, Merge, MoneyUnit, Row, Span, Table,
};

/// A table under construction: grid header with merges, rows of cells.
pub(crate) struct Grid {
    pub table: Table,
    unit: MoneyUnit,
    /// Decimals printed (2, or fewer where the source keeps an original printed so).
    decimals: u8,
}

impl Grid {
    pub fn new(number: &str, title: String, unit: Option<MoneyUnit>) -> Grid {
        Grid {
            table: Table {
                number: (!number.is_empty()).then(|| number.to_string()),
                title,
                unit,
                ..Table::default()
            },
            unit: unit.unwrap_or(MoneyUnit::WanYuan),
            decimals: 2,
        }
    }

    /// Print amounts with the decimals of the original `b` was read from (whole 元), in a
    /// table of the budget's own unit.
    pub fn decimals_of(mut self, b: &Budget) -> Self {
        if self.unit == b.money_unit {
            self.decimals = b.rounding.decimals.unwrap_or(2).min(2);
        }
        self
    }

    /// A header row; `spans` gives (col, rows, cols) of merged cells starting in this row.
    pub fn header(&mut self, cells: &[&str], spans: &[(usize, usize, usize)]) -> &mut Self {
        let row = self.table.header.len();
        self.table.header.push(text_row(cells));
        for &(col, rows, cols) in spans {
            self.table.merges.push(Merge {
                row,
                col,
                rows,
                cols,
            });
        }
        self
    }

    pub fn row(&mut self, cells: Vec<Cell>) -> &mut Self {
        self.table.rows.push(Row {
            span: Span::default(),
            cells,
            placed: false,
        });
        self
    }

    pub fn text(&self, s: &str) -> Cell {
        text_cell(s)
    }

    /// An amount cell; zero prints blank, as the templates do.
    pub fn money(&self, m: Money) -> Cell {
        money_cell(m, self.unit, self.decimals)
    }

    /// An amount cell that prints zero as 0.00: a one-row table (三公) whose blanks would leave
    /// a reader of the printed page guessing which column a lone figure is in.
    pub fn money0(&self, m: Money) -> Cell {
        if m.is_zero() {
            Cell {
                text: "0.00".to_string(),
                value: CellValue::Amount(Amount {
                    fen: 0,
                    unit: self.unit,
                    decimals: 2,
                }),
            }
        } else {
            self.money(m)
        }
    }

    pub fn note(&mut self, text: String) -> &mut Self {
        self.table.notes.push(yusuan_core::Spanned {
            value: text,
            span: Span::default(),
        });
        self
    }

    pub fn done(self) -> Table {
        self.table
    }
}

pub(crate) fn text_cell(s: &str) -> Cell {
    Cell {
        text: s.to_string(),
        value: if s.is_empty() {
            CellValue::Blank
        } else {
            CellValue::Text(s.to_string())
        },
    }
}

/// An amount cell printed with `decimals` (at most 2); zero prints blank.
fn money_cell(m: Money, unit: MoneyUnit, decimals: u8) -> Cell {
    if m.is_zero() {
        return text_cell("");
    }
    let decimals = decimals.min(2);
    let text = format_fen_to(m.fen(), unit, decimals);
    let step = unit.fen_per_unit() / 10i64.pow(u32::from(decimals));
    let rounded = (m.fen() + m.fen().signum() * step / 2) / step * step;
    Cell {
        text,
        value: CellValue::Amount(Amount {
            fen: rounded,
            unit,
            decimals,
        }),
    }
}

fn text_row(cells: &[&str]) -> Row {
    Row {
        span: Span::default(),
        cells: cells.iter().map(|c| text_cell(c)).collect(),
        placed: false,
    }
}

/// The figure as the narrative states it: `2,686.02`.
pub(crate) fn wan(m: Money) -> String {
    format_fen(m.fen(), MoneyUnit::WanYuan)
}

/// 类 rows (3-digit codes) of `rows`.
pub(crate) fn classes(rows: &[FunctionTotal]) -> Vec<&FunctionTotal> {
    rows.iter().filter(|r| r.code.len() == 3).collect()
}

/// Sources a department table lists (上年结转 only when used).
fn listed_sources(b: &Budget) -> Vec<Source> {
    Source::ALL
        .into_iter()
        .filter(|s| *s != Source::CarryOver || !b.total_of(*s).is_zero())
        .collect()
}

/// The tables of `template` for `b`, in the template's order.
pub(crate) fn tables(template: &Template, b: &Budget) -> Vec<Table> {
    let mut out = Vec::new();
    for spec in &template.tables {
        let unit = spec.unit.unwrap_or(template.unit);
        match &spec.body {
            Body::ProjectGoals { first_number } => {
                out.extend(project_goal_tables(spec, *first_number, b));
            }
            body => out.push(table(spec, unit, body, b)),
        }
    }
    out
}

/// The single fund a table is about, for its `{fund}`.
fn fund_of(body: &Body) -> Option<Source> {
    match body {
        Body::Function { sources, .. } => match sources.list() {
            [one] => Some(*one),
            _ => None,
        },
        _ => None,
    }
}

/// A template text with its placeholders filled.
fn fill(text: &str, b: &Budget, fund: Option<Source>) -> String {
    text.replace("{year}", &b.year.to_string())
        .replace("{prior_year}", &(b.year - 1).to_string())
        .replace("{scope}", b.unit.scope.label())
        .replace("{fund}", fund.map_or("", Source::label))
}

/// An income source's label in a 收支总表 or a header: "一般公共预算资金", "事业收入资金".
fn source_label(s: Source) -> String {
    format!("{}资金", s.label().trim_end_matches("资金"))
}

/// A value of one 类 / 款 / 项 line (`Value::ListedSources` is expanded by the caller).
fn line_value(v: Value, r: &FunctionTotal) -> Money {
    let of = |s: &Source| r.by_source.get(s).copied().unwrap_or_default();
    match v {
        Value::Total => r.total(),
        Value::Basic => r.basic,
        Value::Project => r.project,
        Value::Prior => r.prior,
        Value::Fiscal => Sources::Fiscal.list().iter().map(of).sum(),
        Value::Source(s) => of(&s),
        Value::ListedSources => Money::ZERO,
    }
}

/// A value of the whole budget over `sources`.
fn budget_value(v: Value, b: &Budget, sources: &[Source]) -> Money {
    let sum = |f: fn(&Budget, Source) -> Money| sources.iter().map(|s| f(b, *s)).sum();
    match v {
        Value::Total => sum(Budget::total_of),
        Value::Basic => sum(Budget::basic_of),
        Value::Project => sum(Budget::project_of),
        Value::Prior => sum(Budget::prior_of),
        Value::Fiscal => Sources::Fiscal.list().iter().map(|s| b.total_of(*s)).sum(),
        Value::Source(s) => b.total_of(s),
        Value::ListedSources => Money::ZERO,
    }
}

/// The cells of a fixed row.
fn fixed_cells(g: &Grid, cells: &[Fixed], b: &Budget) -> Vec<Cell> {
    cells
        .iter()
        .map(|c| match c {
            Fixed::Text(t) => g.text(&fill(t, b, None)),
            Fixed::Amount(v) => g.money(budget_value(*v, b, &Source::ALL)),
        })
        .collect()
}

/// One table of a template (every kind but the project goals, which are one table each).
fn table(spec: &TableSpec, unit: MoneyUnit, body: &Body, b: &Budget) -> Table {
    let fund = fund_of(body);
    let listed = listed_sources(b);
    let mut g = Grid::new(
        &fill(&spec.number, b, fund),
        fill(&spec.title, b, fund),
        Some(unit),
    )
    .decimals_of(b);
    for (i, row) in spec.header.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .flat_map(|c| match c.as_str() {
                "{listed_sources}" => listed.iter().map(|s| source_label(*s)).collect(),
                text => vec![fill(text, b, fund)],
            })
            .collect();
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        let merges: Vec<(usize, usize, usize)> = spec
            .merges
            .iter()
            .filter(|m| m[0] == i)
            .map(|m| (m[1], m[2], m[3]))
            .collect();
        g.header(&cells, &merges);
    }
    match body {
        Body::Function {
            sources,
            rows,
            columns,
            total,
            empty_note,
        } => {
            let list = sources.list();
            let mut lines = b.function_rows(list);
            if *rows == Lines::Current {
                lines.retain(|r| !r.total().is_zero());
            }
            let values = |each: &dyn Fn(Value) -> Money, of: &dyn Fn(Source) -> Money| {
                columns
                    .iter()
                    .flat_map(|c| match c {
                        Value::ListedSources => listed.iter().map(|s| of(*s)).collect(),
                        v => vec![each(*v)],
                    })
                    .collect::<Vec<Money>>()
            };
            let totals = values(&|v| budget_value(v, b, list), &|s| b.total_of(s));
            let label = |g: &Grid| [g.text("合计"), g.text("")];
            if *total == Place::First {
                let mut first = label(&g).to_vec();
                first.extend(totals.iter().map(|m| g.money(*m)));
                g.row(first);
            }
            for r in &lines {
                let mut cells = vec![g.text(&r.code), g.text(&r.name)];
                let v = values(&|v| line_value(v, r), &|s| line_value(Value::Source(s), r));
                cells.extend(v.into_iter().map(|m| g.money(m)));
                g.row(cells);
            }
            if *total == Place::Last {
                let mut last = vec![g.text(""), g.text("合计")];
                last.extend(totals.iter().map(|m| g.money(*m)));
                g.row(last);
            }
            if let (true, Some(note)) = (lines.is_empty(), empty_note) {
                g.note(fill(note, b, fund));
            }
        }
        Body::Economic { total } => {
            let personnel = b.staffing(Staffing::Personnel);
            let public = b.staffing(Staffing::Public);
            // The 合计 is the basic spending it splits: a source read from a document keeps
            // that document's printed 尾差 between the two (`Budget::rounding`).
            let sums = |g: &Grid| {
                let r = &b.rounding;
                [
                    g.money(personnel + public + r.economic),
                    g.money(personnel + r.personnel),
                    g.money(public + r.public),
                ]
            };
            if *total == Place::First {
                let mut row = vec![g.text("合计"), g.text("")];
                row.extend(sums(&g));
                g.row(row);
            }
            economic_rows(&mut g, b);
            if *total == Place::Last {
                let mut row = vec![g.text(""), g.text("合计")];
                row.extend(sums(&g));
                g.row(row);
            }
        }
        Body::ThreePublic { columns } => {
            let t = &b.three_public;
            let cells = columns
                .iter()
                .map(|c| {
                    g.money0(match c {
                        ThreePublicColumn::Total => t.total(),
                        ThreePublicColumn::Abroad => t.abroad.amount,
                        ThreePublicColumn::Vehicles => t.vehicles(),
                        ThreePublicColumn::VehiclePurchase => t.vehicle_purchase.amount,
                        ThreePublicColumn::VehicleOperation => t.vehicle_operation.amount,
                        ThreePublicColumn::Reception => t.reception.amount,
                        ThreePublicColumn::OperatingCost => b.operating_cost(),
                    })
                })
                .collect();
            g.row(cells);
        }
        Body::Summary {
            first,
            income,
            expenditure,
            last,
        } => {
            for row in first {
                let cells = fixed_cells(&g, row, b);
                g.row(cells);
            }
            let left: Vec<(String, Money)> = income
                .iter()
                .flat_map(|i| match (i.each, i.amount) {
                    (Some(Each::Listed), _) => listed
                        .iter()
                        .map(|s| {
                            let name = s.label().trim_end_matches("资金");
                            (i.label.replace("{source}", name), b.total_of(*s))
                        })
                        .collect(),
                    (None, Some(v)) => {
                        vec![(fill(&i.label, b, None), budget_value(v, b, &Source::ALL))]
                    }
                    (None, None) => Vec::new(),
                })
                .collect();
            let mut right: Vec<Vec<Cell>> = Vec::new();
            if !expenditure.head.is_empty() {
                right.push(fixed_cells(&g, &expenditure.head, b));
            }
            let lines: Vec<FunctionTotal> = b
                .function_rows(expenditure.classes.list())
                .into_iter()
                .filter(|r| !r.total().is_zero())
                .collect();
            for (n, r) in classes(&lines).into_iter().enumerate() {
                let label = expenditure
                    .label
                    .replace("{number}", &chinese_number(n as u32 + 1))
                    .replace("{name}", &r.name);
                let mut cells = vec![g.text(&label)];
                cells.extend(
                    expenditure
                        .columns
                        .iter()
                        .map(|v| g.money(line_value(*v, r))),
                );
                right.push(cells);
            }
            let right_width = 1 + expenditure.columns.len();
            for i in 0..left.len().max(right.len()) {
                let mut cells = match left.get(i) {
                    Some((l, m)) => vec![g.text(l), g.money(*m)],
                    None => vec![g.text(""), g.text("")],
                };
                match right.get(i) {
                    Some(r) => cells.extend(r.iter().cloned()),
                    None => cells.extend((0..right_width).map(|_| g.text(""))),
                }
                g.row(cells);
            }
            for row in last {
                let cells = fixed_cells(&g, row, b);
                g.row(cells);
            }
        }
        Body::DepartmentGoal => department_goal(&mut g, b),
        Body::ProjectGoals { .. } => {}
    }
    g.done()
}

/// The unit as goal tables name it: `103-重庆市…办公室`.
fn unit_label(b: &Budget) -> String {
    if b.unit.code.is_empty() {
        b.unit.name.clone()
    } else {
        format!("{}-{}", b.unit.code, b.unit.name)
    }
}

/// 整体绩效目标表.
fn department_goal(g: &mut Grid, b: &Budget) {
    g.row(vec![
        g.text(&format!("{}名称", b.unit.scope.label())),
        g.text(&unit_label(b)),
        g.text(&format!("{}支出预算数", b.unit.scope.label())),
        text_cell(&wan_plain(b.total())),
    ]);
    g.row(vec![
        g.text("当年整体绩效目标"),
        g.text(&b.department_goal.goal),
    ]);
    g.row(
        ["", "指标名称", "指标性质", "指标值", "计量单位", "指标权重"]
            .iter()
            .map(|s| text_cell(s))
            .collect(),
    );
    for (i, ind) in b.department_goal.indicators.iter().enumerate() {
        g.row(vec![
            g.text(if i == 0 { "绩效指标" } else { "" }),
            g.text(&ind.name),
            g.text(&ind.op),
            g.text(&ind.value),
            g.text(&ind.unit),
            g.text(&ind.weight.to_string()),
        ]);
    }
}

/// One 项目绩效目标表 per project, numbered on from `first_number`.
fn project_goal_tables(spec: &TableSpec, first_number: u32, b: &Budget) -> Vec<Table> {
    let unit_label = unit_label(b);
    let implementer = if b.unit.implementer.is_empty() {
        unit_label.clone()
    } else {
        b.unit.implementer.clone()
    };
    let mut out = Vec::new();
    for (k, p) in b.projects.iter().enumerate() {
        let p = p.get_ref();
        let number = format!("表{}", chinese_number(first_number + k as u32));
        let mut g = Grid::new(&number, fill(&spec.title, b, None), None);
        g.row(vec![g.text("填报单位："), g.text(&implementer)]);
        let name = if p.code.is_empty() {
            p.name.clone()
        } else {
            format!("{}-{}", p.code, p.name)
        };
        g.row(vec![
            g.text("项目名称"),
            g.text(&name),
            g.text("项目负责人及联系电话"),
            g.text(&p.owner),
        ]);
        g.row(vec![
            g.text("主管部门"),
            g.text(&unit_label),
            g.text("实施单位"),
            g.text(&implementer),
        ]);
        g.row(vec![
            g.text("预算执行率权重(%)："),
            g.text(""),
            g.text(&p.execution_weight.to_string()),
        ]);
        g.row(vec![
            g.text("资金情况 (万元)"),
            g.text("年度资金总额："),
            text_cell(&wan_plain(p.fiscal + p.other)),
        ]);
        g.row(vec![
            g.text(""),
            g.text("其中：财政拨款"),
            text_cell(&wan_plain(p.fiscal)),
        ]);
        g.row(vec![
            g.text(""),
            g.text("其他资金"),
            text_cell(&if p.other.is_zero() {
                String::new()
            } else {
                wan_plain(p.other)
            }),
        ]);
        g.row(vec![g.text("总体目标"), g.text(&p.goal)]);
        g.row(
            [
                "",
                "一级指标",
                "二级指标",
                "三级指标",
                "指标性质",
                "指标值",
                "度量单位",
                "权重（%）",
                "是否核心指标",
            ]
            .iter()
            .map(|s| text_cell(s))
            .collect(),
        );
        let (mut l1, mut l2) = (String::new(), String::new());
        for (i, ind) in p.indicators.iter().enumerate() {
            let show1 = ind.level1 != l1;
            let show2 = show1 || ind.level2 != l2;
            l1.clone_from(&ind.level1);
            l2.clone_from(&ind.level2);
            g.row(vec![
                g.text(if i == 0 { "绩效指标" } else { "" }),
                g.text(if show1 { &ind.level1 } else { "" }),
                g.text(if show2 { &ind.level2 } else { "" }),
                g.text(&ind.name),
                g.text(&ind.op),
                g.text(&ind.value),
                g.text(&ind.unit),
                g.text(&ind.weight.to_string()),
                g.text(if ind.core { "是" } else { "否" }),
            ]);
        }
        let mut t = g.done();
        t.unit = None;
        out.push(t);
    }
    out
}

/// Amount in 万元 with two decimals, no separators (the performance tables' style).
fn wan_plain(m: Money) -> String {
    wan(m).replace(',', "")
}

/// 十一, 十二 … for table numbers up to 99.
pub(crate) fn chinese_number(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", D[(n % 10) as usize]),
        _ => {
            let ones = n % 10;
            format!(
                "{}十{}",
                D[(n / 10 % 10) as usize],
                if ones == 0 { "" } else { D[ones as usize] }
            )
        }
    }
}

/// The economic table's body: each 类 (with its 人员 / 公用 split) before its 款.
fn economic_rows(g: &mut Grid, b: &Budget) {
    let mut econ: Vec<_> = b
        .economic_items()
        .filter(|e| e.code.len() == 5 && e.code.bytes().all(|c| c.is_ascii_digit()))
        .collect();
    econ.sort_by(|a, b| a.code.cmp(&b.code));
    let split = |e: &yusuan_core::budget::EconomicItem| match e.staffing() {
        Staffing::Personnel => (e.amount, Money::ZERO),
        Staffing::Public => (Money::ZERO, e.amount),
    };
    let mut seen: Vec<&str> = Vec::new();
    for e in &econ {
        let class = &e.code[..3];
        if !seen.contains(&class) {
            seen.push(class);
            let (p, q) = econ
                .iter()
                .filter(|x| x.code.starts_with(class))
                .map(|x| split(x))
                .fold((Money::ZERO, Money::ZERO), |(p, q), (x, y)| (p + x, q + y));
            // The 尾差 a source read from a document keeps on the 类 row.
            let (p, q) = match b.rounding.economic_class.iter().find(|c| c.code == class) {
                Some(c) => (p + c.personnel, q + c.public),
                None => (p, q),
            };
            let row = vec![
                g.text(class),
                g.text(&b.economic_name(class)),
                g.money(p + q),
                g.money(p),
                g.money(q),
            ];
            g.row(row);
        }
        let (p, q) = split(e);
        let row = vec![
            g.text(&e.code),
            g.text(&b.economic_name(&e.code)),
            g.money(e.amount),
            g.money(p),
            g.money(q),
        ];
        g.row(row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_numbers() {
        assert_eq!(chinese_number(3), "三");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(13), "十三");
        assert_eq!(chinese_number(20), "二十");
        assert_eq!(chinese_number(21), "二十一");
    }

    #[test]
    fn money_cells_round_half_away_from_zero() {
        let c = money_cell(Money(12_345), MoneyUnit::WanYuan, 2); // 123.45 元
        assert_eq!(c.text, "0.01");
        let c = money_cell(Money(14_999), MoneyUnit::WanYuan, 2);
        assert_eq!(c.text, "0.01");
        let c = money_cell(Money(5_000), MoneyUnit::WanYuan, 2);
        assert_eq!(c.text, "0.01");
        let c = money_cell(Money(4_999), MoneyUnit::WanYuan, 2);
        assert_eq!(c.text, "0.00");
        assert_eq!(money_cell(Money::ZERO, MoneyUnit::WanYuan, 2).text, "");
        // A source read from a document printed in whole 元 prints as it did.
        let c = money_cell(Money(9_499_578_950), MoneyUnit::Yuan, 0);
        assert_eq!(c.text, "94,995,790");
        assert!(matches!(
            c.value,
            CellValue::Amount(Amount {
                fen: 9_499_579_000,
                decimals: 0,
                ..
            })
        ));
    }
}

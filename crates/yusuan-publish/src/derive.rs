//! Budget -> the tables of a disclosure, each a projection of the line items.
//!
//! Rounding policy (one for every output): amounts are exact fen in the Budget; a figure printed
//! in 万元 is that exact amount rounded half away from zero to 0.01 万元, figure by figure. A
//! total is the rounding of the exact total, never the sum of rounded parts, so printed parts
//! may differ from their printed total by a few 0.01 (尾差), exactly as DOMAIN.md §4 expects.

use yusuan_core::budget::{Budget, FunctionTotal, Money, Source, Staffing};
use yusuan_core::{format_fen, Amount, Cell, CellValue, Merge, MoneyUnit, Row, Span, Table};

/// A table under construction: grid header with merges, rows of cells.
pub(crate) struct Grid {
    pub table: Table,
    unit: MoneyUnit,
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
        }
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
        money_cell(m, self.unit)
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

pub(crate) fn money_cell(m: Money, unit: MoneyUnit) -> Cell {
    if m.is_zero() {
        return text_cell("");
    }
    let text = format_fen(m.fen(), unit);
    let step = unit.fen_per_unit() / 100;
    let rounded = (m.fen() + m.fen().signum() * step / 2) / step * step;
    Cell {
        text,
        value: CellValue::Amount(Amount {
            fen: rounded,
            unit,
            decimals: 2,
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

/// The rows of a function table: 合计 then 类 / 款 / 项 with `cols` amounts each.
fn function_rows(
    g: &mut Grid,
    rows: &[FunctionTotal],
    values: impl Fn(&FunctionTotal) -> Vec<Money>,
    total: Vec<Money>,
) {
    let mut first = vec![g.text("合计"), g.text("")];
    first.extend(total.into_iter().map(|m| g.money(m)));
    g.row(first);
    for r in rows {
        let mut cells = vec![g.text(&r.code), g.text(&r.name)];
        cells.extend(values(r).into_iter().map(|m| g.money(m)));
        g.row(cells);
    }
}

/// The labels of income sources as the Chongqing tables print them ("…资金").
fn source_label(s: Source) -> String {
    match s {
        Source::General | Source::GovFund | Source::StateCapital => {
            format!("{}资金", s.label())
        }
        other => format!("{}资金", other.label().trim_end_matches("资金")),
    }
}

/// Sources a department table lists (上年结转 only when used).
fn listed_sources(b: &Budget) -> Vec<Source> {
    Source::ALL
        .into_iter()
        .filter(|s| *s != Source::CarryOver || !b.total_of(*s).is_zero())
        .collect()
}

/// Chongqing district template: 表一 .. 表九, 表十 整体绩效, 表十一.. 项目绩效.
pub(crate) fn chongqing_tables(b: &Budget) -> Vec<Table> {
    let y = b.year;
    let mut out = Vec::new();
    let fiscal = [Source::General, Source::GovFund, Source::StateCapital];
    // Tables of this year's money list only lines with this year's money; 表二 (with the prior
    // year's column) lists last year's lines too.
    let current = |rows: Vec<FunctionTotal>| -> Vec<FunctionTotal> {
        rows.into_iter().filter(|r| !r.total().is_zero()).collect()
    };
    let fiscal_rows = current(b.function_rows(&fiscal));
    let general_rows = b.function_rows(&[Source::General]);
    let all_rows = current(b.function_rows(&Source::ALL));
    let wan = Some(MoneyUnit::WanYuan);

    // 表一 财政拨款收支总表
    let mut g = Grid::new("表一", format!("{y}年财政拨款收支总表"), wan);
    g.header(
        &["收入", "", "支出", "", "", "", ""],
        &[(0, 1, 2), (2, 1, 5)],
    );
    g.header(
        &[
            "项目",
            "预算数",
            "项目",
            "合计",
            "一般公共预算",
            "政府性基金预算",
            "国有资本经营预算",
        ],
        &[],
    );
    let ft: Money = fiscal.iter().map(|s| b.total_of(*s)).sum();
    let per_source = |r: Option<&FunctionTotal>, s: Source| {
        r.and_then(|r| r.by_source.get(&s).copied())
            .unwrap_or_default()
    };
    let mut left: Vec<(String, Money)> = vec![("一、本年收入".into(), ft)];
    left.extend(fiscal.iter().map(|s| (source_label(*s), b.total_of(*s))));
    let fclasses = classes(&fiscal_rows);
    let mut right: Vec<(String, Option<&FunctionTotal>)> = vec![("一、本年支出".into(), None)];
    right.extend(fclasses.iter().map(|r| (r.name.clone(), Some(*r))));
    for i in 0..left.len().max(right.len()) {
        let mut cells = match left.get(i) {
            Some((l, m)) => vec![g.text(l), g.money(*m)],
            None => vec![g.text(""), g.text("")],
        };
        match right.get(i) {
            Some((l, None)) => {
                cells.push(g.text(l));
                cells.push(g.money(ft));
                cells.extend(fiscal.iter().map(|s| g.money(b.total_of(*s))));
            }
            Some((l, Some(r))) => {
                cells.push(g.text(l));
                cells.push(g.money(r.total()));
                cells.extend(fiscal.iter().map(|s| g.money(per_source(Some(r), *s))));
            }
            None => cells.extend((0..5).map(|_| g.text(""))),
        }
        g.row(cells);
    }
    let blank5 = || (0..5).map(|_| text_cell("")).collect::<Vec<_>>();
    let mut carry = vec![g.text("二、上年结转"), g.text(""), g.text("二、结转下年")];
    carry.extend((0..4).map(|_| g.text("")));
    g.row(carry);
    for l in [
        "一般公共预算拨款",
        "政府性基金预算拨款",
        "国有资本经营预算拨款",
    ] {
        let mut cells = vec![g.text(l), g.text("")];
        cells.extend(blank5());
        g.row(cells);
    }
    let mut last = vec![
        g.text("收入合计"),
        g.money(ft),
        g.text("支出合计"),
        g.money(ft),
    ];
    last.extend(fiscal.iter().map(|s| g.money(b.total_of(*s))));
    g.row(last);
    out.push(g.done());

    // 表二 一般公共预算财政拨款支出预算表
    let mut g = Grid::new("表二", format!("{y}年一般公共预算财政拨款支出预算表"), wan);
    g.header(
        &[
            "功能分类科目",
            "",
            &format!("{}年预算数", y - 1),
            &format!("{y}年预算数"),
            "",
            "",
        ],
        &[(0, 1, 2), (2, 2, 1), (3, 1, 3)],
    );
    g.header(
        &["科目编码", "科目名称", "", "总计", "基本支出", "项目支出"],
        &[],
    );
    let gen = Source::General;
    function_rows(
        &mut g,
        &general_rows,
        |r| vec![r.prior, r.total(), r.basic, r.project],
        vec![
            b.prior_of(gen),
            b.total_of(gen),
            b.basic_of(gen),
            b.project_of(gen),
        ],
    );
    out.push(g.done());

    // 表三 一般公共预算财政拨款基本支出预算表
    let mut g = Grid::new(
        "表三",
        format!("{y}年一般公共预算财政拨款基本支出预算表"),
        wan,
    );
    g.header(
        &["经济分类科目", "", &format!("{y}年基本支出"), "", ""],
        &[(0, 1, 2), (2, 1, 3)],
    );
    g.header(
        &["科目编码", "科目名称", "总计", "人员经费", "日常公用经费"],
        &[],
    );
    let personnel = b.staffing(Staffing::Personnel);
    let public = b.staffing(Staffing::Public);
    g.row(vec![
        g.text("合计"),
        g.text(""),
        g.money(personnel + public),
        g.money(personnel),
        g.money(public),
    ]);
    economic_rows(&mut g, b);
    out.push(g.done());

    // 表四 三公经费
    let t = &b.three_public;
    let mut g = Grid::new("表四", format!("{y}年一般公共预算三公经费支出表"), wan);
    g.header(&[&format!("{y}年预算数"), "", "", "", "", ""], &[(0, 1, 6)]);
    g.header(
        &[
            "合计",
            "因公出国（境）费",
            "公务用车购置及运行费",
            "",
            "",
            "公务接待费",
        ],
        &[(0, 2, 1), (1, 2, 1), (2, 1, 3), (5, 2, 1)],
    );
    g.header(
        &["", "", "小计", "公务用车购置费", "公务用车运行费", ""],
        &[],
    );
    g.row(vec![
        g.money0(t.total()),
        g.money0(t.abroad.amount),
        g.money0(t.vehicles()),
        g.money0(t.vehicle_purchase.amount),
        g.money0(t.vehicle_operation.amount),
        g.money0(t.reception.amount),
    ]);
    out.push(g.done());

    // 表五 政府性基金预算支出表, 表九 国有资本经营预算支出表
    let fund_table = |number: &str, source: Source| {
        let name = source.label();
        let mut g = Grid::new(number, format!("{y}年{name}支出表"), wan);
        let heading = if source == Source::GovFund {
            "本年政府性基金预算财政拨款支出".to_string()
        } else {
            "本年国有资本经营预算支出".to_string()
        };
        g.header(
            &["科目编码", "科目名称", &heading, "", ""],
            &[(0, 2, 1), (1, 2, 1), (2, 1, 3)],
        );
        g.header(&["", "", "总计", "基本支出", "项目支出"], &[]);
        let rows = current(b.function_rows(&[source]));
        function_rows(
            &mut g,
            &rows,
            |r| vec![r.total(), r.basic, r.project],
            vec![b.total_of(source), b.basic_of(source), b.project_of(source)],
        );
        if rows.is_empty() {
            g.note(format!(
                "备注：本{}无{name}收支，故此表无数据。",
                b.unit.scope.label()
            ));
        }
        g.done()
    };
    out.push(fund_table("表五", Source::GovFund));

    // 表六 部门收支总表
    let mut g = Grid::new("表六", format!("{y}年部门收支总表"), wan);
    g.header(&["收入", "", "支出", ""], &[(0, 1, 2), (2, 1, 2)]);
    g.header(&["项目", "预算数", "项目", "预算数"], &[]);
    let total = b.total();
    g.row(vec![
        g.text("合计"),
        g.money(total),
        g.text("合计"),
        g.money(total),
    ]);
    let sources = listed_sources(b);
    let all_classes = classes(&all_rows);
    for i in 0..sources.len().max(all_classes.len()) {
        let mut cells = match sources.get(i) {
            Some(s) => vec![g.text(&source_label(*s)), g.money(b.total_of(*s))],
            None => vec![g.text(""), g.text("")],
        };
        match all_classes.get(i) {
            Some(r) => cells.extend([g.text(&r.name), g.money(r.total())]),
            None => cells.extend([g.text(""), g.text("")]),
        }
        g.row(cells);
    }
    out.push(g.done());

    // 表七 部门收入总表
    let mut g = Grid::new("表七", format!("{y}年部门收入总表"), wan);
    let labels: Vec<String> = sources.iter().map(|s| source_label(*s)).collect();
    let mut head = vec!["科目编码", "科目名称", "合计"];
    head.extend(labels.iter().map(String::as_str));
    g.header(&head, &[]);
    function_rows(
        &mut g,
        &all_rows,
        |r| {
            let mut v = vec![r.total()];
            v.extend(sources.iter().map(|s| per_source(Some(r), *s)));
            v
        },
        {
            let mut v = vec![total];
            v.extend(sources.iter().map(|s| b.total_of(*s)));
            v
        },
    );
    out.push(g.done());

    // 表八 部门支出总表
    let mut g = Grid::new("表八", format!("{y}年部门支出总表"), wan);
    g.header(
        &["科目编码", "科目名称", "总计", "基本支出", "项目支出"],
        &[],
    );
    let (basic, project): (Money, Money) = (
        b.items().map(|i| i.basic).sum(),
        b.items().map(|i| i.project).sum(),
    );
    function_rows(
        &mut g,
        &all_rows,
        |r| vec![r.total(), r.basic, r.project],
        vec![total, basic, project],
    );
    out.push(g.done());

    out.push(fund_table("表九", Source::StateCapital));

    // 表十 整体绩效目标表
    let mut g = Grid::new("表十", "整体绩效目标表".to_string(), wan);
    let unit_label = if b.unit.code.is_empty() {
        b.unit.name.clone()
    } else {
        format!("{}-{}", b.unit.code, b.unit.name)
    };
    g.row(vec![
        g.text(&format!("{}名称", b.unit.scope.label())),
        g.text(&unit_label),
        g.text(&format!("{}支出预算数", b.unit.scope.label())),
        text_cell(&wan_plain(total)),
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
    out.push(g.done());

    // 表十一.. 项目绩效目标表
    let implementer = if b.unit.implementer.is_empty() {
        unit_label.clone()
    } else {
        b.unit.implementer.clone()
    };
    for (k, p) in b.projects.iter().enumerate() {
        let p = p.get_ref();
        let number = format!("表{}", chinese_number(11 + k as u32));
        let mut g = Grid::new(&number, "项目绩效目标表".to_string(), None);
        g.table.notes.clear();
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

/// 一、二、… for the items of two-sided tables.
fn enumerated(i: usize, label: &str) -> String {
    format!("{}、{label}", chinese_number(i as u32 + 1))
}

/// Rows of a Shanghai function table: 类 / 款 / 项 with 合计 at the bottom.
fn rows_total_last(
    g: &mut Grid,
    rows: &[FunctionTotal],
    values: impl Fn(&FunctionTotal) -> Vec<Money>,
    total: Vec<Money>,
) {
    for r in rows {
        let mut cells = vec![g.text(&r.code), g.text(&r.name)];
        cells.extend(values(r).into_iter().map(|m| g.money(m)));
        g.row(cells);
    }
    let mut last = vec![g.text(""), g.text("合计")];
    last.extend(total.into_iter().map(|m| g.money(m)));
    g.row(last);
}

/// Shanghai district template: nine tables titled without numbers, amounts in 元 (the 三公
/// table in 万元), 合计 at the bottom.
pub(crate) fn shanghai_tables(b: &Budget) -> Vec<Table> {
    let y = b.year;
    let who = b.unit.scope.label();
    let yuan = Some(MoneyUnit::Yuan);
    let fiscal = [Source::General, Source::GovFund, Source::StateCapital];
    let current = |rows: Vec<FunctionTotal>| -> Vec<FunctionTotal> {
        rows.into_iter().filter(|r| !r.total().is_zero()).collect()
    };
    let all_rows = current(b.function_rows(&Source::ALL));
    let fiscal_rows = current(b.function_rows(&fiscal));
    let total = b.total();
    let fiscal_total: Money = fiscal.iter().map(|s| b.total_of(*s)).sum();
    let mut out = Vec::new();

    // 财务收支预算总表
    let mut g = Grid::new("", format!("{y}年{who}财务收支预算总表"), yuan);
    g.header(&["本年收入", "", "本年支出", ""], &[(0, 1, 2), (2, 1, 2)]);
    g.header(&["项目", "预算数", "项目", "预算数"], &[]);
    let mut left: Vec<(String, Money)> = vec![("一、财政拨款收入".into(), fiscal_total)];
    for (i, (label, s)) in [
        ("一般公共预算资金", Source::General),
        ("政府性基金", Source::GovFund),
        ("国有资本经营预算", Source::StateCapital),
    ]
    .iter()
    .enumerate()
    {
        left.push((format!("{}. {label}", i + 1), b.total_of(*s)));
    }
    for (i, s) in [Source::Business, Source::Operating, Source::Other]
        .iter()
        .enumerate()
    {
        left.push((enumerated(i + 1, s.label()), b.total_of(*s)));
    }
    let classes_all = classes(&all_rows);
    for i in 0..left.len().max(classes_all.len()) {
        let mut cells = match left.get(i) {
            Some((l, m)) => vec![g.text(l), g.money(*m)],
            None => vec![g.text(""), g.text("")],
        };
        match classes_all.get(i) {
            Some(r) => cells.extend([g.text(&enumerated(i, &r.name)), g.money(r.total())]),
            None => cells.extend([g.text(""), g.text("")]),
        }
        g.row(cells);
    }
    g.row(vec![
        g.text("收入总计"),
        g.money(total),
        g.text("支出总计"),
        g.money(total),
    ]);
    out.push(g.done());

    // 收入预算总表
    let mut g = Grid::new("", format!("{y}年{who}收入预算总表"), yuan);
    g.header(
        &["项目", "", "收入预算", "", "", "", ""],
        &[(0, 1, 2), (2, 1, 5)],
    );
    g.header(
        &[
            "功能分类科目编码",
            "功能分类科目名称",
            "合计",
            "财政拨款收入",
            "事业收入",
            "事业单位经营收入",
            "其他收入",
        ],
        &[],
    );
    let others = [Source::Business, Source::Operating, Source::Other];
    let by = |r: &FunctionTotal, s: Source| r.by_source.get(&s).copied().unwrap_or_default();
    rows_total_last(
        &mut g,
        &all_rows,
        |r| {
            let mut v = vec![r.total(), fiscal.iter().map(|s| by(r, *s)).sum()];
            v.extend(others.iter().map(|s| by(r, *s)));
            v
        },
        {
            let mut v = vec![total, fiscal_total];
            v.extend(others.iter().map(|s| b.total_of(*s)));
            v
        },
    );
    out.push(g.done());

    // 支出预算总表
    let mut g = Grid::new("", format!("{y}年{who}支出预算总表"), yuan);
    g.header(&["项目", "", "支出预算", "", ""], &[(0, 1, 2), (2, 1, 3)]);
    g.header(
        &[
            "功能分类科目编码",
            "功能分类科目名称",
            "合计",
            "基本支出",
            "项目支出",
        ],
        &[],
    );
    let basic: Money = b.items().map(|i| i.basic).sum();
    let project: Money = b.items().map(|i| i.project).sum();
    rows_total_last(
        &mut g,
        &all_rows,
        |r| vec![r.total(), r.basic, r.project],
        vec![total, basic, project],
    );
    out.push(g.done());

    // 财政拨款收支预算总表
    let mut g = Grid::new("", format!("{y}年{who}财政拨款收支预算总表"), yuan);
    g.header(
        &["财政拨款收入", "", "财政拨款支出", "", "", "", ""],
        &[(0, 1, 2), (2, 1, 5)],
    );
    g.header(
        &[
            "项目",
            "预算数",
            "项目",
            "合计",
            "一般公共预算",
            "政府性基金预算",
            "国有资本经营预算",
        ],
        &[],
    );
    let labels = ["一般公共预算资金", "政府性基金", "国有资本经营预算"];
    let fclasses = classes(&fiscal_rows);
    for i in 0..labels.len().max(fclasses.len()) {
        let mut cells = match (labels.get(i), fiscal.get(i)) {
            (Some(l), Some(s)) => vec![g.text(&enumerated(i, l)), g.money(b.total_of(*s))],
            _ => vec![g.text(""), g.text("")],
        };
        match fclasses.get(i) {
            Some(r) => {
                cells.push(g.text(&enumerated(i, &r.name)));
                cells.push(g.money(r.total()));
                cells.extend(fiscal.iter().map(|s| g.money(by(r, *s))));
            }
            None => cells.extend((0..5).map(|_| g.text(""))),
        }
        g.row(cells);
    }
    let mut last = vec![
        g.text("收入总计"),
        g.money(fiscal_total),
        g.text("支出总计"),
        g.money(fiscal_total),
    ];
    last.extend(fiscal.iter().map(|s| g.money(b.total_of(*s))));
    g.row(last);
    out.push(g.done());

    // 支出功能分类预算表 per fund
    for (source, name) in [
        (Source::General, "一般公共预算"),
        (Source::GovFund, "政府性基金预算"),
        (Source::StateCapital, "国有资本经营预算"),
    ] {
        let mut g = Grid::new("", format!("{y}年{who}{name}支出功能分类预算表"), yuan);
        g.header(
            &["项目", "", &format!("{name}支出"), "", ""],
            &[(0, 1, 2), (2, 1, 3)],
        );
        g.header(
            &[
                "功能分类科目编码",
                "功能分类科目名称",
                "合计",
                "基本支出",
                "项目支出",
            ],
            &[],
        );
        let rows = current(b.function_rows(&[source]));
        rows_total_last(
            &mut g,
            &rows,
            |r| vec![r.total(), r.basic, r.project],
            vec![b.total_of(source), b.basic_of(source), b.project_of(source)],
        );
        if rows.is_empty() {
            g.note(format!(
                "注:本{who}{y}年无{name}财政拨款安排的预算，故本表为空表。"
            ));
        }
        out.push(g.done());
    }

    // 基本支出经济分类预算表
    let mut g = Grid::new(
        "",
        format!("{y}年{who}一般公共预算基本支出部门预算经济分类预算表"),
        yuan,
    );
    g.header(
        &["项目", "", "一般公共预算基本支出", "", ""],
        &[(0, 1, 2), (2, 1, 3)],
    );
    g.header(
        &[
            "经济分类科目编码",
            "经济分类科目名称",
            "合计",
            "人员经费",
            "公用经费",
        ],
        &[],
    );
    economic_rows(&mut g, b);
    let personnel = b.staffing(Staffing::Personnel);
    let public = b.staffing(Staffing::Public);
    g.row(vec![
        g.text(""),
        g.text("合计"),
        g.money(personnel + public),
        g.money(personnel),
        g.money(public),
    ]);
    out.push(g.done());

    // “三公”经费和机关运行经费预算表 (万元)
    let t = &b.three_public;
    let mut g = Grid::new(
        "",
        format!("{y}年{who}“三公”经费和机关运行经费预算表"),
        Some(MoneyUnit::WanYuan),
    );
    g.header(
        &["“三公”经费预算数", "", "", "", "", "", "机关运行经费预算数"],
        &[(0, 1, 6), (6, 3, 1)],
    );
    g.header(
        &[
            "合计",
            "因公出国(境)费",
            "公务接待费",
            "公务用车购置及运行费",
            "",
            "",
            "",
        ],
        &[(0, 2, 1), (1, 2, 1), (2, 2, 1), (3, 1, 3)],
    );
    g.header(&["", "", "", "小计", "购置费", "运行费", ""], &[]);
    g.row(vec![
        g.money0(t.total()),
        g.money0(t.abroad.amount),
        g.money0(t.reception.amount),
        g.money0(t.vehicles()),
        g.money0(t.vehicle_purchase.amount),
        g.money0(t.vehicle_operation.amount),
        g.money0(b.operating_cost()),
    ]);
    out.push(g.done());
    out
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
        let c = money_cell(Money(12_345), MoneyUnit::WanYuan); // 123.45 元
        assert_eq!(c.text, "0.01");
        let c = money_cell(Money(14_999), MoneyUnit::WanYuan);
        assert_eq!(c.text, "0.01");
        let c = money_cell(Money(5_000), MoneyUnit::WanYuan);
        assert_eq!(c.text, "0.01");
        let c = money_cell(Money(4_999), MoneyUnit::WanYuan);
        assert_eq!(c.text, "0.00");
        assert_eq!(money_cell(Money::ZERO, MoneyUnit::WanYuan).text, "");
    }
}

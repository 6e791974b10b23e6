//! The workbook form of a budget source: the sheets a finance office fills in (`yusuan
//! template`) and the source sheets every published XLSX carries, so that a workbook gives back
//! the whole source (projects, goals, reasons, rounding) and publishes the same document.
//!
//! The form is data: [`SHEETS`] names each sheet, its rows or columns, their Chinese labels and
//! what a cell holds. [`Budget::to_form`] fills it from a budget and [`Budget::from_form`]
//! reads it back by writing the source's TOML, so a filled form passes exactly the checks a
//! TOML source passes, each problem named by its sheet and row. Reading and writing the workbook
//! file itself is the job of `yusuan-read` (calamine) and `yusuan-publish` (rust_xlsxwriter).

use super::{Budget, BudgetError};

/// What a cell of the form holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// An amount in the source's 金额单位.
    Amount,
    /// A whole number (year, weight, count).
    Count,
    /// 是 / 否.
    Flag,
    /// One of the listed words.
    Choice(&'static [&'static str]),
    /// Text that may be given on several rows of the same label (主要职能).
    Lines,
    /// A functional (功能分类) 项 code, chosen from the year's catalog.
    FunctionCode,
    /// An economic (经济分类) 款 code, chosen from the year's catalog.
    EconomicCode,
    /// A publishing template's id, chosen from those `yusuan-publish` has (a region is data:
    /// the list is not written here); an unknown one is refused when publishing.
    Region,
}

/// A row of the 单位信息 sheet or a column of a list sheet.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// The key in the source: a dotted path on the 单位信息 sheet (`unit.contact.name`), the
    /// key within one entry on a list sheet (`basic`).
    pub key: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub required: bool,
}

/// One sheet of the form.
#[derive(Clone, Copy, Debug)]
pub struct Sheet {
    pub name: &'static str,
    /// `None` for the 单位信息 sheet (label / value rows); else the list the sheet's rows are
    /// the entries of (`items`, `projects.indicators`).
    pub list: Option<&'static str>,
    /// For a list inside another list's entries: the column naming the entry it belongs to,
    /// and the key of the outer entry it matches (项目名称 -> `projects[].name`).
    pub parent: Option<(&'static str, &'static str)>,
    pub fields: &'static [Field],
}

impl Sheet {
    /// Whether `yusuan template` writes the sheet: the 尾差 sheets record what a document read
    /// back printed, which a department filling in its budget has no use for.
    pub fn in_template(&self) -> bool {
        !self.list.is_some_and(|l| l.starts_with("rounding."))
    }
}

const fn f(key: &'static str, label: &'static str, kind: Kind) -> Field {
    Field {
        key,
        label,
        kind,
        required: false,
    }
}

const fn req(key: &'static str, label: &'static str, kind: Kind) -> Field {
    Field {
        key,
        label,
        kind,
        required: true,
    }
}

pub const SOURCES: &[&str] = &[
    "一般公共预算",
    "政府性基金预算",
    "国有资本经营预算",
    "财政专户管理资金",
    "事业收入",
    "上级补助收入",
    "附属单位上缴收入",
    "事业单位经营收入",
    "其他收入",
    "上年结转",
];
pub const YES_NO: &[&str] = &["是", "否"];
pub const OPERATORS: &[&str] = &["≥", "≤", "=", ">", "<", "定性"];
pub const LEVEL1: &[&str] = &["产出指标", "效益指标", "满意度指标", "成本指标"];

use Kind::{Amount, Choice, Count, Flag, Lines, Text};

const INDICATOR: [Field; 8] = [
    f("level1", "一级指标", Choice(LEVEL1)),
    f("level2", "二级指标", Text),
    req("name", "指标名称", Text),
    f("op", "符号", Choice(OPERATORS)),
    f("value", "指标值", Text),
    f("unit", "计量单位", Text),
    req("weight", "权重", Count),
    f("core", "核心指标", Flag),
];

/// The sheets, in the workbook's order. Every key of [`Budget`] has its place here; the form's
/// round trip test fails when a new one is left out.
pub const SHEETS: &[Sheet] = &[
    Sheet {
        name: "单位信息",
        list: None,
        parent: None,
        fields: &[
            req("year", "预算年度", Count),
            req("money_unit", "金额单位", Choice(&["万元", "元"])),
            req("unit.name", "单位名称", Text),
            f("unit.code", "单位编码", Text),
            f("unit.implementer", "实施单位", Text),
            f("unit.scope", "预算类型", Choice(&["部门", "单位"])),
            f("unit.region", "地区模板", Kind::Region),
            f("unit.organization", "机构设置", Text),
            f("unit.functions", "主要职能", Lines),
            f("unit.contact.name", "联系人", Text),
            f("unit.contact.phone", "联系电话", Text),
            f("reasons.income", "收入增减原因", Text),
            f("reasons.expenditure", "支出增减原因", Text),
            f("reasons.basic", "基本支出增减原因", Text),
            f("reasons.project", "项目支出增减原因", Text),
            f("reasons.basic_uses", "基本支出主要用途", Text),
            f("three_public.abroad.amount", "因公出国（境）费", Amount),
            f("three_public.abroad.prior", "因公出国（境）费上年", Amount),
            f(
                "three_public.abroad.reason",
                "因公出国（境）费增减原因",
                Text,
            ),
            f(
                "three_public.vehicle_purchase.amount",
                "公务用车购置费",
                Amount,
            ),
            f(
                "three_public.vehicle_purchase.prior",
                "公务用车购置费上年",
                Amount,
            ),
            f(
                "three_public.vehicle_purchase.reason",
                "公务用车购置费增减原因",
                Text,
            ),
            f(
                "three_public.vehicle_operation.amount",
                "公务用车运行维护费",
                Amount,
            ),
            f(
                "three_public.vehicle_operation.prior",
                "公务用车运行维护费上年",
                Amount,
            ),
            f(
                "three_public.vehicle_operation.reason",
                "公务用车运行维护费增减原因",
                Text,
            ),
            f("three_public.reception.amount", "公务接待费", Amount),
            f("three_public.reception.prior", "公务接待费上年", Amount),
            f("three_public.reception.reason", "公务接待费增减原因", Text),
            f("three_public.reason", "三公经费增减原因", Text),
            f("running_cost.amount", "机关运行经费", Amount),
            f("running_cost.prior", "机关运行经费上年", Amount),
            f("running_cost.reason", "机关运行经费增减原因", Text),
            f("running_cost.uses", "机关运行经费主要用途", Text),
            f("procurement.goods", "政府采购货物", Amount),
            f("procurement.works", "政府采购工程", Amount),
            f("procurement.services", "政府采购服务", Amount),
            f("assets.as_of", "资产截止日期", Text),
            f("department_goal.goal", "整体绩效目标", Text),
            f("rounding.economic", "尾差：基本支出合计", Amount),
            f("rounding.personnel", "尾差：人员经费合计", Amount),
            f("rounding.public", "尾差：公用经费合计", Amount),
            f("rounding.decimals", "原文金额小数位数", Count),
        ],
    },
    Sheet {
        name: "支出科目",
        list: Some("items"),
        parent: None,
        fields: &[
            req("code", "功能分类科目编码", Kind::FunctionCode),
            f("name", "科目名称", Text),
            f("source", "资金来源", Choice(SOURCES)),
            f("basic", "基本支出", Amount),
            f("project", "项目支出", Amount),
            f("prior_basic", "上年基本支出", Amount),
            f("prior_project", "上年项目支出", Amount),
            f("prior", "上年预算数（未分基本、项目）", Amount),
            f("unsplit", "本年预算数（未分基本、项目）", Amount),
        ],
    },
    Sheet {
        name: "经济科目",
        list: Some("economic"),
        parent: None,
        fields: &[
            req("code", "经济分类科目编码", Kind::EconomicCode),
            f("name", "科目名称", Text),
            req("amount", "金额", Amount),
            f(
                "kind",
                "人员经费或公用经费",
                Choice(&["人员经费", "公用经费"]),
            ),
        ],
    },
    Sheet {
        name: "车辆",
        list: Some("assets.vehicles"),
        parent: None,
        fields: &[
            req("kind", "车辆类型", Text),
            req("count", "现有数量", Count),
        ],
    },
    Sheet {
        name: "拟购车辆",
        list: Some("assets.purchases"),
        parent: None,
        fields: &[
            req("kind", "车辆类型", Text),
            req("count", "拟购数量", Count),
        ],
    },
    Sheet {
        name: "整体绩效指标",
        list: Some("department_goal.indicators"),
        parent: None,
        fields: &INDICATOR,
    },
    Sheet {
        name: "项目",
        list: Some("projects"),
        parent: None,
        fields: &[
            req("name", "项目名称", Text),
            f("code", "项目编码", Text),
            f("owner", "主管部门", Text),
            f("fiscal", "财政拨款", Amount),
            f("other", "其他资金", Amount),
            f("execution_weight", "预算执行率权重", Count),
            f("goal", "项目绩效目标", Text),
        ],
    },
    Sheet {
        name: "项目绩效指标",
        list: Some("projects.indicators"),
        parent: Some(("项目名称", "name")),
        fields: &INDICATOR,
    },
    Sheet {
        name: "尾差（功能分类）",
        list: Some("rounding.function"),
        parent: None,
        fields: &[
            req("code", "一般公共预算支出表的类、款编码或合计", Text),
            f("basic", "基本支出尾差", Amount),
            f("project", "项目支出尾差", Amount),
            f("prior", "上年预算数尾差", Amount),
            f("total", "合计列尾差", Amount),
        ],
    },
    Sheet {
        name: "尾差（经济分类）",
        list: Some("rounding.economic_class"),
        parent: None,
        fields: &[
            req("code", "基本支出表的类编码", Text),
            f("personnel", "人员经费尾差", Amount),
            f("public", "公用经费尾差", Amount),
        ],
    },
];

/// A cell of the form as written or read.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(n) => format!("{n}"),
            Cell::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        }
    }

    fn is_empty(&self) -> bool {
        self.text().is_empty()
    }
}

/// A sheet of the form with its rows (the first is the header).
pub type Rows = Vec<Vec<Cell>>;

/// Whether a workbook's sheet names make it the form (its 单位信息 and 支出科目 sheets).
pub fn is_form<'a>(sheet_names: impl IntoIterator<Item = &'a str>) -> bool {
    let names: Vec<&str> = sheet_names.into_iter().collect();
    SHEETS[..2].iter().all(|s| names.contains(&s.name))
}

/// Whether a sheet of a workbook is one of the form's (a reader of tables skips it).
pub fn is_form_sheet(name: &str) -> bool {
    SHEETS.iter().any(|s| s.name == name)
}

/// The hidden sheet of a template holding the year's codes for its drop-down lists.
pub const CODES_SHEET: &str = "科目表";

/// The header of a 单位信息 sheet.
pub const INFO_HEADER: [&str; 2] = ["项目", "内容"];

fn get<'a>(table: &'a toml::Table, path: &str) -> Option<&'a toml::Value> {
    let mut parts = path.split('.');
    let mut v = table.get(parts.next()?)?;
    for p in parts {
        v = v.as_table()?.get(p)?;
    }
    Some(v)
}

fn cell_of(v: &toml::Value) -> Cell {
    match v {
        toml::Value::String(s) => Cell::Text(s.clone()),
        toml::Value::Integer(i) => Cell::Number(*i as f64),
        toml::Value::Float(x) => Cell::Number(*x),
        toml::Value::Boolean(b) => Cell::Text(if *b { "是" } else { "否" }.to_string()),
        other => Cell::Text(other.to_string()),
    }
}

/// An amount cell as written: a number where the source's text reads back exactly as one.
fn amount_cell(v: &toml::Value) -> Cell {
    match v {
        toml::Value::String(s) => match s.replace(',', "").parse::<f64>() {
            Ok(x) if format!("{x:.2}") == format!("{:.2}", s.replace(',', "")) => Cell::Number(x),
            _ => Cell::Text(s.clone()),
        },
        other => cell_of(other),
    }
}

fn entries<'a>(table: &'a toml::Table, path: &str) -> Vec<&'a toml::Table> {
    get(table, path)
        .and_then(toml::Value::as_array)
        .map(|a| a.iter().filter_map(toml::Value::as_table).collect())
        .unwrap_or_default()
}

impl Budget {
    /// The form filled with this budget: each sheet's name and rows, header first.
    pub fn to_form(&self) -> Result<Vec<(&'static str, Rows)>, toml::ser::Error> {
        let text = self.to_toml()?;
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| serde::ser::Error::custom(e.message()))?;
        let mut out = Vec::new();
        for sheet in SHEETS {
            let mut rows: Rows = Vec::new();
            let value = |field: &Field, v: &toml::Value| match field.kind {
                Amount => amount_cell(v),
                _ => cell_of(v),
            };
            match sheet.list {
                None => {
                    rows.push(
                        INFO_HEADER
                            .iter()
                            .map(|h| Cell::Text(h.to_string()))
                            .collect(),
                    );
                    for field in sheet.fields {
                        let label = Cell::Text(field.label.to_string());
                        match get(&table, field.key) {
                            Some(toml::Value::Array(lines)) => {
                                for l in lines {
                                    rows.push(vec![label.clone(), cell_of(l)]);
                                }
                                if lines.is_empty() {
                                    rows.push(vec![label, Cell::Empty]);
                                }
                            }
                            Some(v) => rows.push(vec![label, value(field, v)]),
                            None => rows.push(vec![label, Cell::Empty]),
                        }
                    }
                }
                Some(list) => {
                    let mut header: Vec<Cell> = Vec::new();
                    if let Some((column, _)) = sheet.parent {
                        header.push(Cell::Text(column.to_string()));
                    }
                    header.extend(sheet.fields.iter().map(|f| Cell::Text(f.label.to_string())));
                    rows.push(header);
                    let row_of = |entry: &toml::Table| {
                        sheet
                            .fields
                            .iter()
                            .map(|field| {
                                entry
                                    .get(field.key)
                                    .map_or(Cell::Empty, |v| value(field, v))
                            })
                            .collect::<Vec<_>>()
                    };
                    match (sheet.parent, list.split_once('.')) {
                        (Some((_, parent_key)), Some((outer, inner))) => {
                            for parent in entries(&table, outer) {
                                let owner = parent.get(parent_key).map_or(Cell::Empty, cell_of);
                                for entry in entries(parent, inner) {
                                    let mut row = vec![owner.clone()];
                                    row.extend(row_of(entry));
                                    rows.push(row);
                                }
                            }
                        }
                        _ => rows.extend(entries(&table, list).into_iter().map(row_of)),
                    }
                }
            }
            out.push((sheet.name, rows));
        }
        Ok(out)
    }

    /// The budget a filled form states. `sheets` are the workbook's sheets by name (others
    /// are ignored); every problem is named by its sheet and row.
    pub fn from_form(sheets: &[(String, Rows)]) -> Result<Budget, Vec<BudgetError>> {
        let mut w = TomlWriter::default();
        let rows_of = |name: &str| sheets.iter().find(|(n, _)| n == name).map(|(_, r)| r);
        let mut problems = Vec::new();
        // 单位信息: top-level keys first, then each table's keys under its header.
        let info = &SHEETS[0];
        let mut values: Vec<(usize, &Field, Vec<Placed>)> = Vec::new();
        if let Some(rows) = rows_of(info.name) {
            for (i, row) in rows.iter().enumerate().skip(1) {
                let label = row.first().map_or(String::new(), Cell::text);
                if label.is_empty() {
                    continue;
                }
                let value = row.get(1).cloned().unwrap_or(Cell::Empty);
                let at = format!("工作表“{}”第 {} 行", info.name, i + 1);
                match info.fields.iter().position(|f| f.label == label) {
                    Some(k) => match values.iter_mut().find(|(j, _, _)| *j == k) {
                        Some((_, _, v)) => v.push((value, at)),
                        None => values.push((k, &info.fields[k], vec![(value, at)])),
                    },
                    None => {
                        problems.push(BudgetError::at_place(at, format!("不认识的项“{label}”")))
                    }
                }
            }
        } else {
            problems.push(BudgetError::at_place(
                String::new(),
                format!("缺少工作表“{}”", info.name),
            ));
        }
        for (k, field) in info.fields.iter().enumerate() {
            let given = values
                .iter()
                .any(|(j, _, cells)| *j == k && cells.iter().any(|(c, _)| !c.is_empty()));
            if field.required && !given && rows_of(info.name).is_some() {
                problems.push(BudgetError::at_place(
                    format!("工作表“{}”", info.name),
                    format!("缺少“{}”", field.label),
                ));
            }
        }
        values.sort_by_key(|(k, _, _)| *k);
        let mut section = String::new();
        let mut groups: Vec<&str> = Vec::new();
        for (_, field, _) in &values {
            let table = field.key.rsplit_once('.').map_or("", |(t, _)| t);
            if !groups.contains(&table) {
                groups.push(table);
            }
        }
        for group in groups {
            for (_, field, cells) in values
                .iter()
                .filter(|(_, f, _)| f.key.rsplit_once('.').map_or("", |(t, _)| t) == group)
            {
                let key = field.key.rsplit_once('.').map_or(field.key, |(_, k)| k);
                if field.kind == Lines {
                    let lines: Vec<String> = cells
                        .iter()
                        .map(|(c, _)| c.text())
                        .filter(|t| !t.is_empty())
                        .collect();
                    if lines.is_empty() {
                        continue;
                    }
                    if section != group {
                        w.header(group, false, &cells[0].1);
                        section = group.to_string();
                    }
                    let list =
                        toml::Value::Array(lines.into_iter().map(toml::Value::String).collect());
                    w.line(format!("{key} = {list}"), &cells[0].1);
                    continue;
                }
                let Some((cell, at)) = cells.iter().rev().find(|(c, _)| !c.is_empty()) else {
                    continue;
                };
                match literal(field, cell) {
                    Ok(v) => {
                        if section != group {
                            w.header(group, false, at);
                            section = group.to_string();
                        }
                        w.line(format!("{key} = {v}"), at);
                    }
                    Err(m) => problems.push(BudgetError::at_place(at.clone(), m)),
                }
            }
        }
        // A nested list's rows (项目绩效指标), read once: each with the outer entry it names.
        struct Nested<'a> {
            sheet: &'static Sheet,
            outer: &'a str,
            columns: Vec<Option<usize>>,
            rows: Vec<(usize, &'a Vec<Cell>, String)>,
            used: Vec<bool>,
        }
        let mut nested: Vec<Nested> = Vec::new();
        for sheet in SHEETS.iter().filter(|s| s.parent.is_some()) {
            let (Some(rows), Some((outer, _))) = (
                rows_of(sheet.name),
                sheet.list.and_then(|l| l.split_once('.')),
            ) else {
                continue;
            };
            let (owner, columns) = columns_of(sheet, rows);
            let rows: Vec<_> = rows
                .iter()
                .enumerate()
                .skip(1)
                .filter(|(_, r)| !r.iter().all(Cell::is_empty))
                .map(|(j, r)| {
                    let of = owner
                        .and_then(|c| r.get(c))
                        .map_or(String::new(), Cell::text);
                    (j, r, of)
                })
                .collect();
            nested.push(Nested {
                sheet,
                outer,
                columns,
                used: vec![false; rows.len()],
                rows,
            });
        }
        // The lists, each entry under its [[header]]; a nested list's entries follow the
        // entry they belong to.
        for sheet in SHEETS[1..].iter().filter(|s| s.parent.is_none()) {
            let Some(list) = sheet.list else { continue };
            let Some(rows) = rows_of(sheet.name) else {
                continue;
            };
            let columns = columns(sheet, rows);
            let name = sheet.fields.iter().position(|f| f.key == "name");
            for (i, row) in rows.iter().enumerate().skip(1) {
                if row.iter().all(Cell::is_empty) {
                    continue;
                }
                let at = format!("工作表“{}”第 {} 行", sheet.name, i + 1);
                w.header(list, true, &at);
                entry(&mut w, &mut problems, sheet, &columns, row, &at);
                let Some(name) = name else { continue };
                let owner = columns[name]
                    .and_then(|c| row.get(c))
                    .map_or(String::new(), Cell::text);
                for inner in nested.iter_mut().filter(|n| n.outer == list) {
                    for (k, (j, r, of)) in inner.rows.iter().enumerate() {
                        if *of != owner {
                            continue;
                        }
                        inner.used[k] = true;
                        let at = format!("工作表“{}”第 {} 行", inner.sheet.name, j + 1);
                        w.header(inner.sheet.list.unwrap_or_default(), true, &at);
                        entry(&mut w, &mut problems, inner.sheet, &inner.columns, r, &at);
                    }
                }
            }
        }
        // Nested rows naming no entry of their outer sheet.
        for inner in &nested {
            let outer = SHEETS
                .iter()
                .find(|s| s.list == Some(inner.outer))
                .map_or("", |s| s.name);
            for ((j, _, of), used) in inner.rows.iter().zip(&inner.used) {
                if !used {
                    problems.push(BudgetError::at_place(
                        format!("工作表“{}”第 {} 行", inner.sheet.name, j + 1),
                        format!("项目名称“{of}”不在工作表“{outer}”中"),
                    ));
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let text = w.text;
        Budget::from_toml(&text).map_err(|errors| {
            errors
                .into_iter()
                .map(|e| {
                    let place = e
                        .line
                        .and_then(|l| w.places.get(l.saturating_sub(1)))
                        .cloned()
                        .unwrap_or_default();
                    BudgetError::at_place(place, e.message)
                })
                .collect()
        })
    }
}

/// The column of each field of a list sheet, found by its header label (a filled form may
/// have its columns moved).
fn columns(sheet: &Sheet, rows: &Rows) -> Vec<Option<usize>> {
    columns_of(sheet, rows).1
}

fn columns_of(sheet: &Sheet, rows: &Rows) -> (Option<usize>, Vec<Option<usize>>) {
    let header: Vec<String> = rows
        .first()
        .map_or(Vec::new(), |r| r.iter().map(Cell::text).collect());
    let find = |label: &str| header.iter().position(|h| h == label);
    (
        sheet.parent.and_then(|(label, _)| find(label)),
        sheet.fields.iter().map(|f| find(f.label)).collect(),
    )
}

fn entry(
    w: &mut TomlWriter,
    problems: &mut Vec<BudgetError>,
    sheet: &Sheet,
    columns: &[Option<usize>],
    row: &[Cell],
    at: &str,
) {
    for (field, column) in sheet.fields.iter().zip(columns) {
        let cell = column
            .and_then(|c| row.get(c))
            .cloned()
            .unwrap_or(Cell::Empty);
        if cell.is_empty() {
            if field.required {
                problems.push(BudgetError::at_place(
                    at.to_string(),
                    format!("缺少“{}”", field.label),
                ));
            }
            continue;
        }
        match literal(field, &cell) {
            Ok(v) => w.line(format!("{} = {v}", field.key), at),
            Err(m) => problems.push(BudgetError::at_place(at.to_string(), m)),
        }
    }
}

/// A cell as the TOML literal of its field, or what is wrong with it.
fn literal(field: &Field, cell: &Cell) -> Result<String, String> {
    let text = cell.text();
    let quoted = |s: &str| toml::Value::String(s.to_string()).to_string();
    match field.kind {
        Amount => match cell {
            // A number typed in a cell: its two-decimal figure (a float sum such as
            // 0.1 + 0.2 prints 0.30000000000000004 unrounded).
            Cell::Number(x) => Ok(quoted(&format!("{x:.2}"))),
            _ => Ok(quoted(&text)),
        },
        Count => match cell {
            Cell::Number(x) if x.fract() == 0.0 && x.abs() < 1e12 => Ok(format!("{}", *x as i64)),
            _ => text
                .parse::<i64>()
                .map(|n| n.to_string())
                .map_err(|_| format!("“{}”应为整数，而不是“{text}”", field.label)),
        },
        Flag => match text.as_str() {
            "是" | "true" | "TRUE" | "1" => Ok("true".into()),
            "否" | "false" | "FALSE" | "0" => Ok("false".into()),
            _ => Err(format!("“{}”应填“是”或“否”，而不是“{text}”", field.label)),
        },
        Choice(words) => {
            if words.contains(&text.as_str()) {
                Ok(quoted(&text))
            } else {
                Err(format!(
                    "“{}”应为“{}”之一，而不是“{text}”",
                    field.label,
                    words.join("”“")
                ))
            }
        }
        // A code chosen from the list reads "2010301 行政运行": the code is its first word.
        Kind::FunctionCode | Kind::EconomicCode => {
            let code = text.split_whitespace().next().unwrap_or_default();
            Ok(quoted(code))
        }
        Text | Lines | Kind::Region => Ok(quoted(&text)),
    }
}

/// A cell with the place it was read from.
type Placed = (Cell, String);

/// TOML text written line by line, each line remembering the sheet and row it came from.
#[derive(Default)]
struct TomlWriter {
    text: String,
    places: Vec<String>,
}

impl TomlWriter {
    fn line(&mut self, line: String, at: &str) {
        self.text.push_str(&line);
        self.text.push('\n');
        self.places.push(at.to_string());
    }

    fn header(&mut self, table: &str, array: bool, at: &str) {
        if table.is_empty() {
            return;
        }
        let line = if array {
            format!("[[{table}]]")
        } else {
            format!("[{table}]")
        };
        self.line(line, at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::Money;

    fn example() -> Budget {
        let text =
            include_str!("../../../../examples/chongqing-dadukou-govoffice-2025/budget.toml");
        Budget::from_toml(text).expect("the example is valid")
    }

    #[test]
    fn the_form_gives_back_the_whole_source() {
        let b = example();
        assert!(!b.projects.is_empty() && !b.department_goal.indicators.is_empty());
        let form: Vec<(String, Rows)> = b
            .to_form()
            .expect("form")
            .into_iter()
            .map(|(n, r)| (n.to_string(), r))
            .collect();
        assert!(is_form(form.iter().map(|(n, _)| n.as_str())));
        let again = Budget::from_form(&form).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(again, b);
    }

    #[test]
    fn an_indicator_naming_no_project_is_named_by_its_row() {
        let mut form: Vec<(String, Rows)> = example()
            .to_form()
            .expect("form")
            .into_iter()
            .map(|(n, r)| (n.to_string(), r))
            .collect();
        let (_, indicators) = form
            .iter_mut()
            .find(|(n, _)| n == "项目绩效指标")
            .expect("sheet");
        assert!(indicators.len() > 2, "the example has project indicators");
        indicators[2][0] = Cell::Text("没有这个项目".into());
        let errors = Budget::from_form(&form).expect_err("refused");
        let said: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            said,
            ["工作表“项目绩效指标”第 3 行：项目名称“没有这个项目”不在工作表“项目”中"]
        );
    }

    #[test]
    fn the_form_keeps_the_recorded_rounding() {
        let mut b = example();
        let class = b.items().next().expect("an item").code[..3].to_string();
        b.rounding.function = vec![
            super::super::RollUp {
                code: class,
                project: Money(10_000),
                ..Default::default()
            },
            super::super::RollUp {
                code: super::super::RollUp::TOTAL.to_string(),
                project: Money(10_000),
                prior: Money(-10_000),
                ..Default::default()
            },
        ];
        b.rounding.public = Money(-10_000);
        let class = b.economic_items().next().expect("an economic item").code[..3].to_string();
        b.rounding.economic_class = vec![super::super::ClassRounding {
            code: class,
            personnel: Money(10_000),
            public: Money(-10_000),
        }];
        let text = b.to_toml().expect("toml");
        assert!(text.contains("[[rounding.function]]"), "{text}");
        assert_eq!(Budget::from_toml(&text).as_ref(), Ok(&b));
        let form: Vec<(String, Rows)> = b
            .to_form()
            .expect("form")
            .into_iter()
            .map(|(n, r)| (n.to_string(), r))
            .collect();
        let again = Budget::from_form(&form).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(again, b);
    }

    #[test]
    fn a_slip_in_a_filled_form_is_named_by_its_sheet_and_row() {
        let mut form: Vec<(String, Rows)> = example()
            .to_form()
            .expect("form")
            .into_iter()
            .map(|(n, r)| (n.to_string(), r))
            .collect();
        let items = &mut form[1].1;
        items[2][3] = Cell::Text("一百".into());
        items[3][2] = Cell::Text("财政拨款".into());
        let errors = Budget::from_form(&form).expect_err("refused");
        let said: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            said,
            [
                "工作表“支出科目”第 4 行：“资金来源”应为“一般公共预算”“政府性基金预算”“国有资本经营预算”“财政专户管理资金”“事业收入”“上级补助收入”“附属单位上缴收入”“事业单位经营收入”“其他收入”“上年结转”之一，而不是“财政拨款”",
            ],
            "{said:?}"
        );
        items_fixed(&mut form);
        let errors = Budget::from_form(&form).expect_err("refused");
        let said: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(said[0].starts_with("工作表“支出科目”第 3 行："), "{said:?}");
    }

    fn items_fixed(form: &mut [(String, Rows)]) {
        form[1].1[3][2] = Cell::Text("一般公共预算".into());
    }
}

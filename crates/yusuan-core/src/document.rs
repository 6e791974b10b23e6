//! The Document model: a disclosure as printed, every element with its source span.

use crate::money::{Amount, MoneyUnit};
use serde::{Deserialize, Serialize};

/// Where something is in the source: 1-based lines (inclusive) and the page when known.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub line: u32,
    pub end_line: u32,
    pub page: Option<u32>,
}

impl Span {
    pub fn line(line: u32, page: Option<u32>) -> Span {
        Span {
            line,
            end_line: line,
            page,
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            line: self.line.min(other.line),
            end_line: self.end_line.max(other.end_line),
            page: self.page.or(other.page),
        }
    }
}

/// Budget (预算) or final accounts (决算).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    #[default]
    Budget,
    FinalAccounts,
}

impl DocKind {
    /// The stable code a store keeps: `budget`, `final_accounts`.
    pub const fn code(self) -> &'static str {
        match self {
            DocKind::Budget => "budget",
            DocKind::FinalAccounts => "final_accounts",
        }
    }

    pub fn from_code(code: &str) -> Option<DocKind> {
        [DocKind::Budget, DocKind::FinalAccounts]
            .into_iter()
            .find(|k| k.code() == code)
    }

    /// 预算 or 决算.
    pub const fn label(self) -> &'static str {
        match self {
            DocKind::Budget => "预算",
            DocKind::FinalAccounts => "决算",
        }
    }
}

/// Department (部门, consolidated) or unit (单位).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    #[default]
    Department,
    Unit,
}

impl Scope {
    /// The stable code a store keeps: `department`, `unit`.
    pub const fn code(self) -> &'static str {
        match self {
            Scope::Department => "department",
            Scope::Unit => "unit",
        }
    }

    pub fn from_code(code: &str) -> Option<Scope> {
        [Scope::Department, Scope::Unit]
            .into_iter()
            .find(|s| s.code() == code)
    }

    /// 部门 or 单位, as titles and sentences name it.
    pub fn label(self) -> &'static str {
        match self {
            Scope::Department => "部门",
            Scope::Unit => "单位",
        }
    }
}

/// A [`Scope`] written by its label (部门 / 单位), as a budget source writes it.
pub mod scope_label {
    use super::Scope;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    enum Label {
        #[serde(rename = "部门")]
        Department,
        #[serde(rename = "单位")]
        Unit,
    }

    pub fn serialize<S: Serializer>(scope: &Scope, s: S) -> Result<S::Ok, S::Error> {
        match scope {
            Scope::Department => Label::Department,
            Scope::Unit => Label::Unit,
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Scope, D::Error> {
        Ok(match Label::deserialize(d)? {
            Label::Department => Scope::Department,
            Label::Unit => Scope::Unit,
        })
    }
}

/// A value with the place it was read from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// A disclosure as printed.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Document {
    /// File name or `-`.
    pub source: String,
    /// The region profile the reader recognised, if any.
    pub profile: Option<String>,
    pub title: Option<Spanned<String>>,
    pub unit_name: Option<Spanned<String>>,
    pub year: Option<Spanned<i32>>,
    pub kind: DocKind,
    pub scope: Scope,
    /// Sections of the narrative in reading order (levels flattened).
    pub sections: Vec<Section>,
    pub tables: Vec<Table>,
    /// Figures stated in the narrative.
    pub figures: Vec<Figure>,
    /// Counts stated in the narrative against the items listed ("10 个科室").
    pub counts: Vec<CountClaim>,
    /// Years and unit names as printed, for consistency checks.
    pub mentions: Vec<Mention>,
    /// What the reader could not recover.
    pub notes: Vec<ReadNote>,
    /// Pages with no text at all (not even a page number read as text) between pages with text:
    /// a blank page left in, or a page that is only a picture.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blank_pages: Vec<u32>,
    /// The entries of a table of contents (目录), as printed (without leader dots and page
    /// numbers), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contents: Vec<Spanned<String>>,
    /// Lines of text the page cuts through: the PDF clips its text so that only part of each
    /// glyph shows (a line half shown at the foot of a page). Found from the page's geometry;
    /// a text input has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cut_lines: Vec<CutLine>,
    /// How many of the last `sections` are printed after the tables (Shanghai prints 其他相关
    /// 情况说明 there). Set by the publisher; a reader keeps sections in reading order.
    #[serde(default, skip_serializing_if = "is_zero_usize")]
    pub sections_after_tables: usize,
}

/// A line the page prints cut by its clip ([`Document::cut_lines`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CutLine {
    /// The page (1-based) in the reader's page numbering.
    pub page: u32,
    /// The line of the text printed just above it on that page (the page's first line when
    /// none is).
    pub line: u32,
    /// The characters cut, in reading order.
    pub text: String,
}

fn is_zero_usize(n: &usize) -> bool {
    *n == 0
}

/// A heading and its paragraphs. `level` 1 is 一、, 2 is （一）, 3 is 1.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Section {
    pub number: Option<String>,
    pub level: u8,
    pub heading: String,
    pub span: Span,
    pub paragraphs: Vec<Paragraph>,
}

/// A paragraph re-joined across page breaks; `pieces` maps byte offsets to source lines.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Paragraph {
    pub text: String,
    pub span: Span,
    /// (byte offset in `text`, source line) for each joined piece, in order.
    pub pieces: Vec<(usize, u32)>,
    /// The layout ends the paragraph (a heading, a numbered item or an indented first line
    /// follows its last line, which stops short of the text's right edge) where its sentence
    /// does not end: the full stop is missing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unfinished: bool,
}

impl Paragraph {
    /// The source line holding byte `offset` of the text.
    pub fn line_at(&self, offset: usize) -> u32 {
        self.pieces
            .iter()
            .take_while(|(o, _)| *o <= offset)
            .last()
            .map_or(self.span.line, |(_, l)| *l)
    }
}

/// Canonical table kinds, shared by every region.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    /// 财政拨款收支总表
    FiscalSummary,
    /// 一般公共预算（财政拨款）支出表, by function
    GeneralBudgetByFunction,
    /// 一般公共预算基本支出表, by economic class
    BasicByEconomic,
    /// "三公"经费支出表
    ThreePublic,
    /// 政府性基金预算支出表
    GovFundByFunction,
    /// 国有资本经营预算支出表
    StateCapitalByFunction,
    /// 部门收支总表
    DeptSummary,
    /// 部门收入总表
    DeptIncome,
    /// 部门支出总表
    DeptExpenditure,
    /// 政府采购预算表
    Procurement,
    /// 整体绩效目标表
    DeptPerformance,
    /// 项目绩效目标表
    ProjectPerformance,
    /// 财政拨款支出预算表 by function (all funds; Jiangsu).
    FiscalByFunction,
    /// 财政拨款基本支出预算表 by economic class (Jiangsu).
    FiscalBasicByEconomic,
    /// 机关运行经费支出预算表 (Jiangsu).
    OperatingCost,
}

/// What a column means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnRole {
    Code,
    Name,
    /// 总计 / 合计 of the row.
    Total,
    Basic,
    Project,
    /// The prior year's figure (上年预算数).
    Prior,
    /// 人员经费
    Personnel,
    /// 公用经费 / 日常公用经费
    PublicUse,
    /// Funding sources.
    GeneralBudget,
    GovFund,
    StateCapital,
    SpecialAccount,
    ServiceIncome,
    SuperiorSubsidy,
    SubordinateIncome,
    OperatingIncome,
    OtherIncome,
    CarryOver,
    /// Two-sided 收支 tables.
    IncomeItem,
    IncomeAmount,
    ExpItem,
    /// 三公 parts.
    Abroad,
    CarSubtotal,
    CarPurchase,
    CarOperation,
    Reception,
    /// 会议费 and 培训费, printed beside 三公 (Jiangsu "三公"经费、会议费、培训费支出预算表).
    Meeting,
    Training,
    /// 财政拨款 as one column (Shanghai 收入预算总表).
    Fiscal,
    /// 机关运行经费 (Shanghai 三公 table).
    OperatingCost,
    /// The 支出用途 side of a three-sided 收支 table (基本支出 / 项目支出 …; Jiangsu).
    UseItem,
    /// 单位预留机动经费 (Jiangsu).
    Reserve,
    /// 决算: 年初结转和结余 and 年末结转和结余 of a row.
    BeginningBalance,
    EndingBalance,
    /// 决算 expenditure besides 基本 and 项目: 上缴上级支出, 经营支出, 对附属单位补助支出.
    PaymentToSuperior,
    OperatingExpenditure,
    SubsidyToSubordinate,
    /// A column the profile names but no rule uses.
    Other,
}

impl ColumnRole {
    /// Columns that hold amounts.
    pub fn is_amount(self) -> bool {
        !matches!(
            self,
            ColumnRole::Code
                | ColumnRole::Name
                | ColumnRole::IncomeItem
                | ColumnRole::ExpItem
                | ColumnRole::UseItem
        )
    }

    /// The funding source a printed label names: "1.一般公共预算资金" -> GeneralBudget,
    /// "事业收入" -> ServiceIncome, "财政拨款收入" -> Fiscal (the three funds together).
    pub fn from_source_label(label: &str) -> Option<ColumnRole> {
        use ColumnRole::*;
        let has = |k: &str| label.contains(k);
        Some(if has("一般公共预算") {
            GeneralBudget
        } else if has("政府性基金") {
            GovFund
        } else if has("国有资本经营") {
            StateCapital
        } else if has("财政专户") {
            SpecialAccount
        } else if has("事业单位经营") || has("经营收入") {
            OperatingIncome
        } else if has("事业收入") {
            ServiceIncome
        } else if has("上级补助") {
            SuperiorSubsidy
        } else if has("附属单位") {
            SubordinateIncome
        } else if has("上年结转") || has("结转") {
            CarryOver
        } else if has("其他收入") || has("其他资金") {
            OtherIncome
        } else if has("财政拨款") {
            Fiscal
        } else {
            return None;
        })
    }

    /// Chinese label for messages.
    pub fn label(self) -> &'static str {
        use ColumnRole::*;
        match self {
            Code => "科目编码",
            Name => "科目名称",
            Total => "总计",
            Basic => "基本支出",
            Project => "项目支出",
            Prior => "上年预算数",
            Personnel => "人员经费",
            PublicUse => "公用经费",
            GeneralBudget => "一般公共预算",
            GovFund => "政府性基金预算",
            StateCapital => "国有资本经营预算",
            SpecialAccount => "财政专户管理资金",
            ServiceIncome => "事业收入",
            SuperiorSubsidy => "上级补助收入",
            SubordinateIncome => "附属单位上缴收入",
            OperatingIncome => "事业单位经营收入",
            OtherIncome => "其他收入",
            CarryOver => "上年结转",
            IncomeItem => "收入项目",
            IncomeAmount => "收入预算数",
            ExpItem => "支出项目",
            Abroad => "因公出国（境）费",
            CarSubtotal => "公务用车购置及运行费小计",
            CarPurchase => "公务用车购置费",
            CarOperation => "公务用车运行费",
            Reception => "公务接待费",
            Meeting => "会议费",
            Training => "培训费",
            Fiscal => "财政拨款",
            OperatingCost => "机关运行经费",
            UseItem => "支出用途",
            Reserve => "单位预留机动经费",
            BeginningBalance => "年初结转和结余",
            EndingBalance => "年末结转和结余",
            PaymentToSuperior => "上缴上级支出",
            OperatingExpenditure => "经营支出",
            SubsidyToSubordinate => "对附属单位补助支出",
            Other => "其他",
        }
    }
}

/// Which figure of its role a column prints: the document's own (预算数 in a 预算, 决算数 in a
/// 决算), or the 预算数 a 决算 prints beside its 决算数 (the 三公 决算 table's pairs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    #[default]
    Own,
    Budget,
}

impl Basis {
    pub fn is_own(&self) -> bool {
        *self == Basis::Own
    }

    /// The column's word in a 决算 (预算数 / 决算数).
    pub fn final_word(self) -> &'static str {
        match self {
            Basis::Own => "决算数",
            Basis::Budget => "预算数",
        }
    }
}

/// A column as a profile declares it: its role and, in a 决算 table printing 预算数 / 决算数
/// pairs, its basis. Written `"total"` (the document's own figure) or `"budget:total"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct ColumnSpec {
    pub role: ColumnRole,
    pub basis: Basis,
}

impl TryFrom<String> for ColumnSpec {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        use serde::de::IntoDeserializer;
        let (basis, role) = match s.split_once(':') {
            Some(("budget", role)) => (Basis::Budget, role),
            Some((other, _)) => return Err(format!("unknown column basis `{other}` in `{s}`")),
            None => (Basis::Own, s.as_str()),
        };
        let role = ColumnRole::deserialize(role.into_deserializer())
            .map_err(|e: serde::de::value::Error| e.to_string())?;
        Ok(ColumnSpec { role, basis })
    }
}

/// A resolved column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub role: ColumnRole,
    pub label: String,
    #[serde(default, skip_serializing_if = "Basis::is_own")]
    pub basis: Basis,
}

/// A printed cell. A blank cell is [`CellValue::Blank`], never zero.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "value")]
pub enum CellValue {
    Blank,
    Amount(Amount),
    Text(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub text: String,
    pub value: CellValue,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub span: Span,
    pub cells: Vec<Cell>,
    /// The row came as space-aligned text with fewer figures than the table has amount columns:
    /// its blank cells left no trace, and its figures were put in their columns by position.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub placed: bool,
}

impl Row {
    pub fn text(&self, i: usize) -> &str {
        self.cells.get(i).map_or("", |c| c.text.trim())
    }

    /// Whether any cell of the row was read as an amount.
    pub fn has_amount(&self) -> bool {
        self.cells
            .iter()
            .any(|c| matches!(c.value, CellValue::Amount(_)))
    }
}

/// One printed table; performance tables additionally carry their parsed form.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Table {
    /// As printed: "表二".
    pub number: Option<String>,
    /// 2 for 表二.
    pub ordinal: Option<u32>,
    pub title: String,
    pub kind: Option<TableKind>,
    pub unit: Option<MoneyUnit>,
    /// The line stating the unit (单位：万元), when printed.
    pub unit_span: Option<Span>,
    pub span: Span,
    pub header: Vec<Row>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Statements printed with the table (备注 / 注).
    pub notes: Vec<Spanned<String>>,
    pub performance: Option<Performance>,
    /// Header cells printed across several grid cells (set by the publisher; a reader sees
    /// only the text in the first cell).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merges: Vec<Merge>,
    /// Codes printed with a 款 or 项 part of one digit ("301 2" for 30102), as printed; the
    /// row's code cell holds the code read with its zero.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub short_codes: Vec<Spanned<String>>,
    /// A table whose title was lost (its page cut in extraction), its kind inferred by the
    /// reader from its place in the numbering and its number of columns: it may be read in
    /// part.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inferred: bool,
}

/// A header cell covering `rows` x `cols` grid cells from (`row`, `col`) of the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merge {
    pub row: usize,
    pub col: usize,
    pub rows: usize,
    pub cols: usize,
}

impl Table {
    /// Index of the first column with this role printing the document's own figure.
    pub fn col(&self, role: ColumnRole) -> Option<usize> {
        self.col_in(role, Basis::Own)
    }

    /// Index of the first column with this role and basis.
    pub fn col_in(&self, role: ColumnRole, basis: Basis) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.role == role && c.basis == basis)
    }

    /// Whether some column prints a 预算数 beside the 决算数 (the 三公 决算 table).
    pub fn has_budget_columns(&self) -> bool {
        self.columns.iter().any(|c| c.basis == Basis::Budget)
    }

    /// The value of `row` in the column with `role`; a missing trailing cell is blank.
    pub fn value<'a>(&self, row: &'a Row, role: ColumnRole) -> Option<&'a CellValue> {
        self.value_in(row, role, Basis::Own)
    }

    /// [`Table::value`] in the column with this basis.
    pub fn value_in<'a>(
        &self,
        row: &'a Row,
        role: ColumnRole,
        basis: Basis,
    ) -> Option<&'a CellValue> {
        let i = self.col_in(role, basis)?;
        Some(row.cells.get(i).map_or(&CellValue::Blank, |c| &c.value))
    }

    /// The label for messages: "表二（一般公共预算财政拨款支出预算表）".
    pub fn label(&self) -> String {
        match &self.number {
            Some(n) => n.clone(),
            None if self.title.is_empty() => "无标题表格".to_string(),
            None => self.title.clone(),
        }
    }

    /// Whether the table holds no amount at all.
    pub fn is_empty_of_amounts(&self) -> bool {
        self.rows.iter().all(|r| {
            r.cells
                .iter()
                .all(|c| !matches!(c.value, CellValue::Amount(a) if !a.is_zero()))
        })
    }
}

/// A performance goal table (整体 or 项目).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Performance {
    pub name: Option<Spanned<String>>,
    /// 部门支出预算数 / 年度资金总额
    pub funds_total: Option<Spanned<CellValue>>,
    /// 其中：财政拨款
    pub funds_fiscal: Option<Spanned<CellValue>>,
    /// 其他资金
    pub funds_other: Option<Spanned<CellValue>>,
    /// 上年结转资金, where the table prints it as a part of the year's funds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funds_carry: Option<Spanned<CellValue>>,
    /// 预算执行率权重(%)
    pub execution_weight: Option<Spanned<String>>,
    /// The indicator header as printed, and where the data put each field.
    pub header: Option<Spanned<Vec<String>>>,
    /// Whether cells keep their column positions (tab-separated text): only then can the
    /// header's column order be compared with the data's.
    pub positional: bool,
    pub indicators: Vec<IndicatorRow>,
    /// The table's sentences as printed (the year's goal, a project's description): cells of
    /// prose, for the editorial rules; their figures are not read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub texts: Vec<Spanned<String>>,
}

/// One 三级 indicator as a goal table prints it (texts, as read); the indicator a budget decides
/// is [`crate::budget::Indicator`].
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct IndicatorRow {
    pub level1: String,
    pub level2: String,
    pub name: String,
    /// 指标性质: ≥ ≤ = > < 定性
    pub op: String,
    pub value: String,
    pub unit: String,
    pub weight: String,
    pub core: String,
    /// Cell index of the op in the printed row (to compare with the header).
    pub op_cell: usize,
    pub span: Span,
}

/// What a narrative figure is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "of")]
pub enum Subject {
    /// 收入预算总数
    TotalIncome,
    /// 支出预算总数
    TotalExpenditure,
    /// Income from one source (一般公共预算拨款 ...).
    SourceIncome(ColumnRole),
    /// One 类 of expenditure, by name as printed.
    FunctionClass(String),
    /// 一般公共预算财政拨款收入
    GeneralBudgetIncome,
    /// 一般公共预算财政拨款支出
    GeneralBudgetExpenditure,
    /// 基本支出 / 项目支出 (of the section's scope)
    Basic,
    Project,
    ThreePublicTotal,
    Abroad,
    CarSubtotal,
    CarPurchase,
    CarOperation,
    Reception,
    /// 会议费 / 培训费 budgeted ("…安排的会议费预算支出 N 万元").
    Meeting,
    Training,
    /// 机关运行经费
    OperatingCost,
    ProcurementTotal,
    ProcurementGoods,
    ProcurementWorks,
    ProcurementServices,
    /// The part of 政府采购 reserved for small and medium enterprises (面向中小企业预留, and
    /// 小微企业 within it): stated in the narrative, printed by no table.
    ProcurementReserved,
    /// 项目支出 under performance management
    PerformanceFunds,
    /// 财政拨款收入 / 支出 (all three funds together).
    FiscalIncome,
    FiscalExpenditure,
    /// 政府性基金 / 国有资本经营 预算拨款支出.
    GovFundExpenditure,
    StateCapitalExpenditure,
    /// One 项 by its printed path ("一般公共服务支出-政府办公厅（室）及相关机构事务-行政运行").
    FunctionPath(Vec<String>),
    /// Project funds with performance goals when not said to be all project funds.
    PerformanceFundsPartial,
    /// Vehicles of a kind not named above ("机要通信用车").
    VehiclesKind(String),
    /// Vehicles held / to be bought, in 辆.
    Vehicles,
    VehiclesGeneral,
    VehiclesEnforcement,
    VehiclesSpecial,
    VehiclesOther,
    /// A figure the extractor could not attribute.
    Unknown(String),
}

impl Subject {
    /// A stable key, as profiles name required figures ("general_budget_expenditure").
    pub fn key(&self) -> &'static str {
        use Subject::*;
        match self {
            TotalIncome => "total_income",
            TotalExpenditure => "total_expenditure",
            SourceIncome(_) => "source_income",
            FunctionClass(_) => "function_class",
            GeneralBudgetIncome => "general_budget_income",
            GeneralBudgetExpenditure => "general_budget_expenditure",
            Basic => "basic",
            Project => "project",
            ThreePublicTotal => "three_public_total",
            Abroad => "abroad",
            CarSubtotal => "car_subtotal",
            CarPurchase => "car_purchase",
            CarOperation => "car_operation",
            Reception => "reception",
            Meeting => "meeting",
            Training => "training",
            OperatingCost => "operating_cost",
            ProcurementTotal => "procurement_total",
            ProcurementGoods => "procurement_goods",
            ProcurementWorks => "procurement_works",
            ProcurementServices => "procurement_services",
            ProcurementReserved => "procurement_reserved",
            PerformanceFunds => "performance_funds",
            FiscalIncome => "fiscal_income",
            FiscalExpenditure => "fiscal_expenditure",
            GovFundExpenditure => "gov_fund_expenditure",
            StateCapitalExpenditure => "state_capital_expenditure",
            FunctionPath(_) => "function_path",
            PerformanceFundsPartial => "performance_funds_partial",
            VehiclesKind(_) => "vehicles_kind",
            Vehicles => "vehicles",
            VehiclesGeneral => "vehicles_general",
            VehiclesEnforcement => "vehicles_enforcement",
            VehiclesSpecial => "vehicles_special",
            VehiclesOther => "vehicles_other",
            Unknown(_) => "unknown",
        }
    }

    /// Chinese label for messages.
    pub fn label(&self) -> String {
        use Subject::*;
        match self {
            TotalIncome => "收入预算总额".into(),
            TotalExpenditure => "支出预算总额".into(),
            SourceIncome(r) => format!("{}收入", r.label()),
            FunctionClass(n) => n.clone(),
            GeneralBudgetIncome => "一般公共预算财政拨款收入".into(),
            GeneralBudgetExpenditure => "一般公共预算财政拨款支出".into(),
            Basic => "基本支出".into(),
            Project => "项目支出".into(),
            ThreePublicTotal => "“三公”经费预算".into(),
            Abroad => "因公出国（境）费".into(),
            CarSubtotal => "公务用车购置及运行维护费".into(),
            CarPurchase => "公务用车购置费".into(),
            CarOperation => "公务用车运行维护费".into(),
            Reception => "公务接待费".into(),
            Meeting => "会议费".into(),
            Training => "培训费".into(),
            OperatingCost => "机关运行经费".into(),
            ProcurementTotal => "政府采购预算总额".into(),
            ProcurementGoods => "政府采购货物预算".into(),
            ProcurementWorks => "政府采购工程预算".into(),
            ProcurementServices => "政府采购服务预算".into(),
            ProcurementReserved => "面向中小企业预留的政府采购预算".into(),
            PerformanceFunds => "实行绩效目标管理的项目资金".into(),
            FiscalIncome => "财政拨款收入".into(),
            FiscalExpenditure => "财政拨款支出".into(),
            GovFundExpenditure => "政府性基金预算拨款支出".into(),
            StateCapitalExpenditure => "国有资本经营预算拨款支出".into(),
            FunctionPath(p) => p.join("-"),
            PerformanceFundsPartial => "编报绩效目标的项目资金".into(),
            VehiclesKind(k) => k.clone(),
            Vehicles => "车辆总数".into(),
            VehiclesGeneral => "一般公务用车".into(),
            VehiclesEnforcement => "执勤执法用车".into(),
            VehiclesSpecial => "特种专业技术用车".into(),
            VehiclesOther => "其他用车".into(),
            Unknown(s) => s.clone(),
        }
    }
}

/// Direction word printed with a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Increase,
    Decrease,
    Flat,
}

impl Direction {
    pub fn label(self) -> &'static str {
        match self {
            Direction::Increase => "增加",
            Direction::Decrease => "减少",
            Direction::Flat => "持平",
        }
    }
}

/// Which part of the narrative a figure comes from; rules pick their table by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Context {
    Income,
    Expenditure,
    Fiscal,
    ThreePublic,
    OperatingCost,
    Procurement,
    Performance,
    Assets,
    Other,
}

/// A figure stated in the narrative.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    pub subject: Subject,
    pub context: Context,
    /// The stated amount; `None` when the sentence only states a change.
    pub amount: Option<Amount>,
    /// A count (车辆 6 辆) instead of money.
    pub count: Option<i64>,
    pub change: Option<Change>,
    /// Figures stated together as parts of this one (其中 ...): indices into `figures`.
    pub group: Option<u32>,
    pub span: Span,
    /// The words the figure was read from.
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub direction: Direction,
    /// Magnitude as printed (`None` for 持平 without a figure).
    pub amount: Option<Amount>,
    /// The year compared with ("比 2024 年").
    pub against_year: Option<i32>,
    pub span: Span,
    /// The words the change was read from.
    pub text: String,
}

impl Change {
    /// Signed change in fen.
    pub fn signed_fen(&self) -> i64 {
        let v = self.amount.map_or(0, |a| a.fen);
        match self.direction {
            Direction::Decrease => -v,
            _ => v,
        }
    }
}

/// "内设 …、… 10 个科室": the stated count and the items listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountClaim {
    pub noun: String,
    pub stated: i64,
    pub listed: Vec<String>,
    /// The list names only some ("信息中心、培训中心等 4 个"): it may be shorter than the count.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
    pub span: Span,
}

/// A year or unit name as printed somewhere, and what role it plays there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub what: MentionKind,
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MentionKind {
    /// The budget year (titles, "2025年年初预算数").
    Year,
    /// A year that must be the prior year ("比 2024 年", "截至 2024 年", 上年预算数 header).
    PriorYear,
    /// The unit's name.
    UnitName,
}

/// Something the reader could not recover, reported instead of guessed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadNote {
    pub kind: ReadNoteKind,
    pub message: String,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadNoteKind {
    /// Rows with no table title above them.
    UntitledFragment,
    /// No region profile recognised the layout.
    UnsupportedLayout,
    /// A 决算 or other document kind not supported yet.
    UnsupportedKind,
    /// A table title the profile does not know.
    UnknownTable,
    /// A cell that should hold an amount and does not.
    UnreadableCell,
}

//! yusuan-audit: the rule catalog.
//!
//! A rule has a stable id, a title, a default severity, a scope and a one-line doc ([`RULES`]).
//! [`check`] runs every rule over a [`Document`] and returns findings, each naming where it is
//! (line, page, table) and showing the numbers on both sides. A finding is an error only when
//! the arithmetic proves it; a difference inside the rounding tolerance is info (尾差); a figure
//! that could not be read makes a rule "cannot verify" (info), never a guessed zero.

mod class;
mod complete;
mod consistency;
mod cross;
mod facts;
mod gate;
mod perf;
pub mod report;
mod table;
mod text;

use serde::Serialize;
use yusuan_core::{Catalog, Classification, Document, ReadNoteKind, Span};
use yusuan_read::Profile;

pub use facts::Facts;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Where a finding is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    pub line: u32,
    pub end_line: u32,
    pub page: Option<u32>,
    pub table: Option<String>,
}

impl Location {
    pub fn new(span: Span, table: Option<String>) -> Location {
        Location {
            line: span.line,
            end_line: span.end_line,
            page: span.page,
            table,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The place that is wrong (or stated) first.
    pub locations: Vec<Location>,
}

/// A rule's catalog entry.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Rule {
    pub id: &'static str,
    pub title: &'static str,
    /// The severity when the rule is violated; rounding differences are always info.
    pub severity: Severity,
    /// 预算 / 决算, 部门 / 单位, region.
    pub scope: &'static str,
    pub doc: &'static str,
}

macro_rules! rule {
    ($id:literal, $sev:ident, $scope:literal, $title:literal, $doc:literal) => {
        Rule {
            id: $id,
            title: $title,
            severity: Severity::$sev,
            scope: $scope,
            doc: $doc,
        }
    };
}

/// Every rule, in the order they run.
pub const RULES: &[Rule] = &[
    rule!("read.unsupported", Warning, "全部", "版式或文件类型尚不支持", "No profile recognised the layout, or the document is not a budget: nothing was audited."),
    rule!("read.fragment", Warning, "全部", "无标题的表格片段", "Rows with no table title above them (a page lost in extraction): reported, not audited."),
    rule!("read.unknown-table", Warning, "全部", "未知表格", "A numbered table whose title the profile does not know."),
    rule!("read.doubt", Warning, "全部", "表格读取存疑", "A table whose own identities fail in a pattern a misreading explains (figures one column off, a label read as a row, most rows failing): said once, and the findings drawn from it are kept as info."),
    rule!("read.unreadable", Info, "全部", "无法核验", "A cell or figure that a rule needs could not be read as an amount, so the rule cannot verify it."),
    rule!("table.hierarchy", Error, "预算 部门/单位", "科目层级合计", "Each 类 equals the sum of its 款, each 款 the sum of its 项, and 合计 the sum of the 类, in every amount column."),
    rule!("table.row-total", Error, "预算 部门/单位", "行内合计", "In each row 总计 = 基本支出 + 项目支出, 总计 = 人员经费 + 公用经费, 合计 = the sum of the funding sources."),
    rule!("table.three-public", Error, "预算 部门/单位", "三公经费表合计", "三公 合计 = 因公出国（境）费 + 公务用车购置及运行费 + 公务接待费; 小计 = 购置费 + 运行费."),
    rule!("table.balance", Error, "预算 部门/单位", "收支平衡", "In every 收支总表: 收入合计 = 支出合计, 本年收入 = the sum of the sources, 本年支出 = the sum of the 类."),
    rule!("cross.fiscal-function", Error, "预算 部门/单位", "财政拨款收支总表与功能分类表", "The 一般公共预算 column of the 财政拨款收支总表 per 类 equals the 类 totals of the 一般公共预算支出表; its rows carry 类 names."),
    rule!("cross.basic-economic", Error, "预算 部门/单位", "基本支出与经济分类表", "The 基本支出 total of the 一般公共预算支出表 equals the total of the 基本支出 economic table."),
    rule!("cross.dept-summary", Error, "预算 部门/单位", "部门收支总表与收入/支出总表", "部门收支总表 income by source equals the 部门收入总表 and 财政拨款收支总表; expenditure by 类 equals the 部门支出总表."),
    rule!("cross.dept-fiscal", Error, "预算 部门/单位", "部门支出总表与财政拨款支出表", "Where the unit has only 一般公共预算 money, the 部门支出总表 equals the 一般公共预算支出表 row by row."),
    rule!("cross.three-public-economic", Error, "预算 部门/单位", "三公经费与经济分类", "Economic items of the basic table never exceed their 三公 counterparts (30217 <= 接待, 30231 <= 运行, 30212 <= 出国, 31013 <= 购置)."),
    rule!("cross.empty-fund", Warning, "预算 部门/单位", "空表与其他表、说明一致", "An empty 政府性基金 / 国有资本经营 table agrees with the empty columns elsewhere and with the narrative."),
    rule!("cross.performance-total", Error, "预算 部门", "整体绩效目标表预算数", "The 部门支出预算数 of the 整体绩效目标表 equals the expenditure total."),
    rule!("text.figure", Error, "预算 部门/单位", "说明中的数字与表格一致", "Every figure the narrative states (totals, sources, 类, 基本 / 项目, 三公, 绩效 funds) equals the table figure."),
    rule!("text.operating-cost", Warning, "预算 部门/单位", "机关运行经费与公用经费", "The 机关运行经费 stated in the narrative normally equals the 公用经费 of the basic table."),
    rule!("text.change", Error, "预算 部门/单位", "同比增减与上年数", "A year-over-year change and its direction word (增加 / 减少 / 持平) agree with the table's prior-year column."),
    rule!("text.sum", Error, "预算 部门/单位", "说明中的合计与分项", "Sums stated in the narrative add up: 三公 and its parts (and their changes), 政府采购 = 货物 + 工程 + 服务, vehicles = sum of kinds, 基本 + 项目."),
    rule!("text.count", Error, "预算 部门/单位", "数量与列举一致", "A count stated in the narrative (N 个科室) equals the number of items it lists."),
    rule!("complete.numbering", Error, "预算 部门/单位", "表格编号连续", "Tables are numbered without gaps (表一, 表二, ...); a gap is a missing table."),
    rule!("complete.tables", Error, "预算 部门/单位", "必备表格", "Every table the region profile makes mandatory is present."),
    rule!("complete.sections", Error, "预算 部门/单位", "必备说明内容", "Every section the region profile makes mandatory is present in the narrative."),
    rule!("complete.figures", Warning, "预算 部门/单位", "必备说明数字", "Each mandatory section states its figures (the profile lists them: 收入 / 支出 totals, 基本 / 项目, 三公, 机关运行经费, 采购, 绩效 funds, vehicles)."),
    rule!("complete.empty-statement", Error, "预算 部门/单位", "空表须有说明", "A table with no amounts carries a statement saying why (备注：本单位无…)."),
    rule!("consistency.year", Error, "全部", "年度一致", "One budget year throughout: titles and 'X年预算' name the budget year, comparisons (比 X 年) the year before."),
    rule!("consistency.unit-name", Error, "全部", "单位名称一致", "One unit name throughout: the title, 部门名称, 主管部门 and 填报单位（本级）."),
    rule!("consistency.money-unit", Error, "全部", "金额单位一致", "Magnitudes agree with the stated 单位 (元 / 万元): the same figure printed in two places differs by exactly 10,000 times."),
    rule!("class.unknown-code", Warning, "全部", "科目编码不在目录中", "A classification code missing from the catalog for the document's year (the catalog holds evidenced codes, so this is a warning)."),
    rule!("class.name", Error, "全部", "科目名称与编码不符", "A printed name does not match its code's name in the catalog for the document's year."),
    rule!("class.hierarchy", Warning, "全部", "科目层级错位", "A 项 is printed under a 款 (or a 款 under a 类) whose code is not its prefix."),
    rule!("perf.weights", Error, "预算 部门/单位", "绩效指标权重合计", "Project tables: indicator weights + 预算执行率权重 = 100; the department table: weights = 100."),
    rule!("perf.funds", Error, "预算 部门/单位", "项目资金构成", "Project funds: 年度资金总额 = 财政拨款 + 其他资金."),
    rule!("perf.qualitative", Warning, "预算 部门/单位", "定性与定量指标值", "定性 indicators carry a grade (高 / 中 / 低, 达成 ...), numeric ones (≥ ≤ =) a number."),
    rule!("perf.duplicate", Warning, "预算 部门/单位", "重复的绩效指标", "The same 三级 indicator appears twice in one table."),
    rule!("perf.header", Warning, "预算 部门/单位", "绩效表表头与数据列序", "The indicator header's column order agrees with where the data rows put 性质, 指标值, 单位 and 权重."),
];

/// Look a rule up by id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Everything a rule needs besides the document.
pub struct Ctx<'a> {
    pub doc: &'a Document,
    pub profile: Option<&'a Profile>,
    pub functional: &'a Catalog,
    pub economic: &'a Catalog,
    pub facts: Facts<'a>,
}

/// Collects findings.
#[derive(Default)]
pub struct Sink {
    pub findings: Vec<Finding>,
}

impl Sink {
    pub fn push(
        &mut self,
        rule: &'static str,
        severity: Severity,
        message: String,
        locations: Vec<Location>,
    ) {
        self.findings.push(Finding {
            rule,
            severity,
            message,
            locations,
        });
    }
}

/// Catalogs and profiles loaded once; reuse an `Auditor` for many documents.
pub struct Auditor {
    profiles: &'static [Profile],
    functional: &'static Catalog,
    economic: &'static Catalog,
}

impl Default for Auditor {
    fn default() -> Self {
        Auditor {
            profiles: Profile::builtin(),
            functional: Catalog::builtin(Classification::Functional),
            economic: Catalog::builtin(Classification::Economic),
        }
    }
}

impl Auditor {
    pub fn check(&self, doc: &Document) -> Vec<Finding> {
        let mut sink = Sink::default();
        for note in &doc.notes {
            let (id, sev) = match note.kind {
                ReadNoteKind::UnsupportedLayout | ReadNoteKind::UnsupportedKind => {
                    ("read.unsupported", Severity::Warning)
                }
                ReadNoteKind::UntitledFragment => ("read.fragment", Severity::Warning),
                ReadNoteKind::UnknownTable => ("read.unknown-table", Severity::Warning),
                ReadNoteKind::UnreadableCell => ("read.unreadable", Severity::Info),
            };
            sink.push(
                id,
                sev,
                note.message.clone(),
                vec![Location::new(note.span, None)],
            );
        }
        let Some(profile_id) = &doc.profile else {
            return sink.findings;
        };
        if doc.kind == yusuan_core::DocKind::FinalAccounts {
            return sink.findings;
        }
        let profile = self.profiles.iter().find(|p| &p.id == profile_id);
        let ctx = Ctx {
            doc,
            profile,
            functional: self.functional,
            economic: self.economic,
            facts: Facts::new(doc),
        };
        // Could our reading be wrong? Asked of every table before any finding is an error.
        let doubts = gate::doubts(&ctx);
        let ambiguous = gate::ambiguous_rows(&ctx);
        table::run(&ctx, &mut sink);
        cross::run(&ctx, &mut sink);
        text::run(&ctx, &mut sink);
        complete::run(&ctx, &mut sink);
        consistency::run(&ctx, &mut sink);
        class::run(&ctx, &mut sink);
        perf::run(&ctx, &mut sink);
        let mut findings = sink.findings;
        gate::apply(doc, &doubts, &ambiguous, &mut findings);
        point_at_unit_lines(doc, profile, &mut findings);
        // Stable order: by first line, then severity.
        findings.sort_by_key(|f| {
            (
                f.locations.first().map_or(0, |l| l.line),
                f.severity,
                f.rule,
            )
        });
        findings
    }
}

/// A money-unit finding names the 单位 line of a table whose stated unit differs from the
/// region's usual unit, first: that is the line to correct.
fn point_at_unit_lines(doc: &Document, profile: Option<&Profile>, findings: &mut [Finding]) {
    let usual = profile.map(|p| p.money_unit);
    for f in findings
        .iter_mut()
        .filter(|f| f.rule == "consistency.money-unit")
    {
        let mut unit_locs = Vec::new();
        for l in &f.locations {
            let Some(label) = &l.table else { continue };
            let Some(t) = doc.tables.iter().find(|t| &t.label() == label) else {
                continue;
            };
            if let (Some(span), Some(unit)) = (t.unit_span, t.unit) {
                if Some(unit) != usual {
                    unit_locs.push(Location::new(span, Some(label.clone())));
                }
            }
        }
        unit_locs.dedup();
        for (k, l) in unit_locs.into_iter().enumerate() {
            f.locations.insert(k, l);
        }
    }
}

/// Check a document with the bundled catalogs and profiles.
pub fn check(doc: &Document) -> Vec<Finding> {
    Auditor::default().check(doc)
}

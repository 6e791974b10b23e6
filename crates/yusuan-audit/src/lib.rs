//! yusuan-audit: the rule catalog.
//!
//! A rule has a stable id, a title, a default severity, a scope and a one-line doc ([`RULES`]).
//! [`check`] runs every rule over a [`Document`] and returns findings, each naming where it is
//! (line, page, table) and showing the numbers on both sides. A finding is an error only when
//! the arithmetic proves it; a difference inside the rounding tolerance is info (尾差); a figure
//! that could not be read makes a rule "cannot verify" (info), never a guessed zero.

/// Declare a rule: `rule!(id, severity, scope, title, doc)`, or with `weaker: Severity` for a
/// rule that also reports a lesser case (its doc says which).
macro_rules! rule {
    ($id:literal, $sev:ident, $scope:literal, $title:literal, $doc:literal) => {
        $crate::Rule {
            id: $id,
            title: $title,
            severity: $crate::Severity::$sev,
            weaker: None,
            scope: $scope,
            doc: $doc,
        }
    };
    ($id:literal, $sev:ident, weaker: $weak:ident, $scope:literal, $title:literal, $doc:literal) => {
        $crate::Rule {
            id: $id,
            title: $title,
            severity: $crate::Severity::$sev,
            weaker: Some($crate::Severity::$weak),
            scope: $scope,
            doc: $doc,
        }
    };
}

pub use item::Unresolved;

mod arith;
mod class;
mod complete;
mod consistency;
mod cross;
mod edit;
pub mod execution;
mod explain;
mod facts;
mod final_accounts;
mod gate;
mod item;
mod parts;
mod perf;
pub mod report;
mod table;
mod text;

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use yusuan_core::Profile;
use yusuan_core::{Catalog, Classification, Document, ReadNoteKind, Span};

pub use facts::Facts;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

    /// How a reader is told the severity: 错误, 警告, 提示.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }
}

/// Where a finding is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub line: u32,
    pub end_line: u32,
    pub page: Option<u32>,
    pub table: Option<String>,
    /// The column of the figure the finding rests on, where one cell is meant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<yusuan_core::ColumnRole>,
}

impl Location {
    pub fn new(span: Span, table: Option<String>) -> Location {
        Location {
            line: span.line,
            end_line: span.end_line,
            page: span.page,
            table,
            column: None,
        }
    }

    /// The same place narrowed to one column's cell.
    pub fn in_column(mut self, role: yusuan_core::ColumnRole) -> Location {
        self.column = Some(role);
        self
    }
}

/// One finding. It serialises into a report (JSON) and reads back from a stored one, so a
/// report page shows the audit's own type; the rule is its id, borrowed from the catalog when
/// the audit made it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: Cow<'static, str>,
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
    /// The severity of the lesser case the doc describes, for a rule that has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weaker: Option<Severity>,
    /// 预算 / 决算, 部门 / 单位, region.
    pub scope: &'static str,
    pub doc: &'static str,
}

/// Every rule, in the order they run. Each is declared beside its check.
pub const RULES: &[Rule] = &[
    crate::READ_UNSUPPORTED,
    crate::READ_FRAGMENT,
    crate::READ_UNKNOWN_TABLE,
    crate::READ_DOUBT,
    crate::READ_UNREADABLE,
    crate::READ_PARTIAL,
    final_accounts::EXECUTION,
    final_accounts::TOTAL,
    final_accounts::CROSS,
    final_accounts::THREE_PUBLIC,
    final_accounts::PERFORMANCE,
    final_accounts::ITEM,
    final_accounts::YEAR,
    final_accounts::UNIT_NAME,
    table::HIERARCHY,
    table::ROW_TOTAL,
    table::THREE_PUBLIC,
    table::PROCUREMENT,
    table::BALANCE,
    cross::FISCAL_FUNCTION,
    cross::BASIC_ECONOMIC,
    cross::DEPT_SUMMARY,
    cross::SUMMARY_SPLIT,
    cross::DEPT_FISCAL,
    cross::THREE_PUBLIC_ECONOMIC,
    cross::EMPTY_FUND,
    cross::PERFORMANCE_TOTAL,
    text::FIGURE,
    text::OPERATING_COST,
    text::CHANGE,
    text::SUM,
    text::COUNT,
    text::SAME_FIGURE,
    arith::RATE,
    arith::SHARE,
    arith::RESTATED,
    arith::CHANGE_TWICE,
    arith::CHANGE_SUM,
    parts::PARTS,
    item::ITEM,
    item::ITEM_LEVEL,
    item::PERSONNEL,
    edit::TEMPLATE,
    edit::PUNCTUATION,
    edit::BRACKETS,
    edit::MISSING_FIGURE,
    edit::HALF_WIDTH,
    edit::OLD_NAME,
    edit::BLANK_PAGE,
    edit::CUT_LINE,
    edit::FULL_STOP,
    edit::YEAR,
    edit::SCOPE_WORD,
    edit::COMPARISON,
    edit::DOC_NUMBER,
    edit::MONEY_UNIT,
    edit::THREE_PUBLIC_NAME,
    edit::COLON,
    edit::CONTENTS,
    edit::CONTENTS_ORDER,
    edit::BRACKET_WIDTH,
    explain::COPIED_ITEM,
    explain::REASON_DIRECTION,
    complete::NUMBERING,
    complete::TABLES,
    complete::SECTIONS,
    complete::FIGURES,
    complete::EMPTY_STATEMENT,
    consistency::YEAR,
    consistency::UNIT_NAME,
    consistency::MONEY_UNIT,
    class::UNKNOWN_CODE,
    class::NAME,
    class::HIERARCHY,
    class::SHORT_CODE,
    perf::WEIGHTS,
    perf::FUNDS,
    perf::QUALITATIVE,
    perf::DUPLICATE,
    perf::HEADER,
    perf::PROJECTS,
    perf::WITHIN,
];

pub(crate) const READ_UNSUPPORTED: Rule = rule!(
    "read.unsupported",
    Warning,
    "全部",
    "版式或文件类型尚不支持",
    "No profile recognised the layout, or the document is not a budget: nothing was audited."
);
pub(crate) const READ_FRAGMENT: Rule = rule!(
    "read.fragment",
    Warning,
    "全部",
    "无标题的表格片段",
    "Rows with no table title above them (a page lost in extraction): reported, not audited."
);
pub(crate) const READ_UNKNOWN_TABLE: Rule = rule!(
    "read.unknown-table",
    Warning,
    "全部",
    "未知表格",
    "A numbered table whose title the profile does not know."
);
pub(crate) const READ_DOUBT: Rule = rule!("read.doubt", Warning, "全部", "表格读取存疑", "A table whose own identities fail in a pattern a misreading explains (figures one column off, a label read as a row, most rows failing): said once, and the findings drawn from it are kept as info.");
pub(crate) const READ_PARTIAL: Rule = rule!(
    "read.partial",
    Info,
    "决算",
    "部分审核",
    "A 决算 is audited by its tables' own identities (总表 balance with 年初 / 年末结转和结余, 类 = Σ款 = Σ项, row totals, the 基本支出 table's 人员经费 / 公用经费 blocks, the 三公 table's 预算数 and 决算数), its codes, the equalities between its tables, the narrative's totals, items, 三公 figures, rates, shares and 完成率 (final.*, text.*), and the editorial checks; what cannot be checked against a table (机关运行经费, 政府采购 and 国有资产, which no 决算 table prints; a table the text did not let us read) is said once, so that a clean result is not read as a full audit."
);
pub(crate) const READ_UNREADABLE: Rule = rule!("read.unreadable", Info, "全部", "无法核验", "A cell or figure that a rule needs could not be read as an amount, so the rule cannot verify it.");

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

/// How a check came out, which decides the finding's severity from the rule's declaration: a
/// check never names a severity itself, so `yusuan rules` prints exactly what is emitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// The rule is violated: the declared severity.
    Violated,
    /// The lesser case the rule's doc describes: its declared `weaker` severity.
    Weaker,
    /// A rounding difference within tolerance, or a figure that cannot be verified.
    Info,
}

impl Rule {
    /// The severity a finding of this rule at `level` has.
    pub fn severity_at(&self, level: Level) -> Severity {
        match level {
            Level::Violated => self.severity,
            // A rule without a lesser case declared reports it as info rather than louder.
            Level::Weaker => self.weaker.unwrap_or(Severity::Info),
            Level::Info => Severity::Info,
        }
    }

    /// Every severity this rule can emit, loudest first.
    pub fn severities(&self) -> Vec<Severity> {
        let mut v = vec![self.severity];
        v.extend(self.weaker);
        v.push(Severity::Info);
        v.dedup();
        v
    }
}

/// Collects findings.
#[derive(Default)]
pub struct Sink {
    pub findings: Vec<Finding>,
}

impl Sink {
    pub fn emit(
        &mut self,
        rule: &'static Rule,
        level: Level,
        message: String,
        locations: Vec<Location>,
    ) {
        debug_assert!(
            level != Level::Weaker || rule.weaker.is_some(),
            "{} emits a weaker case it does not declare",
            rule.id
        );
        self.findings.push(Finding {
            rule: Cow::Borrowed(rule.id),
            severity: rule.severity_at(level),
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
    /// The narrative amounts no rule can tie to what they are of ([`Unresolved`]).
    pub fn unresolved(&self, doc: &Document) -> Vec<Unresolved> {
        // A 决算's narrative figures are not tied to its tables yet (read.partial says so).
        if doc.kind == yusuan_core::DocKind::FinalAccounts {
            return Vec::new();
        }
        self.context(doc)
            .map_or_else(Vec::new, |ctx| item::unresolved(&ctx))
    }

    /// What the rules read a document with; none for a layout no profile recognised.
    fn context<'a>(&'a self, doc: &'a Document) -> Option<Ctx<'a>> {
        let profile_id = doc.profile.as_ref()?;
        Some(Ctx {
            doc,
            profile: self.profiles.iter().find(|p| &p.id == profile_id),
            functional: self.functional,
            economic: self.economic,
            facts: Facts::new(doc),
        })
    }

    /// A 决算's execution, 科目 by 科目, and (given the same unit's 预算 of that year) the 科目
    /// whose 年初预算 the 决算 states other than the 预算 prints.
    pub fn execution(
        &self,
        final_accounts: &Document,
        budget: Option<&Document>,
    ) -> Result<execution::Execution, execution::ExecutionError> {
        let Some(f) = self.context(final_accounts) else {
            return Err(execution::ExecutionError::NotFinalAccounts(
                final_accounts.source.clone(),
            ));
        };
        let b = match budget {
            Some(d) => Some(
                self.context(d)
                    .ok_or_else(|| execution::ExecutionError::NotBudget(d.source.clone()))?,
            ),
            None => None,
        };
        execution::compare(&f, b.as_ref())
    }

    pub fn check(&self, doc: &Document) -> Vec<Finding> {
        let mut sink = Sink::default();
        for note in &doc.notes {
            let rule = match note.kind {
                ReadNoteKind::UnsupportedLayout | ReadNoteKind::UnsupportedKind => {
                    &READ_UNSUPPORTED
                }
                ReadNoteKind::UntitledFragment => &READ_FRAGMENT,
                ReadNoteKind::UnknownTable => &READ_UNKNOWN_TABLE,
                ReadNoteKind::UnreadableCell => &READ_UNREADABLE,
            };
            sink.emit(
                rule,
                Level::Violated,
                note.message.clone(),
                vec![Location::new(note.span, None)],
            );
        }
        let Some(ctx) = self.context(doc) else {
            return sink.findings;
        };
        let profile = ctx.profile;
        // Could our reading be wrong? Asked of every table before any finding is an error.
        let bases = gate::base_errors(&ctx);
        let doubts = gate::doubts(&ctx, &bases);
        let ambiguous = gate::ambiguous_rows(&ctx, &bases);
        table::run(&ctx, &mut sink);
        if doc.kind == yusuan_core::DocKind::FinalAccounts {
            // A 决算 is audited by its tables' own identities, its codes, its own rules
            // (final_accounts), the narrative's arithmetic and the editorial checks; the
            // budget's narrative and cross-table rules read a budget's words and columns.
            class::run(&ctx, &mut sink);
            final_accounts::run(&ctx, &mut sink);
            arith::run(&ctx, &mut sink);
            edit::run(&ctx, &mut sink);
            // What could not be read is said here: a 基本支出 table printed in blocks whose
            // figures and 科目 the text put on different lines.
            let basic_unread = ctx
                .facts
                .table(yusuan_core::TableKind::BasicByEconomic)
                .is_some_and(|t| t.columns.is_empty());
            sink.emit(
                &READ_PARTIAL,
                Level::Violated,
                format!(
                    "这是一份决算：本版本核对了各表的表内关系（总表收支平衡含年初、年末结转和结余，类、款、项逐级相加，行合计，人员经费、公用经费合计）、科目编码、主要表间关系，说明中的总额、各科目决算数、占比、增减率、预算完成率，以及“三公”经费决算表（预算数、决算数）与说明中的“三公”经费、绩效自评项目数与评级{}；说明中的机关运行经费、政府采购和国有资产情况在决算表中没有对应数字，只核对了其自身的增减与占比",
                    if basic_unread {
                        "；一般公共预算财政拨款基本支出决算表的数字与科目未能按行读取（文本中不在同一行），该表未核对"
                    } else {
                        ""
                    }
                ),
                vec![Location::new(Span::line(1, None), None)],
            );
        } else {
            cross::run(&ctx, &mut sink);
            text::run(&ctx, &mut sink);
            arith::run(&ctx, &mut sink);
            parts::run(&ctx, &mut sink);
            item::run(&ctx, &mut sink);
            item::personnel(&ctx, &mut sink);
            edit::run(&ctx, &mut sink);
            explain::run(&ctx, &mut sink);
            complete::run(&ctx, &mut sink);
            consistency::run(&ctx, &mut sink);
            class::run(&ctx, &mut sink);
            perf::run(&ctx, &mut sink);
        }
        let mut findings = sink.findings;
        gate::apply(doc, &doubts, &ambiguous, &mut findings);
        point_at_unit_lines(doc, profile, &mut findings);
        // Stable order: by first line, then severity.
        findings.sort_by(|a, b| {
            let key = |f: &Finding| (f.locations.first().map_or(0, |l| l.line), f.severity);
            key(a).cmp(&key(b)).then_with(|| a.rule.cmp(&b.rule))
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
        .filter(|f| f.rule == crate::consistency::MONEY_UNIT.id)
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

/// The narrative amounts of a document that no rule can tie to what they are of, with the
/// bundled catalogs and profiles.
pub fn unresolved(doc: &Document) -> Vec<Unresolved> {
    Auditor::default().unresolved(doc)
}

/// Check a document with the bundled catalogs and profiles.
pub fn check(doc: &Document) -> Vec<Finding> {
    Auditor::default().check(doc)
}

//! The finance reviewer's checklist of the justice document
//! (`../shared/corpus/shanghai-putuo-justice-2026-dept-budget.review.xlsx`), row by row: each
//! numeric item is an error, each editorial item a warning, at its page: all nine rows are
//! reported, and the test fails when one of them is lost or reported twice.

#[path = "../../yusuan-audit/tests/common/mod.rs"]
mod common;
use common::*;
use yusuan_audit::{Finding, Severity};

struct Row {
    /// The checklist row (and item within it) as the reviewer wrote it.
    checklist: &'static str,
    rule: &'static str,
    severity: Severity,
    page: u32,
    /// Words the finding's message must hold.
    says: &'static str,
    count: usize,
}

const REPORTED: &[Row] = &[
    Row {
        checklist: "目录：目录后有一页多余的空表页，建议删除",
        rule: "edit.blank-page",
        severity: Severity::Warning,
        page: 3,
        says: "第3页没有任何文字",
        count: 1,
    },
    Row {
        checklist: "主要职能：部分文字未正常显示（p4 底部一行被截去一半，段落在 p5 重复）",
        rule: "edit.cut-line",
        severity: Severity::Warning,
        page: 4,
        says: "“（八）负责本系统警车管理工作",
        count: 1,
    },
    Row {
        checklist: "预算编制说明 1：存在5处与2025年预算比较的描述，应该是与2026年预算相比",
        rule: "consistency.year",
        severity: Severity::Error,
        page: 8,
        says: "上一年度应为2025年",
        count: 5,
    },
    Row {
        checklist: "预算编制说明 2：“财政拨款收入支出增加的主要原因是工作量增加”后面漏了个句号",
        rule: "edit.full-stop",
        severity: Severity::Warning,
        page: 8,
        says: "主要原因是工作量增加”：这一段到此结束，句末缺少句号",
        count: 1,
    },
    Row {
        checklist: "预算编制说明 3：第5点“信息化建设及运行维护等方面的支出。。”，存在连续两个句号",
        rule: "edit.punctuation",
        severity: Severity::Warning,
        page: 8,
        says: "。。",
        count: 1,
    },
    Row {
        checklist: "预算编制说明 4：第6点 43269.3 万元到 3845.49 万元不可能是“增加17.62%”",
        rule: "text.rate",
        severity: Severity::Error,
        page: 9,
        says: "按上年43269.3万元、本年3845.49万元计算应为减少91.11%",
        count: 1,
    },
    Row {
        checklist: "预算编制说明 5：第11点“医疗卫生与计划生育支出（210类）”，预算表里是“卫生健康支出（210类）”",
        rule: "edit.old-name",
        severity: Severity::Warning,
        page: 9,
        says: "科目210在本年度的名称为“卫生健康支出”",
        count: 1,
    },
    Row {
        checklist: "预算编制说明 6：第12点“住房公积金（01项）208.8万元”，后面又写“2026年预算安排201.50万元”",
        rule: "text.restated",
        severity: Severity::Error,
        page: 9,
        says: "该项列为208.8万元，第116行又称本年预算安排201.50万元",
        count: 1,
    },
    Row {
        checklist: "项目经费情况说明：“开展‘人民调解协议书检查’、优秀调解案例”活动。”，多了一个右引号",
        rule: "edit.brackets",
        severity: Severity::Warning,
        page: 23,
        says: "左引号1个、右引号2个",
        count: 1,
    },
];

fn hits<'a>(findings: &'a [Finding], r: &Row) -> Vec<&'a Finding> {
    findings
        .iter()
        .filter(|f| {
            f.rule == r.rule
                && f.severity == r.severity
                && f.locations.first().and_then(|l| l.page) == Some(r.page)
                && f.message.contains(r.says)
        })
        .collect()
}

#[test]
fn the_reviewers_checklist_of_the_justice_document() {
    let Some(path) = corpus_files()
        .into_iter()
        .find(|p| p.ends_with("shanghai-putuo-justice-2026-dept-budget.pdf"))
    else {
        assert!(
            std::env::var_os("CI").is_none(),
            "the justice document is missing"
        );
        return;
    };
    let bytes = std::fs::read(&path).expect("corpus file");
    let doc = yusuan_read::read_bytes("justice.pdf", &bytes).expect("readable");
    let findings = yusuan_audit::check(&doc);
    for r in REPORTED {
        let h = hits(&findings, r);
        assert_eq!(
            h.len(),
            r.count,
            "checklist “{}”: expected {} {:?} on page {} saying “{}”; got:\n{}",
            r.checklist,
            r.rule,
            r.severity,
            r.page,
            r.says,
            show(&findings)
        );
    }
    // Besides the checklist: the second rate slip (职业年金 17.66% for 17.93%) and the
    // project period of 2025 in the 2026 budget, found by an earlier review of this file.
    assert!(findings
        .iter()
        .any(|f| f.rule == "text.rate" && f.message.contains("17.93%")));
    assert!(findings.iter().any(|f| f.rule == "edit.year"));
}

//! A region's publishing template is a file: a test writes one for a region yusuan does not ship
//! and publishes the example budget with it.

use yusuan_core::budget::{Budget, Money, Procurement, Source};
use yusuan_core::{CellValue, MoneyUnit, Scope};
use yusuan_publish::{derive, derive_with, Template};

mod common;
use common::example;

/// A new region's template: its narrative in its own words, and four tables of its own,
/// amounts in 元 but for the 三公 table.
const DEMO: &str = r#"
id = "demo"
title_section = 0
unit = "元"

# Its narrative: two sections in its own words, and its way of saying a change.
[phrases]
increase = "较上年多{amount}万元"
decrease = "较上年少{amount}万元"
level = "与上年相同"
reason = "{change}（{reason}）"

[[sections]]
level = 0
heading = "{{ name }}{{ year }}年{{ scope }}预算公开说明"

[[sections]]
level = 1
number = "一"
heading = "收支概况"
text = '''
{{ year }}年收入、支出预算均为{{ total.amount|wan }}万元，{{ change(total, reasons.income) }}。
{% for c in classes %}
{{ loop.index|chinese }}是{{ c.name }}{{ c.amount|wan }}万元。
{% endfor %}
'''

[[tables]]
number = "附表1"
title = "{year}年{scope}收支总表"
header = [["收入", "金额", "支出", "金额"]]
[tables.body]
kind = "summary"
income = [{ each = "listed", label = "{source}" }]
expenditure = { classes = "all", label = "{number}、{name}", columns = ["total"] }
last = [["收入合计", "=total", "支出合计", "=total"]]

[[tables]]
number = "附表2"
title = "{year}年{scope}支出预算表（与{prior_year}年对比）"
header = [
  ["科目编码", "科目名称", "{prior_year}年", "{year}年", "", ""],
  ["", "", "", "合计", "基本支出", "项目支出"],
]
merges = [[0, 0, 2, 1], [0, 1, 2, 1], [0, 2, 2, 1], [0, 3, 1, 3]]
body = { kind = "function", sources = "all", rows = "with_prior", columns = ["prior", "total", "basic", "project"], total = "last" }

[[tables]]
number = "附表3"
title = "{year}年{fund}支出表"
header = [["科目编码", "科目名称", "合计"]]
body = { kind = "function", sources = "gov_fund", columns = ["total"], total = "first", empty_note = "本{scope}{year}年没有{fund}支出。" }

[[tables]]
number = "附表4"
title = "{year}年三公经费和机关运行经费"
unit = "万元"
header = [["三公经费合计", "公务接待费", "机关运行经费"]]
body = { kind = "three_public", columns = ["total", "reception", "operating_cost"] }
"#;

#[test]
fn a_template_file_written_here_publishes_the_budget() {
    let dir = std::env::temp_dir().join(format!("yusuan-template-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("demo.publish.toml");
    std::fs::write(&path, DEMO).expect("writes the template");
    let text = std::fs::read_to_string(&path).expect("reads it back");
    let _ = std::fs::remove_dir_all(&dir);
    let template = Template::from_toml(&text).unwrap_or_else(|e| panic!("{e}"));

    let b = example();
    let doc = derive_with(&b, &template).expect("publishes");
    assert_eq!(doc.profile.as_deref(), Some("demo"));
    assert_eq!(
        doc.title.as_ref().map(|t| t.value.as_str()),
        Some("重庆市大渡口区人民政府办公室2025年部门预算公开说明")
    );
    let titles: Vec<(Option<&str>, &str)> = doc
        .tables
        .iter()
        .map(|t| (t.number.as_deref(), t.title.as_str()))
        .collect();
    assert_eq!(
        titles,
        [
            (Some("附表1"), "2025年部门收支总表"),
            (Some("附表2"), "2025年部门支出预算表（与2024年对比）"),
            (Some("附表3"), "2025年政府性基金预算支出表"),
            (Some("附表4"), "2025年三公经费和机关运行经费"),
        ]
    );
    let units: Vec<_> = doc.tables.iter().map(|t| t.unit).collect();
    let (yuan, wan) = (Some(MoneyUnit::Yuan), Some(MoneyUnit::WanYuan));
    assert_eq!(units, [yuan, yuan, yuan, wan]);

    // The figures are the budget's, in the template's unit: the 合计 row of 附表2 last.
    let fen = |c: &yusuan_core::Cell| match c.value {
        CellValue::Amount(a) => Some(a.fen),
        _ => None,
    };
    let last = doc.tables[1].rows.last().expect("a total row");
    assert_eq!(last.cells[1].text, "合计");
    let amounts: Vec<Option<i64>> = last.cells[2..].iter().map(fen).collect();
    assert_eq!(
        amounts,
        [
            Some(b.prior_total().fen()),
            Some(b.total().fen()),
            Some(Source::ALL.iter().map(|s| b.basic_of(*s).fen()).sum()),
            Some(Source::ALL.iter().map(|s| b.project_of(*s).fen()).sum()),
        ]
    );
    assert_eq!(doc.tables[1].header[0].cells[2].text, "2024年");
    assert_eq!(doc.tables[1].merges.len(), 4);
    // A fund the budget does not use prints its note.
    assert_eq!(
        doc.tables[2].notes[0].value,
        "本部门2025年没有政府性基金预算支出。"
    );

    // The whole rendering, reviewed as snapshots: the narrative in the template's words, the
    // tables.
    let rendered = yusuan_publish::text::render(&doc);
    let at = rendered.find("附表1").expect("the tables are printed");
    insta::assert_snapshot!("demo_template_narrative", &rendered[..at]);
    insta::assert_snapshot!("demo_template_tables", &rendered[at..]);
}

#[test]
fn a_template_must_name_its_amounts_rightly() {
    let bad = DEMO.replace(
        "columns = [\"total\"], total = \"first\"",
        "columns = [\"totals\"], total = \"first\"",
    );
    let e = Template::from_toml(&bad).unwrap_err().to_string();
    assert!(e.contains("“totals”不是金额"), "{e}");
    let bad = DEMO.replace(
        "{ each = \"listed\", label = \"{source}\" }",
        "{ label = \"x\" }",
    );
    let e = Template::from_toml(&bad).unwrap_err().to_string();
    assert!(e.contains("要么给出 amount"), "{e}");
}

#[test]
fn a_narrative_that_names_a_figure_wrongly_is_refused_with_its_section() {
    // A syntax error is found when the file is read.
    let bad = DEMO.replace("{% endfor %}", "{% endfor");
    let e = Template::from_toml(&bad).unwrap_err().to_string();
    assert!(e.contains("收支概况"), "{e}");
    // A figure the budget does not have is an error when publishing, never an empty string.
    let bad = DEMO.replace("total.amount|wan", "totl.amount|wan");
    let template = Template::from_toml(&bad).expect("parses");
    let e = derive_with(&example(), &template).unwrap_err().to_string();
    assert!(e.contains("收支概况") && e.contains("undefined"), "{e}");
    // Sentences need their phrases.
    let bad = DEMO.replace("[phrases]", "[phrasing]");
    assert!(Template::from_toml(&bad).is_err());
}

/// The generated narrative, word for word, for each bundled template: the example budget as it
/// is, and a variant that takes the other branches (no reasons, no contact, a 政府性基金 line,
/// no 采购, a 单位, no date for the assets). A change in a snapshot is a change in what a
/// department publishes: review it as such.
/// The example with every optional sentence taken the other way.
fn variant() -> Budget {
    let mut b = example();
    b.reasons = Default::default();
    b.unit.contact = Default::default();
    b.unit.scope = Scope::Unit;
    b.procurement = Procurement::default();
    b.assets.as_of.clear();
    b.assets.purchases.clear();
    b.operating_cost.uses.clear();
    b.three_public.reason.clear();
    b.three_public.reception.prior = b.three_public.reception.amount;
    if let Some(first) = b.items.first_mut() {
        let item = first.get_mut();
        item.source = Source::GovFund;
        item.prior_basic = Money(0);
    }
    b
}

/// The text rendering's narrative lines (tables left out: they have their own tests).
fn narrative_of(b: &Budget, template: &str) -> String {
    let mut doc = derive(b, Some(template)).expect("derive");
    doc.tables.clear();
    yusuan_publish::text::render(&doc)
}

#[test]
fn narratives_word_for_word() {
    for template in yusuan_publish::template_ids() {
        insta::assert_snapshot!(
            format!("{template}_example"),
            narrative_of(&example(), template)
        );
        insta::assert_snapshot!(
            format!("{template}_variant"),
            narrative_of(&variant(), template)
        );
    }
}

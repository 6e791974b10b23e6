//! Planted defects in the real Chongqing document: every table figure and every narrative
//! figure changed in turn must gain an error or warning located at the changed line.

#[path = "../../yusuan-audit/tests/common/mod.rs"]
mod common;
use common::*;

const DOC: &str = "chongqing-dadukou-govoffice-2025-budget.txt";

/// Lines whose numbers are not budget figures: indicator values, project codes, the goal text.
fn is_figure_line(line: &str) -> bool {
    !(line.contains('≥')
        || line.contains('≤')
        || line.contains('=')
        || line.contains("定性")
        || line.contains("项目名称")
        || line.contains("主管部门")
        || line.contains("填报单位")
        || line.contains("部门名称")
        || line.contains("<p>")
        || line.contains("截至")
        || line.contains("总体")
        || line.contains("联系"))
}

fn figures(line: &str) -> Vec<(usize, usize)> {
    // Decimal figures, as printed (codes and years are integers).
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit()
            && (i == 0 || !(b[i - 1].is_ascii_digit() || b[i - 1] == b'.' || b[i - 1] == b','))
        {
            let s = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b',' || b[i] == b'.') {
                i += 1;
            }
            if line[s..i].trim_end_matches('.').contains('.') {
                out.push((s, i));
            }
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn every_changed_figure_is_caught_at_its_line() {
    let Some(text) = corpus(DOC) else { return };
    let base = audit(&text);
    let lines: Vec<&str> = text.split('\n').collect();
    let mut misses = Vec::new();
    let mut tried = 0;
    for (i, line) in lines.iter().enumerate() {
        if !is_figure_line(line) {
            continue;
        }
        // Rows of the untitled fragment are inferred, and the 机关运行经费 change has no table.
        for (s, e) in figures(line) {
            let old = &line[s..e];
            let bumped = format!("1{old}");
            let mut v = lines.clone();
            let changed = format!("{}{}{}", &line[..s], bumped, &line[e..]);
            v[i] = &changed;
            let variant = v.join("\n");
            let after = audit(&variant);
            tried += 1;
            if !new_findings(&base, &after).iter().any(|f| covers(f, i + 1)) {
                misses.push(format!("line {}: {old} -> {bumped}", i + 1));
            }
        }
    }
    assert!(tried > 250, "only {tried} variants");
    // Known blind spot: a change to the 机关运行经费 year-over-year figure has nothing to be
    // compared with in this template.
    misses.retain(|m| !m.starts_with("line 69: 159.8"));
    assert!(
        misses.is_empty(),
        "{} of {tried} planted changes missed:\n{}",
        misses.len(),
        misses.join("\n")
    );
}

#[test]
fn deleting_any_table_or_statement_is_caught() {
    let Some(text) = corpus(DOC) else { return };
    let base = audit(&text);
    let lines: Vec<&str> = text.split('\n').collect();
    let starts: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with('表') && l.trim().chars().count() <= 4)
        .map(|(i, _)| i + 1)
        .collect();
    // Every table but the last (a trailing project table leaves no trace).
    for w in starts.windows(2) {
        let variant = delete(&text, w[0], w[1] - 1);
        let after = audit(&variant);
        assert!(
            new_findings(&base, &after).iter().any(|f| covers(f, w[0])),
            "deleting the table at line {} went unnoticed:\n{}",
            w[0],
            show(&after)
        );
    }
    // An empty table's statement: deleted with the narrative's word on the fund (the
    // narrative alone still explains the empty table), and the narrative's word alone.
    for needles in [
        &["备注：本单位无政府性基金", "2025 年无使用政府性基金"][..],
        &["2025 年无使用政府性基金"],
        &["四、“三公”经费情况说明"],
        &["（二）政府采购情况"],
    ] {
        let needle = needles[0];
        let n = line_of(&text, needle);
        let mut lines: Vec<usize> = needles.iter().map(|k| line_of(&text, k)).collect();
        lines.sort_unstable();
        let variant = lines
            .iter()
            .rev()
            .fold(text.clone(), |t, &l| delete(&t, l, l));
        // The place of the first needle after lines above it are gone.
        let n = n - lines.iter().filter(|&&l| l < n).count();
        let after = audit(&variant);
        assert!(
            new_findings(&base, &after).iter().any(|f| covers(f, n)),
            "deleting line {n} ({needle}) went unnoticed:\n{}",
            show(&after)
        );
    }
}

#[test]
fn wrong_years_units_and_codes_are_caught() {
    let Some(text) = corpus(DOC) else { return };
    let base = audit(&text);
    let mut cases: Vec<(String, usize)> = Vec::new();
    for (needle, from, to) in [
        ("2025 年部门预算情况说明", "2025", "2024"),
        ("2025年一般公共预算财政拨款支出预算表", "2025", "2026"),
        ("2024年预算数\t2025年预算数", "2024年", "2023年"),
        ("比 2024 年增加 2.9", "2024", "2023"),
        ("截至 2024 年", "2024", "2025"),
        ("部门名称", "大渡口区人民政府办公室", "大渡口区财政局"),
        ("主管部门", "大渡口区人民政府办公室", "大渡口区财政局"),
        (
            "是区政府工作部门",
            "大渡口区人民政府办公室",
            "大渡口区财政局",
        ),
        ("2010305\t专项业务", "2010305", "2010397"),
        ("30239\t其他交通费用", "30239", "30238"),
        ("指标名称\t指标权重", "15", "16"),
    ] {
        if needle == "指标名称\t指标权重" {
            cases.push(edit(&text, "督查督办实效", "\t15", "\t16"));
        } else {
            cases.push(edit(&text, needle, from, to));
        }
    }
    for (variant, line) in cases {
        let after = audit(&variant);
        assert!(
            new_findings(&base, &after).iter().any(|f| covers(f, line)),
            "line {line} went unnoticed:\n{}",
            show(&new_findings(&base, &after))
        );
    }
}

/// The same planting over every corpus document's text (the laid-out text of each PDF, and the
/// Chongqing text): a figure printed at least twice (a table cell and its narrative statement,
/// a total repeated in another table) is changed in one place at a time, sampled evenly; the
/// change must gain an error or warning at that line. Caught / planted is printed per document
/// and bounded below.
#[test]
fn every_corpus_text_catches_changed_figures_that_have_a_counterpart() {
    let mut report = Vec::new();
    let mut weak = Vec::new();
    let mut total = (0usize, 0usize);
    for path in corpus_files() {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !name.ends_with(".txt") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        // A narrative published apart from its tables is audited with them, as `--as-one`
        // does; figures are planted in the narrative only (its lines come first).
        let tables = name.strip_suffix("-text.layout.txt").and_then(|stem| {
            std::fs::read_to_string(path.with_file_name(format!("{stem}-tables.layout.txt"))).ok()
        });
        let own_lines = text.split('\n').count();
        let text = match &tables {
            Some(t) => format!("{text}\u{c}{t}"),
            None => text,
        };
        let base = audit(&text);
        let lines: Vec<&str> = text.split('\n').collect();
        // Every decimal figure with where it is, and how often each value is printed.
        let mut all: Vec<(usize, usize, usize, String)> = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            if !is_figure_line(line) {
                continue;
            }
            for (s, e) in figures(line) {
                let v = line[s..e].replace(',', "");
                all.push((i, s, e, v));
            }
        }
        let printed_twice = |v: &str| all.iter().filter(|x| x.3 == v).count() >= 2;
        let candidates: Vec<&(usize, usize, usize, String)> = all
            .iter()
            .filter(|x| x.0 < own_lines)
            .filter(|x| printed_twice(&x.3) && !x.3.trim_start_matches(['0', '.']).is_empty())
            .collect();
        if candidates.is_empty() {
            continue;
        }
        let sample = 24.min(candidates.len());
        let (mut caught, mut planted) = (0, 0);
        let mut missed = Vec::new();
        for k in 0..sample {
            let &(i, s, e, _) = candidates[k * candidates.len() / sample];
            let line = lines[i];
            let changed = format!("{}1{}", &line[..s], &line[s..]);
            let _ = e;
            let mut v = lines.clone();
            v[i] = &changed;
            let after = audit(&v.join("\n"));
            planted += 1;
            if new_findings(&base, &after).iter().any(|f| covers(f, i + 1)) {
                caught += 1;
            } else {
                missed.push(format!("line {}: {}", i + 1, &line[s..e]));
            }
        }
        report.push(format!(
            "{name}: caught {caught} / {planted} planted; missed {}",
            missed.join("; ")
        ));
        total.0 += caught;
        total.1 += planted;
        // Measured 2026-12-03: every document at least 22 / 24, 465 / 478 in all (402 before
        // a placed row's figures were doubted column by column, the Jiangsu 收入预算总表's
        // total compared, one quantity stated twice in the narrative compared with itself, and
        // a 政府采购 table in space-aligned text read as a tree from its sums). Left: figures
        // whose only counterpart is a cell of a row in doubt, totals printed in a table the
        // reader could not place, dates.
        //
        // The 决算 (planted since 2026-12-06: 18, 20 and 20 / 24; 18, 22 and 22 once their 三公
        // and 基本支出 tables were read and a 类 garbled in its table found by the catalog,
        // stop 30) are bounded at 3 / 4: the finance bureau's laid-out text garbles three
        // tables (two said once as read.doubt, so a change there is info; its 基本支出 table
        // prints figures and 科目 on different lines and is not read), and the 绩效 amounts and
        // 机关运行经费 have no counterpart a rule can hold them to.
        let bound = if name.contains("final-accounts") {
            caught * 4 < planted * 3
        } else {
            caught * 6 < planted * 5
        };
        if bound {
            weak.push(format!("{name}: {caught}/{planted}"));
        }
    }
    println!("{}\nin all: {} / {}", report.join("\n"), total.0, total.1);
    assert!(
        weak.is_empty(),
        "{}\n\n{}",
        report.join("\n"),
        weak.join("\n")
    );
    assert!(total.0 * 100 >= total.1 * 94, "{} / {}", total.0, total.1);
}

/// The three corpus 决算 (their laid-out text): a deleted table, a reason word turned round
/// and a year changed are each caught at their place.
#[test]
fn final_accounts_catch_a_deleted_table_a_turned_reason_and_a_wrong_year() {
    let mut seen = 0;
    for path in corpus_files() {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !(name.contains("final-accounts") && name.ends_with(".txt")) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        seen += 1;
        let base = audit(&text);
        let caught = |variant: &str, line: usize| {
            let after = audit(variant);
            let new = new_findings(&base, &after);
            assert!(
                new.iter().any(|f| covers(f, line)),
                "{name}: line {line} went unnoticed:\n{}",
                show(&new)
            );
        };
        // The 一般公共预算财政拨款支出决算表, from its title to the next table's.
        let title = |t: &str| {
            text.lines()
                .position(|l| l.trim() == t)
                .map(|i| i + 1)
                .unwrap_or_else(|| panic!("{name}: no title {t}"))
        };
        let first = title("一般公共预算财政拨款支出决算表");
        let next = title("一般公共预算财政拨款基本支出决算表");
        caught(&delete(&text, first, next - 1), first);
        // The first reason word, turned round.
        let (variant, line) = if text.contains("决算数小于") {
            edit(&text, "决算数小于", "决算数小于", "决算数大于")
        } else {
            edit(&text, "决算数大于", "决算数大于", "决算数小于")
        };
        caught(&variant, line);
        // The year of the last heading that names the 部门决算 (the narrative's part heading).
        let line = text
            .lines()
            .collect::<Vec<_>>()
            .iter()
            .rposition(|l| l.contains("年度部门决算") && l.contains("2024"))
            .map(|i| i + 1)
            .unwrap_or_else(|| panic!("{name}: no heading with its year"));
        let variant: Vec<String> = text
            .lines()
            .enumerate()
            .map(|(i, l)| {
                if i + 1 == line {
                    l.replacen("2024", "2022", 1)
                } else {
                    l.to_string()
                }
            })
            .collect();
        caught(&variant.join("\n"), line);
    }
    assert!(seen >= 3 || std::env::var_os("CI").is_none(), "{seen} 决算");
}

//! The binary as a person or a script uses it: exit codes, JSON shape, errors on bad input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_yusuan"))
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/chongqing-dadukou-govoffice-2025.txt")
}

fn corpus(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(name);
    if p.exists() {
        Some(p)
    } else if std::env::var_os("CI").is_some() {
        panic!("corpus missing: {}", p.display())
    } else {
        eprintln!("skipped: no corpus at {}", p.display());
        None
    }
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run yusuan")
}

fn temp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("yusuan-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write temp");
    p
}

#[test]
fn clean_example_exits_0_and_summarises() {
    let out = run(&["check", example().to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("重庆市大渡口区人民政府办公室 2025年：0 个错误，0 个警告"),
        "{text}"
    );
}

#[test]
fn errors_exit_1_with_compiler_style_excerpts() {
    let Some(p) = corpus("chongqing-dadukou-govoffice-2025-budget.txt") else {
        return;
    };
    let out = run(&["check", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("error[cross.fiscal-function]"), "{text}");
    assert!(text.contains(":104 （表一）"), "{text}");
    assert!(text.contains("  104 | 一般公共预算资金"), "{text}");
}

#[test]
fn json_is_one_object_with_located_findings() {
    let Some(p) = corpus("chongqing-dadukou-govoffice-2025-budget.txt") else {
        return;
    };
    let out = run(&["check", "--format", "json", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert!(v["source"]
        .as_str()
        .unwrap()
        .ends_with("chongqing-dadukou-govoffice-2025-budget.txt"));
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        assert!(["error", "warning", "info"].contains(&f["severity"].as_str().unwrap()));
        assert!(f["rule"].as_str().unwrap().contains('.'));
        let loc = &f["locations"][0];
        assert!(loc["line"].as_u64().unwrap() >= 1);
        assert!(loc["end_line"].as_u64().unwrap() >= loc["line"].as_u64().unwrap());
        assert!(loc.get("page").is_some() && loc.get("table").is_some());
    }
    assert_eq!(v["summary"]["errors"].as_u64(), Some(5));
}

#[test]
fn unreadable_input_exits_2_without_panic() {
    let gbk = temp("gbk.txt", &[0xd4, 0xa4, 0xcb, 0xe3, 0x0a]); // 预算 in GBK
    let binary = temp("garbage.txt", &[0, 159, 146, 150, 0, 1, 2]);
    let empty = temp("empty.txt", b"");
    for p in [
        gbk.to_str().unwrap(),
        binary.to_str().unwrap(),
        empty.to_str().unwrap(),
        "/no/such/file.txt",
    ] {
        let out = run(&["check", p]);
        assert_eq!(out.status.code(), Some(2), "{p}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("yusuan: ") && !err.contains("panicked"),
            "{err}"
        );
    }
}

/// A mistake on the command line is told in Chinese with the usage of the command it is of,
/// exit 2; help and version still print and exit 0.
#[test]
fn usage_mistakes_are_told_in_chinese() {
    for (args, says) in [
        (
            &["chek", "a.pdf"][..],
            "没有“chek”这个子命令（是否想用 check？）",
        ),
        (&["check"][..], "缺少必需的参数：<FILES>..."),
        (
            &["check", "--format", "xml", "a.pdf"][..],
            "的值“xml”无效，可选：human、json、csv",
        ),
        (
            &["check", "--formt", "json", "a.pdf"][..],
            "无法识别的参数“--formt”（是否想用 --format？）",
        ),
        (
            &["check", "--max-size", "abc", "a.pdf"][..],
            "--max-size <MB> 的值“abc”无效",
        ),
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("错误：") && err.contains(says),
            "{args:?}: {err}"
        );
        assert!(!err.contains("error:") && !err.contains("Usage:"), "{err}");
    }
    let out = run(&["check"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("运行 `yusuan check --help`"));
    for args in [
        &["--help"][..],
        &["--version"][..],
        &["check", "--help"][..],
    ] {
        assert_eq!(run(args).status.code(), Some(0), "{args:?}");
    }
}

#[test]
fn stdin_is_read_with_dash() {
    let mut child = bin()
        .args(["check", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let text = std::fs::read(example()).unwrap();
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["source"], "-");
}

#[test]
fn read_dumps_the_document() {
    let out = run(&["read", example().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["profile"], "chongqing");
    assert_eq!(v["year"]["value"], 2025);
    assert_eq!(v["tables"].as_array().unwrap().len(), 13);
}

#[test]
fn rules_lists_every_rule() {
    let out = run(&["rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), yusuan_audit::RULES.len());
    assert!(ids.contains(&"text.figure") && ids.contains(&"perf.weights"));
    let human = String::from_utf8(run(&["rules"]).stdout).unwrap();
    assert!(human.contains("table.hierarchy") && human.contains("科目层级合计"));
}

#[test]
fn unsupported_layouts_say_so_and_exit_0() {
    let p = temp(
        "other.txt",
        "某某市某某局\n\n2025年预算说明\n\n一、概况\n\n本单位预算为 100.00 万元。\n".as_bytes(),
    );
    let out = run(&["check", "--format", "json", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["errors"], 0);
    assert_eq!(v["summary"]["audited"], false);
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "read.unsupported"));
}

#[test]
fn final_accounts_are_audited_by_their_tables_and_never_seed_a_budget() {
    let Some(p) = corpus("shanghai-putuo-finance-bureau-2024-final-accounts.pdf") else {
        return;
    };
    let out = run(&["check", "--format", "json", p.to_str().unwrap()]);
    // Its two errors: the narrative's 财政拨款收入支出总计 of 0.3 万元 against the table's
    // 2,961.68, and 一般公共服务支出 2,106.66 stated as 71.73% of 2,940.05 (71.65%).
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["audited"], true);
    assert_eq!(v["summary"]["errors"], 2);
    // What was not checked is said, once.
    let partial: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "read.partial")
        .collect();
    assert_eq!(partial.len(), 1);
    assert!(partial[0]["message"].as_str().unwrap().contains("决算"));
    // Its figures are what was spent, not a plan: no budget source from it.
    let seed = run(&["read", "--budget", p.to_str().unwrap()]);
    assert_eq!(seed.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&seed.stderr).contains("决算"));
    // Nor from a text that is no budget disclosure at all: refused with the reason, nothing on
    // stdout.
    let dir = std::env::temp_dir().join(format!("yusuan-seed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let letter = dir.join("letter.txt");
    std::fs::write(
        &letter,
        "关于召开工作会议的通知\n请各单位于周五前报送材料。\n",
    )
    .expect("write");
    let seed = run(&["read", "--budget", letter.to_str().unwrap()]);
    assert_eq!(seed.status.code(), Some(2));
    assert!(seed.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&seed.stderr).contains("未能识别为部门（单位）预算公开文件"),
        "{}",
        String::from_utf8_lossy(&seed.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A minimal PDF of one empty page (no text: what a scan looks like to a text reader).
fn empty_page_pdf() -> Vec<u8> {
    common::pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
    ])
}

#[test]
fn pdfs_without_text_or_broken_exit_2_with_a_reason() {
    let scan = temp("scan.pdf", &empty_page_pdf());
    let out = run(&["check", scan.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("没有可提取的文字"), "{err}");

    let garbage = temp("garbage.pdf", b"%PDF-1.7\n\x00\x01\x02 this is not a pdf");
    let out = run(&["check", garbage.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));

    if let Some(p) = corpus("shanghai-putuo-govoffice-2025-dept-budget.pdf") {
        let bytes = std::fs::read(p).unwrap();
        let cut = temp("truncated.pdf", &bytes[..bytes.len() / 3]);
        let out = run(&["check", cut.to_str().unwrap()]);
        // A truncated file either reads what it can or says why not; never a panic.
        assert!(matches!(out.status.code(), Some(0..=2)));
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
}

#[test]
fn a_pdf_is_checked_with_pages_in_its_locations() {
    let Some(p) = corpus("shanghai-putuo-wanli-street-2024-dept-budget.pdf") else {
        return;
    };
    let out = run(&["check", "--format", "json", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["severity"] == "error" && f["rule"] == "complete.empty-statement")
        .unwrap();
    assert_eq!(f["locations"][0]["page"], 31);
}

#[test]
fn two_files_as_one() {
    let (Some(a), Some(b)) = (
        corpus("jiangsu-party-office-2019-dept-budget-text.pdf"),
        corpus("jiangsu-party-office-2019-dept-budget-tables.pdf"),
    ) else {
        return;
    };
    let out = run(&[
        "check",
        "--format",
        "json",
        "--as-one",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
    ]);
    // Nothing between the two parts disagrees: what remains is the narrative's own slips (two
    // rates, 增长30% for 29.15% and 16.07% for 16.08%, and editorial ones), as in the text alone.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["errors"], 2);
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.iter().all(|f| f["severity"] == "info"
        || f["rule"] == "text.rate"
        || f["rule"].as_str().unwrap().starts_with("edit.")));
    assert!(v["source"].as_str().unwrap().contains(" + "));
}

#[test]
fn a_pdf_that_makes_the_parser_panic_is_unreadable_input() {
    let Some(p) = corpus("shanghai-putuo-govoffice-2025-dept-budget.pdf") else {
        return;
    };
    // Damage the file in many places, as a transfer error would; whatever the parser makes of
    // it, the answer is a reading, or exit 2 with a reason, never a panic.
    let mut bytes = std::fs::read(p).unwrap();
    let mut seed: u64 = 3;
    for _ in 0..500 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let k = (seed >> 33) as usize % bytes.len();
        bytes[k] = (seed >> 17) as u8;
    }
    let damaged = temp("damaged.pdf", &bytes);
    let out = run(&["check", damaged.to_str().unwrap()]);
    assert!(matches!(out.status.code(), Some(0..=2)), "{:?}", out.status);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn the_damaged_pdf_found_by_fuzzing_is_exit_2() {
    // A corpus PDF with bytes changed at random; pdf_oxide 0.3.78 panics on it (a string sliced
    // inside a character).
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parser-panic.pdf");
    let out = run(&["check", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("无法解析") && !err.contains("panicked"),
        "{err}"
    );
}

#[test]
fn a_directory_checks_each_disclosure_in_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let out = run(&["check", "--format", "json", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let reports: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports.len(), 1);
    assert!(reports[0]["source"]
        .as_str()
        .unwrap()
        .ends_with("chongqing-dadukou-govoffice-2025.txt"));
}

fn example_budget() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/chongqing-dadukou-govoffice-2025/budget.toml")
}

#[test]
fn publish_writes_every_format_and_the_result_checks_clean() {
    let dir = std::env::temp_dir().join(format!("yusuan-publish-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let budget = example_budget();
    let out = run(&[
        "publish",
        budget.to_str().expect("path"),
        "--out",
        dir.to_str().expect("path"),
        "--format",
        "txt,html,xlsx,docx",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // Every file written is read back and audited, HTML and Word included.
    for label in ["文本", "HTML", "XLSX", "Word"] {
        assert!(
            stderr.contains(&format!("审核（回读{label}）：0 个错误，0 个警告")),
            "{label}: {stderr}"
        );
    }
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("out dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "重庆市大渡口区人民政府办公室-2025年部门预算.docx",
            "重庆市大渡口区人民政府办公室-2025年部门预算.html",
            "重庆市大渡口区人民政府办公室-2025年部门预算.txt",
            "重庆市大渡口区人民政府办公室-2025年部门预算.xlsx",
        ]
    );
    for name in &names {
        let check = run(&[
            "check",
            "--format",
            "json",
            dir.join(name).to_str().expect("path"),
        ]);
        assert_eq!(check.status.code(), Some(0), "{name}");
        let v: serde_json::Value = serde_json::from_slice(&check.stdout).expect("json");
        assert_eq!(v["summary"]["errors"], 0, "{name}");
        assert_eq!(v["summary"]["warnings"], 0, "{name}");
        assert_eq!(v["summary"]["audited"], true, "{name}");
    }
}

#[test]
fn publish_reports_a_bad_source_with_its_line() {
    let text = std::fs::read_to_string(example_budget()).expect("budget");
    let bad = text.replacen("code = \"2010301\"", "code = \"2010397\"", 1);
    // The error names the item's `[[items]]` line: the line before the code, whose 0-based
    // index is the header's 1-based line number.
    let line = bad
        .lines()
        .position(|l| l.contains("2010397"))
        .expect("planted");
    let p = temp("bad-budget.toml", bad.as_bytes());
    let out = run(&[
        "publish",
        p.to_str().expect("path"),
        "--out",
        "/nonexistent/never",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("第 {line} 行")), "{stderr}");
    assert!(stderr.contains("2010397"), "{stderr}");

    let p = temp("broken.toml", b"year = 2025\n[unit\nname = 1\n");
    let out = run(&[
        "publish",
        p.to_str().expect("path"),
        "--out",
        "/nonexistent/never",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("第 2 行"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn read_lists_the_figures_it_could_not_attribute() {
    let Some(p) = corpus("shanghai-putuo-justice-2026-dept-budget.pdf") else {
        return;
    };
    let out = run(&["read", "--format", "human", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let (head, list) = text
        .split_once("其中未能归属、无法与表格核对的：")
        .expect("the unresolved figures are listed");
    assert!(head.contains("说明中的数字："));
    let n: usize = list
        .split_whitespace()
        .next()
        .and_then(|s| s.parse().ok())
        .expect("a count");
    let listed = list.lines().filter(|l| l.starts_with("  第")).count();
    assert!(n > 0 && listed == n, "{n} said, {listed} listed:\n{text}");
    // The item of the checklist's rate slip is resolved to its row, so not among them; a
    // vehicle's unit price (no table holds it) is, with why.
    assert!(!list.contains("其他司法支出"), "{text}");
    assert!(
        list.contains("单价") && list.contains("未能确定所指"),
        "{text}"
    );
    // The JSON mode says how many on stderr.
    let json = run(&["read", p.to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&json.stderr).contains(&format!("{n} 个数字未能归属")),
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
}

/// `yusuan read FILE | head` ends quietly: a closed pipe is not an error, in JSON too (the JSON
/// writer's failure keeps the pipe's kind).
#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    let example = example();
    for args in [
        vec!["read", example.to_str().expect("path"), "--format", "json"],
        vec!["check", example.to_str().expect("path"), "--format", "json"],
        vec!["rules", "--format", "json"],
    ] {
        let mut child = bin()
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        // Read one byte, then close the pipe while the command is still writing.
        let mut first = [0u8; 1];
        let mut stdout = child.stdout.take().expect("stdout");
        std::io::Read::read_exact(&mut stdout, &mut first).expect("some output");
        drop(stdout);
        let out = child.wait_with_output().expect("wait");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("输出失败"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    }
}

/// The 2024 budget of the finance bureau, made from the 年初预算 its 决算 states for each 项
/// (the corpus has no 预算 of that unit and year): published as text with the Shanghai template.
/// The 决算 prints each 项 and the whole rounded to 0.01 万元 (the 项 add up to 2,993.93, the
/// whole is 2,993.92), so two 项 are planned half a 分 of 万元 below their printed figures. Its
/// 三公 are the 预算数 of the 决算's 三公 table (公务接待费 0.95), or `reception` instead.
fn finance_bureau_budget(dir: &Path, changed: Option<(&str, &str)>, reception: &str) -> PathBuf {
    let mut toml = format!(
        "year = 2024\nmoney_unit = \"万元\"\n\n[unit]\nname = \"上海市普陀区财政局\"\ncode = \"001\"\n\
         scope = \"部门\"\nregion = \"shanghai\"\n\n[three_public.reception]\namount = {reception}\n",
    );
    for (code, amount) in [
        ("2010601", "1560.045"),
        ("2010602", "10.00"),
        ("2010607", "135.90"),
        ("2010608", "450.515"),
        ("2080501", "85.55"),
        ("2080505", "161.62"),
        ("2080506", "80.81"),
        ("2080599", "0.94"),
        ("2101101", "62.29"),
        ("2210201", "187.75"),
        ("2210203", "258.50"),
    ] {
        let amount = match changed {
            Some((c, a)) if c == code => a,
            _ => amount,
        };
        toml.push_str(&format!(
            "\n[[items]]\ncode = \"{code}\"\nbasic = {amount}\n"
        ));
    }
    std::fs::create_dir_all(dir).expect("dir");
    let source = dir.join("budget.toml");
    std::fs::write(&source, toml).expect("write source");
    let out = run(&[
        "publish",
        source.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
        "--format",
        "txt",
    ]);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "txt"))
        .expect("published text")
}

#[test]
fn compare_shows_a_final_account_against_its_plan() {
    let Some(fin) = corpus("shanghai-putuo-finance-bureau-2024-final-accounts.pdf") else {
        return;
    };
    // Alone: every 项 with its 年初预算, 决算 and 执行率 (1,511.89 of 1,560.05: 96.91%).
    let out = run(&["compare", fin.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let row = text
        .lines()
        .find(|l| l.starts_with("2010601"))
        .expect("行政运行");
    assert!(
        row.contains("1,560.05") && row.contains("1,511.89") && row.contains("96.91%"),
        "{row}"
    );
    assert!(
        text.contains("2,993.92") && text.contains("98.20%"),
        "{text}"
    );
    // With the unit's 预算 of that year, as the 决算 states it: all agree.
    let dir = std::env::temp_dir().join(format!("yusuan-compare-{}", std::process::id()));
    let budget = finance_bureau_budget(&dir.join("same"), None, "0.95");
    let out = run(&["compare", budget.to_str().unwrap(), fin.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("一致"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("公务接待费") && l.contains("0.95")),
        "{text}"
    );
    // A 预算 that planned 1,500.05 for 行政运行 and 1.20 for 公务接待: the mismatches, located
    // in both documents.
    let budget = finance_bureau_budget(&dir.join("other"), Some(("2010601", "1500.05")), "1.20");
    let out = run(&["compare", fin.to_str().unwrap(), budget.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("2010601 行政运行：决算所称年初预算为1,560.05万元，预算文件为1,500.05万元，相差60.00万元"),
        "{text}"
    );
    assert!(
        text.contains("“三公”经费 公务接待费：决算“三公”经费支出决算表所列预算数为0.95万元，预算文件为1.20万元"),
        "{text}"
    );
    // The whole differs too (2,993.92 against 2,933.92), and the 三公 合计; each place is named
    // in its file.
    assert_eq!(text.matches("error[").count(), 4, "{text}");
    assert!(text.contains("final-accounts.pdf:"), "{text}");
    assert!(text.contains(".txt:"), "{text}");
    // As JSON: the same lines, amounts in fen.
    let out = run(&["compare", fin.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["total"]["rate_bp"], 9820);
    assert_eq!(v["with_budget"], false);
    // Two budgets, or a 决算 of another year, are refused.
    let out = run(&["compare", budget.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("没有决算"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A project funded beyond all the 财政拨款 项目支出 of the line items (9,999 against the example's
/// few hundred 万元) is refused before anything is written, with its line and a Chinese reason.
#[test]
fn a_project_larger_than_all_project_spending_is_refused() {
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/chongqing-dadukou-govoffice-2025/budget.toml"),
    )
    .expect("example");
    let bad = example.replacen("fiscal = 13.80", "fiscal = 9999", 1);
    assert_ne!(bad, example, "the example's first project");
    let dir = std::env::temp_dir().join(format!("yusuan-project-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let source = dir.join("budget.toml");
    std::fs::write(&source, bad).expect("write");
    let out_dir = dir.join("out");
    let out = run(&[
        "publish",
        source.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("项目“区政府协调督查专项”的财政拨款 9999.00 超过各科目财政拨款项目支出合计"),
        "{err}"
    );
    // The line itself, as a compiler shows it.
    assert!(err.contains("\n293 | [[projects]]\n    | ^"), "{err}");
    assert!(!out_dir.exists() || std::fs::read_dir(&out_dir).is_ok_and(|mut d| d.next().is_none()));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `yusuan template` writes the workbook to fill; published empty it is refused (exit 2) with
/// what it lacks, by sheet; our own published XLSX publishes again as the same document.
#[test]
fn a_template_is_written_and_a_workbook_source_is_published() {
    let dir = std::env::temp_dir().join(format!("yusuan-template-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let template = dir.join("预算底稿.xlsx");
    let out = run(&[
        "template",
        "--year",
        "2026",
        "--out",
        template.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(template.is_file());
    let out = run(&[
        "publish",
        template.to_str().unwrap(),
        "--out",
        dir.join("empty").to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("工作表“单位信息”：缺少“单位名称”"), "{err}");
    assert!(!dir.join("empty").exists(), "nothing written");
    // A bad year is a usage mistake said in Chinese.
    let out = run(&[
        "template",
        "--year",
        "1900",
        "--out",
        template.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不是有效的预算年度"));
    // Our XLSX carries its source: published again, the same text.
    let first = dir.join("first");
    let out = run(&[
        "publish",
        example_budget().to_str().unwrap(),
        "--out",
        first.to_str().unwrap(),
        "--format",
        "xlsx,txt",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = |d: &Path, ext: &str| {
        std::fs::read_dir(d)
            .expect("dir")
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == ext))
            .expect("file")
    };
    let second = dir.join("second");
    let out = run(&[
        "publish",
        file(&first, "xlsx").to_str().unwrap(),
        "--out",
        second.to_str().unwrap(),
        "--format",
        "txt",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(file(&first, "txt")).expect("first"),
        std::fs::read(file(&second, "txt")).expect("second")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

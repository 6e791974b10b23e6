//! yusuan: read, audit and publish Chinese government department budget disclosures.
//! This binary is thin: argument parsing and output; the work is in the library crates.

mod batch;
mod compare;
mod render;
mod server;
mod usage;

use clap::builder::TypedValueParser as _;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use yusuan_audit::{Auditor, Severity, RULES};
use yusuan_core::Document;
use yusuan_pipeline::{Checked, Format as FileFormat};

#[derive(Parser)]
#[command(
    name = "yusuan",
    version,
    about = "预算公开文件的读取与审核 / Read and audit budget disclosures (部门预算公开)",
    long_about = "yusuan reads a published department budget disclosure (部门预算公开) and checks every \
figure against the identities that must hold: sums within tables, tables against each other, the \
narrative against the tables. Errors are proven by arithmetic; rounding differences (尾差) are info.\n\n\
Examples:\n  yusuan check examples/chongqing-dadukou-govoffice-2025.txt\n  \
yusuan check --format json budget.txt > findings.json\n  yusuan read budget.txt | less\n  yusuan rules"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Refuse input files larger than this many MB (real disclosures are a few MB; a PDF of a
    /// whole district's budgets may reach tens).
    #[arg(long, global = true, default_value_t = 64, value_name = "MB")]
    max_size: u64,
}

/// What `max` bytes (the `--max-size` limit) refuses.
fn too_big(name: &str, len: u64, max: u64) -> String {
    format!(
        "{name} 过大（{:.1} MB），超过上限 {} MB；确属需要请用 --max-size 调高",
        len as f64 / (1u64 << 20) as f64,
        max >> 20
    )
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    /// Compiler-style diagnostics for people.
    Human,
    /// One JSON object on stdout.
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum CheckFormat {
    /// Compiler-style diagnostics for people, and a summary table for several files.
    Human,
    /// One JSON object per file, one per line.
    Json,
    /// Comma-separated: one row per finding (or per file with --summary).
    Csv,
}

#[derive(Subcommand)]
enum Command {
    /// Audit a disclosure and print findings. Exit code: 0 no error, 1 errors, 2 unreadable input.
    Check {
        /// The disclosure: a published PDF, text extracted from one (.txt), a web page (.html),
        /// a Word document (.docx), an Excel workbook (.xlsx/.xls), or `-` for stdin.
        /// Several files (or a directory: its disclosures in those formats) are checked one by one
        /// (JSON: one object per line), or as one document with --as-one.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// human: findings with source excerpts (and a summary table for several files);
        /// json: one object per file per line; csv: one row per finding.
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
        /// Hide info findings (rounding differences, cannot-verify notes) in human output.
        #[arg(long)]
        quiet: bool,
        /// Print only the summary: one row per file (file, unit, year, scope, errors, warnings,
        /// info, status) as a table, JSON lines or CSV.
        #[arg(long)]
        summary: bool,
        /// Files read and audited at once (default: the number of cores).
        #[arg(long, short)]
        jobs: Option<usize>,
        /// Read the files as one document, in the order given: a narrative and its tables
        /// published as two files (e.g. Jiangsu: yusuan check 说明.pdf 表格.pdf --as-one).
        #[arg(long)]
        as_one: bool,
    },
    /// Read a disclosure and print the Document model (sections, tables, figures) as JSON.
    #[command(after_help = "Examples:\n  yusuan read budget.pdf --format human\n  \
yusuan read last-year.pdf --budget > budget.toml   # seed this year's source from last year's document\n  \
yusuan read 预算表.xlsx --budget > budget.toml      # import the budget system's workbook")]
    Read {
        /// A PDF, text (.txt), a web page (.html), a Word document (.docx), an Excel workbook
        /// (.xlsx/.xls) or `-` for stdin.
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Print the Budget the document states, as a TOML source for `yusuan publish`
        /// (line items, economic split, 三公, prior years from the narrative).
        #[arg(long)]
        budget: bool,
    },
    /// Publish a budget source (TOML) as the disclosure of its region: text, HTML, XLSX, PDF,
    /// DOCX. Every table is derived from the line items and every narrative figure computed
    /// from them. What a reader will see is audited too (every file read back with our readers):
    /// exit 1 if that audit finds an error, 2 if the source cannot be used (its problems named by line).
    #[command(
        after_help = "Examples:\n  yusuan publish examples/chongqing-dadukou-govoffice-2025/budget.toml --out out\n  \
yusuan publish budget.toml --out out --format pdf,xlsx\n  yusuan check out/*.txt"
    )]
    Publish {
        /// The budget source: TOML (see examples/chongqing-dadukou-govoffice-2025/budget.toml).
        budget: PathBuf,
        /// Directory to write into (created if missing). Files are named after the unit and year.
        #[arg(long, short)]
        out: PathBuf,
        /// Formats to write, comma-separated.
        #[arg(long, value_delimiter = ',', value_parser = out_formats(), default_values_t = FileFormat::ALL)]
        format: Vec<FileFormat>,
        /// Region template (default: the budget's unit.region, else chongqing).
        #[arg(long)]
        profile: Option<String>,
    },
    /// Write the workbook a department fills in as its budget source (预算底稿): 单位信息,
    /// 支出科目, 经济科目, 三公 and 机关运行经费, 采购, assets, goals and projects, with the
    /// year's 科目 and the other choices as drop-down lists. `yusuan publish` takes the filled
    /// workbook as it is; every problem is named by its sheet and row.
    #[command(
        after_help = "Examples:\n  yusuan template --year 2026 --out 预算底稿.xlsx\n  \
yusuan publish 预算底稿.xlsx --out out"
    )]
    Template {
        /// The budget year: its 科目 names fill the drop-down lists.
        #[arg(long)]
        year: i32,
        /// Region template the budget will be published in.
        #[arg(long, default_value = "chongqing")]
        region: String,
        /// The workbook to write.
        #[arg(long, short, default_value = "预算底稿.xlsx")]
        out: PathBuf,
    },
    /// A 决算 against its plan: every 科目 of its 一般公共预算财政拨款支出 with 年初预算, 全年预算,
    /// 决算数 and 执行率; given the same unit's 预算 of that year too, every 科目 whose 年初预算
    /// the 决算 states other than the 预算 prints, located in both. Exit code: 0 all agree, 1
    /// mismatches, 2 unreadable input or not a 决算 (and 预算) of one unit and year.
    #[command(after_help = "Examples:\n  yusuan compare 2024年度部门决算.pdf\n  \
yusuan compare 2024年部门预算.pdf 2024年度部门决算.pdf\n  \
yusuan compare 预算.pdf 决算.pdf --format json")]
    Compare {
        /// The 决算, and optionally the 预算 of the same unit and year (either order).
        #[arg(required = true, num_args = 1..=2)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Start the web workspace: upload and audit, overview of units and years, publishing;
    /// pages in Chinese and a JSON API (/api/openapi.json). Stops on Ctrl-C or SIGTERM, after
    /// the requests in flight.
    #[command(
        after_help = "Examples:\n  yusuan user add admin --role bureau < password.txt\n  \
yusuan serve                                   # SQLite file ./yusuan.sqlite3, http://127.0.0.1:8080/\n  \
yusuan serve --database postgres://yusuan@db/yusuan --listen 0.0.0.0:8080"
    )]
    Serve(server::Serve),
    /// Manage the web workspace's accounts.
    #[command(subcommand)]
    User(server::UserCommand),
    /// List the audit rules: id, severity, scope and what each checks.
    Rules {
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

/// A file's bytes (`-` for standard input), at most `max` of them.
fn read_input(file: &PathBuf, max: u64) -> Result<(String, Vec<u8>), String> {
    if file.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .take(max + 1)
            .read_to_end(&mut buf)
            .map_err(|e| format!("无法读取标准输入：{}", yusuan_core::reason::io(&e)))?;
        if buf.len() as u64 > max {
            return Err(too_big("标准输入", buf.len() as u64, max));
        }
        return Ok(("-".to_string(), buf));
    }
    let name = file.display().to_string();
    if file.is_dir() {
        return Err(format!("{name} 是目录，请给出文件"));
    }
    let meta = std::fs::metadata(file)
        .map_err(|e| format!("无法读取文件 {name}：{}", yusuan_core::reason::io(&e)))?;
    // A device, pipe or socket has no size to check and may never end (/dev/zero, a FIFO).
    if !meta.is_file() {
        return Err(format!("{name} 不是普通文件（设备、管道或套接字），不读取"));
    }
    if meta.len() > max {
        return Err(too_big(&name, meta.len(), max));
    }
    // The limit holds while reading too: the file may grow after its size was taken.
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(max + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("无法读取文件 {name}：{}", yusuan_core::reason::io(&e)))?;
    if bytes.len() as u64 > max {
        return Err(too_big(&name, bytes.len() as u64, max));
    }
    Ok((name, bytes))
}

fn load(file: &PathBuf, max: u64) -> Result<(Document, String), String> {
    let (name, bytes) = read_input(file, max)?;
    // The text the line numbers refer to (a PDF's laid-out text), for excerpts.
    yusuan_read::read_bytes_with_text(&name, &bytes).map_err(|e| e.to_string())
}

/// A file read and audited.
fn check_file(file: &PathBuf, max: u64, auditor: &Auditor) -> Result<Checked, String> {
    let (name, bytes) = read_input(file, max)?;
    yusuan_pipeline::check(&name, &bytes, auditor).map_err(|e| e.to_string())
}

/// Directories stand for the disclosures in them and in their subdirectories (.pdf, .txt,
/// .html, .htm, .docx, .xlsx, .xls, sorted); files as given. Each real directory is walked once, however many
/// links lead to it (a link cycle ends there); what was skipped is said on stderr.
fn expand_dirs(files: &[PathBuf]) -> Vec<PathBuf> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    walk(files, &mut seen, &mut out);
    out
}

fn walk(files: &[PathBuf], seen: &mut std::collections::HashSet<PathBuf>, out: &mut Vec<PathBuf>) {
    for f in files {
        if !f.is_dir() {
            out.push(f.clone());
            continue;
        }
        let real = std::fs::canonicalize(f).unwrap_or_else(|_| f.clone());
        if !seen.insert(real.clone()) {
            eprintln!(
                "跳过目录 {}：与已审核的目录 {} 是同一目录（链接）",
                f.display(),
                real.display()
            );
            continue;
        }
        let mut inside: Vec<PathBuf> = match std::fs::read_dir(f) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                eprintln!("跳过目录 {}：无法读取（{e}）", f.display());
                continue;
            }
        };
        inside.retain(|p| {
            p.is_dir()
                || p.is_file()
                    && p.extension().is_some_and(|e| {
                        ["pdf", "txt", "html", "htm", "docx", "xlsx", "xls"]
                            .iter()
                            .any(|x| e.eq_ignore_ascii_case(x))
                    })
        });
        inside.sort();
        // Subdirectories are walked too (a bureau keeps one folder per department).
        walk(&inside, seen, out);
    }
}

/// Several files read as one document (their texts joined with a page break, in order) and
/// audited.
fn check_as_one(files: &[PathBuf], max: u64, auditor: &Auditor) -> Result<Checked, String> {
    let parts = files
        .iter()
        .map(|f| read_input(f, max))
        .collect::<Result<Vec<_>, _>>()?;
    yusuan_pipeline::check_parts(&parts, auditor).map_err(|e| e.to_string())
}

/// A publishing format named on the command line (`pdf`); clap has admitted only the names of
/// `FileFormat::ALL`.
fn out_formats() -> impl clap::builder::TypedValueParser<Value = FileFormat> {
    clap::builder::PossibleValuesParser::new(FileFormat::ALL.map(FileFormat::extension))
        .map(|ext: String| FileFormat::from_extension(&ext).unwrap_or(FileFormat::Txt))
}

/// Read a budget source, printing its problems with their lines.
fn load_budget(path: &PathBuf, max: u64) -> Result<yusuan_core::budget::Budget, String> {
    let workbook = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "xlsx" | "xls" | "ods"));
    if workbook {
        // A filled template or a workbook we published: its source sheets.
        let (name, bytes) = read_input(path, max)?;
        return match yusuan_read::excel::form_of(&name, &bytes) {
            Ok(Some(b)) => Ok(b),
            Ok(None) => Err(format!(
                "{name}：工作簿中没有预算底稿的工作表（单位信息、支出科目）。请填写 yusuan template 生成的模板，或先用 yusuan read {name} --budget 把预算系统的工作簿转为预算源"
            )),
            Err(e) => Err(format!("{name}：{e}")),
        };
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "无法读取 {}：{}",
            path.display(),
            yusuan_core::reason::io(&e)
        )
    })?;
    yusuan_core::budget::Budget::from_toml(&text).map_err(|errors| {
        errors
            .iter()
            .map(|e| format!("{}:{e}{}", path.display(), excerpt(&text, e)))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// The source line of a problem, and a caret under its column, as a compiler shows them.
fn excerpt(text: &str, e: &yusuan_core::budget::BudgetError) -> String {
    let Some(line) = e.line else {
        return String::new();
    };
    let Some(src) = text.lines().nth(line.saturating_sub(1)) else {
        return String::new();
    };
    let shown = render::excerpt(src, 100);
    let width = line.to_string().len();
    let caret = e.column.map_or(String::new(), |c| {
        // Display columns: a CJK character and a tab (shown as two spaces) take two.
        let pad: usize = src
            .chars()
            .take(c.saturating_sub(1).min(100))
            .map(|ch| if ch.is_ascii() && ch != '\t' { 1 } else { 2 })
            .sum();
        format!("\n{:width$} | {}^", "", " ".repeat(pad))
    });
    format!("\n{line} | {shown}{caret}")
}

/// `yusuan template`: the workbook to fill, written where asked.
fn template(year: i32, region: &str, out: &PathBuf) -> Result<(), String> {
    if !(2000..=2100).contains(&year) {
        return Err(format!("{year} 不是有效的预算年度"));
    }
    if !yusuan_publish::template_ids().contains(&region) {
        return Err(format!(
            "不支持的地区模板“{region}”（可用：{}）",
            yusuan_publish::template_ids().join("、")
        ));
    }
    let bytes = yusuan_publish::form::template(year, region).map_err(|e| e.to_string())?;
    std::fs::write(out, bytes).map_err(|e| {
        format!(
            "无法写入 {}：{}",
            out.display(),
            yusuan_core::reason::io(&e)
        )
    })?;
    eprintln!(
        "已生成 {}（填写后：yusuan publish {} --out 输出目录）",
        out.display(),
        out.display()
    );
    Ok(())
}

fn publish(
    budget: &PathBuf,
    out_dir: &PathBuf,
    formats: &[FileFormat],
    profile: Option<&str>,
    max: u64,
) -> Result<u8, String> {
    let budget = load_budget(budget, max)?;
    for note in budget.rounding_notes() {
        eprintln!("注意：{note}");
    }
    let publication =
        yusuan_pipeline::publish(&budget, profile, formats).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(out_dir).map_err(|e| {
        format!(
            "无法创建目录 {}：{}",
            out_dir.display(),
            yusuan_core::reason::io(&e)
        )
    })?;
    let auditor = Auditor::default();
    let mut worst = 0u8;
    // Audit what a reader will see: each file is read back with our own readers and audited
    // (the text even when it is not written).
    for file in &publication.files {
        let name = if file.written {
            let path = out_dir.join(format!("{}.{}", publication.stem, file.format));
            std::fs::write(&path, &file.bytes).map_err(|e| {
                format!(
                    "无法写入 {}：{}",
                    path.display(),
                    yusuan_core::reason::io(&e)
                )
            })?;
            eprintln!("已生成 {}", path.display());
            path.display().to_string()
        } else {
            format!("published.{}", file.format)
        };
        if let Some(checked) = publication.read_back(file, &name, &auditor) {
            worst = worst.max(say_read_back(file.format, checked));
        }
    }
    Ok(worst)
}

/// A published file's audit, read back: its counts on stderr, and the findings themselves when
/// there are any. 1 when it has errors or could not be read back.
fn say_read_back(format: FileFormat, checked: Result<Checked, yusuan_pipeline::ReadError>) -> u8 {
    let label = format.label();
    let checked = match checked {
        Ok(c) => c,
        Err(e) => {
            eprintln!("审核（回读{label}）：无法读回：{e}");
            return 1;
        }
    };
    let (errors, warnings) = (checked.summary.errors, checked.summary.warnings);
    eprintln!("审核（回读{label}）：{errors} 个错误，{warnings} 个警告");
    for f in checked
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
    {
        let at = f
            .locations
            .first()
            .map(|l| match l.page {
                Some(p) => format!("第{p}页第{}行", l.line),
                None => format!("第{}行", l.line),
            })
            .unwrap_or_default();
        eprintln!("  {}[{}] {at}：{}", f.severity.label(), f.rule, f.message);
    }
    u8::from(errors > 0)
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("yusuan: {msg}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    // The PDF parser's panics on a broken file are caught and reported as unreadable input
    // (exit 2); keep its panic message off the terminal. Any other panic prints as usual.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !yusuan_read::pdf::in_parser() {
            default_hook(info);
        }
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if usage::is_request(&e) => e.exit(),
        Err(e) => {
            // A mistake on the command line: said in Chinese, exit 2 (as clap would).
            eprint!("{}", usage::message(&e));
            return ExitCode::from(2);
        }
    };
    let max = cli.max_size.saturating_mul(1 << 20);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match cli.command {
        Command::Check {
            files,
            format,
            quiet,
            summary,
            jobs,
            as_one,
        } => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let output = match format {
                CheckFormat::Human => batch::Output::Human { quiet, color },
                CheckFormat::Json => batch::Output::Json,
                CheckFormat::Csv => batch::Output::Csv,
            };
            check(&files, output, summary, jobs, as_one, max, &mut out)
        }
        Command::Read {
            file,
            format,
            budget,
        } => read(&file, format, budget, max, &mut out),
        Command::Publish {
            budget,
            out,
            format,
            profile,
        } => match publish(&budget, &out, &format, profile.as_deref(), max) {
            Ok(code) => ExitCode::from(code),
            Err(e) => fail(&e),
        },
        Command::Compare { files, format } => compare(&files, format, max, &mut out),
        Command::Template { year, region, out } => match template(year, &region, &out) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&e),
        },
        Command::Serve(args) => match server::serve(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&e),
        },
        Command::User(cmd) => match server::user(cmd) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&e),
        },
        Command::Rules { format } => finish(rules(format, &mut out).map(|()| 0)),
    }
}

/// `yusuan compare`: the 决算 (and the 预算) read, their execution compared.
fn compare(files: &[PathBuf], format: Format, max: u64, out: &mut impl Write) -> ExitCode {
    let mut docs = Vec::new();
    for f in files {
        match load(f, max) {
            Ok((doc, text)) => docs.push((f.display().to_string(), doc, text)),
            Err(e) => return fail(&e),
        }
    }
    let is_final = |d: &Document| d.kind == yusuan_core::DocKind::FinalAccounts;
    let finals = docs.iter().filter(|(_, d, _)| is_final(d)).count();
    if finals != 1 {
        return fail(if finals == 0 {
            "没有决算：yusuan compare 需要一份部门（单位）决算，可另加同一单位同一年度的预算"
        } else {
            "给出了两份决算：请给出一份决算和（可选）同一单位同一年度的一份预算"
        });
    }
    let (fin, budget): (Vec<_>, Vec<_>) = docs.iter().partition(|(_, d, _)| is_final(d));
    let fin = fin[0];
    let budget = budget.first().copied();
    let auditor = Auditor::default();
    let execution = match auditor.execution(&fin.1, budget.map(|b| &b.1)) {
        Ok(e) => e,
        Err(e) => return fail(&e.to_string()),
    };
    let code = u8::from(!execution.mismatches.is_empty());
    let written = match format {
        Format::Json => serde_json::to_writer(&mut *out, &execution)
            .map_err(render::json_error)
            .and_then(|()| writeln!(out)),
        Format::Human => compare::human(
            out,
            &execution,
            (&fin.0, &fin.2),
            budget.map(|b| (b.0.as_str(), b.2.as_str())),
        ),
    };
    finish(written.map(|()| code))
}

/// `yusuan check`: the files (directories walked) one by one, or as one document.
fn check(
    files: &[PathBuf],
    output: batch::Output,
    summary: bool,
    jobs: Option<usize>,
    as_one: bool,
    max: u64,
    out: &mut impl Write,
) -> ExitCode {
    let files = expand_dirs(files);
    if files.is_empty() {
        return fail("没有找到可审核的文件（.pdf、.txt、.html、.docx、.xlsx、.xls）");
    }
    let jobs = jobs.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let r = if as_one {
        let joined = PathBuf::from(
            files
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(" + "),
        );
        batch::run(
            std::slice::from_ref(&joined),
            |_, auditor| check_as_one(&files, max, auditor),
            1,
            output,
            summary,
            false,
            out,
        )
    } else {
        let several = files.len() > 1;
        batch::run(
            &files,
            |f, auditor| check_file(f, max, auditor),
            jobs,
            output,
            summary,
            several,
            out,
        )
    };
    finish(r)
}

/// `yusuan read`: the Document model (JSON or an outline), or the Budget it states.
fn read(file: &PathBuf, format: Format, budget: bool, max: u64, out: &mut impl Write) -> ExitCode {
    if budget {
        let (name, bytes) = match read_input(file, max) {
            Ok(x) => x,
            Err(e) => return fail(&e),
        };
        let b = match yusuan_read::budget::source_of(&name, &bytes) {
            Ok(b) => b,
            Err(e) => return fail(&format!("{name}：{e}")),
        };
        let toml = match b.to_toml() {
            Ok(t) => t,
            Err(e) => return fail(&format!("预算源无法写出：{e}")),
        };
        let mut head = format!(
            "# Budget read from {name} by `yusuan read --budget`.\n\
             # Texts the document does not print as data (reasons, goals) are to be written.\n"
        );
        for note in b.rounding_notes() {
            eprintln!("注意：{note}");
            head.push_str(&format!("# {note}\n"));
        }
        let r = write!(out, "{head}{toml}");
        return finish(r.map(|()| 0));
    }
    let (doc, _) = match load(file, max) {
        Ok(x) => x,
        Err(e) => return fail(&e),
    };
    let r = match format {
        Format::Json => {
            let open = yusuan_audit::unresolved(&doc).len();
            if open > 0 {
                eprintln!(
                    "注意：说明中有 {open} 个数字未能归属、无法与表格核对（--format human 列出）"
                );
            }
            serde_json::to_writer_pretty(&mut *out, &doc)
                .map_err(render::json_error)
                .and_then(|_| writeln!(out))
        }
        Format::Human => render::outline(out, &doc),
    };
    finish(r.map(|()| 0))
}

/// `yusuan rules`: the catalog.
fn rules(format: Format, out: &mut impl Write) -> std::io::Result<()> {
    match format {
        Format::Json => serde_json::to_writer_pretty(&mut *out, RULES)
            .map_err(render::json_error)
            .and_then(|_| writeln!(out)),
        Format::Human => RULES.iter().try_for_each(|r| {
            // The severities the rule emits besides info: "error", or "error/warning".
            let severity = match r.weaker {
                Some(w) if w != r.severity => format!("{}/{}", r.severity.label(), w.label()),
                _ => r.severity.label().to_string(),
            };
            writeln!(
                out,
                "{:<28} {:<13} {:<14} {}\n{:<28} {}",
                r.id, severity, r.scope, r.title, "", r.doc
            )
        }),
    }
}

/// The exit code of a command that wrote `written` (its own code when it wrote all).
fn finish(written: std::io::Result<u8>) -> ExitCode {
    match written {
        Ok(code) => ExitCode::from(code),
        // A closed pipe (yusuan read | head) is not an error worth reporting.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(&format!("输出失败：{e}")),
    }
}

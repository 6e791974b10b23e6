//! Editorial slips a reviewer returns a document for (DOMAIN.md §8): template text left in,
//! doubled punctuation, unbalanced quotes and brackets, a missing figure before 万元, half-width
//! punctuation in Chinese text, a name from another year's catalog, 部门 / 单位 wording, a
//! comparison phrased wrongly, a document number's brackets, 其中 without its colon, brackets of
//! both widths in one paragraph, a 目录 entry with a slip. Each is a warning: the
//! document says something wrong or unfinished, but no figure is proven wrong by it.
//!
//! The rules read the narrative's paragraphs (re-joined across lines and pages) and the notes
//! under tables; a finding names the line and quotes the words around the slip.

use crate::{Ctx, Level, Location, Rule, Sink};
use std::ops::Not;
use yusuan_core::{Paragraph, Span};

pub(crate) const TEMPLATE: Rule = rule!(
    "edit.template",
    Warning,
    "全部",
    "模板文字未替换",
    "Template text left in: both directions offered (增加（减少）, 增长（降低）, 下降（增长）), a filling instruction (按“…”填写, 为必填项), markup (<p>), placeholders (XX, ××)."
);
pub(crate) const PUNCTUATION: Rule = rule!(
    "edit.punctuation",
    Warning,
    "全部",
    "标点重复",
    "Punctuation doubled or stacked (。。 ，， 。； ；。), possibly with a space between; a 、 after a bracketed list number (（一）、)."
);
pub(crate) const BRACKETS: Rule = rule!(
    "edit.brackets",
    Warning,
    "全部",
    "引号或括号不配对",
    "Within a paragraph, every “ has its ” and every （ its ）; a full-width bracket is not closed by a half-width one (（…) or (…）)."
);
pub(crate) const MISSING_FIGURE: Rule = rule!(
    "edit.missing-figure",
    Warning,
    "全部",
    "金额缺失",
    "万元 or 元 with no figure before it (“预算支出 万元”): the amount was left out."
);
pub(crate) const HALF_WIDTH: Rule = rule!(
    "edit.half-width",
    Warning,
    "全部",
    "中文中使用半角标点",
    "A half-width comma, semicolon or colon between Chinese characters (“实际,制订”), where Chinese text takes the full-width mark."
);
pub(crate) const OLD_NAME: Rule = rule!(
    "edit.old-name",
    Warning,
    "全部",
    "使用其他年度的科目名称",
    "The narrative names a classification by a name its code no longer has in the document's year (医疗卫生与计划生育支出 for 210 卫生健康支出 in 2026)."
);

pub(crate) const COLON: Rule = rule!(
    "edit.colon",
    Warning,
    "全部",
    "“其中”后缺少冒号",
    "A sentence that begins with 其中 to list the parts of what it follows takes a colon (其中：): “。其中拟购买货物334万元” lacks it, as does a paragraph that ends with “。其中” before its list. 其中， is accepted; 其中 inside a sentence (“，其中基本支出…”) is not asked."
);

pub(crate) const BRACKET_WIDTH: Rule = rule!(
    "edit.bracket-width",
    Warning,
    "全部",
    "全角半角括号混用",
    "One paragraph brackets Chinese words both ways: full-width （机关党委） and half-width (保卫处), or 检察（款）…事务(项). Chinese text takes the full-width pair; a paragraph that uses only one kind is not asked."
);

pub(crate) const CONTENTS_ORDER: Rule = rule!(
    "edit.contents-order",
    Warning,
    "全部",
    "目录中表格顺序与正文不一致",
    "The tables the table of contents (目录) lists, each found in the body by its title, come in the body in the order the 目录 lists them; the entries out of place are named with where the body has them. Entries that name no table, or more than one, are left out."
);
pub(crate) const CONTENTS: Rule = rule!(
    "edit.contents",
    Warning,
    "全部",
    "目录与正文标题不一致",
    "A part the table of contents (目录) names with a slip against the body's heading of the same number (目录 “第四部分 名称解释”, the body “第四部分 名词解释”): one or two characters changed, left out or added. Parts are matched by their number; a title worded otherwise is not compared."
);

pub(crate) const BLANK_PAGE: Rule = rule!(
    "edit.blank-page",
    Warning,
    "全部",
    "空白页",
    "A page with no text between pages with text, or after the last one in a PDF (text cannot tell a blank last page from a final form feed): a blank page left in, or a page that is only a picture (then its figures cannot be checked)."
);

pub(crate) const CUT_LINE: Rule = rule!(
    "edit.cut-line",
    Warning,
    "全部",
    "文字显示不全",
    "A line of text the page cuts through: the PDF clips its text so that only part of each glyph shows (a paragraph run on past the foot of a page). Found from the page's geometry, so only in a PDF; the finding says where the whole line is printed, if it is."
);

pub(crate) const FULL_STOP: Rule = rule!(
    "edit.full-stop",
    Warning,
    "全部",
    "段末缺少句号",
    "A sentence the layout ends without its full stop: its last line stops short of the text's right edge and the next line begins a new paragraph (“…原因是工作量增加” followed by “财政拨款支出主要内容如下：”). Titles, list entries and page numbers are not sentences; one that ends with 其中 / 包括 / 如下 is missing its colon."
);

pub(crate) const YEAR: Rule = rule!(
    "edit.year",
    Warning,
    "预算",
    "年份与预算年度不符",
    "Where only the budget year can stand: the 预算编制范围 of this budget (“纳入本部门2018年部门汇总预算编制范围” in 2019), a project's 实施周期 that does not reach into the budget year."
);

pub(crate) const SCOPE_WORD: Rule = rule!(
    "edit.scope-word",
    Warning,
    "全部",
    "部门与单位用语不符",
    "A unit's document (单位预算 / 单位决算) calls itself 本部门 / 我部门 or prints a table titled 部门…表; a department's document that calls itself 本部门 also calls itself 本单位 / 我单位. A department that calls itself 本单位 throughout follows its region's habit and is not reported."
);

pub(crate) const COMPARISON: Rule = rule!(
    "edit.comparison",
    Warning,
    "全部",
    "比较句式不当",
    "A comparison with the prior year phrased wrongly: a full stop between an amount and its comparison (“1.35万元。比2024年预算持平”, a comma's place), 比 and 相比 mixed (“比上年相比减少”), 相比 missing its 比 (“与上年相未发生变化”)."
);

pub(crate) const MONEY_UNIT: Rule = rule!(
    "edit.money-unit",
    Warning,
    "全部",
    "金额单位不完整",
    "An amount of money written with 万 and no 元 (“项目总预算1720.00万，”): the clause speaks of money (预算, 资金, 经费, 拨款, 支出, 收入, 金额, 投资) and the 万 ends the figure (punctuation or the end of the text follows), so 万人 or 万平方米 are not it."
);

pub(crate) const THREE_PUBLIC_NAME: Rule = rule!(
    "edit.three-public-name",
    Warning,
    "全部",
    "“三公”经费名称不规范",
    "The 三公 account's car costs named otherwise than 公务用车购置及运行费 / 公务用车购置费 / 公务用车运行费 (“公务车购置及运行费”, “公务车用车运行费”)."
);

pub(crate) const DOC_NUMBER: Rule = rule!(
    "edit.doc-number",
    Warning,
    "全部",
    "文号格式不规范",
    "A document number's year in round brackets (“沪商规（2024）2号”), where GB/T 9704 takes the hexagonal 〔2024〕."
);

/// The page where a section printing the cut line whole begins, if one does. Its letters are
/// compared, punctuation and spaces aside, after the first few (a list number such as （八）,
/// which the reader keeps apart from the heading).
fn printed_whole(doc: &yusuan_core::Document, cut: &yusuan_core::CutLine) -> Option<u32> {
    let letters = |t: &str| {
        t.chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
    };
    let key: String = letters(&cut.text).chars().skip(3).take(12).collect();
    if key.chars().count() < 8 {
        return None;
    }
    doc.sections
        .iter()
        .find(|s| {
            let mut all = letters(&s.heading);
            for p in &s.paragraphs {
                all.push_str(&letters(&p.text));
            }
            all.contains(&key)
        })
        .and_then(|s| s.span.page)
}

/// Fewest letters a paragraph ending without a stop must have to be read as a sentence (a
/// title or a name in a list is shorter).
const MIN_SENTENCE: usize = 12;

/// A paragraph the layout ends where its sentence does not ([`Paragraph::unfinished`]).
fn full_stop(p: &Paragraph, sink: &mut Sink) {
    if !p.unfinished {
        return;
    }
    let text = p.text.trim_end();
    let letters = text.chars().filter(|c| c.is_alphanumeric()).count();
    let last = text.chars().last();
    // A sentence ends on a word or a figure; a bracket, a dash or a sign is something else.
    let ends_on_word = last.is_some_and(|c| c.is_alphanumeric());
    let part_heading = text.starts_with('第') && text.contains("部分");
    // "1.办公室": an entry of a list, with no clause of its own.
    let entry = opens_entry(text) && !text.contains(['，', '。']);
    if letters < MIN_SENTENCE || !ends_on_word || part_heading || entry || text.contains('─') {
        return;
    }
    let tail = around(text, text.len(), 0, 16);
    let lead = if text.chars().count() > 16 { "…" } else { "" };
    let mark = if ["其中", "包括", "如下", "具体为"]
        .iter()
        .any(|w| text.ends_with(w))
    {
        "冒号"
    } else {
        "句号"
    };
    sink.emit(
        &FULL_STOP,
        Level::Violated,
        format!("“{lead}{tail}”：这一段到此结束，句末缺少{mark}"),
        vec![Location::new(
            Span::line(p.span.end_line, p.span.page),
            None,
        )],
    );
}

/// "1.办公室", "（2）…", "2、…": opens as an entry of a numbered list does.
fn opens_entry(text: &str) -> bool {
    let rest = text.strip_prefix(['（', '(']).unwrap_or(text);
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    digits > 0 && {
        let after = &rest[digits..];
        if rest.len() == text.len() {
            after.starts_with(['.', '．', '、'])
        } else {
            after.starts_with([')', '）'])
        }
    }
}

/// "第四部分名词解释" -> ("第四部分", "名词解释"): a part's number and its title, compacted.
fn part(heading: &str) -> Option<(String, String)> {
    let c: String = heading.chars().filter(|ch| !ch.is_whitespace()).collect();
    let rest = c.strip_prefix('第')?;
    let number = rest.trim_start_matches(|ch: char| "一二三四五六七八九十".contains(ch));
    let title = number.strip_prefix("部分")?;
    let head = &c[..c.len() - title.len()];
    (head.chars().count() > 3).then(|| (head.to_string(), title.to_string()))
}

/// Each part the 目录 lists against the body's heading of the same number.
fn contents(ctx: &Ctx, sink: &mut Sink) {
    if ctx.doc.contents.is_empty() {
        return;
    }
    // The body's parts, once.
    let parts: Vec<(String, String, Span)> = ctx
        .doc
        .sections
        .iter()
        .filter_map(|s| part(&s.heading).map(|(n, title)| (n, title, s.span)))
        .collect();
    for entry in &ctx.doc.contents {
        let Some((number, listed)) = part(&entry.value) else {
            continue;
        };
        let body = parts
            .iter()
            .find(|(n, _, _)| *n == number)
            .map(|(_, title, span)| (title.clone(), *span));
        let Some((printed, span)) = body else {
            continue;
        };
        // The same title with a slip in it: a character or two changed, left out or added
        // (名称解释 for 名词解释). A title worded otherwise (a shorter name of the unit) is not
        // compared, nor one that a line cut short (in the contents or the body).
        if printed.starts_with(&listed) || listed.starts_with(&printed) {
            continue;
        }
        let (a, b): (Vec<char>, Vec<char>) = (listed.chars().collect(), printed.chars().collect());
        let slips = edit_distance(&a, &b);
        if slips == 0 || slips > 2 || a.len().min(b.len()) <= slips * 2 {
            continue;
        }
        sink.emit(
            &CONTENTS,
            Level::Violated,
            format!("目录中的“{number} {listed}”与正文标题“{number} {printed}”不一致"),
            vec![Location::new(entry.span, None), Location::new(span, None)],
        );
    }
}

/// A 目录 entry's or a table's title without its numbering, year and spaces: "十一、 一般公共预算
/// “三公”经费支出预算表" -> "一般公共预算“三公”经费支出预算表".
fn bare_title(text: &str) -> String {
    let c: String = text.chars().filter(|ch| !ch.is_whitespace()).collect();
    let c = c.strip_prefix("表").unwrap_or(&c);
    let rest =
        c.trim_start_matches(|ch: char| "一二三四五六七八九十0123456789、.．（）()-—".contains(ch));
    // "2018年政府采购预算表": the year is not part of the name.
    let digits = rest.len()
        - rest
            .trim_start_matches(|ch: char| ch.is_ascii_digit())
            .len();
    let rest = if digits == 4 {
        rest[digits..].strip_prefix('年').unwrap_or(rest)
    } else {
        rest
    };
    rest.to_string()
}

/// The tables the 目录 lists, found in the body by title, in the order the body binds them.
fn contents_order(ctx: &Ctx, sink: &mut Sink) {
    if ctx.doc.contents.len() < 3 || ctx.doc.tables.len() < 3 {
        return;
    }
    let titles: Vec<String> = ctx
        .doc
        .tables
        .iter()
        .map(|t| bare_title(&t.title))
        .collect();
    let find = |entry: &str| -> Option<usize> {
        if entry.chars().count() < 4 {
            return None;
        }
        let exact: Vec<usize> = (0..titles.len()).filter(|&i| titles[i] == entry).collect();
        if let [i] = exact[..] {
            return Some(i);
        }
        if !exact.is_empty() {
            return None;
        }
        let near: Vec<usize> = (0..titles.len())
            .filter(|&i| {
                titles[i].chars().count() >= 4
                    && (titles[i].contains(entry) || entry.contains(titles[i].as_str()))
            })
            .collect();
        match near[..] {
            [i] => Some(i),
            _ => None,
        }
    };
    // (entry, table index), in the 目录's order; a table listed twice is not an order.
    let mut listed: Vec<(&yusuan_core::Spanned<String>, usize)> = Vec::new();
    for e in &ctx.doc.contents {
        if let Some(i) = find(&bare_title(&e.value)) {
            if listed.iter().any(|(_, j)| *j == i) {
                return;
            }
            listed.push((e, i));
        }
    }
    if listed.len() < 3 {
        return;
    }
    // The longest run that is in order; the rest are out of place.
    let n = listed.len();
    let mut best = vec![1usize; n];
    let mut from = vec![usize::MAX; n];
    for k in 0..n {
        for j in 0..k {
            if listed[j].1 < listed[k].1 && best[j] + 1 > best[k] {
                best[k] = best[j] + 1;
                from[k] = j;
            }
        }
    }
    let Some(mut k) = (0..n).max_by_key(|&k| (best[k], usize::MAX - k)) else {
        return;
    };
    let mut kept = vec![false; n];
    loop {
        kept[k] = true;
        if from[k] == usize::MAX {
            break;
        }
        k = from[k];
    }
    let out: Vec<usize> = (0..n).filter(|&k| !kept[k]).collect();
    if out.is_empty() {
        return;
    }
    let said: Vec<String> = out
        .iter()
        .map(|&k| {
            let (e, i) = listed[k];
            let t = &ctx.doc.tables[i];
            let page = t
                .span
                .page
                .map(|p| format!("，第{p}页"))
                .unwrap_or_default();
            format!(
                "“{}”在正文中是第{}张表（{}{page}）",
                e.value.split_whitespace().collect::<Vec<_>>().join(""),
                i + 1,
                t.title
            )
        })
        .collect();
    let mut locations: Vec<Location> = out
        .iter()
        .map(|&k| Location::new(listed[k].0.span, None))
        .collect();
    locations.extend(
        out.iter()
            .map(|&k| Location::new(ctx.doc.tables[listed[k].1].span, None)),
    );
    sink.emit(
        &CONTENTS_ORDER,
        Level::Violated,
        format!("目录所列表格的顺序与正文不一致：{}", said.join("；")),
        locations,
    );
}

/// How many characters must change, go or come to turn `a` into `b` (Levenshtein).
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// A piece of text to read, with where it is.
struct Piece<'a> {
    text: &'a str,
    para: Option<&'a Paragraph>,
    span: Span,
    table: Option<&'a yusuan_core::Table>,
}

impl Piece<'_> {
    fn at(&self, offset: usize) -> Location {
        let line = self.para.map_or(self.span.line, |p| p.line_at(offset));
        Location::new(
            Span::line(line, self.span.page),
            self.table.map(|t| t.label()),
        )
    }
}

pub fn run(ctx: &Ctx, sink: &mut Sink) {
    contents(ctx, sink);
    contents_order(ctx, sink);
    for &page in &ctx.doc.blank_pages {
        sink.emit(
            &BLANK_PAGE,
            Level::Violated,
            format!("第{page}页没有任何文字：空白页，或只有图片，请删除空白页或核对该页内容"),
            vec![Location::new(Span::line(1, Some(page)), None)],
        );
    }
    for cut in &ctx.doc.cut_lines {
        let whole = printed_whole(ctx.doc, cut);
        let shown: String = cut.text.chars().take(24).collect();
        let more = if cut.text.chars().count() > 24 {
            "…"
        } else {
            ""
        };
        let elsewhere = match whole {
            Some(p) if p != cut.page => format!("，该行文字在第{p}页完整印出"),
            _ => String::new(),
        };
        sink.emit(
            &CUT_LINE,
            Level::Violated,
            format!(
                "第{}页有一行文字只显示了一部分（被页面裁去）：“{shown}{more}”{elsewhere}，请调整排版",
                cut.page
            ),
            vec![Location::new(Span::line(cut.line, Some(cut.page)), None)],
        );
    }
    let mut pieces: Vec<Piece> = Vec::new();
    for s in &ctx.doc.sections {
        for p in &s.paragraphs {
            pieces.push(Piece {
                text: &p.text,
                para: Some(p),
                span: p.span,
                table: None,
            });
        }
    }
    for t in &ctx.doc.tables {
        for n in &t.notes {
            pieces.push(Piece {
                text: &n.value,
                para: None,
                span: n.span,
                table: Some(t),
            });
        }
    }
    let old_names = old_names(ctx);
    if let Some(year) = ctx.doc.year.as_ref().map(|y| y.value) {
        for s in &ctx.doc.sections {
            let period_section = ["周期", "期限", "实施期"]
                .iter()
                .any(|w| s.heading.contains(w));
            for p in &s.paragraphs {
                years(p, year, period_section, sink);
            }
        }
    }
    // Quotes and brackets are balanced over a section read as one text (heading and
    // paragraphs): a reader may cut a glossary item's "（主" / "要是…）" into heading and
    // paragraph, and that is not the document's slip.
    for s in &ctx.doc.sections {
        let mut text = s.heading.clone();
        let mut starts: Vec<(usize, Option<&Paragraph>)> = vec![(0, None)];
        for p in &s.paragraphs {
            starts.push((text.len(), Some(p)));
            text.push_str(&p.text);
        }
        let locate = |o: usize| {
            let (start, para) = starts
                .iter()
                .rev()
                .find(|(st, _)| *st <= o)
                .copied()
                .unwrap_or((0, None));
            match para {
                Some(p) => Location::new(Span::line(p.line_at(o - start), p.span.page), None),
                None => Location::new(s.span, None),
            }
        };
        brackets(&text, &locate, sink);
    }
    for piece in pieces.iter().filter(|p| p.para.is_none()) {
        brackets(piece.text, &|o| piece.at(o), sink);
    }
    scope_words(ctx, &pieces, sink);
    let mut wan_only: Vec<(Location, String)> = Vec::new();
    let mut car_names: Vec<(Location, String)> = Vec::new();
    let mut colons: Vec<(Location, String)> = Vec::new();
    let mut widths: Vec<(Location, String)> = Vec::new();
    let mut numbered: Vec<(Location, String)> = Vec::new();
    for piece in &pieces {
        template(piece, sink);
        punctuation(piece, sink);
        // The character-level checks need one of their marks in the text.
        let v = if piece.text.contains(['比', '与', '（', '其']) {
            visible(piece.text)
        } else {
            Vec::new()
        };
        comparison(piece, &v, sink);
        list_number_comma(piece, &v, &mut numbered);
        doc_number(piece, &v, sink);
        missing_figure(piece, sink);
        half_width(piece, sink);
        if let Some(p) = piece.para {
            old_name(piece, &old_names, sink);
            // A 决算's paragraphs end where its laid-out text puts them: lists of units printed
            // as tables and lines pdftotext moves leave paragraphs that seem cut. Not judged.
            if ctx.doc.kind != yusuan_core::DocKind::FinalAccounts {
                full_stop(p, sink);
            }
            money_unit(piece, &mut wan_only);
            three_public_name(piece, &mut car_names);
            colon(piece, &v, &mut colons);
            bracket_width(piece, &mut widths);
        }
    }
    for (rule, found, what) in [
        (&MONEY_UNIT, &wan_only, "：金额单位应为“万元”"),
        (&COLON, &colons, "：句首的“其中”引出分项，其后应加冒号"),
        (
            &BRACKET_WIDTH,
            &widths,
            "：同一段中全角括号“（）”与半角括号“()”混用，中文应使用全角括号",
        ),
        (
            &THREE_PUBLIC_NAME,
            &car_names,
            "：“三公”经费科目名称中的“公务车”应为“公务用车”",
        ),
    ] {
        if let Some((_, words)) = found.first() {
            sink.emit(
                rule,
                Level::Violated,
                format!("“{words}”{}{what}", places_more(found.len())),
                found.iter().map(|(l, _)| l.clone()).collect(),
            );
        }
    }
    if let Some((_, words)) = numbered.first() {
        sink.emit(
            &PUNCTUATION,
            Level::Violated,
            format!(
                "“{words}”{}：括号序号后的顿号多余",
                places_more(numbered.len())
            ),
            numbered.iter().map(|(l, _)| l.clone()).collect(),
        );
    }
    // Table cells: markup and template words (a performance table's text cells, read as
    // rows or kept as its texts).
    for t in &ctx.doc.tables {
        let cells = t
            .rows
            .iter()
            .flat_map(|r| r.cells.iter().map(|c| (&c.text, r.span)));
        let texts = t
            .performance
            .iter()
            .flat_map(|p| p.texts.iter().map(|x| (&x.value, x.span)));
        for (text, span) in cells.chain(texts) {
            // Markup or sentence punctuation: a text cell, not a figure or a name.
            if !text.contains(['<', '。', '，', '；', '（', '(']) {
                continue;
            }
            let piece = Piece {
                text,
                para: None,
                span,
                table: Some(t),
            };
            template(&piece, sink);
            punctuation(&piece, sink);
        }
    }
}

/// The words around byte `at`, for quoting: up to `n` characters each side.
fn around(text: &str, at: usize, len: usize, n: usize) -> String {
    let start = text[..at]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    let end_from = (at + len).min(text.len());
    let end = text[end_from..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| end_from + i);
    text[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn template(p: &Piece, sink: &mut Sink) {
    let text = p.text;
    let mut found: Option<(usize, usize, &str)> = None;
    // Both directions offered: 增加（减少）, 增长(降低), 上升（下降）, 增（减）. One pass over the
    // opening brackets.
    for (i, c) in text.char_indices() {
        if c != '（' && c != '(' {
            continue;
        }
        let after = &text[i + c.len_utf8()..];
        const DOWN: [&str; 4] = ["减少", "降低", "下降", "减"];
        const UP: [&str; 4] = ["增加", "增长", "上升", "增"];
        let inside = |words: &[&'static str]| {
            words
                .iter()
                .copied()
                .find(|w| after.starts_with(*w) && after[w.len()..].starts_with(['）', ')']))
        };
        let before =
            |words: &[&'static str]| words.iter().copied().find(|w| text[..i].ends_with(*w));
        // 增加（减少）, or the other way round: 下降（增长）.
        let pair = match (before(&UP), inside(&DOWN)) {
            (Some(u), Some(d)) => Some((u, d)),
            _ => before(&DOWN).zip(inside(&UP)),
        };
        if let Some((u, d)) = pair {
            let start = i - u.len();
            let close = after[d.len()..].chars().next().map_or(0, char::len_utf8);
            let end = i + c.len_utf8() + d.len() + close;
            found = Some((
                start,
                end - start,
                "增减两种说法并列，模板文字未按实际情况选择",
            ));
            break;
        }
    }
    if found.is_none() && text.contains(['填', '<', '×', 'X']) {
        for (w, why) in [
            ("填写）", "填报说明未删除"),
            ("填列）", "填报说明未删除"),
            ("为必填项", "填报说明未删除"),
            ("<p>", "残留网页标记"),
            ("</p>", "残留网页标记"),
            ("<br", "残留网页标记"),
            ("××", "占位符未替换"),
            ("XX", "占位符未替换"),
        ] {
            if let Some(i) = text.find(w) {
                found = Some((i, w.len(), why));
                break;
            }
        }
    }
    let Some((i, len, why)) = found else { return };
    sink.emit(
        &TEMPLATE,
        Level::Violated,
        format!("“{}”：{}", around(text, i, len, 12), why),
        vec![p.at(i)],
    );
}

fn is_stop(c: char) -> bool {
    matches!(c, '。' | '，' | '；' | '、' | '：' | '！' | '？')
}

fn punctuation(p: &Piece, sink: &mut Sink) {
    // One pass: a stop whose next visible character is a stop too. A text that does it again
    // and again (a list pasted with its own stops) is one finding with every place.
    let mut prev: Option<(usize, char)> = None;
    let mut found: Vec<(usize, char, char)> = Vec::new();
    for (i, d) in p.text.char_indices() {
        if d.is_whitespace() {
            continue;
        }
        if let Some((at, c)) = prev {
            // (a list's "、" after "：" is not doubled punctuation)
            if is_stop(c) && is_stop(d) && !(c == '：' && d == '、') {
                found.push((at, c, d));
                prev = None;
                continue;
            }
        }
        prev = Some((i, d));
    }
    let Some(&(at, c, d)) = found.first() else {
        return;
    };
    let mut locations: Vec<Location> = found.iter().map(|(i, ..)| p.at(*i)).collect();
    locations.dedup();
    sink.emit(
        &PUNCTUATION,
        Level::Violated,
        format!(
            "“{}”{}：标点“{c}{d}”重复",
            around(p.text, at, c.len_utf8(), 12),
            places_more(found.len())
        ),
        locations,
    );
}

/// The visible characters of a text (whitespace dropped: a line break inside a word is the
/// layout's, not the document's), each with its byte offset.
fn visible(text: &str) -> Vec<(usize, char)> {
    text.char_indices()
        .filter(|(_, c)| !c.is_whitespace())
        .collect()
}

/// The end of a reference to the prior year at `k` (上年, 去年, 上一年, 2024年, with 预算 /
/// 预算数 / 执行数 / 决算 after it), if one starts there.
fn year_ref(v: &[(usize, char)], k: usize) -> Option<usize> {
    let at = |i: usize, w: &str| {
        w.chars()
            .enumerate()
            .all(|(j, c)| v.get(i + j).is_some_and(|x| x.1 == c))
    };
    let mut e = if at(k, "上一年") {
        k + 3
    } else if at(k, "上年") || at(k, "去年") {
        k + 2
    } else if (0..4).all(|j| v.get(k + j).is_some_and(|x| x.1.is_ascii_digit())) && at(k + 4, "年")
    {
        k + 5
    } else {
        return None;
    };
    for tail in ["预算数", "执行数", "预算", "决算"] {
        if at(e, tail) {
            e += tail.chars().count();
            break;
        }
    }
    Some(e)
}

/// The visible characters from `k` on, as one string of at most `n`.
fn shown(v: &[(usize, char)], from: usize, n: usize) -> String {
    v.iter().skip(from).take(n).map(|x| x.1).collect()
}

fn comparison(p: &Piece, v: &[(usize, char)], sink: &mut Sink) {
    for k in 0..v.len() {
        let c = v[k].1;
        let next = |i: usize| v.get(i).map(|x| x.1);
        let slip = if c == '。' && next(k + 1) == Some('比') && year_ref(v, k + 2).is_some() {
            // The amount before the stop is what is compared: “1.35万元。比2024年预算持平”.
            let before = v[..k]
                .iter()
                .rev()
                .take_while(|x| !matches!(x.1, '。' | '；' | '，' | '：'))
                .count();
            let mut from = k - before.min(12);
            while from < k && !(is_cjk(v[from].1) || v[from].1.is_ascii_digit()) {
                from += 1;
            }
            let quote = shown(v, from, k - from + 10);
            Some((k, format!("“{quote}”：句号把金额与其比较断开，应为逗号")))
        } else if c == '比' {
            year_ref(v, k + 1)
                .filter(|&e| next(e) == Some('相') && next(e + 1) == Some('比'))
                .map(|e| {
                    let quote = shown(v, k, e + 2 - k);
                    (
                        k,
                        format!("“{quote}”：“比”与“相比”杂糅，应为“比上年”或“与上年相比”"),
                    )
                })
        } else if c == '与' {
            year_ref(v, k + 1)
                // What follows 相比 (“与上年相比，”, “相比未发生变化”, “相比增加”), right
                // after 相: not 相等, 相同, 相符, 相当.
                .filter(|&e| {
                    next(e) == Some('相')
                        && next(e + 1).is_some_and(|c| "，,未增减持下上没无基".contains(c))
                })
                .map(|e| {
                    let quote = shown(v, k, e + 1 - k + 4);
                    (k, format!("“{quote}”：“相比”缺“比”字"))
                })
        } else {
            None
        };
        if let Some((at, message)) = slip {
            sink.emit(&COMPARISON, Level::Violated, message, vec![p.at(v[at].0)]);
        }
    }
}

/// “（一）、基本支出”: a bracketed list number takes no 、 after it. The places, with the
/// words, are gathered over the document and said once.
fn list_number_comma(p: &Piece, v: &[(usize, char)], spots: &mut Vec<(Location, String)>) {
    let numeral = |c: char| "一二三四五六七八九十".contains(c) || c.is_ascii_digit();
    for k in 0..v.len() {
        // The list number opens the text or follows a stop.
        let opens = k == 0 || matches!(v[k - 1].1, '。' | '；' | '：');
        if !opens || v[k].1 != '（' {
            continue;
        }
        let n = v[k + 1..].iter().take_while(|x| numeral(x.1)).count();
        if (1..=3).contains(&n)
            && v.get(k + 1 + n).is_some_and(|x| x.1 == '）')
            && v.get(k + 2 + n).is_some_and(|x| x.1 == '、')
        {
            spots.push((p.at(v[k].0), shown(v, k, 8)));
        }
    }
}

/// “沪商规（2024）2号”: a document number with its year in round brackets.
fn doc_number(p: &Piece, v: &[(usize, char)], sink: &mut Sink) {
    for k in 1..v.len() {
        let digits = |from: usize| {
            v[from.min(v.len())..]
                .iter()
                .take_while(|x| x.1.is_ascii_digit())
                .count()
        };
        let year = digits(k + 1);
        if v[k].1 != '（' || !is_cjk(v[k - 1].1) || year != 4 {
            continue;
        }
        let close = k + 1 + year;
        let number = digits(close + 1);
        let is_no = v.get(close).is_some_and(|x| x.1 == '）')
            && number > 0
            && v.get(close + 1 + number).is_some_and(|x| x.1 == '号');
        if !is_no {
            continue;
        }
        let start = v[..k]
            .iter()
            .rev()
            .take_while(|x| is_cjk(x.1))
            .count()
            .min(6);
        let quote = shown(v, k - start, start + close + 2 + number - k);
        let year: String = shown(v, k + 1, 4);
        sink.emit(
            &DOC_NUMBER,
            Level::Violated,
            format!("“{quote}”：文号中的年份应使用六角括号“〔{year}〕”"),
            vec![p.at(v[k].0)],
        );
    }
}

fn brackets(text: &str, at: &dyn Fn(usize) -> Location, sink: &mut Sink) {
    // Quotes: “ and ” counted.
    let open = text.matches('“').count();
    let close = text.matches('”').count();
    if open != close {
        let pos = if close > open {
            text.rfind('”')
        } else {
            text.rfind('“')
        }
        .unwrap_or(0);
        sink.emit(
            &BRACKETS,
            Level::Violated,
            format!(
                "“{}”：左引号{open}个、右引号{close}个，引号不配对",
                around(text, pos, 3, 15)
            ),
            vec![at(pos)],
        );
    }
    // Brackets: a stack; a full-width one closed by a half-width one (or the reverse).
    let mut stack: Vec<(usize, char)> = Vec::new();
    let mut mixed: Vec<(usize, char, usize, char)> = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            '（' | '(' => stack.push((i, c)),
            '）' | ')' => {
                let Some((o, oc)) = stack.pop() else {
                    // A lone closing bracket: "1)" numbering is half-width and common.
                    if c == '）' {
                        sink.emit(
                            &BRACKETS,
                            Level::Violated,
                            format!("“{}”：右括号“）”没有对应的左括号", around(text, i, 3, 12)),
                            vec![at(i)],
                        );
                        return;
                    }
                    continue;
                };
                if (oc == '（') != (c == '）') {
                    mixed.push((o, oc, i, c));
                }
            }
            _ => {}
        }
    }
    if let Some(&(o, oc, i, c)) = mixed.first() {
        let more = places_more(mixed.len());
        sink.emit(
            &BRACKETS,
            Level::Violated,
            format!(
                "“{}”{more}：括号全角半角混用（“{oc}”与“{c}”配对）",
                around(text, o, i - o + c.len_utf8(), 4)
            ),
            vec![at(o)],
        );
    }
    if let Some(&(o, '（')) = stack.first() {
        // An opening bracket never closed (a paragraph cut short is said by the reader).
        if stack.len() == 1 && !text[o..].contains('）') && o + 3 < text.len() {
            sink.emit(
                &BRACKETS,
                Level::Violated,
                format!("“{}”：左括号“（”没有对应的右括号", around(text, o, 3, 12)),
                vec![at(o)],
            );
        }
    }
}

fn missing_figure(p: &Piece, sink: &mut Sink) {
    for (i, _) in p.text.match_indices("万元") {
        let before: Vec<char> = p.text[..i].chars().rev().take(8).collect();
        let gap = before.iter().take_while(|c| c.is_whitespace()).count();
        let Some(&c) = before.get(gap) else { continue };
        // A figure's place: after 支出 / 收入 / 预算 / 安排 / 为 / 共 / 计 with nothing between.
        if !matches!(c, '出' | '入' | '算' | '排' | '为' | '共' | '计' | '达') {
            continue;
        }
        // "单位：万元", "金额单位为万元": a unit line, not a figure's place.
        let head: String = before.iter().rev().collect();
        if head.contains("单位") {
            continue;
        }
        sink.emit(
            &MISSING_FIGURE,
            Level::Violated,
            format!(
                "“{}”：“万元”前没有金额",
                around(p.text, i, "万元".len(), 12)
            ),
            vec![p.at(i)],
        );
    }
}

/// A figure of money ending in 万 with no 元: "预算1720.00万，".
fn money_unit(p: &Piece, found: &mut Vec<(Location, String)>) {
    const MONEY: &[&str] = &[
        "预算", "资金", "经费", "拨款", "支出", "收入", "金额", "投资",
    ];
    for (i, _) in p.text.match_indices('万') {
        let after = p.text[i + '万'.len_utf8()..].chars().next();
        if !after.is_none_or(|c| "，。；、：,.;:）)".contains(c)) {
            continue;
        }
        let before = p.text[..i].chars().next_back();
        if !before.is_some_and(|c| c.is_ascii_digit()) {
            continue;
        }
        // The clause before the figure speaks of money.
        let clause_start = p.text[..i]
            .char_indices()
            .rev()
            .find(|(_, c)| matches!(c, '，' | '。' | '；' | '：'))
            .map_or(0, |(k, c)| k + c.len_utf8());
        let clause = &p.text[clause_start..i];
        if !MONEY.iter().any(|w| clause.contains(w)) {
            continue;
        }
        found.push((p.at(i), around(p.text, i, '万'.len_utf8(), 12)));
    }
}

/// A sentence opened by 其中 without its colon: “。其中拟购买货物…”, “…万元。其中” at the end of a
/// paragraph (its list follows). What comes after is read past the layout's white space.
fn colon(p: &Piece, v: &[(usize, char)], found: &mut Vec<(Location, String)>) {
    for k in 0..v.len().saturating_sub(1) {
        if !(v[k].1 == '其' && v[k + 1].1 == '中') {
            continue;
        }
        if k.checked_sub(1).is_none_or(|j| v[j].1 != '。') {
            continue;
        }
        if v.get(k + 2).is_some_and(|(_, c)| "：:，,".contains(*c)) {
            continue;
        }
        found.push((p.at(v[k].0), around(p.text, v[k].0, "其中".len(), 10)));
    }
}

/// Chinese words in half-width brackets, in a paragraph that brackets Chinese words in
/// full-width ones too: each half-width pair.
fn bracket_width(p: &Piece, found: &mut Vec<(Location, String)>) {
    // Pairs whose words are all Chinese characters (a few of them: a name, a level mark).
    let pairs = |open: char, close: char| -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (i, _) in p.text.match_indices(open) {
            let inner_start = i + open.len_utf8();
            let Some(len) = p.text[inner_start..].find(close) else {
                continue;
            };
            let inner = &p.text[inner_start..inner_start + len];
            let n = inner.chars().count();
            if (1..=12).contains(&n) && inner.chars().all(is_cjk) {
                out.push((i, inner_start + len + close.len_utf8() - i));
            }
        }
        out
    };
    let half = pairs('(', ')');
    if half.is_empty() || pairs('（', '）').is_empty() {
        return;
    }
    for (i, len) in half {
        found.push((p.at(i), around(p.text, i, len, 6)));
    }
}

/// The car costs of the 三公 account misnamed: 公务车购置 / 公务车运行 / 公务车用车.
fn three_public_name(p: &Piece, found: &mut Vec<(Location, String)>) {
    for (i, _) in p.text.match_indices("公务车") {
        let rest = &p.text[i + "公务车".len()..];
        if ["购置", "运行", "用车"].iter().any(|w| rest.starts_with(w)) {
            found.push((p.at(i), around(p.text, i, "公务车".len(), 6)));
        }
    }
}

/// Where the text calls the document's owner by `words` (本部门, 我部门): not where the 本 is
/// the end of another word (基本部门, 根本部门).
fn self_references<'w>(text: &str, words: &[&'w str]) -> Vec<(usize, &'w str)> {
    let mut out: Vec<(usize, &str)> = words
        .iter()
        .flat_map(|w| text.match_indices(w).map(|(i, _)| (i, *w)))
        .filter(|&(i, _)| {
            let before = text[..i].chars().next_back();
            !before.is_some_and(|c| "基根样成资日账版".contains(c))
        })
        .collect();
    out.sort_unstable();
    out
}

/// 部门 wording in a 单位 document, and 单位 wording beside 本部门 in a 部门 document.
fn scope_words(ctx: &Ctx, pieces: &[Piece], sink: &mut Sink) {
    const DEPT: &[&str] = &["本部门", "我部门"];
    const UNIT: &[&str] = &["本单位", "我单位"];
    let unit = ctx.doc.scope == yusuan_core::Scope::Unit;
    let (wrong, right, own, other) = if unit {
        (DEPT, UNIT, "单位", "部门")
    } else {
        (UNIT, DEPT, "部门", "单位")
    };
    let kind = if ctx.doc.kind == yusuan_core::DocKind::FinalAccounts {
        "决算"
    } else {
        "预算"
    };
    let found = |words: &[&'static str]| -> Vec<(&Piece, usize, &'static str)> {
        pieces
            .iter()
            .flat_map(|p| {
                self_references(p.text, words)
                    .into_iter()
                    .map(move |(i, w)| (p, i, w))
            })
            .collect()
    };
    let slips = found(wrong);
    // A department document that never says 本部门 follows its own habit (“我单位”).
    let named_right = found(right);
    let first_right = named_right.first();
    if !slips.is_empty() && (unit || first_right.is_some()) {
        let (p, i, word) = slips[0];
        let mut at: Vec<Location> = Vec::new();
        for (q, k, _) in &slips {
            let l = q.at(*k);
            if !at.contains(&l) {
                at.push(l);
            }
        }
        let also = match first_right {
            Some((q, k, w)) if !unit => format!("，而第{}行称“{w}”", q.at(*k).line),
            _ => String::new(),
        };
        sink.emit(
            &SCOPE_WORD,
            Level::Violated,
            format!(
                "本文是{own}{kind}，第{}行“{}”{}称“{word}”{also}：应统一称“本{own}”",
                p.at(i).line,
                around(p.text, i, word.len(), 10),
                places_more(slips.len()),
            ),
            at,
        );
    }
    // A unit's tables titled as a department's (部门收入预算总表).
    if unit {
        for t in &ctx.doc.tables {
            let title = t.title.replace(char::is_whitespace, "");
            let names_dept = ["部门收", "部门支", "部门财务", "部门预算"]
                .iter()
                .any(|w| {
                    title.match_indices(w).any(|(i, _)| {
                        // 部门预算经济分类: the economic catalog's own name.
                        !title[i..].starts_with("部门预算经济分类")
                            && !title[i..].starts_with("部门预算支出经济分类")
                            && !title[..i].ends_with("主管")
                    })
                });
            if names_dept {
                sink.emit(
                    &SCOPE_WORD,
                    Level::Violated,
                    format!("本文是单位{kind}，表格标题“{title}”却称“{other}”：应为单位的表"),
                    vec![Location::new(t.span, Some(t.label()))],
                );
            }
        }
    }
}

/// "等8处" after the first of several places, nothing after a single one.
fn places_more(n: usize) -> String {
    if n > 1 {
        format!("等{n}处")
    } else {
        String::new()
    }
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

fn half_width(p: &Piece, sink: &mut Sink) {
    if !p.text.contains([',', ';', ':']) {
        return;
    }
    // Line breaks are not characters of the text: "其中:" at the end of a line is followed by
    // the next line's first character.
    let chars: Vec<(usize, char)> = p
        .text
        .char_indices()
        .filter(|(_, c)| *c != '\n' && *c != '\r')
        .collect();
    let mut spots: Vec<(usize, char)> = Vec::new();
    for (k, w) in chars.windows(2).enumerate() {
        let (a, (i, c)) = (w[0].1, w[1]);
        // The next character; at the text's end, a colon or semicolon still counts ("其中:"
        // ending a paragraph the layout broke there), a comma does not.
        let b = chars.get(k + 2).map(|x| x.1);
        let before = b.map_or(c != ',', is_cjk);
        // "注:" opening a note is a label, common in published templates; not counted.
        let label = c == ':' && p.text[..i].trim_end().ends_with('注') && i <= "备注".len() + 2;
        if matches!(c, ',' | ';' | ':')
            && (is_cjk(a) || matches!(a, '%' | '）' | '”'))
            && before
            && !label
        {
            spots.push((i, c));
        }
    }
    let Some(&(first, c)) = spots.first() else {
        return;
    };
    let more = places_more(spots.len());
    sink.emit(
        &HALF_WIDTH,
        Level::Violated,
        format!(
            "“{}”{more}：中文中使用了半角标点“{c}”",
            around(p.text, first, 1, 10)
        ),
        vec![p.at(first)],
    );
}

/// A year's superseded catalog names (old name, code, the year's name), with one automaton over
/// the old names: every paragraph is searched for all of them in one pass.
#[derive(Default)]
struct OldNameSet {
    names: Vec<(String, String, String)>,
    finder: Option<aho_corasick::AhoCorasick>,
}

type OldNames = std::sync::Arc<OldNameSet>;

/// Names a code had before it was renamed, for the document's year: (old name, code, name now).
/// Computed once per year for the bundled catalog.
fn old_names(ctx: &Ctx) -> OldNames {
    static CACHE: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<i32, OldNames>>> =
        std::sync::LazyLock::new(Default::default);
    let Some(year) = ctx.doc.year.as_ref().map(|y| y.value) else {
        return OldNames::default();
    };
    let builtin = std::ptr::eq(
        ctx.functional,
        yusuan_core::Catalog::builtin(yusuan_core::Classification::Functional),
    );
    if builtin {
        if let Some(v) = CACHE.lock().ok().and_then(|c| c.get(&year).cloned()) {
            return v;
        }
    }
    let names = old_names_of(ctx, year);
    let finder = aho_corasick::AhoCorasick::new(names.iter().map(|(old, _, _)| old)).ok();
    let v = std::sync::Arc::new(OldNameSet { names, finder });
    if builtin {
        if let Ok(mut c) = CACHE.lock() {
            c.insert(year, v.clone());
        }
    }
    v
}

fn old_names_of(ctx: &Ctx, year: i32) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for entries in ctx.functional.codes() {
        if entries.len() < 2 {
            continue;
        }
        // The name the code has in the year (the newest name first evidenced by then).
        let Some(now) = entries
            .iter()
            .filter(|e| e.years.iter().min().is_some_and(|y| *y <= year))
            .max_by_key(|e| e.years.iter().min().copied())
        else {
            continue;
        };
        let since = now.years.iter().min().copied().unwrap_or(year);
        for e in entries {
            let superseded = e.years.iter().max().is_some_and(|y| *y < since);
            if superseded
                && e.level <= 2
                && e.name.chars().count() >= 4
                && !now.name.contains(&e.name)
                && !e.years.contains(&year)
            {
                out.push((e.name.clone(), e.code.clone(), now.name.clone()));
            }
        }
    }
    out.sort();
    out
}

fn old_name(p: &Piece, set: &OldNameSet, sink: &mut Sink) {
    let Some(finder) = &set.finder else { return };
    // Each old name at its first place in the text, in the order of the names.
    let mut first: Vec<Option<usize>> = vec![None; set.names.len()];
    for m in finder.find_overlapping_iter(p.text) {
        let k = m.pattern().as_usize();
        if first[k].is_none() {
            first[k] = Some(m.start());
        }
    }
    for ((old, code, now), at) in set.names.iter().zip(first) {
        if let Some(i) = at {
            sink.emit(
                &OLD_NAME,
                Level::Violated,
                format!(
                    "“{}”：科目{code}在本年度的名称为“{now}”，“{old}”是以前年度的名称",
                    around(p.text, i, old.len(), 6)
                ),
                vec![p.at(i)],
            );
        }
    }
}

/// The digits of a year starting at byte `i` of `s` (four ASCII digits, not part of a longer
/// number), and where they end.
fn year_at(s: &str, i: usize) -> Option<(i32, usize)> {
    let b = s.as_bytes();
    let d = b.get(i..i + 4)?;
    if !d.iter().all(u8::is_ascii_digit) || b.get(i + 4).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    if i > 0 && b[i - 1].is_ascii_digit() {
        return None;
    }
    std::str::from_utf8(d)
        .ok()?
        .parse()
        .ok()
        .map(|y| (y, i + 4))
}

fn years(p: &Paragraph, year: i32, period_section: bool, sink: &mut Sink) {
    let text = &p.text;
    // 纳入本部门 YYYY 年部门汇总预算编制范围: this budget's scope.
    let compact: String = if text.contains("编制范围") {
        text.split_whitespace().collect()
    } else {
        String::new()
    };
    if let Some(k) = compact.find("预算编制范围") {
        let head = &compact[..k];
        if let Some(pos) = head.rfind("年") {
            let start = pos.saturating_sub(4);
            if let Some((y, _)) = year_at(head, start) {
                if y != year && head[start..].chars().count() <= 12 {
                    let at = text.find("编制范围").unwrap_or(0);
                    sink.emit(
                        &YEAR,
                        Level::Violated,
                        format!(
                            "“{}”：本文件是{year}年预算，编制范围应为{year}年，而写作{y}年",
                            around(text, at, "编制范围".len(), 18)
                        ),
                        vec![Location::new(Span::line(p.line_at(at), p.span.page), None)],
                    );
                }
            }
        }
    }
    // A project period: two dates joined by - / 至, in a 实施周期 section or clause.
    if !text.contains(['-', '－', '—', '至', '~', '～']) {
        return;
    }
    let mut i = 0;
    while i + 4 <= text.len() {
        if !matches!(text.as_bytes()[i], b'1' | b'2') {
            i += 1;
            continue;
        }
        let Some((y1, end1)) = year_at(text, i) else {
            i += 1;
            continue;
        };
        // The second year of the range within the next 16 bytes, after a dash or 至.
        let window_end = (end1 + 24).min(text.len());
        let rest = text.get(end1..window_end).unwrap_or("");
        let sep = ["-", "－", "—", "至", "~", "～"]
            .iter()
            .filter_map(|s| rest.find(s).map(|k| end1 + k + s.len()))
            .min();
        let second = sep.and_then(|s| {
            (s..(s + 8).min(text.len()))
                .find_map(|j| text.is_char_boundary(j).then(|| year_at(text, j)).flatten())
        });
        if let Some((y2, end2)) = second {
            let clause_start = text[..i].rfind(['。', '；']).map_or(0, |k| k);
            let said_period = period_section
                || ["周期", "期限", "实施期"]
                    .iter()
                    .any(|w| text[clause_start..i].contains(w));
            if said_period && (y1..=y2).contains(&year).not() && y1 <= y2 {
                sink.emit(
                    &YEAR,
                    Level::Violated,
                    format!(
                        "“{}”：项目实施周期为{y1}年至{y2}年，不含本预算年度{year}年",
                        text[i..end2 + day_end(&text[end2..])].trim()
                    ),
                    vec![Location::new(Span::line(p.line_at(i), p.span.page), None)],
                );
            }
            i = end2;
            continue;
        }
        i = end1;
    }
}

/// Bytes up to and including the 日 that ends a date ("年12月31日"), when it is near.
fn day_end(s: &str) -> usize {
    s.find('日')
        .filter(|k| *k < 16)
        .map_or(0, |k| k + '日'.len_utf8())
}

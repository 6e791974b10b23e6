//! The narrative (情况说明): title, sections by heading, paragraphs re-joined across page breaks,
//! and the figures, counts and years the paragraphs state.

use crate::lines::{compact, Line};
use regex::Regex;
use std::sync::LazyLock;
use yusuan_core::{
    Amount, Change, ColumnRole, Context, CountClaim, DocKind, Figure, Mention, MentionKind,
    MoneyUnit, Paragraph, Scope, Section, Span, Spanned, Subject,
};

/// What the narrative reader produces.
#[derive(Default)]
pub(crate) struct Narrative {
    pub title: Option<Spanned<String>>,
    pub unit_name: Option<Spanned<String>>,
    pub year: Option<Spanned<i32>>,
    pub kind: DocKind,
    pub scope: Scope,
    pub sections: Vec<Section>,
    pub figures: Vec<Figure>,
    pub counts: Vec<CountClaim>,
    pub mentions: Vec<Mention>,
    /// The 目录's entries.
    pub contents: Vec<Spanned<String>>,
}

static LEVEL1: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([一二三四五六七八九十]+)、[ \t\u{3000}]*").expect("static regex")
});
static LEVEL2: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[（(]([一二三四五六七八九十]+)[）)][ \t\u{3000}]*").expect("static regex")
});
static ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ \t\u{3000}]*[0-9]{1,2}[ \t\u{3000}]*[.、．][ \t\u{3000}]*[^0-9 \t\u{3000}]")
        .expect("static regex")
});
static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([-－]?[0-9０-９][0-9０-９,]*(?:[.．][0-9０-９]+)?)[ \t\u{3000}]*(万元|元|辆)")
        .expect("static regex")
});
static CHANGE: LazyLock<Regex> = LazyLock::new(|| {
    // "比上年增加", and also a bare "财政拨款支出增加" after "与上年相比，".
    Regex::new(
        r"(?:(比|较|同比)(上年|上一年|([0-9]{4})[ \t\u{3000}]*年)?(预算数|预算)?)?(增加|增长|减少|下降|降低)[ \t\u{3000}]*$",
    )
    .expect("static regex")
});
static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([0-9]{4})[ \t\u{3000}]*年").expect("static regex"));
static COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([0-9]+)[ \t\u{3000}]*个([^，。；、：0-9 \t]+)").expect("static regex")
});

fn ends_sentence(s: &str) -> bool {
    s.trim_end()
        .ends_with(['。', '！', '？', '；', '：', '”', '」', ':', ';'])
}

fn starts_block(line: &Line) -> bool {
    let t = line.trimmed();
    LEVEL1.is_match(t) || LEVEL2.is_match(t) || ITEM.is_match(t)
}

/// Where a page's flowing text begins and ends, in text columns: the least indentation of its
/// lines, and the column where most of them end (justified text fills its lines to one edge;
/// the widest line may be a table's or a title's). Lines with a run of spaces inside (a row
/// aligned by spaces, a centred title) or too short to be text are not counted.
struct Block {
    margin: usize,
    right: usize,
}

fn blocks(lines: &[Line]) -> std::collections::HashMap<Option<u32>, Block> {
    let mut by_page: std::collections::HashMap<Option<u32>, (usize, Vec<usize>)> =
        std::collections::HashMap::new();
    for l in lines.iter().filter(|l| !l.is_blank()) {
        let t = l.trimmed();
        if t.contains("   ") || t.contains('\t') || t.chars().count() < 12 {
            continue;
        }
        let (margin, ends) = by_page.entry(l.page).or_insert((usize::MAX, Vec::new()));
        *margin = (*margin).min(indent_of(l));
        ends.push(columns(l.raw.trim_end()));
    }
    by_page
        .into_iter()
        .filter_map(|(page, (margin, ends))| {
            // The edge: the end shared (within a column) by the most lines; its widest.
            let near = |c: usize| ends.iter().filter(|e| e.abs_diff(c) <= 1).count();
            let edge = ends.iter().copied().max_by_key(|&c| (near(c), c))?;
            let right = ends
                .iter()
                .copied()
                .filter(|e| e.abs_diff(edge) <= 1)
                .max()
                .unwrap_or(edge);
            Some((page, Block { margin, right }))
        })
        .collect()
}

fn indent_of(l: &Line) -> usize {
    columns(&l.raw[..l.raw.len() - l.raw.trim_start().len()])
}

fn columns(s: &str) -> usize {
    use unicode_width::UnicodeWidthChar;
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// How far short of the text's right edge a line must stop to end its paragraph (two
/// full-width characters: a justified line that wraps before a long number stops at most a
/// little short).
const SHORT_BY: usize = 4;

/// How much deeper than the text's margin a paragraph's first line is indented (one
/// full-width character at least).
const FIRST_LINE_INDENT: usize = 1;

/// Paragraphs from non-blank lines: a line that does not end a sentence continues on the next
/// line unless that one starts a heading or a numbered item (page breaks and wrapped lines),
/// or the layout begins a new paragraph there (the line stops short of the text's right edge
/// and the next is indented as a first line is); such a paragraph is marked `unfinished`.
fn paragraphs(lines: &[Line], contents: &mut Vec<Spanned<String>>) -> Vec<(Paragraph, bool)> {
    let blocks = blocks(lines);
    let short = |l: &Line| {
        blocks
            .get(&l.page)
            .is_some_and(|b| columns(l.raw.trim_end()) + SHORT_BY <= b.right)
    };
    let first_line = |l: &Line| {
        blocks
            .get(&l.page)
            .is_some_and(|b| indent_of(l) >= b.margin + FIRST_LINE_INDENT)
    };
    let mut previous: Option<&Line> = None;
    let mut out: Vec<(Paragraph, bool)> = Vec::new();
    let mut open = false;
    let mut in_toc = false;
    let mut toc_first: Option<String> = None;
    let mut last_heading = false;
    for line in lines.iter().filter(|l| !l.is_blank()) {
        let t = line.trimmed();
        let indent = line.raw.len() - line.raw.trim_start().len();
        // A table of contents is not text: from 目录 to where the body begins, which is where
        // its first entry comes again, a centred title, or a sentence.
        if compact(t) == "目录" {
            in_toc = true;
            toc_first = None;
            open = false;
            continue;
        }
        if in_toc {
            let c = compact(t);
            let entry = LEVEL1.is_match(t) || LEVEL2.is_match(t) || is_part_heading(&c);
            let again = toc_first.as_ref() == Some(&c);
            let sentence = t.contains(['。', '，']) && c.chars().count() > 30;
            // The rest of an entry the contents' line wrapped ("十一、…培训费支" / "出预算表"):
            // a few words after a long entry (a title after a short one ends the contents).
            let wrapped = !entry
                && !again
                && !ends_sentence(t)
                && c.chars().count() <= 12
                && c.chars().any(|ch| !ch.is_ascii_digit())
                && contents
                    .last()
                    .is_some_and(|l| compact(&l.value).chars().count() >= 20);
            if let (true, Some(last)) = (wrapped, contents.last_mut()) {
                last.value.push_str(toc_entry(t));
                continue;
            }
            if again || sentence || (indent >= 8 && !entry) {
                in_toc = false;
            } else {
                toc_first.get_or_insert(c);
                let entry = toc_entry(t);
                if !entry.is_empty() {
                    contents.push(Spanned {
                        value: entry.to_string(),
                        span: Span::line(line.no, line.page),
                    });
                }
                continue;
            }
        }
        if t.contains("……") || t.contains("...") {
            open = false;
            continue;
        }
        // Page numbers ("3", "- 3 -", "第3页") are not text, and do not end a paragraph.
        // A rule of dashes alone is no text either.
        if crate::lines::is_page_number(t)
            || t.chars()
                .all(|c| matches!(c, '-' | '—' | '─') || c.is_whitespace())
        {
            continue;
        }
        // A title states no amount: an indented "年初预算为 196.40" is a sentence the layout
        // broke off.
        let states_amount = t
            .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
            .any(|w| {
                w.split_once('.')
                    .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
            });
        let plain_title = t.chars().count() <= 40
            && !ends_sentence(t)
            && !states_amount
            && !t.contains(['，', '。', '；'])
            && !LEVEL1.is_match(t)
            && !LEVEL2.is_match(t);
        // A title line of its own: centred, or (a spreadsheet keeps no indentation) one that
        // ends as a part's title does and does not continue a sentence.
        let c = compact(t);
        let titled = [
            "主要职能",
            "主要职责",
            "机构设置",
            "名词解释",
            "编制说明",
            "情况说明",
        ]
        .iter()
        .any(|w| c.ends_with(w))
            && !is_part_heading(&c);
        // After the document's own title (the first lines), a title line may follow at once.
        let after_title = out.len() <= 3 && out.iter().all(|(p, _)| p.text.chars().count() <= 40);
        // "九、…培训费支出预算" / "情况说明": the end of a wrapped heading, not a title.
        let ends_heading = last_heading && c.chars().count() <= 8;
        let centered =
            plain_title && (indent >= 8 || (titled && !ends_heading && (!open || after_title)));
        // A line that ends inside a clause (a comma, an open bracket) or one that opens with
        // what only continues a sentence (a comma, a closing bracket) never parts two.
        let mid_clause = previous.is_some_and(|prev| {
            prev.trimmed()
                .ends_with(['，', '、', '（', '《', '“', ',', '('])
        }) || t.starts_with([
            '，', '、', '。', '；', '：', '）', '》', '”', ',', ')', '%', '％',
        ]);
        let new_paragraph = !mid_clause && previous.is_some_and(&short) && first_line(line);
        let continues = open && !starts_block(line) && indent < 8 && !centered && !new_paragraph;
        // A sentence the layout ends without its full stop.
        if open && new_paragraph && !starts_block(line) && !centered {
            if let Some((p, _)) = out.last_mut() {
                p.unfinished = true;
            }
        }
        // A sentence that stops, without its stop, right before a heading ("…预算为464.64万元"
        // then "三、政府采购预算情况"). Only a sentence: clauses or an amount in it (a title, a
        // "项目周期：…" field, a list's entry are not).
        if open && !mid_clause && !centered && is_heading_line(t) {
            if let Some((p, _)) = out.last_mut() {
                let sentence = p.text.contains(['，', '；']) || AMOUNT.is_match(&p.text);
                if sentence && !ITEM.is_match(&p.text) {
                    p.unfinished = true;
                }
            }
        }
        previous = Some(line);
        match out.last_mut() {
            Some((p, _)) if continues => {
                p.pieces.push((p.text.len(), line.no));
                p.text.push_str(t);
                p.span.end_line = line.no;
            }
            _ => out.push((
                Paragraph {
                    text: t.to_string(),
                    span: Span::line(line.no, line.page),
                    pieces: vec![(0, line.no)],
                    unfinished: false,
                },
                centered,
            )),
        }
        open = !ends_sentence(t) && !is_heading_line(t) && !centered;
        last_heading = is_heading_line(t);
    }
    out
}

/// A contents line without its leader dots and page number.
fn toc_entry(t: &str) -> &str {
    t.trim_end_matches(|ch: char| ch.is_ascii_digit() || ch.is_whitespace())
        .trim_end_matches(['.', '…', '·', '-', ' '])
}

/// "第一部分 部门概况": a part of the document.
pub(crate) fn is_part_heading(c: &str) -> bool {
    c.strip_prefix('第')
        .map(|r| r.trim_start_matches(|ch: char| "一二三四五六七八九十".contains(ch)))
        .is_some_and(|r| r.starts_with("部分"))
}

/// A line that is a heading on its own ("三、财政拨款情况说明"): it never continues.
fn is_heading_line(t: &str) -> bool {
    let rest = LEVEL1
        .find(t)
        .or_else(|| LEVEL2.find(t))
        .map(|m| t[m.end()..].to_string());
    rest.is_some_and(|r| r.chars().count() <= 30 && !r.contains(['。', '，', '；']))
}

fn context_of(heading: &str) -> Context {
    let h = compact(heading);
    let has = |k: &str| h.contains(k);
    if has("三公") {
        Context::ThreePublic
    } else if has("运行经费") {
        Context::OperatingCost
    } else if has("政府采购") {
        Context::Procurement
    } else if has("绩效") {
        Context::Performance
    } else if has("国有资产") || has("资产占有") {
        Context::Assets
    } else if has("收入") && !has("支出") {
        Context::Income
    } else if has("支出") && !has("收入") {
        Context::Expenditure
    } else if has("财政拨款") {
        Context::Fiscal
    } else {
        Context::Other
    }
}

/// Split a heading line "（一）收入预算。2025年…" into heading and the paragraph that follows.
fn split_heading(rest: &str) -> Option<(String, String)> {
    match rest.find('。') {
        Some(i)
            if rest[..i].chars().count() <= 20
                && !rest[..i].contains('，')
                && !rest[..i].chars().any(|c| c.is_ascii_digit()) =>
        {
            Some((
                rest[..i].to_string(),
                rest[i + '。'.len_utf8()..].to_string(),
            ))
        }
        Some(_) => None,
        None if rest.chars().count() <= 30 => Some((rest.to_string(), String::new())),
        None => None,
    }
}

pub(crate) fn read(lines: &[Line], class_names: &[String]) -> Narrative {
    let mut n = Narrative::default();
    let paras = paragraphs(lines, &mut n.contents);
    let mut title_parts: Vec<(String, Span)> = Vec::new();
    let mut in_preamble = true;
    let names_budget = |t: &str| YEAR.is_match(t) && (t.contains("预算") || t.contains("决算"));
    let next_is_title: Vec<bool> = (0..paras.len())
        .map(|i| paras.get(i + 1).is_some_and(|(q, _)| names_budget(&q.text)))
        .collect();
    for (i, (mut p, centered)) in paras.into_iter().enumerate() {
        let t = p.text.clone();
        // A centred title line ("上海市普陀区人民政府办公室主要职能") opens a section; in the
        // preamble, one naming a year's 预算 is part of the document title, and so is a short
        // line between the unit's name and that one (a cover that wraps the name: "上海市普陀区
        // 规划和自然" / "资源局" / "2024年度部门决算").
        if centered {
            let is_title = names_budget(&t);
            let wrapped_name = in_preamble
                && !title_parts.is_empty()
                && next_is_title[i]
                && compact(&t).chars().count() <= 12
                && !t.contains(['：', ':', '。', '，']);
            if wrapped_name {
                title_parts.push((t, p.span));
                continue;
            }
            if !(in_preamble && is_title) {
                in_preamble = false;
                n.sections.push(Section {
                    number: None,
                    level: 0,
                    heading: compact(&t),
                    span: Span::line(p.span.line, p.span.page),
                    paragraphs: Vec::new(),
                });
                continue;
            }
        }
        // The heading's number, and the rest of the line after it.
        let numbered = |re: &Regex, level: u8| {
            re.captures(&t).and_then(|c| {
                let (all, n) = (c.get(0)?, c.get(1)?);
                Some((level, n.as_str().to_string(), t[all.end()..].to_string()))
            })
        };
        let heading = numbered(&LEVEL1, 1).or_else(|| numbered(&LEVEL2, 2));
        if let Some((level, number, rest)) = heading {
            if let Some((head, body)) = split_heading(&rest) {
                in_preamble = false;
                let mut section = Section {
                    number: Some(number),
                    level,
                    heading: head.trim().to_string(),
                    span: Span::line(p.span.line, p.span.page),
                    paragraphs: Vec::new(),
                };
                if !body.trim().is_empty() {
                    let cut = t.len() - body.len();
                    p.text = body.trim_start().to_string();
                    let shift = cut + (body.len() - body.trim_start().len());
                    p.pieces = p
                        .pieces
                        .iter()
                        .map(|(o, l)| (o.saturating_sub(shift), *l))
                        .collect();
                    section.paragraphs.push(p);
                }
                n.sections.push(section);
                continue;
            }
        }
        if in_preamble {
            title_parts.push((t, p.span));
            continue;
        }
        match n.sections.last_mut() {
            Some(s) => {
                s.span.end_line = p.span.end_line;
                s.paragraphs.push(p);
            }
            None => n.sections.push(Section {
                paragraphs: vec![p],
                ..Section::default()
            }),
        }
    }
    read_title(&mut n, &title_parts);
    let mut l1 = Context::Other;
    let mut sections = std::mem::take(&mut n.sections);
    for s in &mut sections {
        let c = context_of(&s.heading);
        let ctx = if s.level <= 1 {
            l1 = c;
            c
        } else if c == Context::Other {
            l1
        } else {
            c
        };
        if s.heading.contains("名词解释") {
            continue;
        }
        for p in &s.paragraphs {
            extract(&mut n, p, ctx, class_names);
        }
    }
    // A section owns every line up to the next heading (blank lines and all), but not the
    // tables printed between two parts of the narrative (a gap in the lines given here).
    let end = lines.last().map_or(0, |l| l.no);
    let block_end = |from: u32| -> u32 {
        let start = lines.iter().position(|l| l.no >= from).unwrap_or(0);
        lines[start..]
            .windows(2)
            .find(|w| w[1].no != w[0].no + 1)
            .map_or(end, |w| w[0].no)
    };
    let starts: Vec<u32> = sections.iter().map(|s| s.span.line).collect();
    for (k, s) in sections.iter_mut().enumerate() {
        let next = starts.get(k + 1).map_or(end, |n| n.saturating_sub(1));
        s.span.end_line = next.min(block_end(s.span.line)).max(s.span.line);
    }
    n.sections = sections;
    group_figures(&mut n.figures);
    n
}

fn read_title(n: &mut Narrative, parts: &[(String, Span)]) {
    if parts.is_empty() {
        return;
    }
    let text: String = parts
        .iter()
        .map(|(t, _)| t.as_str())
        .collect::<Vec<_>>()
        .join("");
    let span = parts[0].1.to(parts[parts.len() - 1].1);
    let c = compact(&text);
    n.kind = if c.contains("决算") {
        DocKind::FinalAccounts
    } else {
        DocKind::Budget
    };
    n.scope = if c.contains("单位预算") || c.contains("单位决算") {
        Scope::Unit
    } else {
        Scope::Department
    };
    for (part, span) in parts {
        let pc = compact(part);
        // "预算主管部门：上海市普陀区人民政府办公室" names the unit outright.
        for key in [
            "主管部门：",
            "预算单位：",
            "单位名称：",
            "部门名称：",
            "编制部门：",
        ] {
            if let Some((_, v)) = pc.split_once(key) {
                let v: String = v.chars().take_while(|c| !c.is_ascii_digit()).collect();
                if v.chars().count() >= 4 {
                    n.unit_name = Some(Spanned {
                        value: v,
                        span: *span,
                    });
                }
            }
        }
        if let Some(caps) = YEAR.captures(&pc) {
            let y: i32 = caps[1].parse().unwrap_or(0);
            n.year.get_or_insert(Spanned {
                value: y,
                span: *span,
            });
            n.mentions.push(Mention {
                what: MentionKind::Year,
                text: caps[1].to_string(),
                span: *span,
            });
            // "重庆市…办公室2025年部门预算情况说明": the name precedes the year.
            let before = &pc[..caps.get(0).map_or(0, |m| m.start())];
            if before.chars().count() >= 4 && n.unit_name.is_none() {
                n.unit_name = Some(Spanned {
                    value: before.to_string(),
                    span: *span,
                });
            }
        } else if n.unit_name.is_none() && (4..=40).contains(&pc.chars().count()) {
            n.unit_name = Some(Spanned {
                value: pc.clone(),
                span: *span,
            });
        }
    }
    // A cover that wraps the unit's name before its year line ("上海市普陀区规划和自然" /
    // "资源局" / "2024年度部门决算"): the lines before the year's are the one name.
    let lead: Vec<&(String, Span)> = parts
        .iter()
        .take_while(|(t, _)| !YEAR.is_match(&compact(t)))
        .collect();
    if (2..=3).contains(&lead.len()) && lead.len() < parts.len() {
        let joined: String = lead.iter().map(|(t, _)| compact(t)).collect();
        let plain = !joined.contains(['：', ':', '。', '，']);
        let first_is_name = n
            .unit_name
            .as_ref()
            .is_some_and(|u| u.value == compact(&lead[0].0));
        if plain && first_is_name && joined.chars().count() <= 40 {
            n.unit_name = Some(Spanned {
                value: joined,
                span: lead[0].1.to(lead[lead.len() - 1].1),
            });
        }
    }
    if let Some(u) = &n.unit_name {
        n.mentions.push(Mention {
            what: MentionKind::UnitName,
            text: u.value.clone(),
            span: u.span,
        });
    }
    n.title = Some(Spanned { value: c, span });
}

/// Clauses of a paragraph with their byte offsets: split at Chinese punctuation, and at ASCII
/// commas that are not thousands separators.
fn clauses(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let split = match c {
            '，' | '。' | '；' | '：' | ';' | ':' | '、' | '！' | '？' => true,
            ',' => {
                let prev = k.checked_sub(1).map(|j| chars[j].1);
                let next = chars.get(k + 1).map(|x| x.1);
                !(prev.is_some_and(|p| p.is_ascii_digit())
                    && next.is_some_and(|n| n.is_ascii_digit()))
            }
            _ => false,
        };
        if split {
            if i > start {
                out.push((start, &text[start..i]));
            }
            start = i + c.len_utf8();
        }
    }
    if start < text.len() {
        out.push((start, &text[start..]));
    }
    out
}

/// A clause that states a figure and then its breakdown in brackets ("车辆7辆（一般公务用车3辆")
/// is two clauses: the figure, and the bracket's first part.
fn breakdowns(off: usize, clause: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for m in AMOUNT.find_iter(clause) {
        let rest = &clause[m.end()..];
        if let Some(inner) = rest.strip_prefix(['（', '(']) {
            out.push((off + start, &clause[start..m.end()]));
            start = clause.len() - inner.len();
        }
    }
    out.push((off + start, &clause[start..]));
    out
}

fn clean_label(label: &str) -> String {
    let mut s = compact(label);
    // "《财政拨款支出预算表（功能科目）》": a table's name, not the figure's subject.
    while let (Some(a), Some(b)) = (s.find('《'), s.find('》')) {
        if b < a {
            break;
        }
        s.replace_range(a..b + '》'.len_utf8(), "");
    }
    // Leading years ("2025年") and connective words carry no subject.
    loop {
        let before = s.clone();
        if let Some(m) = YEAR.find(&s) {
            if m.start() == 0 {
                s = s[m.end()..].to_string();
            }
        }
        for w in [
            "其中",
            "主要是",
            "主要为",
            "我单位",
            "本单位",
            "我部门",
            "本部门",
            "全年",
            "预计",
            "安排",
        ] {
            if let Some(r) = s.strip_prefix(w) {
                s = r.to_string();
            }
        }
        if s == before {
            break;
        }
    }
    // "1.“一般公共服务支出-…”科目": the item number carries no subject.
    let digits = s.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 {
        let rest: String = s.chars().skip(digits).collect();
        if let Some(r) = rest.strip_prefix(['.', '．', '、']) {
            s = r.to_string();
        }
    }
    for w in ["共计", "合计", "为", "是", "共"] {
        if let Some(r) = s.strip_suffix(w) {
            s = r.to_string();
        }
    }
    s
}

/// "一般公共服务支出-政府办公厅（室）及相关机构事务-行政运行" or "…（类）…（款）…（项）".
fn function_path(label: &str) -> Option<Vec<String>> {
    let l = label
        .trim_matches(['“', '”', '"', '「', '」'])
        .trim_end_matches("科目")
        .trim_matches(['“', '”', '"']);
    let parts: Vec<String> = if l.contains("（类）") {
        l.split(['（', '）'])
            .collect::<Vec<_>>()
            .chunks(2)
            .filter(|c| c.len() == 2 && ["类", "款", "项"].contains(&c[1]))
            .map(|c| c[0].to_string())
            .collect()
    } else {
        l.split(['-', '－', '—']).map(str::to_string).collect()
    };
    (parts.len() >= 2 && parts.iter().all(|p| !p.is_empty())).then_some(parts)
}

/// What a label names. `all` says the paragraph claims every project (项目支出均实行…).
fn resolve(label: &str, ctx: Context, count: bool, all: bool, class_names: &[String]) -> Subject {
    let has = |k: &str| label.contains(k);
    if count {
        return if has("一般公务用车") {
            Subject::VehiclesGeneral
        } else if has("执勤执法") || has("执法执勤") {
            Subject::VehiclesEnforcement
        } else if has("特种专业") {
            Subject::VehiclesSpecial
        } else if has("其他用车") {
            Subject::VehiclesOther
        } else if has("用车") {
            Subject::VehiclesKind(label.to_string())
        } else if has("车辆") {
            Subject::Vehicles
        } else {
            Subject::Unknown(label.to_string())
        };
    }
    if has("科目") {
        if let Some(path) = function_path(label) {
            return Subject::FunctionPath(path);
        }
    }
    if has("三公") {
        return Subject::ThreePublicTotal;
    }
    if has("因公出国") {
        return Subject::Abroad;
    }
    if has("公务用车购置及运行") {
        return Subject::CarSubtotal;
    }
    if has("公务用车购置") {
        return Subject::CarPurchase;
    }
    if has("公务用车运行") {
        return Subject::CarOperation;
    }
    if has("公务接待") {
        return Subject::Reception;
    }
    // In the 三公 account a car's costs misnamed ("公务车购置及运行费", "公务车用车运行费") are
    // still the car's: named by 车 and what is paid for.
    if ctx == Context::ThreePublic && has("车") && !has("运行经费") {
        match (has("购置"), has("运行")) {
            (true, true) => return Subject::CarSubtotal,
            (true, false) => return Subject::CarPurchase,
            (false, true) => return Subject::CarOperation,
            _ => {}
        }
    }
    if has("运行经费") {
        return Subject::OperatingCost;
    }
    if has("政府采购") {
        // The part reserved for small and medium enterprises (面向中小企业预留, 小微企业) is
        // a share of the 采购 total that no table prints.
        if has("预留") || has("中小企业") || has("小微企业") || has("小型和微型") {
            return Subject::ProcurementReserved;
        }
        return if has("货物") {
            Subject::ProcurementGoods
        } else if has("工程") {
            Subject::ProcurementWorks
        } else if has("服务") {
            Subject::ProcurementServices
        } else {
            Subject::ProcurementTotal
        };
    }
    // 会议费 and 培训费 as budgeted ("…安排的会议费预算支出"): the label ends with them. Any
    // other mention ("从会议费预算中调减") is not the amount budgeted.
    let budgeted = |k: &str| {
        [
            "",
            "预算",
            "支出",
            "预算支出",
            "预算数",
            "预算数为",
            "支出预算",
        ]
        .iter()
        .any(|tail| label.ends_with(&format!("{k}{tail}")))
    };
    if budgeted("会议费") {
        return Subject::Meeting;
    }
    if budgeted("培训费") {
        return Subject::Training;
    }
    if has("会议费") || has("培训费") {
        return Subject::Unknown(label.to_string());
    }
    if ctx == Context::Performance && (has("财政拨款") || has("资金") || has("项目支出"))
    {
        return if all {
            Subject::PerformanceFunds
        } else {
            Subject::PerformanceFundsPartial
        };
    }
    if has("一般公共预算财政拨款收入") {
        return Subject::GeneralBudgetIncome;
    }
    // "…财政拨款基本支出预算" is 基本支出 whatever its fund.
    let bare = label.trim_end_matches("预算数").trim_end_matches("预算");
    if bare.ends_with("基本支出") {
        return Subject::Basic;
    }
    if bare.ends_with("项目支出") {
        return Subject::Project;
    }
    let spending = has("支出");
    if has("一般公共预算") && spending {
        return Subject::GeneralBudgetExpenditure;
    }
    if has("政府性基金") && spending {
        return Subject::GovFundExpenditure;
    }
    if has("国有资本经营") && spending {
        return Subject::StateCapitalExpenditure;
    }
    if has("财政拨款") && spending && !label.ends_with("基本支出") && !label.ends_with("项目支出")
    {
        return Subject::FiscalExpenditure;
    }
    if has("财政拨款") && has("收入") {
        return Subject::FiscalIncome;
    }

    // "一般公共服务（类）支出" and "一般公共服务支出（类）" both name the 类 一般公共服务支出.
    let plain = label.replace("（类）", "");
    if let Some(name) = class_names.iter().find(|n| plain == n.as_str()) {
        return Subject::FunctionClass(name.clone());
    }
    if has("收入") || has("资金") {
        if let Some(role) = ColumnRole::from_source_label(label) {
            return Subject::SourceIncome(role);
        }
    }
    let ends = |ws: &[&str]| ws.iter().any(|w| label.ends_with(w));
    if ends(&[
        "收入预算",
        "收入预算数",
        "收入总计",
        "收入预算总计",
        "收入预算合计",
    ]) {
        return Subject::TotalIncome;
    }
    if ends(&[
        "支出预算",
        "支出预算数",
        "支出总计",
        "支出预算总计",
        "支出预算合计",
    ]) {
        return Subject::TotalExpenditure;
    }
    match ctx {
        Context::Income => {
            if let Some(role) = ColumnRole::from_source_label(label) {
                return Subject::SourceIncome(role);
            }
            if has("预算数") || has("收入") || has("总额") {
                return Subject::TotalIncome;
            }
        }
        Context::Expenditure
            if has("预算数") || label == "支出" || has("支出预算") || has("总额") =>
        {
            return Subject::TotalExpenditure;
        }
        _ => {}
    }
    Subject::Unknown(label.to_string())
}

fn parse_amount(text: &str, unit: &str) -> (Option<Amount>, Option<i64>) {
    match unit {
        "辆" => (None, compact(text).parse().ok()),
        u => {
            let mu = if u == "万元" {
                MoneyUnit::WanYuan
            } else {
                MoneyUnit::Yuan
            };
            (Amount::parse(text, mu).ok(), None)
        }
    }
}

fn extract(n: &mut Narrative, p: &Paragraph, ctx: Context, class_names: &[String]) {
    let first_in_paragraph = n.figures.len();
    let all =
        p.text.contains("均实行") || p.text.contains("全部实行") || p.text.contains("均已实行");
    // The words of the clause before, when it stated no figure: "住房公积金(项)：支出 N 万元"
    // names its subject before the colon.
    let mut before: Option<String> = None;
    for (off, clause) in clauses(&p.text)
        .into_iter()
        .flat_map(|(o, c)| breakdowns(o, c))
    {
        let c = compact(clause);
        let amount = AMOUNT.captures(clause);
        let qualifier = before.take();
        if amount.is_none() {
            before = Some(c.clone());
        }
        let Some(caps) = amount else {
            // "公务用车购置费为零": a zero written in words is a figure too.
            if let Some(at) = c.find("为零") {
                let unit = if c[at..].starts_with("为零元") {
                    MoneyUnit::Yuan
                } else {
                    MoneyUnit::WanYuan
                };
                let label = clean_label(&c[..at]);
                if !label.is_empty() {
                    let subject = resolve(&label, ctx, false, all, class_names);
                    n.figures.push(Figure {
                        subject,
                        context: ctx,
                        amount: Some(Amount {
                            fen: 0,
                            unit,
                            decimals: 2,
                        }),
                        count: None,
                        change: None,
                        group: None,
                        span: Span::line(p.line_at(off), p.span.page),
                        text: clause.trim().to_string(),
                    });
                }
                continue;
            }
            if c.contains("持平") || c.contains("保持不变") || c.contains("与上年一致") {
                let line = p.line_at(off);
                if let Some(f) = n.figures[first_in_paragraph..].last_mut() {
                    if f.change.is_none() && f.amount.is_some() {
                        f.change = Some(Change {
                            direction: yusuan_core::Direction::Flat,
                            amount: None,
                            against_year: None,
                            span: Span::line(line, p.span.page),
                            text: clause.trim().to_string(),
                        });
                    }
                }
            }
            continue;
        };
        let (Some(whole), Some(num), Some(unit)) = (caps.get(0), caps.get(1), caps.get(2)) else {
            continue;
        };
        let line = p.line_at(off + whole.start());
        let span = Span::line(line, p.span.page);
        let (money, count) = parse_amount(num.as_str(), unit.as_str());
        if money.is_none() && count.is_none() {
            continue;
        }
        let label = &clause[..whole.start()];
        let mut label_c = compact(label);
        // "增加基本支出 844.15 万元": the change of what follows the word.
        for word in ["增加", "减少"] {
            if let Some(rest) = label_c
                .strip_prefix(word)
                .filter(|r| r.chars().count() >= 2)
            {
                label_c = format!("{rest}{word}");
                break;
            }
        }
        if let Some(ch) = CHANGE.captures(&label_c) {
            let direction = match ch.get(5).map_or("", |m| m.as_str()) {
                "减少" | "下降" | "降低" | "减" => yusuan_core::Direction::Decrease,
                _ => yusuan_core::Direction::Increase,
            };
            let against_year = ch.get(3).and_then(|m| m.as_str().parse().ok()).or_else(|| {
                ch.get(2)
                    .filter(|m| m.as_str().starts_with('上'))
                    .and(n.year.as_ref().map(|y| y.value - 1))
            });
            let change = Change {
                direction,
                amount: money,
                against_year,
                span,
                text: clause.trim().to_string(),
            };
            let subject_text = clean_label(&label_c[..ch.get(0).map_or(0, |m| m.start())]);
            let recent = &mut n.figures[first_in_paragraph..];
            if subject_text.is_empty() {
                if let Some(f) = recent.last_mut().filter(|f| f.change.is_none()) {
                    f.change = Some(change);
                }
                continue;
            }
            let subject = resolve(&subject_text, ctx, count.is_some(), all, class_names);
            if let Some(f) = recent
                .iter_mut()
                .rev()
                .find(|f| f.subject == subject && f.change.is_none())
            {
                f.change = Some(change);
            } else {
                n.figures.push(Figure {
                    subject,
                    context: ctx,
                    amount: None,
                    count: None,
                    change: Some(change),
                    group: None,
                    span,
                    text: clause.trim().to_string(),
                });
            }
            continue;
        }
        let mut label_c = clean_label(&label_c);
        // "住房公积金(项)：支出 N 万元": a bare word takes the words before the colon; so does a
        // general amount ("检察（款）：2018年预算支出合计 N 万元") after an item named by its
        // level.
        let bare = matches!(
            label_c.as_str(),
            "支出" | "收入" | "预算" | "预算数" | "安排" | "合计"
        );
        let general = !label_c.contains(['（', '('])
            && matches!(
                label_c.trim_end_matches("合计"),
                "预算支出" | "支出预算" | "支出" | "预算"
            );
        let level_named = |q: &str| {
            ["（类）", "（款）", "（项）", "(类)", "(款)", "(项)"]
                .iter()
                .any(|m| q.ends_with(m))
        };
        if bare || general {
            if let Some(q) =
                qualifier.filter(|q| q.chars().count() <= 30 && (bare || level_named(q)))
            {
                label_c = format!("{}{label_c}", clean_label(&q));
            }
        }
        let subject = resolve(&label_c, ctx, count.is_some(), all, class_names);
        n.figures.push(Figure {
            subject,
            context: ctx,
            amount: money,
            count,
            change: None,
            group: None,
            span,
            text: clause.trim().to_string(),
        });
    }
    mentions_in(n, p);
    counts_in(n, p);
    unit_mention(n, p);
}

/// "重庆市大渡口区人民政府办公室是区政府工作部门": a paragraph that opens with the unit's name.
fn unit_mention(n: &mut Narrative, p: &Paragraph) {
    let Some(pos) = p.text.find('是') else {
        return;
    };
    let name = compact(&p.text[..pos]);
    let len = name.chars().count();
    let suffixes = [
        "办公室",
        "局",
        "委员会",
        "厅",
        "院",
        "中心",
        "办事处",
        "政府",
        "委",
        "会",
    ];
    if (6..=40).contains(&len)
        && !name.contains(['，', '。', '、', '（', '：'])
        && suffixes.iter().any(|s| name.ends_with(s))
    {
        n.mentions.push(Mention {
            what: MentionKind::UnitName,
            text: name,
            span: Span::line(p.span.line, p.span.page),
        });
    }
}

/// Years whose role the words around them make plain.
fn mentions_in(n: &mut Narrative, p: &Paragraph) {
    for caps in YEAR.captures_iter(&p.text) {
        let (Some(m), Some(y)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        // The words right around the year decide its role: a few characters each side.
        let head = &p.text[..m.start()];
        let head = &head[head.char_indices().rev().nth(8).map_or(0, |(i, _)| i)..];
        let tail = &p.text[m.end()..];
        let tail = &tail[..tail.char_indices().nth(16).map_or(tail.len(), |(i, _)| i)];
        let before = compact(head);
        let after = compact(tail);
        let what = if before.ends_with('比')
            || before.ends_with('较')
            || before.ends_with('与')
            || before.ends_with("截至")
            || before.ends_with("截止")
        {
            MentionKind::PriorYear
        } else if [
            "年初预算",
            "一般公共预算财政拨款",
            "“三公”",
            "\"三公\"",
            "三公",
            "项目支出",
            "无使用",
            "部门预算",
            "单位预算",
            "一般公共预算安排",
        ]
        .iter()
        .any(|k| after.starts_with(k))
        {
            MentionKind::Year
        } else {
            continue;
        };
        n.mentions.push(Mention {
            what,
            text: y.as_str().to_string(),
            span: Span::line(p.line_at(m.start()), p.span.page),
        });
    }
}

/// "内设甲科、乙科 2 个科室" and "有 3 个事业单位，即甲、乙、丙".
fn counts_in(n: &mut Narrative, p: &Paragraph) {
    let text = &p.text;
    for caps in COUNT.captures_iter(text) {
        let (Some(m), Some(num), Some(noun)) = (caps.get(0), caps.get(1), caps.get(2)) else {
            continue;
        };
        let Ok(stated) = num.as_str().parse::<i64>() else {
            continue;
        };
        let sentence_start = text[..m.start()]
            .rfind(['。', '；', '，'])
            .map_or(0, |i| i + 3);
        let before = &text[sentence_start..m.start()];
        let markers = [
            "内设",
            "下设",
            "设有",
            "包括",
            "包含",
            "分别为",
            "分别是",
            "即",
        ];
        let mut listed: Vec<String> = Vec::new();
        let lead = compact(before);
        // "下设办公厅、研究室和 3 个专门委员会": the count is one more item of the list (it
        // counts 专门委员会, which are not listed), not the list's total.
        if ["和", "及", "与", "、"].iter().any(|k| lead.ends_with(k)) {
            continue;
        }
        // "信息中心、培训中心等 4 个": the list names only some.
        let partial = lead.ends_with('等');
        if let Some(pos) = markers
            .iter()
            .filter_map(|k| before.rfind(k).map(|i| i + k.len()))
            .max()
        {
            listed = split_list(
                before[pos..]
                    .trim_start_matches('了')
                    .trim_end()
                    .trim_end_matches('等'),
            );
        }
        if listed.len() < 2 {
            let after = &text[m.end()..];
            let end = after.find('。').unwrap_or(after.len());
            let tail = compact(&after[..end]);
            for k in ["，即", "即", "，包括", "包括", "：", "，分别为", "，分别是"]
            {
                if let Some(rest) = tail.strip_prefix(k) {
                    listed = split_list(rest);
                    break;
                }
            }
        }
        if listed.len() >= 2 {
            n.counts.push(CountClaim {
                noun: noun.as_str().chars().take(20).collect(),
                stated,
                listed,
                partial,
                span: Span::line(p.line_at(m.start()), p.span.page),
            });
        }
    }
}

fn split_list(s: &str) -> Vec<String> {
    s.split('、')
        .map(|x| compact(x).trim_matches(['：', ':', '，']).to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// Parts stated after a total (其中 …) belong to its group: 三公, 政府采购 and vehicles.
fn group_figures(figures: &mut [Figure]) {
    let mut leader: Option<(usize, u8)> = None;
    for i in 0..figures.len() {
        let family = |s: &Subject| -> Option<(u8, bool)> {
            use Subject::*;
            Some(match s {
                ThreePublicTotal => (1, true),
                Abroad | CarSubtotal | CarPurchase | CarOperation | Reception => (1, false),
                ProcurementTotal => (2, true),
                ProcurementGoods | ProcurementWorks | ProcurementServices => (2, false),
                Vehicles => (3, true),
                VehiclesGeneral | VehiclesEnforcement | VehiclesSpecial | VehiclesOther
                | VehiclesKind(_) => (3, false),
                _ => return None,
            })
        };
        match family(&figures[i].subject) {
            Some((fam, true)) => leader = Some((i, fam)),
            Some((fam, false)) => {
                if let Some((l, lf)) = leader {
                    if lf == fam && figures[l].span.line <= figures[i].span.line {
                        figures[i].group = u32::try_from(l).ok();
                    }
                }
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_in_words_is_a_figure() {
        let lines = crate::lines::split_lines(
            "一、“三公”经费预算情况说明\n2025年公务用车购置费为零，公务接待费1.20万元。\n",
        );
        let n = read(&lines, &[]);
        let zero = n
            .figures
            .iter()
            .find(|f| f.subject == Subject::CarPurchase)
            .and_then(|f| f.amount);
        assert_eq!(zero.map(|a| a.fen), Some(0));
        assert!(n.figures.iter().any(|f| f.subject == Subject::Reception));
    }

    #[test]
    fn clauses_keep_thousands_separators() {
        let c: Vec<&str> = clauses("合计2,686.02万元，其中：甲1万元")
            .into_iter()
            .map(|x| x.1)
            .collect();
        assert_eq!(c, ["合计2,686.02万元", "其中", "甲1万元"]);
    }

    #[test]
    fn labels_lose_years_and_connectives() {
        assert_eq!(clean_label("2025 年“三公”经费预算"), "“三公”经费预算");
        assert_eq!(
            clean_label("其中一般公共预算拨款政府采购"),
            "一般公共预算拨款政府采购"
        );
        assert_eq!(clean_label("本单位共有车辆"), "共有车辆");
    }
}

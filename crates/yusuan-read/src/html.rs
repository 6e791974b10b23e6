//! HTML pages: any budget disclosure published as a web page, ours or a finance bureau's.
//!
//! The page is tokenized as a browser does (html5ever's WHATWG tokenizer: entities decoded,
//! broken markup recovered, the raw text of `<script>` and `<style>` taken out) and streamed into
//! the text the text reader knows, without building a DOM: block elements (p, div, h1..h6, li
//! ...) become lines separated by a blank line, `<br>` ends a line, a centred block (`<h1>`,
//! `<center>`, `align="center"`, `text-align: center`) is indented as a centred title is in
//! text, and each `<table>` row becomes one line of tab-separated cells. A cell spanning
//! columns or rows keeps its text in its first column and leaves the columns it covers blank,
//! as a PDF's grid and a workbook's merged cells do, so header cells stay over their columns.
//! A table holding another table is a layout table (a page framed by a table): its cells are
//! read as blocks and the inner tables as tables.

use crate::ReadError;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer,
};
use std::cell::RefCell;

/// The most columns a table may span (HTML clamps `colspan` to 1,000).
pub const MAX_COLS: usize = 1_000;
/// The most cells all tables of a page may hold, spans counted (as a workbook's limit).
pub const MAX_CELLS: usize = 1_000_000;

/// Whether `text` (named `source`) is an HTML page: by its name (.html, .htm) or by its start
/// (`<!DOCTYPE html`, `<html`).
pub fn looks_like_html(source: &str, text: &str) -> bool {
    let name = source.to_ascii_lowercase();
    if name.ends_with(".html") || name.ends_with(".htm") {
        return true;
    }
    let head: String = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html")
}

/// The page as text in the layout the text reader reads.
pub fn html_to_text(source: &str, html: &str) -> Result<String, ReadError> {
    let sink = Sink(RefCell::new(State::default()));
    let tokenizer = Tokenizer::new(sink, Default::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    // The sink never asks to stop for a script, so one feed reads the whole input.
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    let state = tokenizer.sink.0.into_inner();
    if let Some(why) = state.error {
        return Err(ReadError::Html {
            path: source.to_string(),
            why,
        });
    }
    if state.out.trim().is_empty() {
        return Err(ReadError::Empty(source.to_string()));
    }
    Ok(state.out)
}

struct Sink(RefCell<State>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut s = self.0.borrow_mut();
        if s.error.is_some() {
            return TokenSinkResult::Continue;
        }
        match token {
            Token::TagToken(tag) => return s.tag(&tag),
            Token::CharacterTokens(t) => s.text(&t),
            Token::EOFToken => s.finish(),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// One `<table>` being read.
#[derive(Default)]
struct Grid {
    rows: Vec<Vec<String>>,
    /// Per column: how many more rows (this one included) a cell above covers.
    covered: Vec<usize>,
    row_open: bool,
    /// The open cell's column in the current row, and its text so far.
    cell: Option<usize>,
    text: String,
    /// A table holding a table: its cells are blocks, not cells.
    layout: bool,
}

#[derive(Default)]
struct State {
    out: String,
    /// The current line's text (outside table cells).
    line: String,
    /// Open elements that centre their content.
    centring: Vec<String>,
    /// The line being written is centred.
    centred: bool,
    /// Inside an element whose text is not shown (script, style, title ...).
    skip: Option<String>,
    tables: Vec<Grid>,
    cells: usize,
    error: Option<String>,
}

const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "ul",
];

/// Elements whose text a reader does not see.
const HIDDEN: &[&str] = &[
    "script", "style", "title", "template", "noscript", "textarea",
];

fn attr<'a>(tag: &'a Tag, name: &str) -> Option<&'a str> {
    tag.attrs
        .iter()
        .find(|a| str::eq_ignore_ascii_case(&a.name.local, name))
        .map(|a| &*a.value)
}

/// Whether a start tag centres its content.
fn centres(tag: &Tag) -> bool {
    let name: &str = &tag.name;
    name == "h1"
        || name == "center"
        || attr(tag, "align").is_some_and(|a| a.trim().eq_ignore_ascii_case("center"))
        || attr(tag, "style").is_some_and(|s| {
            s.to_ascii_lowercase()
                .replace(' ', "")
                .contains("text-align:center")
        })
}

/// A span attribute's value, clamped to 1..=`max` (a missing, zero or unreadable one is 1).
fn span(tag: &Tag, name: &str, max: usize) -> usize {
    attr(tag, name)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, max)
}

/// Append text, white space collapsed to one space (a line's ends are trimmed when it is
/// written).
fn push_collapsed(to: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_whitespace() {
            if !to.is_empty() && !to.ends_with(' ') {
                to.push(' ');
            }
        } else {
            to.push(c);
        }
    }
}

impl State {
    fn tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        if let Some(skipped) = &self.skip {
            if tag.kind == TagKind::EndTag && skipped == name {
                self.skip = None;
            }
            return TokenSinkResult::Continue;
        }
        match tag.kind {
            TagKind::StartTag => self.start(tag),
            TagKind::EndTag => {
                self.end(name);
                TokenSinkResult::Continue
            }
        }
    }

    fn start(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        if HIDDEN.contains(&name) {
            self.skip = Some(name.to_string());
            return match name {
                "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                "style" | "noscript" => TokenSinkResult::RawData(RawKind::Rawtext),
                "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
                _ => TokenSinkResult::Continue,
            };
        }
        match name {
            "br" => self.line_break(),
            "table" => self.open_table(),
            "tr" => {
                if let Some(g) = self.grid() {
                    g.end_cell();
                    g.end_row();
                    g.row_open = true;
                    g.rows.push(Vec::new());
                } else {
                    self.block();
                }
            }
            "td" | "th" => {
                let cols = span(tag, "colspan", MAX_COLS);
                let rows = span(tag, "rowspan", 65_534);
                if let Some(g) = self.grid() {
                    g.end_cell();
                    let placed = g.open_cell(cols, rows);
                    match placed {
                        Ok(n) => self.count(n),
                        Err(why) => self.error = Some(why),
                    }
                } else {
                    self.block();
                }
            }
            _ if BLOCKS.contains(&name) => {
                self.block();
                if centres(tag) && !tag.self_closing {
                    self.centring.push(name.to_string());
                    self.centred = true;
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }

    fn end(&mut self, name: &str) {
        match name {
            "br" => self.line_break(),
            "table" => self.close_table(),
            "tr" => {
                if let Some(g) = self.grid() {
                    g.end_cell();
                    g.end_row();
                } else {
                    self.block();
                }
            }
            "td" | "th" => {
                if let Some(g) = self.grid() {
                    g.end_cell();
                } else {
                    self.block();
                }
            }
            _ if BLOCKS.contains(&name) => {
                self.block();
                if let Some(i) = self.centring.iter().rposition(|n| n == name) {
                    self.centring.truncate(i);
                    self.centred = !self.centring.is_empty();
                }
            }
            _ => {}
        }
    }

    /// The innermost table, when it is read as a grid.
    fn grid(&mut self) -> Option<&mut Grid> {
        self.tables.last_mut().filter(|g| !g.layout)
    }

    fn count(&mut self, n: usize) {
        self.cells = self.cells.saturating_add(n);
        if self.cells > MAX_CELLS {
            self.error = Some(format!("表格单元格超过 {MAX_CELLS} 个，不像一份预算公开表"));
        }
    }

    fn text(&mut self, text: &str) {
        if self.skip.is_some() {
            return;
        }
        match self.tables.last_mut() {
            Some(g) if !g.layout && g.cell.is_some() => push_collapsed(&mut g.text, text),
            _ => push_collapsed(&mut self.line, text),
        }
    }

    /// `<br>`: inside a cell a space, elsewhere the end of a line.
    fn line_break(&mut self) {
        match self.tables.last_mut() {
            Some(g) if !g.layout && g.cell.is_some() => push_collapsed(&mut g.text, " "),
            _ => self.flush(false),
        }
    }

    /// A block starts or ends: inside a cell a space, elsewhere the end of a paragraph.
    fn block(&mut self) {
        match self.tables.last_mut() {
            Some(g) if !g.layout && g.cell.is_some() => push_collapsed(&mut g.text, " "),
            _ => self.flush(true),
        }
    }

    /// Write the current line, if it has text; `paragraph`: a blank line after it.
    fn flush(&mut self, paragraph: bool) {
        let line = std::mem::take(&mut self.line);
        let t = line.trim();
        if t.is_empty() {
            return;
        }
        crate::lines::write_line(&mut self.out, t, self.centred);
        if paragraph {
            self.out.push('\n');
        }
    }

    /// Make sure what follows starts a paragraph of its own.
    fn blank_line(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    fn open_table(&mut self) {
        // A table inside a table's cell: the outer one frames the page.
        if let Some(outer) = self.tables.last_mut().filter(|g| !g.layout) {
            outer.end_cell();
            outer.end_row();
            outer.layout = true;
            let rows = std::mem::take(&mut outer.rows);
            self.flush(true);
            self.write_rows(rows);
        } else {
            self.flush(true);
        }
        self.tables.push(Grid::default());
    }

    fn close_table(&mut self) {
        let Some(mut g) = self.tables.pop() else {
            return;
        };
        if g.layout {
            self.flush(true);
        } else {
            g.end_cell();
            g.end_row();
            // A caption or stray text before the rows.
            self.flush(true);
            self.write_rows(g.rows);
        }
    }

    /// A table's rows as tab-separated lines, then a blank line.
    fn write_rows(&mut self, rows: Vec<Vec<String>>) {
        if crate::lines::write_tabbed(&mut self.out, rows) {
            self.blank_line();
        }
    }

    fn finish(&mut self) {
        while !self.tables.is_empty() {
            self.close_table();
        }
        self.flush(true);
    }
}

impl Grid {
    /// Open a cell of `cols` x `rows` at the first column of the row no cell above covers;
    /// returns the number of grid positions it took.
    fn open_cell(&mut self, cols: usize, rows: usize) -> Result<usize, String> {
        if !self.row_open {
            self.row_open = true;
            self.rows.push(Vec::new());
        }
        let Some(row) = self.rows.last_mut() else {
            return Ok(0);
        };
        let mut col = row.len();
        let mut taken = 0;
        while self.covered.get(col).is_some_and(|&n| n > 0) {
            row.push(String::new());
            col += 1;
            taken += 1;
        }
        let end = col + cols;
        if end > MAX_COLS {
            return Err(format!("表格超过 {MAX_COLS} 列，不像一份预算公开表"));
        }
        row.resize(end, String::new());
        if self.covered.len() < end {
            self.covered.resize(end, 0);
        }
        for c in &mut self.covered[col..end] {
            *c = (*c).max(rows);
        }
        self.cell = Some(col);
        self.text.clear();
        Ok(taken + cols)
    }

    fn end_cell(&mut self) {
        if let Some(col) = self.cell.take() {
            let text = std::mem::take(&mut self.text);
            if let Some(slot) = self.rows.last_mut().and_then(|r| r.get_mut(col)) {
                // A cell's text is one line: tabs and line ends would split the row.
                *slot = text.trim().to_string();
            }
        }
    }

    fn end_row(&mut self) {
        if !self.row_open {
            return;
        }
        self.row_open = false;
        // Columns covered from above past the row's last cell stay blank in it.
        if let (Some(row), Some(last)) = (
            self.rows.last_mut(),
            self.covered.iter().rposition(|&n| n > 0),
        ) {
            if row.len() <= last {
                row.resize(last + 1, String::new());
            }
        }
        for c in &mut self.covered {
            *c = c.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lines::CENTRED;

    fn text(html: &str) -> String {
        html_to_text("t.html", html).expect("reads")
    }

    #[test]
    fn blocks_become_lines_and_hidden_text_is_dropped() {
        let t = text(
            "<!DOCTYPE html><html><head><title>标题</title><style>p{color:red}</style>\
             <script>if (a < b) { document.write('<p>x</p>'); }</script></head>\
             <body><h1>某单位2025年部门预算</h1><h2>一、部门基本情况</h2>\
             <p>收入预算 2,686.01&nbsp;万元，比上年&lt;增加&gt;&amp;持平。</p>\
             <div>第一行<br>第二行</div></body></html>",
        );
        assert_eq!(
            t,
            format!(
                "{CENTRED}某单位2025年部门预算\n\n一、部门基本情况\n\n\
                 收入预算 2,686.01 万元，比上年<增加>&持平。\n\n第一行\n第二行\n\n"
            )
        );
    }

    #[test]
    fn spans_keep_header_cells_over_their_columns() {
        let t = text(
            "<table><thead><tr><th colspan=\"2\">功能分类科目</th><th rowspan=\"2\">合计</th></tr>\
             <tr><th>科目编码</th><th>科目名称</th></tr></thead>\
             <tbody><tr><td>201</td><td>一般公共\n   服务支出</td><td class=num>2,686.01</td></tr>\
             <tr><td colspan=\"3\">注：无</td></tr></tbody></table>",
        );
        assert_eq!(
            t,
            "功能分类科目\t\t合计\n科目编码\t科目名称\t\n201\t一般公共 服务支出\t2,686.01\n注：无\t\t\n\n"
        );
    }

    #[test]
    fn a_table_framing_the_page_is_read_as_blocks() {
        let t = text(
            "<table><tr><td><p>说明</p><table><tr><td>a</td><td>1.00</td></tr></table>\
             <p>完</p></td></tr></table>",
        );
        assert_eq!(t, "说明\n\na\t1.00\n\n完\n\n");
    }

    #[test]
    fn broken_and_hostile_markup_reads_without_panic() {
        for html in [
            "<p ",
            "<table><td rowspan=0 colspan=-5>x<tr><th colspan=99999>y",
            "</table></td></tr><td>z",
            "<<<>>>&#xFFFFFFFF;&#0;&bogus;<!-- never closed",
            "<script>never closed",
            "<table><table><table><tr><td>deep",
        ] {
            let _ = html_to_text("t.html", html);
        }
        let wide = format!(
            "<table><tr>{}</tr></table>",
            "<td colspan=1000>x</td>".repeat(2)
        );
        let err = html_to_text("t.html", &wide).unwrap_err().to_string();
        assert!(err.contains("列"), "{err}");
        assert!(matches!(
            html_to_text("t.html", "<html><script>x</script></html>"),
            Err(ReadError::Empty(_))
        ));
    }

    #[test]
    fn pages_are_known_by_name_or_start() {
        assert!(looks_like_html("a.HTM", "whatever"));
        assert!(looks_like_html("-", "\u{feff}  <!doctype HTML><p>x"));
        assert!(looks_like_html("x", "<html lang=zh>"));
        assert!(!looks_like_html("a.txt", "表一 <html>"));
    }
}

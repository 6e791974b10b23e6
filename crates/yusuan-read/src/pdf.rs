//! The PDF reader: characters with their positions (pdf_oxide), grouped into lines and cells by
//! geometry, then laid out as text whose columns are proportional to the page's x positions, with
//! a form feed between pages. The text reader then reads that text like `pdftotext -layout`
//! output, but from exact positions: right-aligned figures of one column end at one column.
//!
//! Pages whose text runs sideways (a landscape table on a portrait page, `/Rotate 90`) are turned
//! so that their text reads left to right.
//!
//! Tables the page draws as a grid of ruling lines are read from that grid (`grid`): each row
//! becomes one line of tab-separated cells, every column kept, a wrapped cell's lines joined,
//! so the text reader takes the columns as printed instead of guessing them from alignment.
//! Only what the page shows is read: characters outside its crop box or clipped away, and
//! text drawn invisible, are left out.

mod content;
mod grid;

use crate::{Extracted, ReadError};
use content::{Char, Fonts, Rect, Ruling};
use pdf_oxide::PdfDocument;
use yusuan_core::CutLine;

/// A cell: characters of one line close enough to be one piece of text.
#[derive(Clone, Debug)]
struct PCell {
    x0: f32,
    x1: f32,
    text: String,
}

#[derive(Clone, Debug)]
struct PLine {
    y: f32,
    size: f32,
    cells: Vec<PCell>,
}

/// A character in reading orientation: x grows along the text, y grows up the page.
#[derive(Clone, Copy, Debug)]
struct Glyph {
    c: char,
    x: f32,
    y: f32,
    w: f32,
    size: f32,
}

thread_local! {
    static IN_PARSER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this thread is inside the PDF parser, where a panic is caught and reported as a
/// broken file: a program's panic hook can stay quiet then (see the `yusuan` binary).
pub fn in_parser() -> bool {
    IN_PARSER.with(|c| c.get())
}

fn guarded<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    IN_PARSER.with(|c| c.set(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    IN_PARSER.with(|c| c.set(false));
    r
}

/// Read a PDF into layout text (pages separated by form feeds).
pub fn pdf_to_text(source: &str, bytes: &[u8]) -> Result<String, ReadError> {
    pdf_extract(source, bytes).map(|e| e.text)
}

/// Read a PDF into layout text and what its geometry says that the text cannot (the lines its
/// clip cuts through).
pub fn pdf_extract(source: &str, bytes: &[u8]) -> Result<Extracted, ReadError> {
    // The parser recurses into nested arrays and dictionaries: a hostile file nested deeper
    // than any real document would overflow the stack (an abort no guard can catch).
    let depth = max_nesting(bytes);
    if depth > MAX_NESTING {
        return Err(ReadError::Pdf {
            path: source.to_string(),
            why: format!("对象嵌套过深（{depth} 层，上限 {MAX_NESTING} 层），不像正常的 PDF 文件"),
        });
    }
    // A malformed file must not take the process down, whatever the parser does with it: it
    // is parsed on threads of a large stack (whatever thread called us), under a guard.
    let broken = || ReadError::Pdf {
        path: source.to_string(),
        why: "文件结构损坏，无法解析".to_string(),
    };
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("pdf".to_string())
            .stack_size(PARSER_STACK)
            .spawn_scoped(scope, || guarded(|| read_pdf(source, bytes)))
            .map_err(|e| ReadError::Pdf {
                path: source.to_string(),
                why: format!("无法启动读取线程：{e}"),
            })?
            .join()
            .map_err(|_| broken())?
            .map_err(|_| broken())?
    })
}

/// Deepest nesting of arrays and dictionaries a PDF may have (real documents stay under 20).
pub const MAX_NESTING: usize = 256;

/// The most bytes of an object stream the nesting scan inflates (a bomb stops there).
const MAX_SCAN_INFLATE: u64 = 64 << 20;

/// How far before a `stream` keyword its dictionary is looked for (`/Type /ObjStm`).
const MAX_STREAM_DICT: usize = 4096;

/// The stack of the threads that parse a PDF. Nesting is bounded before parsing
/// ([`MAX_NESTING`], here and in every content stream); the large stack is the second line of
/// defence should a structure the scan does not see reach the parser.
pub const PARSER_STACK: usize = 64 << 20;

/// The deepest nesting of `[` and `<<` in the file's objects, skipping strings, comments and
/// stream data, and looking inside object streams (inflated, up to 64 MB each): their
/// objects are parsed like the file's own. Linear in the file.
pub fn max_nesting(bytes: &[u8]) -> usize {
    nesting(bytes, Syntax::File)
}

/// What a scanned buffer holds.
#[derive(Clone, Copy, PartialEq)]
enum Syntax {
    /// A whole file: objects and streams.
    File,
    /// An inflated object stream: objects only.
    Objects,
    /// A content stream: operands and operators, with inline images (`ID` ... `EI`).
    Content,
}

/// The deepest nesting of a content stream's operands (arrays, dictionaries), skipping strings
/// and inline image data.
pub(crate) fn content_nesting(bytes: &[u8]) -> usize {
    nesting(bytes, Syntax::Content)
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

fn nesting(bytes: &[u8], syntax: Syntax) -> usize {
    let (mut depth, mut max, mut i) = (0usize, 0usize, 0usize);
    let n = bytes.len();
    // Where the current object began (after `obj`), to read a stream's dictionary.
    let mut object_start = 0usize;
    while i < n {
        match bytes[i] {
            b'%' => {
                while i < n && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'(' => {
                // A literal string: balanced parentheses, backslash escapes.
                let mut level = 0usize;
                while i < n {
                    match bytes[i] {
                        b'\\' => i += 1,
                        b'(' => level += 1,
                        b')' => {
                            level -= 1;
                            if level == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'[' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' => depth = depth.saturating_sub(1),
            b'<' if bytes.get(i + 1) == Some(&b'<') => {
                depth += 1;
                max = max.max(depth);
                i += 1;
            }
            b'>' if bytes.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'<' => {
                // A hex string.
                while i < n && bytes[i] != b'>' {
                    i += 1;
                }
            }
            b'o' if syntax == Syntax::File && bytes[i..].starts_with(b"obj") => {
                object_start = i + 3;
                i += 2;
            }
            // The `stream` keyword follows its dictionary's `>>` (a name `/stream` is not one).
            b's' if syntax == Syntax::File
                && bytes[i..].starts_with(b"stream")
                && matches!(bytes.get(i + 6), Some(b'\r' | b'\n'))
                && bytes[..i].iter().rev().find(|b| !is_space(**b)) == Some(&b'>') =>
            {
                let data_start = i + 6 + usize::from(bytes.get(i + 6) == Some(&b'\r')) + 1;
                let Some(at) = find(&bytes[i + 6..], b"endstream") else {
                    return max;
                };
                let data_end = i + 6 + at;
                // The dictionary just before (bounded: a file without `obj` keywords must not
                // make every stream rescan the file from its start).
                let dict = &bytes[object_start.max(i.saturating_sub(MAX_STREAM_DICT)).min(i)..i];
                if find(dict, b"/ObjStm").is_some() && find(dict, b"/FlateDecode").is_some() {
                    let data = bytes.get(data_start..data_end).unwrap_or_default();
                    max = max.max(depth + nesting(&inflate(data), Syntax::Objects));
                }
                // Stream data is not objects: jump past `endstream`.
                i = data_end + 8;
            }
            // Inline image data is not operands: jump to `EI`.
            b'I' if syntax == Syntax::Content
                && bytes.get(i + 1) == Some(&b'D')
                && (i == 0 || is_space(bytes[i - 1]))
                && bytes.get(i + 2).is_some_and(|b| is_space(*b)) =>
            {
                let mut j = i + 3;
                loop {
                    match find(&bytes[j.min(n)..], b"EI") {
                        Some(at) => {
                            j += at;
                            let before = is_space(bytes[j - 1]);
                            let after = bytes.get(j + 2).is_none_or(|b| is_space(*b));
                            if before && after {
                                break;
                            }
                            j += 2;
                        }
                        None => return max,
                    }
                }
                i = j + 1;
            }
            _ => {}
        }
        i += 1;
    }
    max
}

/// An object stream's data inflated, up to [`MAX_SCAN_INFLATE`] bytes; what could be inflated
/// of a broken one.
fn inflate(data: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    let _ = flate2::read::ZlibDecoder::new(data)
        .take(MAX_SCAN_INFLATE)
        .read_to_end(&mut out);
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The parsed document (opened with the empty password when encrypted) and its page count.
fn open(source: &str, bytes: &[u8]) -> Result<(PdfDocument, usize), ReadError> {
    let bad = |why: String| ReadError::Pdf {
        path: source.to_string(),
        why,
    };
    let doc = PdfDocument::from_bytes(bytes.to_vec())
        .map_err(|e| bad(yusuan_core::reason::detail("文件结构损坏，无法解析", e)))?;
    if doc.is_encrypted() && !doc.authenticate(b"").unwrap_or(false) {
        return Err(bad("文件已加密，需要密码才能读取".to_string()));
    }
    let pages = doc
        .page_count()
        .map_err(|e| bad(yusuan_core::reason::detail("无法读取页数", e)))?;
    Ok((doc, pages))
}

fn read_pdf(source: &str, bytes: &[u8]) -> Result<Extracted, ReadError> {
    let bad = |why: String| ReadError::Pdf {
        path: source.to_string(),
        why,
    };
    let (doc, pages) = open(source, bytes)?;
    if pages == 0 {
        return Err(bad("文件没有页面".to_string()));
    }
    let fonts = Fonts::default();
    let first = page_layout(&doc, &fonts, 0)
        .map_err(|e| bad(yusuan_core::reason::detail("第1页无法读取文字", e)))?;
    // Pages are independent: read them on the machine's cores, then join in order.
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4)
        .min(pages);
    let mut texts: Vec<Option<Result<Page, String>>> = (0..pages).map(|_| None).collect();
    texts[0] = Some(Ok(first));
    std::thread::scope(|scope| {
        let (doc, fonts) = (&doc, &fonts);
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                std::thread::Builder::new()
                    .stack_size(PARSER_STACK)
                    .spawn_scoped(scope, move || {
                        (1..pages)
                            .filter(|p| p % workers == w)
                            .map(|p| {
                                let text = guarded(|| page_layout(doc, fonts, p))
                                    .unwrap_or_else(|_| Err("页面结构损坏".to_string()));
                                (p, text)
                            })
                            .collect::<Vec<_>>()
                    })
            })
            .collect();
        for h in handles.into_iter().flatten() {
            if let Ok(done) = h.join() {
                for (p, r) in done {
                    texts[p] = Some(r);
                }
            }
        }
    });
    let mut read = Vec::with_capacity(pages);
    for (p, t) in texts.into_iter().enumerate() {
        match t {
            Some(Ok(page)) => read.push(page),
            Some(Err(e)) => {
                return Err(bad(yusuan_core::reason::detail(
                    &format!("第{}页无法读取文字", p + 1),
                    e,
                )))
            }
            None => return Err(bad(format!("第{}页无法读取", p + 1))),
        }
    }
    continue_grids(&mut read);
    let mut out = String::new();
    let mut chars_total = 0usize;
    let mut cut_lines = Vec::new();
    for (p, page) in read.iter().enumerate() {
        if p > 0 {
            out.push('\u{c}');
        }
        let first_line = out.matches('\n').count() + 1;
        let (text, above) = page.laid_out();
        out.push_str(&text);
        chars_total += page.chars;
        let page_no = u32::try_from(p + 1).unwrap_or(u32::MAX);
        cut_lines.extend(page.cut.iter().zip(above).map(|((_, text), a)| CutLine {
            page: page_no,
            line: u32::try_from(first_line + a).unwrap_or(u32::MAX),
            text: text.clone(),
        }));
    }
    if chars_total == 0 {
        return Err(bad(
            "文件中没有可提取的文字（可能是扫描图像），需要先做文字识别（OCR）".to_string(),
        ));
    }
    Ok(Extracted {
        text: out,
        cut_lines,
        pages: u32::try_from(read.len()).ok(),
        values: false,
    })
}

/// Where a page's characters and drawn cells lie, as this reader sees them (points, y up, the
/// page turned so that its text reads left to right): for tools and tests that check a layout,
/// e.g. that every table's text lies inside its cells.
#[derive(Clone, Debug, Default)]
pub struct PageGeometry {
    /// Each grid the page's rulings draw: its merged cells, each as a box.
    pub grids: Vec<Vec<CellBox>>,
    /// Every visible character (white space left out), its box from its advance and from
    /// -0.12 to 0.85 em about its baseline.
    pub glyphs: Vec<GlyphBox>,
}

/// A box: left, bottom, right, top.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CellBox {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl CellBox {
    /// Whether the point lies in the box, borders included.
    pub fn holds(&self, x: f32, y: f32) -> bool {
        (self.x0..=self.x1).contains(&x) && (self.y0..=self.y1).contains(&y)
    }
}

/// A character and its box.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GlyphBox {
    pub c: char,
    pub bounds: CellBox,
}

impl GlyphBox {
    /// The point that decides the cell a character belongs to (as the grid reader places it).
    pub fn anchor(&self) -> (f32, f32) {
        let size = (self.bounds.y1 - self.bounds.y0) / 0.97;
        let baseline = self.bounds.y0 + 0.12 * size;
        (
            (self.bounds.x0 + self.bounds.x1) / 2.0,
            baseline + 0.35 * size,
        )
    }
}

/// The geometry of every page of a PDF.
pub fn pdf_geometry(source: &str, bytes: &[u8]) -> Result<Vec<PageGeometry>, ReadError> {
    let bad = |why: String| ReadError::Pdf {
        path: source.to_string(),
        why,
    };
    let (doc, pages) = open(source, bytes)?;
    let fonts = Fonts::default();
    (0..pages)
        .map(|p| {
            let (glyphs, rules, _) = guarded(|| page_marks(&doc, &fonts, p))
                .unwrap_or_else(|_| Err("页面结构损坏".to_string()))
                .map_err(|e| bad(format!("第{}页无法读取：{e}", p + 1)))?;
            let glyphs = glyphs
                .iter()
                .map(|g| GlyphBox {
                    c: g.c,
                    bounds: CellBox {
                        x0: g.x,
                        y0: g.y - 0.12 * g.size,
                        x1: g.x + g.w,
                        y1: g.y + 0.85 * g.size,
                    },
                })
                .collect();
            Ok(PageGeometry {
                grids: grid::cell_boxes(&rules),
                glyphs,
            })
        })
        .collect()
}

/// A page as read: its lines of text outside any grid, the grids' tables, and how many
/// characters it shows.
struct Page {
    lines: Vec<PLine>,
    grids: Vec<grid::Table>,
    chars: usize,
    /// Lines the page's clip cuts through (`cut_lines`): where each is, and its text.
    cut: Vec<(f32, String)>,
}

impl Page {
    /// The page's text, and for each cut line the line of that text printed just above it
    /// (counted from 0; the first line when none is above).
    fn laid_out(&self) -> (String, Vec<usize>) {
        let mut out = String::new();
        let placed = render(&self.lines, &self.grids, &mut out);
        let above = self
            .cut
            .iter()
            .map(|(y, _)| {
                placed
                    .iter()
                    .filter(|(top, _)| top > y)
                    .map(|(_, l)| *l)
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        (out, above)
    }
}

/// One page's visible characters and rulings, turned so that its text reads left to right,
/// and the lines its clip cuts through.
type Marks = (Vec<Glyph>, Vec<grid::Line>, Vec<(f32, String)>);

fn page_marks(doc: &PdfDocument, fonts: &Fonts, page: usize) -> Result<Marks, String> {
    let (chars, rulings) = match content::page_content(doc, fonts, page) {
        Ok(content::PageContent {
            chars: Ok(chars),
            rulings,
        }) => (chars, rulings),
        Ok(content::PageContent {
            chars: Err(_),
            rulings,
        }) => (general_chars(doc, page)?, rulings),
        Err(why) if why.too_deep() => return Err(too_deep_page()),
        Err(_) => (general_chars(doc, page)?, Vec::new()),
    };
    let visible = crop_box(doc, page);
    let seen = |x: f32, y: f32| visible.is_none_or(|b| b.holds(x, y, 1.0));
    let cut = cut_lines(chars.iter().filter(|c| c.cut && seen(c.x, c.y)));
    let chars: Vec<Char> = chars
        .into_iter()
        .filter(|c| !c.hidden && seen(c.x, c.y))
        .collect();
    let rulings: Vec<Ruling> = rulings
        .into_iter()
        .filter(|r| seen(r.x0, r.y0) && seen(r.x1, r.y1))
        .collect();
    let (glyphs, rules) = orient(&chars, &rulings);
    Ok((glyphs, rules, cut))
}

/// One page's lines and grids.
fn page_layout(doc: &PdfDocument, fonts: &Fonts, page: usize) -> Result<Page, String> {
    let (glyphs, rules, cut) = page_marks(doc, fonts, page)?;
    let n = glyphs.len();
    let (grids, rest) = grid::tables(glyphs, &rules);
    let mut lines = group_lines(rest);
    // The page number at the foot of the page ("3", "- 3 -", "— 3 —", "第3页") is not
    // content; inside a table it would read as a row.
    let lowest_grid = grids
        .iter()
        .map(|g| g.bottom())
        .fold(f32::INFINITY, f32::min);
    if lines.last().is_some_and(|l| {
        l.y < lowest_grid
            && l.cells.len() <= 3
            && crate::lines::is_page_number(
                &l.cells.iter().map(|c| c.text.as_str()).collect::<String>(),
            )
    }) {
        lines.pop();
    }
    Ok(Page {
        lines,
        grids,
        chars: n,
        cut,
    })
}

/// Fewest characters on one line, all cut by the clip, for the line to count as cut (a glyph
/// or two at a cell's edge is a cell's overflow, not a line the page cuts in half).
const MIN_CUT_RUN: usize = 4;

/// The lines of text that the clip cuts through (half of each glyph shown), as text.
fn cut_lines<'a>(cut: impl Iterator<Item = &'a Char>) -> Vec<(f32, String)> {
    let cut: Vec<Char> = cut.cloned().collect();
    if cut.len() < MIN_CUT_RUN {
        return Vec::new();
    }
    let (glyphs, _) = orient(&cut, &[]);
    group_lines(glyphs)
        .into_iter()
        .filter(|l| {
            l.cells
                .iter()
                .map(|c| c.text.chars().count())
                .sum::<usize>()
                >= MIN_CUT_RUN
        })
        .map(|l| {
            let text = l
                .cells
                .iter()
                .map(|c| c.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            (l.y, text)
        })
        .collect()
}

/// A table continued on the next page is drawn there as a grid of its own, which lacks the
/// column lines its rows do not need (a last page holding only the 合计 row, its label merged
/// over the code and name columns). When a page begins with a grid and the page before ends
/// with one, and the columns of one are among the columns of the other, both are laid out on
/// all their columns, so a figure keeps its column across the page break.
fn continue_grids(pages: &mut [Page]) {
    for p in 1..pages.len() {
        let (before, after) = pages.split_at_mut(p);
        let (prev, next) = (&mut before[p - 1], &mut after[0]);
        let prev_ends = prev
            .grids
            .last()
            .is_some_and(|g| prev.lines.iter().all(|l| l.y > g.bottom()));
        let next_begins = next
            .grids
            .first()
            .is_some_and(|g| next.lines.iter().all(|l| l.y < g.top()));
        if !(prev_ends && next_begins) {
            continue;
        }
        let (Some(a), Some(b)) = (prev.grids.last_mut(), next.grids.first_mut()) else {
            continue;
        };
        if let Some(columns) = grid::shared_columns(a, b) {
            a.widen(&columns);
            b.widen(&columns);
            grid::join_split_row(a, b);
        }
    }
}

/// The page's visible area: its crop box (inherited, defaulting to the media box).
fn crop_box(doc: &PdfDocument, page: usize) -> Option<Rect> {
    let dict = doc.get_page(page).ok()?;
    let dict = dict.as_dict()?;
    let rect = dict.get("CropBox").or_else(|| dict.get("MediaBox"))?;
    let rect = doc.resolve_object(rect).ok()?;
    let v: Vec<f32> = rect
        .as_array()?
        .iter()
        .map(|o| {
            let o = doc.resolve_object(o).ok()?;
            o.as_real()
                .map(|r| r as f32)
                .or_else(|| o.as_integer().map(|i| i as f32))
        })
        .collect::<Option<_>>()?;
    let [x0, y0, x1, y1] = v[..] else {
        return None;
    };
    // A box with no area is a damaged entry, not a page that shows nothing.
    ((x1 - x0).abs() > 1.0 && (y1 - y0).abs() > 1.0).then(|| Rect {
        x0: x0.min(x1),
        y0: y0.min(y1),
        x1: x0.max(x1),
        y1: y0.max(y1),
    })
}

/// A page's characters from pdf_oxide's general extraction, which reads every font it
/// supports (embedded programs, predefined CMaps such as GBK-EUC-H, the standard 14).
/// Why a page nested deeper than [`MAX_NESTING`] is refused (on either path).
fn too_deep_page() -> String {
    format!("内容流嵌套超过 {MAX_NESTING} 层，不像正常的 PDF 页面")
}

fn general_chars(doc: &PdfDocument, page: usize) -> Result<Vec<Char>, String> {
    // The page's content is bounded here too: this path may be taken before ours looked at it.
    if let Ok(content) = doc.get_page_content_data(page) {
        if content_nesting(&content) > MAX_NESTING {
            return Err(too_deep_page());
        }
    }
    let chars = doc.extract_chars(page).map_err(|e| e.to_string())?;
    Ok(chars
        .into_iter()
        .map(|c| Char {
            c: c.char,
            x: c.origin_x,
            y: c.origin_y,
            size: c.font_size,
            advance: c.advance_width,
            rotation: c.rotation_degrees,
            hidden: false,
            cut: false,
        })
        .collect())
}

/// Turn the characters and rulings of a page so that the dominant text direction reads left
/// to right.
fn orient(chars: &[Char], rulings: &[Ruling]) -> (Vec<Glyph>, Vec<grid::Line>) {
    // Dominant direction, in quarter turns.
    let mut votes = [0usize; 4];
    for c in chars.iter().filter(|c| !c.c.is_whitespace()) {
        let q = ((c.rotation.rem_euclid(360.0) + 45.0) / 90.0) as usize % 4;
        votes[q] += 1;
    }
    let quarter = (0..4).max_by_key(|&q| votes[q]).unwrap_or(0);
    // Rotate by -quarter * 90 degrees.
    let turn = |x: f32, y: f32| match quarter {
        1 => (y, -x),
        2 => (-x, -y),
        3 => (-y, x),
        _ => (x, y),
    };
    let glyphs = chars
        .iter()
        .filter(|c| !c.c.is_whitespace() && !c.c.is_control())
        .map(|c| {
            let (x, y) = turn(c.x, c.y);
            let size = if c.size > 0.0 { c.size } else { 10.0 };
            let w = if c.advance > 0.0 {
                c.advance
            } else if c.c.is_ascii() {
                size * 0.5
            } else {
                size
            };
            Glyph {
                c: c.c,
                x,
                y,
                w,
                size,
            }
        })
        .collect();
    let lines = rulings
        .iter()
        .map(|r| {
            let (ax, ay) = turn(r.x0, r.y0);
            let (bx, by) = turn(r.x1, r.y1);
            grid::Line {
                x0: ax.min(bx),
                y0: ay.min(by),
                x1: ax.max(bx),
                y1: ay.max(by),
            }
        })
        .collect();
    (glyphs, lines)
}

/// Glyphs grouped into printed lines, top first: glyphs whose baselines are within a third of
/// the font size (that of the first glyph of the line, or the largest so far) are one line.
/// Each line is its baseline, its largest font size and its glyphs from left to right.
fn baselines(mut glyphs: Vec<Glyph>) -> Vec<(f32, f32, Vec<Glyph>)> {
    glyphs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut lines: Vec<(f32, f32, Vec<Glyph>)> = Vec::new();
    for g in glyphs {
        match lines.last_mut() {
            Some((y, size, v)) if (*y - g.y).abs() <= size.max(g.size) * 0.35 => {
                v.push(g);
                *size = size.max(g.size);
            }
            _ => lines.push((g.y, g.size, vec![g])),
        }
    }
    for (_, _, v) in &mut lines {
        v.sort_by(|a, b| a.x.total_cmp(&b.x));
    }
    lines
}

/// Lines (see [`baselines`]); cells: runs of glyphs with gaps under half an em.
fn group_lines(glyphs: Vec<Glyph>) -> Vec<PLine> {
    baselines(glyphs)
        .into_iter()
        .map(|(y, size, v)| {
            let mut cells: Vec<PCell> = Vec::new();
            let mut last_end = f32::NEG_INFINITY;
            for g in v {
                let gap = g.x - last_end;
                // A figure followed closely by a label ("91,016,775.35 一、一般…") is two cells.
                let class_change = cells
                    .last()
                    .and_then(|c| c.text.chars().last())
                    .is_some_and(|p| {
                        (p.is_ascii_digit() && !g.c.is_ascii())
                            || (!p.is_ascii() && g.c.is_ascii_digit() && gap > g.size * 0.3)
                    });
                match cells.last_mut() {
                    Some(cell) if gap < g.size * 0.5 && !(class_change && gap > g.size * 0.15) => {
                        if gap > g.size * 0.2 {
                            cell.text.push(' ');
                        }
                        cell.text.push(g.c);
                        cell.x1 = g.x + g.w;
                    }
                    _ => cells.push(PCell {
                        x0: g.x,
                        x1: g.x + g.w,
                        text: g.c.to_string(),
                    }),
                }
                last_end = g.x + g.w;
            }
            PLine { y, size, cells }
        })
        .collect()
}

fn display_width(s: &str) -> usize {
    use unicode_width::UnicodeWidthChar;
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// The widest laid-out line, in text columns.
const MAX_COLUMNS: usize = 2000;

/// Lay lines out as text: one text column per half em of the page's body size, cells at their
/// x positions, at least two spaces apart; a grid's rows as tab-separated cells. Lines far
/// apart vertically get a blank line between. Returns the top of each line and grid row laid
/// out with the line of the text (counted from 0 in what this call writes) it went on.
fn render(lines: &[PLine], grids: &[grid::Table], out: &mut String) -> Vec<(f32, usize)> {
    let mut placed = Vec::new();
    let mut line_no = 0usize;
    let mut sizes: Vec<f32> = lines.iter().map(|l| l.size).collect();
    sizes.sort_by(f32::total_cmp);
    let body = sizes.get(sizes.len() / 2).map_or(10.0, |s| s.max(4.0));
    let unit = body / 2.0;
    let left = lines
        .iter()
        .filter_map(|l| l.cells.first().map(|c| c.x0))
        .fold(f32::INFINITY, f32::min);
    // Lines and grid rows from the top of the page down.
    enum Item<'a> {
        Text(&'a PLine),
        Row(&'a grid::GridRow),
    }
    let mut items: Vec<(f32, Item)> = lines.iter().map(|l| (l.y, Item::Text(l))).collect();
    items.extend(
        grids
            .iter()
            .flat_map(|g| &g.rows)
            .map(|r| (r.top, Item::Row(r))),
    );
    items.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut prev_bottom: Option<f32> = None;
    for (top, item) in items {
        if let Some(pb) = prev_bottom {
            if pb - top > body * 2.2 {
                out.push('\n');
                line_no += 1;
            }
        }
        placed.push((top, line_no));
        match item {
            Item::Row(row) => {
                prev_bottom = Some(row.bottom);
                out.push_str(&row.cells.join("\t"));
            }
            Item::Text(line) => {
                prev_bottom = Some(line.y);
                let mut col = 0usize;
                for (i, cell) in line.cells.iter().enumerate() {
                    // A damaged text matrix can put a glyph at x = 1e12: no line is wider
                    // than MAX_COLUMNS text columns (a landscape page at 6pt is about 300).
                    let want =
                        (((cell.x0 - left) / unit).round().max(0.0) as usize).min(MAX_COLUMNS);
                    let at = if i == 0 { want } else { want.max(col + 2) };
                    out.extend(std::iter::repeat_n(' ', at - col));
                    out.push_str(&cell.text);
                    col = at + display_width(&cell.text);
                }
            }
        }
        out.push('\n');
        line_no += 1;
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The plain layout of characters (no grid), every character as if visible: what the
    /// two character sources must agree on.
    fn layout(chars: &[Char]) -> String {
        let mut out = String::new();
        let all: Vec<Char> = chars
            .iter()
            .map(|c| Char {
                hidden: false,
                ..c.clone()
            })
            .collect();
        let (glyphs, _) = orient(&all, &[]);
        render(&group_lines(glyphs), &[], &mut out);
        out
    }

    /// A one-page PDF of the given objects (1 is the catalog, 2 the page tree, 3 the page).
    fn pdf(objects: &[&str]) -> Vec<u8> {
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        let n = objects.len() + 1;
        out.extend_from_slice(format!("xref\n0 {n}\n0000000000 65535 f \n").as_bytes());
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!("trailer\n<< /Size {n} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
        );
        out
    }

    fn stream(data: &str) -> String {
        format!("<< /Length {} >>\nstream\n{data}\nendstream", data.len())
    }

    /// A one-page PDF: `ops` is the page's content (object 4), `resources` its resource
    /// dictionary, `rest` objects 5 on.
    fn one_page(ops: &str, resources: &str, rest: &[&str]) -> Vec<u8> {
        let page = format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
             /Resources {resources} >>"
        );
        let content = stream(ops);
        let mut objects = vec![
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            &page,
            &content,
        ];
        objects.extend_from_slice(rest);
        pdf(&objects)
    }

    /// Object 5: a Type0 font, its CIDFont in object 6 and its ToUnicode map in object 7.
    const TYPE0: &str = "<< /Type /Font /Subtype /Type0 /BaseFont /Test /Encoding /Identity-H \
                         /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>";

    fn cid_font(widths: &str) -> String {
        format!(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Test /DW 1000 {widths} \
             /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>"
        )
    }

    fn to_unicode(bfchars: &str) -> String {
        stream(&format!(
            "begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange \
             {} beginbfchar {bfchars} endbfchar endcmap",
            bfchars.matches('<').count() / 2
        ))
    }

    /// The fast path leaves the page to the general extraction, which reads `expected`.
    fn assert_falls_back(bytes: Vec<u8>, expected: &str) {
        let doc = PdfDocument::from_bytes(bytes.clone()).expect("test PDF parses");
        assert!(content::page_chars(&doc, &Fonts::default(), 0).is_err());
        assert_eq!(
            pdf_to_text("t.pdf", &bytes).expect("reads").trim(),
            expected
        );
    }

    /// Two-byte codes through a ToUnicode map, TJ kerning, a form XObject with its own matrix:
    /// the fast path reads them, and as the general extraction does.
    #[test]
    fn fast_path_reads_type0_text_and_forms() {
        let form_ops = "BT /F2 10 Tf 72 660 Td (56) Tj ET";
        let form = format!(
            "<< /Type /XObject /Subtype /Form /BBox [0 0 600 800] /Matrix [1 0 0 1 0 -40] \
             /Resources << /Font << /F2 8 0 R >> >> /Length {} >>\nstream\n{form_ops}\nendstream",
            form_ops.len(),
        );
        let bytes = one_page(
            "BT /F1 12 Tf 1 0 0 1 72 700 Tm <00010002> Tj ET \
             BT /F2 10 Tf 72 660 Td [(12)-250(34)] TJ ET q 1 0 0 1 100 0 cm /X1 Do Q",
            "<< /Font << /F1 5 0 R /F2 8 0 R >> /XObject << /X1 9 0 R >> >>",
            &[
                TYPE0,
                &cid_font("/W [1 [1000 1000]]"),
                &to_unicode("<0001> <9884> <0002> <7B97>"),
                "<< /Type /Font /Subtype /TrueType /BaseFont /Arial /FirstChar 48 /LastChar 57 \
                 /Widths [556 556 556 556 556 556 556 556 556 556] /Encoding /WinAnsiEncoding >>",
                &form,
            ],
        );
        let doc = PdfDocument::from_bytes(bytes.clone()).expect("test PDF parses");
        let fast = content::page_chars(&doc, &Fonts::default(), 0).expect("on the fast path");
        let text: String = fast.iter().map(|c| c.c).collect();
        assert_eq!(text, "预算123456");
        // The form's text is moved by its matrix and the `cm` before it.
        let five = fast.iter().find(|c| c.c == '5').expect("form text");
        assert_eq!((five.x, five.y), (172.0, 620.0));
        // The TJ adjustment of -250 moves "34" a quarter em further right.
        let (two, three) = (&fast[3], &fast[4]);
        assert!(
            (three.x - (two.x + 5.56 + 2.5)).abs() < 0.01,
            "{two:?} {three:?}"
        );
        let general = general_chars(&doc, 0).expect("general extraction");
        assert_eq!(layout(&fast), layout(&general));
        assert!(pdf_to_text("t.pdf", &bytes)
            .expect("reads")
            .contains("预算"));
    }

    /// Ruling lines (stroked segments, thin filled rectangles; a white background and a curve
    /// that are not rules) make a grid whose cells hold the text; text clipped away or drawn
    /// invisible is not read.
    #[test]
    fn grid_rows_clip_and_invisible_text() {
        let ops = "q 1 g 0 0 595 842 re f Q \
             q 0.5 w 72 700 m 372 700 l 72 680 m 372 680 l S \
             72 659.8 300 0.4 re f 72 640 300 0.5 re f \
             72 640 m 72 700 l 172 640 m 172 700 l 272 640.2 m 272 680 l 372 640 m 372 700 l s \
             100 600 m 120 620 140 620 160 600 c S Q \
             q 72 640 300 60 re W n \
             BT /F1 10 Tf 80 686 Td <0001> Tj 100 0 Td <0002> Tj ET \
             BT /F2 9 Tf 180 666 Td (12) Tj 100 0 Td (34) Tj 0 -10 Td (56) Tj ET \
             BT /F2 9 Tf 500 500 Td (99) Tj ET Q \
             BT 3 Tr /F2 9 Tf 80 646 Td (78) Tj ET";
        let bytes = one_page(
            ops,
            "<< /Font << /F1 5 0 R /F2 8 0 R >> >>",
            &[
                TYPE0,
                &cid_font("/W [1 [1000 1000]]"),
                &to_unicode("<0001> <9884> <0002> <7B97>"),
                "<< /Type /Font /Subtype /TrueType /BaseFont /Arial /FirstChar 48 /LastChar 57 \
                 /Widths [556 556 556 556 556 556 556 556 556 556] /Encoding /WinAnsiEncoding >>",
            ],
        );
        let text = pdf_to_text("t.pdf", &bytes).expect("reads");
        // The top row spans the last two columns (no rule between them there).
        assert_eq!(text, "预\t算\t\n\t12\t34\n\t\t56\n");
    }

    /// A line the clip cuts through (the upper half of its glyphs shows) is not read as text
    /// but kept as a cut line, placed after the line printed above it; a line wholly below
    /// the clip is neither.
    #[test]
    fn a_line_cut_by_the_clip_is_kept_apart() {
        // The clip's lower edge at y = 655: the line at 640 (glyphs from about 638.8 to 648.5)
        // is hidden, the one at 651 (649.8 to 659.5) is cut, the one at 680 is shown.
        let ops = "q 0 655 595 187 re W n \
             BT /F2 10 Tf 72 680 Td (12.34) Tj ET \
             BT /F2 10 Tf 72 651 Td (56.78) Tj ET \
             BT /F2 10 Tf 72 640 Td (90.12) Tj ET Q";
        let bytes = one_page(
            ops,
            "<< /Font << /F2 5 0 R >> >>",
            &[
                "<< /Type /Font /Subtype /TrueType /BaseFont /Arial /FirstChar 46 /LastChar 57 \
               /Widths [278 278 556 556 556 556 556 556 556 556 556 556] \
               /Encoding /WinAnsiEncoding >>",
            ],
        );
        let read = pdf_extract("t.pdf", &bytes).expect("reads");
        assert_eq!(read.text.trim(), "12.34");
        assert_eq!(
            read.cut_lines,
            vec![CutLine {
                page: 1,
                line: 1,
                text: "56.78".to_string()
            }]
        );
    }

    /// Text outside the page's crop box is not shown, so not read (a phantom copy of a table
    /// placed beside the page).
    #[test]
    fn text_outside_the_crop_box_is_not_read() {
        let ops = "BT /F1 12 Tf 72 700 Td (123456) Tj 400 0 Td (789) Tj ET";
        let content = stream(ops);
        let bytes = pdf(&[
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 842] /CropBox [0 0 300 842] \
             /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            &content,
            "<< /Type /Font /Subtype /TrueType /BaseFont /Arial /FirstChar 48 /LastChar 57 \
             /Widths [556 556 556 556 556 556 556 556 556 556] /Encoding /WinAnsiEncoding >>",
        ]);
        assert_eq!(
            pdf_to_text("t.pdf", &bytes).expect("reads").trim(),
            "123456"
        );
    }

    /// A font the fast path does not read (a standard 14 font without widths in the file)
    /// sends the page to the general extraction, which still reads it.
    #[test]
    fn unsupported_font_falls_back_to_general_extraction() {
        let bytes = one_page(
            "BT /F1 12 Tf 72 700 Td (Hello) Tj ET",
            "<< /Font << /F1 5 0 R >> >>",
            &["<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"],
        );
        assert_falls_back(bytes, "Hello");
    }

    /// A ToUnicode map that sends a code to a Kangxi radical (⽴ for 立, as some subset fonts
    /// do) is left to the general extraction, which reads the ideograph.
    #[test]
    fn radical_in_tounicode_falls_back() {
        let bytes = one_page(
            "BT /F1 12 Tf 72 700 Td <0001> Tj ET",
            "<< /Font << /F1 5 0 R >> >>",
            &[TYPE0, &cid_font(""), &to_unicode("<0001> <2F74>")],
        );
        assert_falls_back(bytes, "立");
    }

    /// Our interpreter and pdf_oxide's general extraction lay every corpus page out alike,
    /// and nearly every corpus page takes the fast path (the point of having it).
    #[test]
    fn fast_path_agrees_with_general_extraction() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("corpus directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
            .collect();
        files.sort();
        assert!(files.len() >= 9, "corpus PDFs: {}", files.len());
        let (mut pages_read, mut general_only) = (0, Vec::new());
        for file in &files {
            let bytes = std::fs::read(file).expect("corpus file");
            let doc = PdfDocument::from_bytes(bytes).expect("corpus PDF parses");
            let fonts = Fonts::default();
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
            for page in 0..doc.page_count().expect("page count").min(40) {
                let general = general_chars(&doc, page).expect("general extraction");
                pages_read += 1;
                match content::page_chars(&doc, &fonts, page) {
                    Ok(fast) => assert_eq!(
                        layout(&fast),
                        layout(&general),
                        "{name:?} page {}",
                        page + 1
                    ),
                    Err(why) => general_only.push(format!("{name:?} p{} {why:?}", page + 1)),
                }
            }
        }
        // A font whose map needs pdf_oxide's repairs takes the general path: a few pages.
        assert!(
            general_only.len() * 50 <= pages_read,
            "{} of {pages_read} pages off the fast path: {general_only:#?}",
            general_only.len()
        );
        assert!(pages_read > 150, "pages compared: {pages_read}");
    }
}

//! A page's content, read from its content stream by our own small interpreter: the
//! characters with their positions, for the fonts it can map without their embedded programs
//! (a `/ToUnicode` CMap with `/W` or `/Widths` metrics, as in every corpus document, or a
//! simple font in WinAnsi or whose codes are printable ASCII), and the ruling lines the page
//! paints (the grid of its tables), with what is clipped away or painted white left out.
//!
//! pdf_oxide's `extract_chars` inflates and parses every embedded font program (twice for a
//! TrueType subset), and the Jiangsu documents embed a new subset of SimSun on every page: the
//! programs cost more than the rest of the reading. None of that is needed to know which
//! character is drawn where. A page whose text has anything this interpreter does not handle
//! (an unmapped code, a Type 3 font, a CMap other than Identity-H) keeps its rulings and takes
//! its characters from `extract_chars` instead; an encrypted file or a content stream that
//! does not parse gives `Unsupported` (no rulings: the page is laid out by alignment alone).
//!
//! Paths (ISO 32000-1 §8.5): `m l c v y h re` build a path in device space (under the CTM and
//! `q`/`Q`); `S s` stroke it, `f F f*` fill it, `B B* b b*` do both, `n` drops it; `W`/`W*`
//! intersect the clip with it once it is painted. A stroked straight segment that runs along
//! an axis, or a filled rectangle at most `MAX_RULE_THICKNESS` thick, is a ruling, unless it is
//! painted white (a cell's background or padding) or lies outside the clip. The clip is kept as
//! a rectangle (the bounding box of each clipping path, intersected), which never hides what a
//! viewer shows: a character is hidden only when its middle lies outside that box, or when it
//! is drawn in an invisible text mode (`3 Tr`, `7 Tr`).
//!
//! The geometry follows ISO 32000-1 §9.4.4 and is computed as pdf_oxide computes it (origin
//! from the text matrix and the CTM, effective size from the combined matrix's y scale,
//! advance from the glyph width), so both paths lay a page out the same way; a test checks
//! that they agree on every corpus page.

use pdf_oxide::content::{parse_content_stream, Operator, TextElement};
use pdf_oxide::fonts::cmap::{parse_tounicode_cmap, CMap};
use pdf_oxide::object::{Object, ObjectRef};
use pdf_oxide::PdfDocument;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A character where the page draws it, in device space (the fields of pdf_oxide's
/// `TextChar` that the layout uses).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Char {
    pub c: char,
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub advance: f32,
    pub rotation: f32,
    /// Drawn outside the clip, or in an invisible text mode: not seen on the page.
    pub hidden: bool,
    /// Cut by the clip's edge: part of the glyph shows, part does not (a line half shown at
    /// the foot of a page whose text runs on below its clip).
    pub cut: bool,
}

/// What a font needs for positions and text: how codes are cut from a string, what each
/// code means, how wide it is.
struct Font {
    two_byte: bool,
    to_unicode: Option<CMap>,
    /// A simple font without a ToUnicode map whose encoding is WinAnsi (else only the
    /// ASCII letters, digits and signs common to the standard encodings are read).
    win_ansi: bool,
    /// Glyph widths in thousandths of an em, by code (CID for Identity-H).
    widths: HashMap<u32, f32>,
    /// The width of a code `widths` does not have: a CIDFont's `/DW` (1000 when absent, as
    /// ISO 32000-1 §9.7.4.3 says; pdf_oxide guesses 500-600 from the descriptor's flags
    /// there), a simple font's `/MissingWidth` (0).
    default_width: f32,
}

impl Font {
    fn text(&self, code: u32) -> Option<String> {
        if let Some(cmap) = &self.to_unicode {
            return cmap.get(&code).filter(|s| plain(s)).map(|s| s.into_owned());
        }
        if self.two_byte {
            return None;
        }
        let c = match code {
            // Printable ASCII means the same in every standard encoding but for the quotes.
            32..=126 if self.win_ansi || (code != 39 && code != 96) => char::from(code as u8),
            128..=159 if self.win_ansi => {
                let c = WIN_ANSI_80[code as usize - 128];
                (c != '\0').then_some(c)?
            }
            160..=255 if self.win_ansi => char::from(code as u8),
            _ => return None,
        };
        Some(c.to_string())
    }

    fn width(&self, code: u32) -> f32 {
        self.widths
            .get(&code)
            .copied()
            .unwrap_or(self.default_width)
    }
}

/// Whether a ToUnicode entry can be taken as it is. pdf_oxide repairs what is not: control
/// characters and U+FFFD..U+FFFF placeholders, Kangxi and supplementary radicals (a subset
/// font mapping 立 to ⽴), single symbols it checks against the glyph's name. Such a code sends
/// the page to the general reader, so both paths give the same text.
fn plain(s: &str) -> bool {
    let symbol = {
        let mut it = s.chars();
        match (it.next(), it.next()) {
            // Mathematical operators (≥ ≤) and box drawing (─) are taken as mapped.
            (Some(c), None) => {
                matches!(c as u32, 0xA1..=0xBF | 0x2190..=0x2BFF)
                    && !matches!(c as u32, 0x2200..=0x22FF | 0x2500..=0x257F)
            }
            _ => false,
        }
    };
    !symbol
        && s.chars()
            .all(|c| !matches!(c as u32, 0x00..=0x1F | 0x7F | 0x2E80..=0x2FDF | 0xFFFD..=0xFFFF))
}

/// WinAnsiEncoding's codes 0x80-0x9F (ISO 32000-1 Annex D); the rest of its upper half is
/// Latin-1. `\0` marks an unused code.
const WIN_ANSI_80: [char; 32] = [
    '€', '\0', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\0', 'Ž', '\0', '\0', '‘',
    '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\0', 'ž', 'Ÿ',
];

/// Fonts read so far in one document, by object: `None` for a font this path does not handle.
#[derive(Default)]
pub(super) struct Fonts(Mutex<HashMap<ObjectRef, Option<Arc<Font>>>>);

#[derive(Clone, Copy, Debug)]
struct Matrix {
    a: f32,
    b: f32,
    c: f32,
    d: f32,
    e: f32,
    f: f32,
}

impl Matrix {
    const IDENTITY: Matrix = Matrix {
        a: 1.0,
        b: 0.0,
        c: 0.0,
        d: 1.0,
        e: 0.0,
        f: 0.0,
    };

    /// `self` then `then`: a point is mapped by `self` first.
    fn then(&self, then: &Matrix) -> Matrix {
        Matrix {
            a: self.a * then.a + self.b * then.c,
            b: self.a * then.b + self.b * then.d,
            c: self.c * then.a + self.d * then.c,
            d: self.c * then.b + self.d * then.d,
            e: self.e * then.a + self.f * then.c + then.e,
            f: self.e * then.b + self.f * then.d + then.f,
        }
    }

    fn translated(&self, tx: f32, ty: f32) -> Matrix {
        Matrix {
            e: tx * self.a + ty * self.c + self.e,
            f: tx * self.b + ty * self.d + self.f,
            ..*self
        }
    }

    fn point(&self, x: f32, y: f32) -> (f32, f32) {
        (
            self.a * x + self.c * y + self.e,
            self.b * x + self.d * y + self.f,
        )
    }
}

/// An axis-aligned rectangle in device space.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Rect {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Rect {
    fn around(points: impl Iterator<Item = (f32, f32)>) -> Option<Rect> {
        let mut r: Option<Rect> = None;
        for (x, y) in points {
            let b = r.get_or_insert(Rect {
                x0: x,
                y0: y,
                x1: x,
                y1: y,
            });
            b.x0 = b.x0.min(x);
            b.y0 = b.y0.min(y);
            b.x1 = b.x1.max(x);
            b.y1 = b.y1.max(y);
        }
        r
    }

    fn intersect(&self, o: &Rect) -> Rect {
        Rect {
            x0: self.x0.max(o.x0),
            y0: self.y0.max(o.y0),
            x1: self.x1.min(o.x1).max(self.x0.max(o.x0)),
            y1: self.y1.min(o.y1).max(self.y0.max(o.y0)),
        }
    }

    /// Whether the point is inside, allowing `tolerance` on every side.
    pub fn holds(&self, x: f32, y: f32, tolerance: f32) -> bool {
        x >= self.x0 - tolerance
            && x <= self.x1 + tolerance
            && y >= self.y0 - tolerance
            && y <= self.y1 + tolerance
    }
}

/// A ruling line the page paints, in device space: a segment along one axis (`x0 == x1` or
/// `y0 == y1`), already cut to the clip.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Ruling {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

/// The thickest filled rectangle that is a ruling rather than a shaded area (cell borders
/// drawn as filled rectangles are 0.2-1.5 pt thick).
const MAX_RULE_THICKNESS: f32 = 3.0;

/// A segment whose ends differ by less than this across its axis runs along it.
const AXIS_TOLERANCE: f32 = 0.8;

/// What the interpreter read of a page.
pub(super) struct PageContent {
    /// Every character drawn, visible or not, when the text could be read on this path, or
    /// why the general reader is needed for it.
    pub chars: Result<Vec<Char>, Unsupported>,
    pub rulings: Vec<Ruling>,
}

#[derive(Clone)]
struct State {
    ctm: Matrix,
    font: Option<Arc<Font>>,
    size: f32,
    char_space: f32,
    word_space: f32,
    scale: f32,
    leading: f32,
    /// Text render mode (`Tr`): 3 and 7 draw nothing.
    render: u8,
    /// Whether the fill / stroke colour is white (or near it): what it paints is not a line.
    fill_white: bool,
    stroke_white: bool,
    /// The clip, as a rectangle in device space; `None` is the whole page.
    clip: Option<Rect>,
}

/// Nesting of form XObjects followed (real documents use one or two levels).
const MAX_FORM_DEPTH: usize = 8;

/// Form XObjects drawn on one page: a form drawn twice by a form drawn twice... grows
/// exponentially; past this many the page goes to the general reader.
const MAX_FORMS: usize = 1000;

/// Path segments kept per page: a hostile stream of millions of tiny lines is not a table.
const MAX_RULINGS: usize = 20_000;

/// Widths a CIDFont's `/W` may set (a font has at most 65,536 CIDs).
const MAX_WIDTH_ENTRIES: usize = 1 << 17;

/// Why a page goes to the general reader instead: the line of this file that gave up (for
/// a test's message; the reader itself only falls back).
#[derive(Debug)]
#[allow(dead_code, reason = "read through Debug, in test messages")]
pub(super) struct Unsupported(u32);

impl Unsupported {
    /// A content stream nested deeper than any real page (`MAX_NESTING`): the page is refused,
    /// not handed to the general reader, whose parser would recurse into it.
    const TOO_DEEP: u32 = 0;

    pub(super) fn too_deep(&self) -> bool {
        self.0 == Self::TOO_DEEP
    }
}

macro_rules! unsupported {
    () => {
        Unsupported(line!())
    };
}

type Step<T = ()> = Result<T, Unsupported>;

/// The characters of a page, or why the page needs the general reader for them.
#[cfg(test)]
pub(super) fn page_chars(doc: &PdfDocument, fonts: &Fonts, page: usize) -> Step<Vec<Char>> {
    page_content(doc, fonts, page)?.chars
}

/// A page's characters and rulings, or why this path cannot read the page at all.
pub(super) fn page_content(doc: &PdfDocument, fonts: &Fonts, page: usize) -> Step<PageContent> {
    if doc.is_encrypted() {
        return Err(unsupported!());
    }
    let content = doc
        .get_page_content_data(page)
        .map_err(|_| unsupported!())?;
    let page_dict = doc.get_page(page).map_err(|_| unsupported!())?;
    let resources = match page_dict.as_dict().and_then(|d| d.get("Resources")) {
        Some(r) => doc.resolve_object(r).map_err(|_| unsupported!())?,
        None => Object::Dictionary(HashMap::new()),
    };
    let mut reader = Reader {
        doc,
        fonts,
        out: Vec::new(),
        text_failed: None,
        rulings: Vec::new(),
        forms: 0,
    };
    let state = State {
        ctm: Matrix::IDENTITY,
        font: None,
        size: 0.0,
        char_space: 0.0,
        word_space: 0.0,
        scale: 1.0,
        leading: 0.0,
        render: 0,
        fill_white: false,
        stroke_white: false,
        clip: None,
    };
    reader.run(&content, &resources, state, 0)?;
    Ok(PageContent {
        chars: match reader.text_failed {
            None => Ok(reader.out),
            Some(why) => Err(why),
        },
        rulings: reader.rulings,
    })
}

struct Reader<'a> {
    doc: &'a PdfDocument,
    fonts: &'a Fonts,
    out: Vec<Char>,
    /// Why some text could not be read on this path, once it could not.
    text_failed: Option<Unsupported>,
    rulings: Vec<Ruling>,
    forms: usize,
}

/// A point of a subpath in device space, and whether the segment that reaches it is straight.
type PathPoint = ((f32, f32), bool);

/// The path being built: subpaths (their points, and whether each is closed).
#[derive(Default)]
struct Path {
    subpaths: Vec<(Vec<PathPoint>, bool)>,
    /// The current point in user space, for `l` after a `re` or a curve.
    current: Option<(f32, f32)>,
}

impl Path {
    fn move_to(&mut self, ctm: &Matrix, x: f32, y: f32) {
        self.subpaths.push((vec![(ctm.point(x, y), true)], false));
        self.current = Some((x, y));
    }

    fn line_to(&mut self, ctm: &Matrix, x: f32, y: f32, straight: bool) {
        match self.subpaths.last_mut() {
            Some((points, false)) => points.push((ctm.point(x, y), straight)),
            // A segment with no current point (or after `h`) starts where the last one was.
            _ => {
                let from = self.current.unwrap_or((x, y));
                self.subpaths.push((
                    vec![
                        (ctm.point(from.0, from.1), true),
                        (ctm.point(x, y), straight),
                    ],
                    false,
                ));
            }
        }
        self.current = Some((x, y));
    }

    fn close(&mut self) {
        if let Some((_, closed)) = self.subpaths.last_mut() {
            *closed = true;
        }
    }

    fn rect(&mut self, ctm: &Matrix, x: f32, y: f32, w: f32, h: f32) {
        let corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)];
        self.subpaths.push((
            corners
                .iter()
                .map(|&(px, py)| (ctm.point(px, py), true))
                .collect(),
            true,
        ));
        self.current = Some((x, y));
    }

    fn bounds(&self) -> Option<Rect> {
        Rect::around(
            self.subpaths
                .iter()
                .flat_map(|(points, _)| points.iter().map(|(p, _)| *p)),
        )
    }
}

/// A colour that paints (nearly) white: what it draws is not a visible line.
fn white(components: &[f32]) -> bool {
    match components {
        [gray] => *gray >= 0.95,
        [r, g, b] => *r >= 0.95 && *g >= 0.95 && *b >= 0.95,
        [c, m, y, k] => *c <= 0.05 && *m <= 0.05 && *y <= 0.05 && *k <= 0.05,
        _ => false,
    }
}

impl Reader<'_> {
    fn resolve(&self, obj: &Object) -> Step<Object> {
        self.doc.resolve_object(obj).map_err(|_| unsupported!())
    }

    /// The entry `name` of the resource category `kind` (`Font`, `XObject`), with its object
    /// reference when it has one.
    fn resource(
        &self,
        resources: &Object,
        kind: &str,
        name: &str,
    ) -> Step<(Option<ObjectRef>, Object)> {
        let category = resources
            .as_dict()
            .and_then(|d| d.get(kind))
            .ok_or(unsupported!())?;
        let category = self.resolve(category)?;
        let entry = category
            .as_dict()
            .and_then(|d| d.get(name))
            .ok_or(unsupported!())?;
        Ok((entry.as_reference(), self.resolve(entry)?))
    }

    fn font(&self, resources: &Object, name: &str) -> Step<Arc<Font>> {
        let (reference, dict) = self.resource(resources, "Font", name)?;
        let Some(reference) = reference else {
            return self.load_font(&dict).map(Arc::new);
        };
        if let Ok(cache) = self.fonts.0.lock() {
            if let Some(known) = cache.get(&reference) {
                return known.clone().ok_or(unsupported!());
            }
        }
        let font = self.load_font(&dict).ok().map(Arc::new);
        if let Ok(mut cache) = self.fonts.0.lock() {
            cache.insert(reference, font.clone());
        }
        font.ok_or(unsupported!())
    }

    fn load_font(&self, font: &Object) -> Step<Font> {
        let dict = font.as_dict().ok_or(unsupported!())?;
        let to_unicode = match dict.get("ToUnicode") {
            Some(tu) => {
                let stream = self.resolve(tu)?;
                let data = stream.decode_stream_data().map_err(|_| unsupported!())?;
                Some(parse_tounicode_cmap(&data).map_err(|_| unsupported!())?)
            }
            None => None,
        };
        match dict.get("Subtype").and_then(Object::as_name) {
            Some("Type0") => {
                // Two-byte codes that are CIDs: the Identity-H CMap, and a map to Unicode.
                if dict.get("Encoding").and_then(Object::as_name) != Some("Identity-H") {
                    return Err(unsupported!());
                }
                let to_unicode = Some(to_unicode.ok_or(unsupported!())?);
                let descendants =
                    self.resolve(dict.get("DescendantFonts").ok_or(unsupported!())?)?;
                let cid_font = descendants
                    .as_array()
                    .and_then(|a| a.first())
                    .ok_or(unsupported!())?;
                let cid_font = self.resolve(cid_font)?;
                let cid = cid_font.as_dict().ok_or(unsupported!())?;
                let default_width = match cid.get("DW") {
                    Some(dw) => self.number(dw)?,
                    None => 1000.0,
                };
                let mut widths = HashMap::new();
                if let Some(w) = cid.get("W") {
                    self.cid_widths(&self.resolve(w)?, &mut widths)?;
                }
                Ok(Font {
                    two_byte: true,
                    to_unicode,
                    win_ansi: false,
                    widths,
                    default_width,
                })
            }
            Some("TrueType" | "Type1" | "MMType1") => {
                // Widths must be in the file: the standard 14 fonts' built-in metrics are
                // the general reader's business.
                let first = dict
                    .get("FirstChar")
                    .and_then(Object::as_integer)
                    .ok_or(unsupported!())?;
                let list = self.resolve(dict.get("Widths").ok_or(unsupported!())?)?;
                let list = list.as_array().ok_or(unsupported!())?;
                let mut widths = HashMap::new();
                for (code, w) in (first..=255).zip(list) {
                    let code = u32::try_from(code).map_err(|_| unsupported!())?;
                    widths.insert(code, self.number(&self.resolve(w)?)?);
                }
                let missing = match dict.get("FontDescriptor") {
                    Some(fd) => self
                        .resolve(fd)?
                        .as_dict()
                        .and_then(|d| d.get("MissingWidth"))
                        .map(|m| self.number(m))
                        .transpose()?
                        .unwrap_or(0.0),
                    None => 0.0,
                };
                // Without a ToUnicode map, only a named standard encoding (no /Differences).
                let encoding = match dict.get("Encoding") {
                    Some(e) if to_unicode.is_none() => Some(self.resolve(e)?),
                    _ => None,
                };
                let win_ansi = match encoding.as_ref().map(Object::as_name) {
                    Some(Some("WinAnsiEncoding")) => true,
                    Some(Some("MacRomanEncoding" | "StandardEncoding")) | None => false,
                    Some(_) => return Err(unsupported!()),
                };
                Ok(Font {
                    two_byte: false,
                    to_unicode,
                    win_ansi,
                    widths,
                    default_width: missing,
                })
            }
            _ => Err(unsupported!()),
        }
    }

    fn number(&self, obj: &Object) -> Step<f32> {
        obj.as_real()
            .map(|r| r as f32)
            .or_else(|| obj.as_integer().map(|i| i as f32))
            .ok_or(unsupported!())
    }

    /// A CIDFont's `/W`: `c [w1 w2 ...]` runs and `first last w` ranges, of two-byte CIDs.
    /// A hostile file may repeat huge ranges: past `MAX_WIDTH_ENTRIES` widths written, the
    /// font is left to the general reader.
    fn cid_widths(&self, w: &Object, out: &mut HashMap<u32, f32>) -> Step {
        let cid = |o: &Object| {
            o.as_integer()
                .and_then(|c| u16::try_from(c).ok())
                .map(u32::from)
                .ok_or(unsupported!())
        };
        let items = w.as_array().ok_or(unsupported!())?;
        let (mut i, mut written) = (0, 0usize);
        while i < items.len() {
            let first = cid(&items[i])?;
            match items.get(i + 1).map(|o| self.resolve(o)).transpose()? {
                Some(Object::Array(run)) => {
                    written += run.len();
                    for (code, w) in (first..=0xFFFF).zip(&run) {
                        out.insert(code, self.number(w)?);
                    }
                    i += 2;
                }
                Some(last) => {
                    let last = cid(&last)?;
                    let width = self.number(items.get(i + 2).ok_or(unsupported!())?)?;
                    written += (last.saturating_sub(first) + 1) as usize;
                    if written > MAX_WIDTH_ENTRIES {
                        return Err(unsupported!());
                    }
                    for code in first..=last {
                        out.insert(code, width);
                    }
                    i += 3;
                }
                None => return Err(unsupported!()),
            }
            if written > MAX_WIDTH_ENTRIES {
                return Err(unsupported!());
            }
        }
        Ok(())
    }

    fn run(&mut self, content: &[u8], resources: &Object, state: State, depth: usize) -> Step {
        // pdf_oxide weighs `/PlacedPDF` marked content (an overlay copy or the page's body);
        // such a page's text is its business.
        if content.windows(9).any(|w| w == b"PlacedPDF") {
            self.text_failed.get_or_insert(unsupported!());
        }
        if super::content_nesting(content) > super::MAX_NESTING {
            return Err(Unsupported(Unsupported::TOO_DEEP));
        }
        let ops = parse_content_stream(content).map_err(|_| unsupported!())?;
        let mut stack: Vec<State> = Vec::new();
        // Fonts of these resources by name (`None`: not readable on this path): a page sets
        // its font at every cell.
        let mut named: HashMap<String, Option<Arc<Font>>> = HashMap::new();
        let mut s = state;
        // Text matrix and text line matrix.
        let (mut tm, mut tlm) = (Matrix::IDENTITY, Matrix::IDENTITY);
        let mut path = Path::default();
        let mut clip_pending = false;
        // Why a font of these resources could not be loaded, should its text be shown.
        let mut font_failed: Option<Unsupported> = None;
        for op in ops {
            match op {
                Operator::SaveState => stack.push(s.clone()),
                Operator::RestoreState => {
                    if let Some(prev) = stack.pop() {
                        s = prev;
                    }
                }
                Operator::Cm { a, b, c, d, e, f } => {
                    s.ctm = Matrix { a, b, c, d, e, f }.then(&s.ctm);
                }
                Operator::SetFillGray { gray } => s.fill_white = white(&[gray]),
                Operator::SetStrokeGray { gray } => s.stroke_white = white(&[gray]),
                Operator::SetFillRgb { r, g, b } => s.fill_white = white(&[r, g, b]),
                Operator::SetStrokeRgb { r, g, b } => s.stroke_white = white(&[r, g, b]),
                Operator::SetFillCmyk { c, m, y, k } => s.fill_white = white(&[c, m, y, k]),
                Operator::SetStrokeCmyk { c, m, y, k } => s.stroke_white = white(&[c, m, y, k]),
                // A new colour space starts at its initial colour, black for the device spaces.
                Operator::SetFillColorSpace { .. } => s.fill_white = false,
                Operator::SetStrokeColorSpace { .. } => s.stroke_white = false,
                Operator::SetFillColor { components } => s.fill_white = white(&components),
                Operator::SetStrokeColor { components } => s.stroke_white = white(&components),
                Operator::SetFillColorN { components, name } => {
                    s.fill_white = name.is_none() && white(&components);
                }
                Operator::SetStrokeColorN { components, name } => {
                    s.stroke_white = name.is_none() && white(&components);
                }
                Operator::MoveTo { x, y } => path.move_to(&s.ctm, x, y),
                Operator::LineTo { x, y } => path.line_to(&s.ctm, x, y, true),
                Operator::CurveTo { x3, y3, .. }
                | Operator::CurveToV { x3, y3, .. }
                | Operator::CurveToY { x3, y3, .. } => path.line_to(&s.ctm, x3, y3, false),
                Operator::ClosePath => path.close(),
                Operator::Rectangle {
                    x,
                    y,
                    width,
                    height,
                } => path.rect(&s.ctm, x, y, width, height),
                Operator::ClipNonZero | Operator::ClipEvenOdd => clip_pending = true,
                Operator::Stroke
                | Operator::CloseAndStroke
                | Operator::Fill
                | Operator::FillEvenOdd
                | Operator::FillStroke
                | Operator::FillStrokeEvenOdd
                | Operator::CloseFillStroke
                | Operator::CloseFillStrokeEvenOdd
                | Operator::EndPath => {
                    use Operator::*;
                    if matches!(
                        op,
                        CloseAndStroke | CloseFillStroke | CloseFillStrokeEvenOdd
                    ) {
                        path.close();
                    }
                    let fill = matches!(
                        op,
                        Fill | FillEvenOdd
                            | FillStroke
                            | FillStrokeEvenOdd
                            | CloseFillStroke
                            | CloseFillStrokeEvenOdd
                    );
                    let stroke = matches!(
                        op,
                        Stroke
                            | CloseAndStroke
                            | FillStroke
                            | FillStrokeEvenOdd
                            | CloseFillStroke
                            | CloseFillStrokeEvenOdd
                    );
                    if fill && !s.fill_white {
                        self.fill_rulings(&path, s.clip);
                    }
                    if stroke && !s.stroke_white {
                        self.stroke_rulings(&path, s.clip);
                    }
                    if clip_pending {
                        if let Some(b) = path.bounds() {
                            s.clip = Some(s.clip.map_or(b, |c| c.intersect(&b)));
                        }
                        clip_pending = false;
                    }
                    path = Path::default();
                }
                Operator::BeginText => {
                    tm = Matrix::IDENTITY;
                    tlm = Matrix::IDENTITY;
                }
                Operator::Tf { font, size } => {
                    let f = match named.get(&font) {
                        Some(f) => f.clone(),
                        None => {
                            let f = self.font(resources, &font);
                            if let Err(why) = &f {
                                font_failed.get_or_insert(Unsupported(why.0));
                            }
                            let f = f.ok();
                            named.insert(font, f.clone());
                            f
                        }
                    };
                    s.font = f;
                    s.size = size;
                }
                Operator::Tr { render } => s.render = render,
                Operator::Tc { char_space } => s.char_space = char_space,
                Operator::Tw { word_space } => s.word_space = word_space,
                Operator::Tz { scale } => s.scale = scale / 100.0,
                Operator::TL { leading } => s.leading = leading,
                Operator::Td { tx, ty } => {
                    tlm = tlm.translated(tx, ty);
                    tm = tlm;
                }
                Operator::TD { tx, ty } => {
                    s.leading = -ty;
                    tlm = tlm.translated(tx, ty);
                    tm = tlm;
                }
                Operator::Tm { a, b, c, d, e, f } => {
                    tlm = Matrix { a, b, c, d, e, f };
                    tm = tlm;
                }
                Operator::TStar => {
                    tlm = tlm.translated(0.0, -s.leading);
                    tm = tlm;
                }
                Operator::Tj { text } => self.show(&text, &s, &mut tm, &font_failed),
                Operator::Quote { text } => {
                    tlm = tlm.translated(0.0, -s.leading);
                    tm = tlm;
                    self.show(&text, &s, &mut tm, &font_failed);
                }
                Operator::DoubleQuote {
                    word_space,
                    char_space,
                    text,
                } => {
                    s.word_space = word_space;
                    s.char_space = char_space;
                    tlm = tlm.translated(0.0, -s.leading);
                    tm = tlm;
                    self.show(&text, &s, &mut tm, &font_failed);
                }
                Operator::TJ { array } => {
                    for element in array {
                        match element {
                            TextElement::String(text) => {
                                self.show(&text, &s, &mut tm, &font_failed)
                            }
                            TextElement::Offset(n) => {
                                tm = tm.translated(-n / 1000.0 * s.size * s.scale, 0.0);
                            }
                        }
                    }
                }
                Operator::Do { name } => self.form(resources, &name, &s, depth)?,
                _ => {}
            }
        }
        Ok(())
    }

    /// Keep a ruling, cut to the clip; one outside it is not seen.
    fn push_ruling(&mut self, r: Ruling, clip: Option<Rect>) {
        if self.rulings.len() >= MAX_RULINGS {
            return;
        }
        let r = match clip {
            None => r,
            Some(c) => {
                let cut = Ruling {
                    x0: r.x0.max(c.x0),
                    y0: r.y0.max(c.y0),
                    x1: r.x1.min(c.x1),
                    y1: r.y1.min(c.y1),
                };
                // A ruling on the clip's edge is drawn (half of its width is inside).
                let tol = 1.0;
                if cut.x0 > cut.x1 + tol || cut.y0 > cut.y1 + tol {
                    return;
                }
                Ruling {
                    x1: cut.x1.max(cut.x0),
                    y1: cut.y1.max(cut.y0),
                    ..cut
                }
            }
        };
        self.rulings.push(r);
    }

    /// The straight segments of a stroked path that run along an axis.
    fn stroke_rulings(&mut self, path: &Path, clip: Option<Rect>) {
        for (points, closed) in &path.subpaths {
            let closing = closed.then(|| (points.first().map(|p| p.0), true));
            let ends = points
                .iter()
                .map(|&(p, straight)| (Some(p), straight))
                .chain(closing);
            let mut prev: Option<(f32, f32)> = None;
            for (p, straight) in ends {
                let Some(p) = p else { continue };
                if let (Some(a), true) = (prev, straight) {
                    if let Some(r) = axis_segment(a, p) {
                        self.push_ruling(r, clip);
                    }
                }
                prev = Some(p);
            }
        }
    }

    /// A filled subpath that is a thin rectangle is a ruling along its length.
    fn fill_rulings(&mut self, path: &Path, clip: Option<Rect>) {
        for (points, _) in &path.subpaths {
            let mut corners: Vec<(f32, f32)> = points.iter().map(|(p, _)| *p).collect();
            if corners.len() == 5 && corners.first() == corners.last() {
                corners.pop();
            }
            if corners.len() != 4 || points.iter().any(|(_, straight)| !straight) {
                continue;
            }
            let along = (0..4).all(|i| {
                let (a, b) = (corners[i], corners[(i + 1) % 4]);
                (a.0 - b.0).abs() <= AXIS_TOLERANCE || (a.1 - b.1).abs() <= AXIS_TOLERANCE
            });
            let Some(b) = Rect::around(corners.iter().copied()) else {
                continue;
            };
            let (w, h) = (b.x1 - b.x0, b.y1 - b.y0);
            if !along || w.min(h) > MAX_RULE_THICKNESS || w.max(h) < 2.0 * w.min(h).max(1.0) {
                continue;
            }
            let r = if w >= h {
                let y = (b.y0 + b.y1) / 2.0;
                Ruling {
                    x0: b.x0,
                    y0: y,
                    x1: b.x1,
                    y1: y,
                }
            } else {
                let x = (b.x0 + b.x1) / 2.0;
                Ruling {
                    x0: x,
                    y0: b.y0,
                    x1: x,
                    y1: b.y1,
                }
            };
            self.push_ruling(r, clip);
        }
    }

    /// A form XObject's text and rulings, drawn with the form's matrix and resources and
    /// clipped to its bounding box; images draw neither.
    fn form(&mut self, resources: &Object, name: &str, s: &State, depth: usize) -> Step {
        let (_, xobject) = self.resource(resources, "XObject", name)?;
        let Object::Stream { dict, .. } = &xobject else {
            return Err(unsupported!());
        };
        if dict.get("Subtype").and_then(Object::as_name) != Some("Form") {
            return Ok(());
        }
        self.forms += 1;
        if depth >= MAX_FORM_DEPTH || self.forms > MAX_FORMS {
            return Err(unsupported!());
        }
        let data = xobject.decode_stream_data().map_err(|_| unsupported!())?;
        let mut state = s.clone();
        if let Some(m) = dict.get("Matrix") {
            let [a, b, c, d, e, f] = self.numbers(m)?[..] else {
                return Err(unsupported!());
            };
            state.ctm = Matrix { a, b, c, d, e, f }.then(&s.ctm);
        }
        if let Some(bbox) = dict.get("BBox") {
            if let [x0, y0, x1, y1] = self.numbers(bbox)?[..] {
                let corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)];
                if let Some(b) = Rect::around(corners.iter().map(|&(x, y)| state.ctm.point(x, y))) {
                    state.clip = Some(state.clip.map_or(b, |c| c.intersect(&b)));
                }
            }
        }
        let own = match dict.get("Resources") {
            Some(r) => self.resolve(r)?,
            None => resources.clone(),
        };
        self.run(&data, &own, state, depth + 1)
    }

    fn numbers(&self, obj: &Object) -> Step<Vec<f32>> {
        self.resolve(obj)?
            .as_array()
            .ok_or(unsupported!())?
            .iter()
            .map(|x| self.number(x))
            .collect()
    }

    /// Show a string: one character per code at the text matrix, which advances by the
    /// glyph's width and the character and word spacing. Text in a font this path cannot
    /// read leaves the page's characters to the general reader.
    fn show(&mut self, text: &[u8], s: &State, tm: &mut Matrix, font_failed: &Option<Unsupported>) {
        if self.text_failed.is_some() {
            return;
        }
        let Some(font) = s.font.as_ref() else {
            self.text_failed = Some(
                font_failed
                    .as_ref()
                    .map_or(unsupported!(), |w| Unsupported(w.0)),
            );
            return;
        };
        let step = if font.two_byte { 2 } else { 1 };
        for chunk in text.chunks_exact(step) {
            let code = chunk.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b));
            let Some(unicode) = font.text(code) else {
                self.text_failed = Some(unsupported!());
                return;
            };
            let unicode = if unicode.chars().count() > 8 {
                unicode.chars().take(1).collect()
            } else {
                unicode
            };
            let m = tm.then(&s.ctm);
            let (x, y) = s.ctm.point(tm.e, tm.f);
            let size = s.size * (m.d * m.d + m.b * m.b).sqrt();
            let width = font.width(code) * s.size / 1000.0 * s.scale;
            let count = unicode.chars().count().max(1) as f32;
            let advance = width * m.a.abs() / count;
            let rotation = m.b.atan2(m.a).to_degrees();
            // The middle of the glyph: half its advance along the text, a third of its size up.
            let along = (m.a * m.a + m.b * m.b).sqrt().max(f32::EPSILON);
            let up = (m.c * m.c + m.d * m.d).sqrt().max(f32::EPSILON);
            for (i, c) in unicode.chars().enumerate() {
                if c == '\0' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
                    continue;
                }
                let cx = x + i as f32 * advance;
                let (mx, my) = (
                    cx + m.a / along * advance / 2.0 + m.c / up * size / 3.0,
                    y + m.b / along * advance / 2.0 + m.d / up * size / 3.0,
                );
                let invisible = matches!(s.render, 3 | 7);
                let hidden = invisible || s.clip.is_some_and(|clip| !clip.holds(mx, my, 0.5));
                // The glyph's box: its advance along the text, from a little below the
                // baseline to near the top of the em.
                let cut = !invisible
                    && s.clip.is_some_and(|clip| {
                        let corner = |t: f32, h: f32| {
                            (
                                cx + m.a / along * t + m.c / up * h,
                                y + m.b / along * t + m.d / up * h,
                            )
                        };
                        let (lo, hi) = (-0.12 * size, 0.85 * size);
                        Rect::around(
                            [
                                corner(0.0, lo),
                                corner(advance, lo),
                                corner(0.0, hi),
                                corner(advance, hi),
                            ]
                            .into_iter(),
                        )
                        .is_some_and(|b| partly_inside(&b, &clip))
                    });
                self.out.push(Char {
                    c,
                    x: cx,
                    y,
                    size,
                    advance,
                    rotation,
                    hidden,
                    cut,
                });
            }
            let word = if step == 1 && code == 32 {
                s.word_space
            } else {
                0.0
            };
            *tm = tm.translated(width + (s.char_space + word) * s.scale, 0.0);
        }
    }
}

/// Whether a glyph's box is cut by the clip: a good part of it shows and a good part does
/// not (a box that pokes a little past a cell's clip, or whose corner is hidden, is shown).
fn partly_inside(glyph: &Rect, clip: &Rect) -> bool {
    let area = |r: &Rect| (r.x1 - r.x0).max(0.0) * (r.y1 - r.y0).max(0.0);
    let whole = area(glyph);
    if whole <= 0.0 {
        return false;
    }
    let shown = area(&glyph.intersect(clip)) / whole;
    (0.1..=0.7).contains(&shown)
}

/// A straight segment along an axis, as a ruling (ends ordered); a slanted or tiny one is none.
fn axis_segment(a: (f32, f32), b: (f32, f32)) -> Option<Ruling> {
    let (dx, dy) = ((a.0 - b.0).abs(), (a.1 - b.1).abs());
    if dx.max(dy) < 1.0 {
        return None;
    }
    if dx <= AXIS_TOLERANCE {
        let x = (a.0 + b.0) / 2.0;
        Some(Ruling {
            x0: x,
            y0: a.1.min(b.1),
            x1: x,
            y1: a.1.max(b.1),
        })
    } else if dy <= AXIS_TOLERANCE {
        let y = (a.1 + b.1) / 2.0;
        Some(Ruling {
            x0: a.0.min(b.0),
            y0: y,
            x1: a.0.max(b.0),
            y1: y,
        })
    } else {
        None
    }
}

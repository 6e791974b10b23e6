//! A page's characters with their positions, read from the content stream by our own small
//! text-showing interpreter, for the fonts it can map without their embedded programs: a
//! `/ToUnicode` CMap with `/W` or `/Widths` metrics (every corpus document), or a simple font
//! in WinAnsi (or whose codes are printable ASCII).
//!
//! pdf_oxide's `extract_chars` inflates and parses every embedded font program (twice for a
//! TrueType subset), and the Jiangsu documents embed a new subset of SimSun on every page: the
//! programs cost more than the rest of the reading. None of that is needed to know which
//! character is drawn where. A page with anything this interpreter does not handle (an
//! unmapped code, a Type 3 font, a CMap other than Identity-H, an encrypted file) gives
//! `Unsupported` and is read by `extract_chars` instead, so this path only ever speeds reading
//! up.
//!
//! The geometry follows ISO 32000-1 §9.4.4 and is computed as pdf_oxide computes it (origin
//! from the text matrix and the CTM, effective size from the combined matrix's y scale,
//! advance from the glyph width), so both paths lay a page out the same way; a test checks
//! that they agree on every corpus page.

use pdf_oxide::content::{parse_and_execute_text_only, Operator, TextElement};
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
            (Some(c), None) => matches!(c as u32, 0xA1..=0xBF | 0x2190..=0x2BFF),
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

#[derive(Clone)]
struct State {
    ctm: Matrix,
    font: Option<Arc<Font>>,
    size: f32,
    char_space: f32,
    word_space: f32,
    scale: f32,
    leading: f32,
}

/// Nesting of form XObjects followed (real documents use one or two levels).
const MAX_FORM_DEPTH: usize = 8;

/// Form XObjects drawn on one page: a form drawn twice by a form drawn twice... grows
/// exponentially; past this many the page goes to the general reader.
const MAX_FORMS: usize = 1000;

/// Widths a CIDFont's `/W` may set (a font has at most 65,536 CIDs).
const MAX_WIDTH_ENTRIES: usize = 1 << 17;

/// Why a page goes to the general reader instead: the line of this file that gave up (for
/// a test's message; the reader itself only falls back).
#[derive(Debug)]
#[allow(dead_code, reason = "read through Debug, in test messages")]
pub(super) struct Unsupported(u32);

macro_rules! unsupported {
    () => {
        Unsupported(line!())
    };
}

type Step<T = ()> = Result<T, Unsupported>;

/// The characters of a page, or why the page needs the general reader.
pub(super) fn page_chars(doc: &PdfDocument, fonts: &Fonts, page: usize) -> Step<Vec<Char>> {
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
    };
    reader.run(&content, &resources, state, 0)?;
    Ok(reader.out)
}

struct Reader<'a> {
    doc: &'a PdfDocument,
    fonts: &'a Fonts,
    out: Vec<Char>,
    forms: usize,
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
        // such a page is its business.
        if content.windows(9).any(|w| w == b"PlacedPDF") {
            return Err(unsupported!());
        }
        let mut ops = Vec::new();
        parse_and_execute_text_only(content, |op| {
            ops.push(op);
            Ok(())
        })
        .map_err(|_| unsupported!())?;
        let mut stack: Vec<State> = Vec::new();
        // Fonts of these resources by name: a page sets its font at every cell.
        let mut named: HashMap<String, Arc<Font>> = HashMap::new();
        let mut s = state;
        // Text matrix and text line matrix.
        let (mut tm, mut tlm) = (Matrix::IDENTITY, Matrix::IDENTITY);
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
                Operator::BeginText => {
                    tm = Matrix::IDENTITY;
                    tlm = Matrix::IDENTITY;
                }
                Operator::Tf { font, size } => {
                    let f = match named.get(&font) {
                        Some(f) => Arc::clone(f),
                        None => {
                            let f = self.font(resources, &font)?;
                            named.insert(font, Arc::clone(&f));
                            f
                        }
                    };
                    s.font = Some(f);
                    s.size = size;
                }
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
                Operator::Tj { text } => self.show(&text, &s, &mut tm)?,
                Operator::Quote { text } => {
                    tlm = tlm.translated(0.0, -s.leading);
                    tm = tlm;
                    self.show(&text, &s, &mut tm)?;
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
                    self.show(&text, &s, &mut tm)?;
                }
                Operator::TJ { array } => {
                    for element in array {
                        match element {
                            TextElement::String(text) => self.show(&text, &s, &mut tm)?,
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

    /// A form XObject's text, drawn with the form's matrix and resources; images draw none.
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
            let m = self.resolve(m)?;
            let v: Vec<f32> = m
                .as_array()
                .ok_or(unsupported!())?
                .iter()
                .map(|x| self.number(x))
                .collect::<Step<_>>()?;
            let [a, b, c, d, e, f] = v[..] else {
                return Err(unsupported!());
            };
            state.ctm = Matrix { a, b, c, d, e, f }.then(&s.ctm);
        }
        let own = match dict.get("Resources") {
            Some(r) => self.resolve(r)?,
            None => resources.clone(),
        };
        self.run(&data, &own, state, depth + 1)
    }

    /// Show a string: one character per code at the text matrix, which advances by the
    /// glyph's width and the character and word spacing.
    fn show(&mut self, text: &[u8], s: &State, tm: &mut Matrix) -> Step {
        let font = s.font.as_ref().ok_or(unsupported!())?;
        let step = if font.two_byte { 2 } else { 1 };
        for chunk in text.chunks_exact(step) {
            let code = chunk.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b));
            let unicode = font.text(code).ok_or(unsupported!())?;
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
            for (i, c) in unicode.chars().enumerate() {
                if c == '\0' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
                    continue;
                }
                self.out.push(Char {
                    c,
                    x: x + i as f32 * advance,
                    y,
                    size,
                    advance,
                    rotation,
                });
            }
            let word = if step == 1 && code == 32 {
                s.word_space
            } else {
                0.0
            };
            *tm = tm.translated(width + (s.char_space + word) * s.scale, 0.0);
        }
        Ok(())
    }
}

//! Tables from the grid a page draws.
//!
//! A table's cell borders are ruling lines. Collinear pieces are merged (producers draw a
//! border cell by cell, or as two lines a hair apart); lines that touch form one grid; the
//! distinct positions of its vertical and horizontal lines cut it into atomic cells, and a
//! border missing between two atomic cells merges them (a header spanning columns, a label
//! spanning rows). Every character goes to the cell whose box holds its middle, so a label
//! wrapped over three lines is one cell, and which column a figure is in is decided by the
//! lines the page draws, not by how its text happens to align.
//!
//! A band between two horizontal lines can still hold several printed rows (a table that
//! draws its column rules but not every row rule): when one of its cells holds two or more
//! figures one above the other, the band is cut into one row per figure, and every other line
//! of the band goes to the row whose figure it is nearest.
//!
//! Coordinates are in reading orientation (x along the text, y up the page), as the glyphs.

use super::Glyph;

/// A ruling in reading orientation, ends ordered (`x0 <= x1`, `y0 <= y1`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Line {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

/// Rulings this close across their axis are one line (double borders, cell-by-cell borders).
const SAME_LINE: f32 = 1.6;
/// Pieces of one line with gaps up to this are one line.
const GAP: f32 = 2.5;
/// A horizontal and a vertical line this close meet.
const MEET: f32 = 2.5;
/// Rows and columns narrower than this are artefacts of borders a little apart.
const MIN_BAND: f32 = 3.0;
/// The most atomic cells a grid may have (a dense A3 table has about 2,000).
const MAX_CELLS: usize = 20_000;

/// One printed row of a grid: its top (for ordering with the page's other lines) and the text
/// of each column, a merged cell's text in its first column.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct GridRow {
    pub top: f32,
    pub bottom: f32,
    pub cells: Vec<String>,
}

/// The rows of one grid and its column boundaries.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Table {
    pub xs: Vec<f32>,
    pub rows: Vec<GridRow>,
    top: f32,
    bottom: f32,
}

impl Table {
    pub fn top(&self) -> f32 {
        self.top
    }

    pub fn bottom(&self) -> f32 {
        self.bottom
    }

    /// Lay the rows out on `columns`, a superset of this grid's boundaries: each cell moves to
    /// the column that starts where it starts.
    pub fn widen(&mut self, columns: &[f32]) {
        if columns.len() == self.xs.len() {
            return;
        }
        let at = |x: f32| {
            (0..columns.len().saturating_sub(1))
                .min_by(|&a, &b| (columns[a] - x).abs().total_cmp(&(columns[b] - x).abs()))
                .unwrap_or(0)
        };
        let target: Vec<usize> = self.xs.iter().map(|&x| at(x)).collect();
        for row in &mut self.rows {
            let mut cells = vec![String::new(); columns.len() - 1];
            for (c, text) in std::mem::take(&mut row.cells).into_iter().enumerate() {
                if let Some(&t) = target.get(c) {
                    if cells[t].is_empty() {
                        cells[t] = text;
                    } else if !text.is_empty() {
                        cells[t].push_str(&text);
                    }
                }
            }
            row.cells = cells;
        }
        self.xs = columns.to_vec();
    }
}

/// A row cut by a page break: the first row of `next` holds only the rest of the last row's
/// texts ("八、社会保障和就" / "业支出", "当年收入" / "小计"): short pieces, no figures, each under
/// a text of that row, none starting an item of its own (a number, "一、", "1."). It is joined
/// to the row it continues.
pub(super) fn join_split_row(prev: &mut Table, next: &mut Table) {
    let (Some(last), Some(first)) = (prev.rows.last(), next.rows.first()) else {
        return;
    };
    if last.cells.len() != first.cells.len() {
        return;
    }
    let continues = first.cells.iter().zip(&last.cells).all(|(piece, above)| {
        let c: String = piece.chars().filter(|c| !c.is_whitespace()).collect();
        let starts_item = c.chars().next().is_some_and(|ch| ch.is_ascii_digit())
            || crate::titles::split_label(&c).1.is_some();
        c.is_empty()
            || (!above.trim().is_empty()
                && !is_figure(above)
                && !is_figure(&c)
                && !starts_item
                && c.chars().count() <= 8)
    });
    if !continues || first.cells.iter().all(|c| c.trim().is_empty()) {
        return;
    }
    let first = next.rows.remove(0);
    if let Some(last) = prev.rows.last_mut() {
        for (cell, piece) in last.cells.iter_mut().zip(first.cells) {
            cell.push_str(piece.trim());
        }
    }
}

/// The column boundaries two grids share when one's columns are among the other's and both
/// span the same width: the larger set. `None` when they are different tables.
pub(super) fn shared_columns(a: &Table, b: &Table) -> Option<Vec<f32>> {
    let near = |p: f32, q: f32| (p - q).abs() <= MIN_BAND;
    let (Some(a0), Some(a1), Some(b0), Some(b1)) =
        (a.xs.first(), a.xs.last(), b.xs.first(), b.xs.last())
    else {
        return None;
    };
    if !near(*a0, *b0) || !near(*a1, *b1) {
        return None;
    }
    let within =
        |small: &[f32], big: &[f32]| small.iter().all(|&x| big.iter().any(|&y| near(x, y)));
    if within(&a.xs, &b.xs) {
        Some(b.xs.clone())
    } else if within(&b.xs, &a.xs) {
        Some(a.xs.clone())
    } else {
        None
    }
}

/// A horizontal (`pos` = y, `a..b` = x) or vertical (`pos` = x, `a..b` = y) line.
#[derive(Clone, Copy, Debug)]
struct Seg {
    pos: f32,
    a: f32,
    b: f32,
}

/// Merge collinear pieces: close positions are one line, overlapping or nearly touching
/// extents one segment.
fn merge(mut segs: Vec<Seg>) -> Vec<Seg> {
    segs.sort_by(|p, q| p.pos.total_cmp(&q.pos));
    let mut out = Vec::new();
    let mut i = 0;
    while i < segs.len() {
        let mut j = i + 1;
        while j < segs.len() && segs[j].pos - segs[j - 1].pos <= SAME_LINE / 2.0 {
            j += 1;
        }
        let pos = segs[i..j].iter().map(|s| s.pos).sum::<f32>() / (j - i) as f32;
        let mut run: Vec<Seg> = segs[i..j].to_vec();
        run.sort_by(|p, q| p.a.total_cmp(&q.a));
        let mut cur: Option<Seg> = None;
        for s in run {
            match cur.as_mut() {
                Some(c) if s.a <= c.b + GAP => c.b = c.b.max(s.b),
                _ => {
                    out.extend(cur.take());
                    cur = Some(Seg {
                        pos,
                        a: s.a,
                        b: s.b,
                    });
                }
            }
        }
        out.extend(cur);
        i = j;
    }
    out
}

/// Positions closer than `MIN_BAND` become one (their mean), ascending.
fn cluster(mut v: Vec<f32>) -> Vec<f32> {
    v.sort_by(f32::total_cmp);
    let mut out: Vec<(f32, usize)> = Vec::new();
    for x in v {
        match out.last_mut() {
            Some((m, n)) if x - *m / *n as f32 <= MIN_BAND => {
                *m += x;
                *n += 1;
            }
            _ => out.push((x, 1)),
        }
    }
    out.into_iter().map(|(m, n)| m / n as f32).collect()
}

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut r = i;
    while parent[r] != r {
        r = parent[r];
    }
    let mut k = i;
    while parent[k] != r {
        let next = parent[k];
        parent[k] = r;
        k = next;
    }
    r
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[ra.max(rb)] = ra.min(rb);
    }
}

/// A grid: column boundaries ascending, row boundaries descending (top first), and the
/// merged cell each atomic cell belongs to.
#[derive(Debug)]
struct Grid {
    xs: Vec<f32>,
    ys: Vec<f32>,
    /// Atomic cell (row-major) -> the merged cell's anchor (its first atomic cell).
    anchor: Vec<usize>,
}

impl Grid {
    fn cols(&self) -> usize {
        self.xs.len() - 1
    }

    fn rows(&self) -> usize {
        self.ys.len() - 1
    }

    /// The atomic cell holding a point, if the point is inside the grid.
    fn at(&self, x: f32, y: f32) -> Option<(usize, usize)> {
        let (first, last) = (self.xs[0], self.xs[self.cols()]);
        let (top, bottom) = (self.ys[0], self.ys[self.rows()]);
        if x < first || x > last || y > top || y < bottom {
            return None;
        }
        let c = self.xs[1..].iter().position(|&b| x <= b)?;
        let r = self.ys[1..].iter().position(|&b| y >= b)?;
        Some((r, c))
    }
}

/// The grids the rulings draw: at least two columns and two horizontal lines.
fn grids(lines: &[Line]) -> Vec<Grid> {
    let mut hs = Vec::new();
    let mut vs = Vec::new();
    for l in lines {
        if l.y1 - l.y0 <= l.x1 - l.x0 {
            hs.push(Seg {
                pos: (l.y0 + l.y1) / 2.0,
                a: l.x0,
                b: l.x1,
            });
        } else {
            vs.push(Seg {
                pos: (l.x0 + l.x1) / 2.0,
                a: l.y0,
                b: l.y1,
            });
        }
    }
    let hs = merge(hs);
    let vs = merge(vs);
    let n = hs.len() + vs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    for (i, h) in hs.iter().enumerate() {
        for (j, v) in vs.iter().enumerate() {
            if v.pos >= h.a - MEET
                && v.pos <= h.b + MEET
                && h.pos >= v.a - MEET
                && h.pos <= v.b + MEET
            {
                union(&mut parent, i, hs.len() + j);
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, (Vec<Seg>, Vec<Seg>)> = Default::default();
    for i in 0..n {
        let root = find(&mut parent, i);
        let entry = groups.entry(root).or_default();
        if i < hs.len() {
            entry.0.push(hs[i]);
        } else {
            entry.1.push(vs[i - hs.len()]);
        }
    }
    groups
        .into_values()
        .filter_map(|(h, v)| grid_of(&h, &v))
        .collect()
}

fn grid_of(hs: &[Seg], vs: &[Seg]) -> Option<Grid> {
    if hs.len() < 2 || vs.len() < 2 {
        return None;
    }
    let xs = cluster(vs.iter().map(|v| v.pos).collect());
    let mut ys = cluster(hs.iter().map(|h| h.pos).collect());
    ys.reverse();
    if xs.len() < 3 || ys.len() < 2 {
        return None;
    }
    let (rows, cols) = (ys.len() - 1, xs.len() - 1);
    // A real table has at most a few thousand cells; a hostile page of crossing lines is none.
    if rows.saturating_mul(cols) > MAX_CELLS {
        return None;
    }
    // A line exists between two atomic cells when a ruling at that position covers the
    // middle of their shared side.
    let near = |p: f32, q: f32| (p - q).abs() <= MIN_BAND;
    let vertical_at = |k: usize, r: usize| {
        let mid = (ys[r] + ys[r + 1]) / 2.0;
        vs.iter()
            .any(|v| near(v.pos, xs[k]) && v.a <= mid + 1.0 && v.b >= mid - 1.0)
    };
    let horizontal_at = |r: usize, c: usize| {
        let mid = (xs[c] + xs[c + 1]) / 2.0;
        hs.iter()
            .any(|h| near(h.pos, ys[r]) && h.a <= mid + 1.0 && h.b >= mid - 1.0)
    };
    let mut parent: Vec<usize> = (0..rows * cols).collect();
    for r in 0..rows {
        for c in 0..cols {
            if c + 1 < cols && !vertical_at(c + 1, r) {
                union(&mut parent, r * cols + c, r * cols + c + 1);
            }
            if r + 1 < rows && !horizontal_at(r + 1, c) {
                union(&mut parent, r * cols + c, (r + 1) * cols + c);
            }
        }
    }
    let anchor = (0..rows * cols).map(|i| find(&mut parent, i)).collect();
    Some(Grid { xs, ys, anchor })
}

/// A piece of text in a cell: its baseline and text.
#[derive(Clone, Debug)]
struct Piece {
    y: f32,
    text: String,
}

/// Whether a piece of a cell is a figure or a code: what one printed row holds once.
fn is_figure(text: &str) -> bool {
    let t = text.trim().trim_start_matches(['-', '－']);
    if t.is_empty()
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        return false;
    }
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if frac.contains('.') || frac.len() > 2 || int.is_empty() {
        return false;
    }
    // Thousands separators every three digits, or none.
    let groups: Vec<&str> = int.split(',').collect();
    groups.len() == 1
        || (groups[0].len() <= 3
            && !groups[0].is_empty()
            && groups[1..].iter().all(|g| g.len() == 3))
}

/// Group a cell's glyphs into pieces, one per printed line (top first).
fn pieces(glyphs: Vec<Glyph>) -> Vec<Piece> {
    super::baselines(glyphs)
        .into_iter()
        .map(|(y, _, v)| {
            let mut text = String::new();
            let mut end = f32::NEG_INFINITY;
            for g in v {
                if !text.is_empty() && g.x - end > g.size * 0.2 {
                    text.push(' ');
                }
                text.push(g.c);
                end = g.x + g.w;
            }
            Piece { y, text }
        })
        .collect()
}

/// Join a cell's lines: a wrapped label or figure continues without a space, words of
/// Latin text keep one.
fn join(pieces: &[&Piece]) -> String {
    let mut out = String::new();
    for p in pieces {
        let text = p.text.trim();
        if text.is_empty() {
            continue;
        }
        let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic());
        if latin(out.chars().last()) && latin(text.chars().next()) {
            out.push(' ');
        }
        out.push_str(text);
    }
    out
}

/// The merged cells of each grid the rulings draw, as boxes (`pdf_geometry`).
pub(super) fn cell_boxes(lines: &[Line]) -> Vec<Vec<super::CellBox>> {
    grids(lines)
        .iter()
        .map(|g| {
            let cols = g.cols();
            let mut boxes: std::collections::BTreeMap<usize, super::CellBox> = Default::default();
            for (i, &a) in g.anchor.iter().enumerate() {
                let (r, c) = (i / cols, i % cols);
                let atom = super::CellBox {
                    x0: g.xs[c],
                    y0: g.ys[r + 1],
                    x1: g.xs[c + 1],
                    y1: g.ys[r],
                };
                boxes
                    .entry(a)
                    .and_modify(|b| {
                        b.x0 = b.x0.min(atom.x0);
                        b.y0 = b.y0.min(atom.y0);
                        b.x1 = b.x1.max(atom.x1);
                        b.y1 = b.y1.max(atom.y1);
                    })
                    .or_insert(atom);
            }
            boxes.into_values().collect()
        })
        .collect()
}

/// Split the page's glyphs into the rows of the grids its rulings draw and the glyphs that
/// are in no grid.
pub(super) fn tables(glyphs: Vec<Glyph>, lines: &[Line]) -> (Vec<Table>, Vec<Glyph>) {
    let grids = grids(lines);
    if grids.is_empty() {
        return (Vec::new(), glyphs);
    }
    let mut rest = Vec::new();
    // Per grid, per atomic cell anchor: its glyphs.
    let mut held: Vec<std::collections::BTreeMap<usize, Vec<Glyph>>> =
        grids.iter().map(|_| Default::default()).collect();
    for g in glyphs {
        let (mx, my) = (g.x + g.w / 2.0, g.y + g.size * 0.35);
        let hit = grids.iter().enumerate().find_map(|(k, grid)| {
            grid.at(mx, my)
                .map(|(r, c)| (k, grid.anchor[r * grid.cols() + c]))
        });
        match hit {
            Some((k, anchor)) => held[k].entry(anchor).or_default().push(g),
            None => rest.push(g),
        }
    }
    let tables = grids
        .iter()
        .zip(held)
        .map(|(grid, cells)| Table {
            xs: grid.xs.clone(),
            rows: grid_rows(grid, cells),
            top: grid.ys[0],
            bottom: grid.ys[grid.rows()],
        })
        .filter(|t| !t.rows.is_empty())
        .collect::<Vec<Table>>();
    // From the top of the page down.
    let mut tables = tables;
    tables.sort_by(|a, b| b.top.total_cmp(&a.top));
    (tables, rest)
}

/// The printed rows of one grid.
fn grid_rows(grid: &Grid, cells: std::collections::BTreeMap<usize, Vec<Glyph>>) -> Vec<GridRow> {
    let cols = grid.cols();
    // Each merged cell: its anchor row and column, its last row, and its text pieces.
    // The last row of each merged cell, in one pass over the atomic cells.
    let mut last_row: std::collections::HashMap<usize, usize> = Default::default();
    for (i, &a) in grid.anchor.iter().enumerate() {
        let r = last_row.entry(a).or_insert(i / cols);
        *r = (*r).max(i / cols);
    }
    let mut placed: Vec<(usize, usize, usize, Vec<Piece>)> = Vec::new();
    for (anchor, glyphs) in cells {
        let last = last_row.get(&anchor).copied().unwrap_or(anchor / cols);
        placed.push((anchor / cols, anchor % cols, last, pieces(glyphs)));
    }
    let mut out = Vec::new();
    for r in 0..grid.rows() {
        let (top, bottom) = (grid.ys[r], grid.ys[r + 1]);
        let here: Vec<&(usize, usize, usize, Vec<Piece>)> =
            placed.iter().filter(|p| p.0 == r).collect();
        if here.is_empty() {
            continue;
        }
        // Several printed rows in one band: a cell of this band alone with two or more
        // figures one above the other.
        let figures: Vec<f32> = here
            .iter()
            .filter(|p| p.2 == r)
            .map(|p| {
                p.3.iter()
                    .filter(|piece| is_figure(&piece.text))
                    .map(|piece| piece.y)
                    .collect::<Vec<f32>>()
            })
            .max_by_key(Vec::len)
            .unwrap_or_default();
        let subrows = if figures.len() >= 2 {
            figures
        } else {
            vec![top]
        };
        let mut texts: Vec<Vec<Vec<&Piece>>> = vec![vec![Vec::new(); cols]; subrows.len()];
        for (_, c, last, ps) in &here {
            for piece in ps {
                let k = if *last == r {
                    (0..subrows.len())
                        .min_by(|&a, &b| {
                            (subrows[a] - piece.y)
                                .abs()
                                .total_cmp(&(subrows[b] - piece.y).abs())
                        })
                        .unwrap_or(0)
                } else {
                    0
                };
                texts[k][*c].push(piece);
            }
        }
        let n = texts.len();
        for (k, row) in texts.into_iter().enumerate() {
            let cells: Vec<String> = row.iter().map(|ps| join(ps)).collect();
            if cells.iter().all(String::is_empty) {
                continue;
            }
            // Sub-rows share the band, in order.
            let step = (top - bottom) / n as f32;
            out.push(GridRow {
                top: top - step * k as f32,
                bottom: top - step * (k + 1) as f32,
                cells,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(y: f32, x0: f32, x1: f32) -> Line {
        Line {
            x0,
            y0: y,
            x1,
            y1: y,
        }
    }

    fn v(x: f32, y0: f32, y1: f32) -> Line {
        Line {
            x0: x,
            y0,
            x1: x,
            y1,
        }
    }

    fn text(s: &str, x: f32, y: f32) -> Vec<Glyph> {
        s.chars()
            .enumerate()
            .map(|(i, c)| {
                let w = if c.is_ascii() { 5.0 } else { 10.0 };
                Glyph {
                    c,
                    x: x + i as f32 * w,
                    y,
                    w,
                    size: 10.0,
                }
            })
            .collect()
    }

    /// A 3 x 3 grid whose top row merges its last two columns, drawn border by border as a
    /// producer does (each cell's side a piece, a little apart).
    fn grid_lines() -> Vec<Line> {
        let mut l = vec![
            h(100.0, 0.0, 100.0),
            h(100.4, 100.0, 300.0),
            h(80.0, 0.0, 300.0),
            h(60.0, 0.0, 150.0),
            h(60.3, 150.0, 300.0),
            h(20.0, 0.0, 300.0),
        ];
        l.extend([v(0.0, 20.0, 100.0), v(300.0, 20.0, 100.0)]);
        l.extend([v(100.0, 20.0, 100.0), v(200.2, 20.0, 80.0)]);
        l
    }

    #[test]
    fn cells_from_rulings_with_merges_and_wrapped_labels() {
        let mut glyphs = text("项目", 10.0, 85.0);
        glyphs.extend(text("预算数", 150.0, 85.0));
        glyphs.extend(text("合计", 110.0, 65.0));
        glyphs.extend(text("基本", 210.0, 65.0));
        // A label wrapped over two lines, its figure on the line between.
        glyphs.extend(text("一般公共服", 5.0, 48.0));
        glyphs.extend(text("务支出", 5.0, 28.0));
        glyphs.extend(text("1,234.50", 150.0, 38.0));
        glyphs.extend(text("页脚", 10.0, 5.0));
        let (tables, rest) = tables(glyphs, &grid_lines());
        let cells: Vec<Vec<&str>> = tables[0]
            .rows
            .iter()
            .map(|r| r.cells.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            cells,
            [
                vec!["项目", "预算数", ""],
                vec!["", "合计", "基本"],
                vec!["一般公共服务支出", "1,234.50", ""],
            ]
        );
        assert_eq!(rest.iter().map(|g| g.c).collect::<String>(), "页脚");
    }

    #[test]
    fn a_band_with_figures_one_above_the_other_is_several_rows() {
        let lines = vec![
            h(100.0, 0.0, 200.0),
            h(80.0, 0.0, 200.0),
            h(20.0, 0.0, 200.0),
            v(0.0, 20.0, 100.0),
            v(100.0, 20.0, 100.0),
            v(200.0, 20.0, 100.0),
        ];
        let mut glyphs = text("项目", 10.0, 85.0);
        glyphs.extend(text("金额", 110.0, 85.0));
        for (i, (label, figure)) in [("工资", "10.00"), ("津贴", "2,000.00"), ("其他", "0.50")]
            .iter()
            .enumerate()
        {
            let y = 65.0 - i as f32 * 15.0;
            glyphs.extend(text(label, 10.0, y));
            glyphs.extend(text(figure, 150.0, y));
        }
        let (tables, _) = tables(glyphs, &lines);
        let rows = &tables[0].rows;
        let cells: Vec<String> = rows.iter().map(|r| r.cells.join("|")).collect();
        assert_eq!(
            cells,
            ["项目|金额", "工资|10.00", "津贴|2,000.00", "其他|0.50"]
        );
        assert!(rows.windows(2).all(|w| w[0].top > w[1].top));
    }

    #[test]
    fn a_frame_is_not_a_table() {
        // One box around a paragraph, and a lone underline.
        let lines = vec![
            h(100.0, 0.0, 200.0),
            h(20.0, 0.0, 200.0),
            v(0.0, 20.0, 100.0),
            v(200.0, 20.0, 100.0),
            h(10.0, 0.0, 50.0),
        ];
        let glyphs = text("说明", 10.0, 50.0);
        let (tables, rest) = tables(glyphs, &lines);
        assert!(tables.is_empty());
        assert_eq!(rest.len(), 2);
    }

    /// Random rulings and glyphs, degenerate ones included (zero length, huge, NaN-free but
    /// overlapping, far off): the grid never panics, and every glyph ends in a row or in the
    /// rest.
    #[test]
    fn random_rulings_never_panic() {
        struct Rng(u64);
        impl Rng {
            fn next(&mut self) -> u64 {
                self.0 ^= self.0 << 13;
                self.0 ^= self.0 >> 7;
                self.0 ^= self.0 << 17;
                self.0
            }
            fn coord(&mut self) -> f32 {
                let r = self.next();
                match r % 10 {
                    0 => 0.0,
                    1 => 1.0e9,
                    2 => -1.0e9,
                    _ => (r % 600) as f32 + (r % 7) as f32 * 0.3,
                }
            }
        }
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..3000 {
            let n = rng.next() % 14;
            let lines: Vec<Line> = (0..n)
                .map(|_| {
                    let (a, b, c) = (rng.coord(), rng.coord(), rng.coord());
                    if rng.next().is_multiple_of(2) {
                        h(a, b.min(c), b.max(c))
                    } else {
                        v(a, b.min(c), b.max(c))
                    }
                })
                .collect();
            let mut glyphs: Vec<Glyph> = Vec::new();
            for k in 0..rng.next() % 12 {
                let word = if k.is_multiple_of(2) {
                    "1,234.00"
                } else {
                    "项目"
                };
                let (x, y) = (rng.coord(), rng.coord());
                glyphs.extend(text(word, x, y));
            }
            let count = glyphs.len();
            let (tables, rest) = tables(glyphs, &lines);
            let placed: usize = tables
                .iter()
                .flat_map(|t| &t.rows)
                .flat_map(|r| &r.cells)
                .map(|c| c.chars().filter(|ch| !ch.is_whitespace()).count())
                .sum();
            assert_eq!(placed + rest.len(), count);
            for t in &tables {
                assert!(t.rows.iter().all(|r| r.cells.len() + 1 == t.xs.len()));
            }
        }
    }

    #[test]
    fn figures_are_well_formed() {
        assert!(is_figure("1,234.50"));
        assert!(is_figure("2010301"));
        assert!(is_figure("0.00"));
        assert!(!is_figure("1,2345.00"));
        assert!(!is_figure("200,00"));
        assert!(!is_figure("一般"));
    }
}

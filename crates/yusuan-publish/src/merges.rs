//! Merged cells, one notion for every renderer that draws them (HTML, XLSX, PDF): the header
//! merges a template records on the `Table`, and the body merges of a performance-goal table,
//! whose 一级 / 二级 indicator cell spans the rows of its lower-level indicators.

use std::collections::HashMap;
use yusuan_core::Table;

/// The merges of one grid (a table's header rows, or its body rows): the cells a merge covers
/// (not printed) and the extent of each merge's first cell.
#[derive(Debug, Default)]
pub(crate) struct Merges {
    /// Each covered cell with the first cell of the merge covering it.
    hidden: HashMap<(usize, usize), (usize, usize)>,
    spans: HashMap<(usize, usize), (usize, usize)>,
}

impl Merges {
    /// The header's merges, as the template records them on the table.
    pub fn of(t: &Table) -> Merges {
        let mut m = Merges::default();
        for g in &t.merges {
            m.add(g.row, g.col, g.rows, g.cols);
        }
        m
    }

    /// The body's merges: below a performance table's indicator header (the row naming
    /// 三级指标 or 指标名称), each cell left of that column that holds a text spans the blank
    /// cells under it, within its parent's span (a 二级 indicator never crosses a 一级 one).
    #[cfg_attr(
        not(any(feature = "pdf", feature = "xlsx", feature = "docx")),
        allow(dead_code)
    )]
    pub fn body(t: &Table) -> Merges {
        let mut m = Merges::default();
        let Some((head, name_col)) = t.rows.iter().enumerate().find_map(|(r, row)| {
            row.cells
                .iter()
                .position(|c| matches!(c.text.trim(), "三级指标" | "指标名称"))
                .map(|c| (r, c))
        }) else {
            return m;
        };
        let rows = &t.rows[head + 1..];
        let blank = |r: usize, c: usize| {
            rows[r]
                .cells
                .get(c)
                .is_none_or(|x| x.text.trim().is_empty())
        };
        // An indicator row fills the column of the indicator's name.
        let indicator = |r: usize| rows[r].cells.len() > name_col;
        for c in 0..name_col {
            for r in 0..rows.len() {
                if !indicator(r) || blank(r, c) {
                    continue;
                }
                let below = (r + 1..rows.len())
                    .take_while(|&k| indicator(k) && (0..=c).all(|cc| blank(k, cc)))
                    .count();
                if below > 0 {
                    m.add(head + 1 + r, c, below + 1, 1);
                }
            }
        }
        m
    }

    fn add(&mut self, row: usize, col: usize, rows: usize, cols: usize) {
        self.spans.insert((row, col), (rows, cols));
        for r in row..row + rows {
            for c in col..col + cols {
                if (r, c) != (row, col) {
                    self.hidden.insert((r, c), (row, col));
                }
            }
        }
    }

    /// Whether cell (row, col) lies under another cell's merge.
    pub fn hidden(&self, row: usize, col: usize) -> bool {
        self.hidden.contains_key(&(row, col))
    }

    /// The first cell (row, col) of the merge that covers cell (row, col), if one does.
    #[cfg_attr(not(feature = "docx"), allow(dead_code))]
    pub fn origin(&self, row: usize, col: usize) -> Option<(usize, usize)> {
        self.hidden.get(&(row, col)).copied()
    }

    /// (rows, cols) the cell at (row, col) covers.
    pub fn extent(&self, row: usize, col: usize) -> (usize, usize) {
        self.spans.get(&(row, col)).copied().unwrap_or((1, 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yusuan_core::{Cell, CellValue, Row};

    fn row(texts: &[&str]) -> Row {
        Row {
            cells: texts
                .iter()
                .map(|t| Cell {
                    text: t.to_string(),
                    value: CellValue::Text(t.to_string()),
                })
                .collect(),
            ..Row::default()
        }
    }

    #[test]
    fn indicator_cells_span_their_children_and_stop_at_a_new_parent() {
        let t = Table {
            rows: vec![
                row(&["总体目标", "完成任务"]),
                row(&["", "一级指标", "二级指标", "三级指标", "指标值"]),
                row(&["绩效指标", "产出指标", "数量指标", "次数", "20"]),
                row(&["", "", "", "天数", "10"]),
                row(&["", "", "质量指标", "合格率", "100"]),
                row(&["", "效益指标", "社会效益指标", "满意度", "90"]),
            ],
            ..Table::default()
        };
        let m = Merges::body(&t);
        assert_eq!(m.extent(2, 0), (4, 1));
        assert_eq!(m.extent(2, 1), (3, 1));
        assert_eq!(m.extent(2, 2), (2, 1));
        assert_eq!(m.extent(4, 2), (1, 1));
        assert_eq!(m.extent(5, 1), (1, 1));
        assert!(m.hidden(3, 1) && m.hidden(4, 1) && m.hidden(5, 0));
        assert!(!m.hidden(5, 1) && !m.hidden(4, 2));
        // The figures and names are never merged, nor the rows above the indicators.
        assert!((0..6).all(|r| m.extent(r, 3) == (1, 1) && m.extent(r, 4) == (1, 1)));
        assert_eq!(m.extent(0, 0), (1, 1));
    }

    #[test]
    fn a_table_without_indicators_has_no_body_merges() {
        let t = Table {
            rows: vec![row(&["合计", "1.00"]), row(&["", "2.00"])],
            ..Table::default()
        };
        let m = Merges::body(&t);
        assert_eq!(m.extent(0, 0), (1, 1));
        assert!(!m.hidden(1, 0));
    }
}

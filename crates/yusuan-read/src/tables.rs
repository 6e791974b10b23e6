//! Finding tables in the text and assembling their rows.

use crate::lines::{compact, Line, RawCell};
use crate::profile::{Profile, TableSpec};
use crate::titles::TableStart;
pub use yusuan_core::label::{closes_block, is_code, is_total_label};
use yusuan_core::{
    Amount, Basis, Cell, CellValue, Column, ColumnRole, ColumnSpec, IndicatorRow, Mention,
    MentionKind, MoneyUnit, Performance, ReadNote, ReadNoteKind, Row, Span, Spanned, Table,
    TableKind,
};

/// Parse a Chinese numeral from 一 to 九十九.
pub(crate) fn chinese_number(s: &str) -> Option<u32> {
    let digit = |c: char| "零一二三四五六七八九".chars().position(|d| d == c);
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c).map(|d| d as u32),
        ['十', u] => digit(*u).map(|d| 10 + d as u32),
        [t, '十'] => digit(*t).map(|d| d as u32 * 10),
        [t, '十', u] => Some(digit(*t)? as u32 * 10 + digit(*u)? as u32),
        _ => None,
    }
}

fn is_numeric(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty()
        && s.chars()
            .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
        && s.chars()
            .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c) || ",.，．-－ ".contains(c))
}

fn is_dash(s: &str) -> bool {
    matches!(s.trim(), "-" | "—" | "－" | "--" | "——")
}

/// Value of a printed cell in a column of the given role.
pub(crate) fn cell_value(text: &str, amount_column: bool, unit: MoneyUnit) -> CellValue {
    let t = text.trim();
    if t.is_empty() || (amount_column && is_dash(t)) {
        return CellValue::Blank;
    }
    if amount_column {
        match Amount::parse(t, unit) {
            Ok(a) => CellValue::Amount(a),
            Err(_) => CellValue::Text(t.to_string()),
        }
    } else {
        CellValue::Text(t.to_string())
    }
}

fn unit_in_line(c: &str) -> Option<MoneyUnit> {
    // The last 单位: "编制单位：某某办公室 单位：元" names the unit first.
    let idx = c.rfind("单位：").or_else(|| c.rfind("单位:"))?;
    let rest = &c[idx..];
    let rest = rest.split_once(['：', ':']).map_or(rest, |(_, r)| r);
    if rest.starts_with("万元") {
        Some(MoneyUnit::WanYuan)
    } else if rest.starts_with('元') {
        Some(MoneyUnit::Yuan)
    } else {
        None
    }
}

fn span_of(lines: &[Line], a: usize, b: usize) -> Span {
    Span {
        line: lines[a].no,
        end_line: lines[b].no,
        page: lines[a].page,
    }
}

/// What table assembly produced: the tables (fragments included), mentions and notes.
pub(crate) struct Assembled {
    pub tables: Vec<Table>,
    /// Line ranges after tables where the narrative resumes.
    pub narrative: Vec<(usize, usize)>,
    pub mentions: Vec<Mention>,
    pub notes: Vec<ReadNote>,
}

/// Assemble every table from its start to the next start.
pub(crate) fn assemble(lines: &[Line], starts: &[TableStart], profile: &Profile) -> Assembled {
    let mut out = Assembled {
        tables: Vec::new(),
        narrative: Vec::new(),
        mentions: Vec::new(),
        notes: Vec::new(),
    };
    for (k, start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(lines.len(), |s| s.first);
        let spec = profile.table_for_title(&start.title);
        let kind = spec.map(|s| s.kind);
        if spec.is_none() {
            out.notes.push(ReadNote {
                kind: ReadNoteKind::UnknownTable,
                message: format!(
                    "{}“{}”不是{}版式中的表格，未核对其内容",
                    start.number.clone().unwrap_or_default(),
                    start.title,
                    profile.name
                ),
                span: span_of(
                    lines,
                    start.first,
                    start.body.saturating_sub(1).max(start.first),
                ),
            });
        }
        if let Some(y) = leading_year(&start.title) {
            out.mentions.push(Mention {
                what: MentionKind::Year,
                text: y,
                span: span_of(
                    lines,
                    start.first,
                    start.body.saturating_sub(1).max(start.first),
                ),
            });
        }
        let mut table = Table {
            number: start.number.clone(),
            ordinal: start.ordinal,
            title: start.title.clone(),
            kind,
            unit: None,
            span: span_of(lines, start.first, start.first),
            ..Table::default()
        };
        table.columns = columns_of(spec.map_or(&[][..], |s| &s.columns));
        let body = start.body.min(end);
        let is_perf = matches!(
            kind,
            Some(TableKind::DeptPerformance | TableKind::ProjectPerformance)
        );
        if is_perf {
            read_performance(lines, body, end, profile, &mut table, &mut out.mentions);
            table.span = span_of(lines, start.first, end.saturating_sub(1).max(start.first));
            out.tables.push(table);
            continue;
        }
        let variants = profile.table_variants(&start.title);
        let (last, mut fragments, resume) = read_grid(
            lines,
            body,
            end,
            profile,
            &variants,
            &mut table,
            &mut out.mentions,
        );
        if let Some(r) = resume {
            out.narrative.push((r, end));
        }
        let end = resume.unwrap_or(end);
        // A table owns the lines up to the next table (or its first fragment).
        let own_end = fragments.first().map_or(end, |f| {
            lines
                .iter()
                .position(|l| l.no == f.span.line)
                .unwrap_or(end)
        });
        table.span = span_of(
            lines,
            start.first,
            own_end.saturating_sub(1).max(last).max(start.first),
        );
        if let Some(f) = fragments.last_mut() {
            f.span.end_line = lines[end.saturating_sub(1).max(start.first)]
                .no
                .max(f.span.end_line);
        }
        out.tables.push(table);
        for frag in fragments {
            out.notes.push(ReadNote {
                kind: ReadNoteKind::UntitledFragment,
                message: format!(
                    "第{}–{}行的表格行（每行{}列）没有标题，与上方{}的列数不符，无法确定属于哪张表，未核对",
                    frag.span.line,
                    frag.span.end_line,
                    frag.rows.first().map_or(0, |r| r.cells.len()),
                    out.tables.last().map(Table::label).unwrap_or_default()
                ),
                span: frag.span,
            });
            out.tables.push(frag);
        }
    }
    out
}

/// "2025年部门收支总表" -> "2025".
fn leading_year(title: &str) -> Option<String> {
    let digits: String = title.chars().take_while(|c| c.is_ascii_digit()).collect();
    (digits.len() == 4 && title[4..].starts_with('年')).then_some(digits)
}

/// Read the rows of a grid table into `table`; rows that cannot belong to it (a different
/// number of tab-separated cells after a page break) become untitled fragments.
fn read_grid(
    lines: &[Line],
    body: usize,
    end: usize,
    profile: &Profile,
    variants: &[&TableSpec],
    table: &mut Table,
    mentions: &mut Vec<Mention>,
) -> (usize, Vec<Table>, Option<usize>) {
    let mut fragments: Vec<Table> = Vec::new();
    let mut unit = None;
    let mut seen_data = false;
    let mut blank_before = false;
    let mut width: Option<usize> = None;
    let mut last = body.saturating_sub(1);
    // Space-aligned rows wait until the whole table is seen: their columns are learnt from it.
    let mut header_cells: Vec<Vec<RawCell>> = Vec::new();
    let mut pending: Vec<(usize, Vec<RawCell>)> = Vec::new();
    // Tab-separated rows keep every printed column: matched to the profile's once all are seen.
    let mut tabbed: Vec<(usize, Vec<String>)> = Vec::new();
    let mut in_note = false;
    let mut resume = None;
    // Blocks of columns printed side by side (1: an ordinary table).
    let mut blocks = 1;
    for idx in body..end {
        let line = &lines[idx];
        if line.is_blank() {
            blank_before = true;
            continue;
        }
        let c = line.compact();
        // A page number ("11", "- 11 -") at the foot of a page is not a row.
        let last_on_page = lines[idx + 1..]
            .iter()
            .find(|l| !l.is_blank())
            .is_none_or(|l| l.page != line.page);
        if last_on_page && crate::lines::is_page_number(&c) {
            continue;
        }
        // "第三部分 …情况说明": a part of the document ends any table, even one that printed no
        // data and whose last line was a note (an empty 国有资本经营 table right before the
        // narrative).
        if crate::narrative::is_part_heading(&c) {
            resume = Some(idx);
            break;
        }
        let cells = line.cells();
        if !seen_data {
            // "编制部门：上海市…办公室   单位：元": the unit's name, then maybe the money unit.
            for key in [
                "编制部门：",
                "编制单位：",
                "预算单位：",
                "部门：",
                "单位名称：",
            ] {
                if let Some(rest) = c.strip_prefix(key) {
                    let name = rest.split("单位：").next().unwrap_or(rest);
                    let name = name.split("单位:").next().unwrap_or(name);
                    if name.chars().count() >= 4 {
                        mentions.push(Mention {
                            what: MentionKind::UnitName,
                            text: name.to_string(),
                            span: span_of(lines, idx, idx),
                        });
                    }
                    last = idx;
                }
            }
            if let Some(u) = unit_in_line(&c) {
                unit = Some(u);
                table.unit_span = Some(span_of(lines, idx, idx));
                last = idx;
                continue;
            }
            if let Some(y) = year_in_parens(&c) {
                mentions.push(Mention {
                    what: MentionKind::Year,
                    text: y,
                    span: span_of(lines, idx, idx),
                });
                last = idx;
                continue;
            }
        }
        let note_starts = ["备注", "注：", "注:", "说明："]
            .iter()
            .any(|p| c.starts_with(p))
            || says_empty(&c);
        // A note wrapped over several lines: a line of text right after a note line (not a
        // grid row, not a figure row) goes on with it.
        let indent = line.raw.len() - line.raw.trim_start().len();
        // (A blank line may separate the pieces when the note has not ended its sentence.)
        let note_open = table
            .notes
            .last()
            .is_some_and(|n| !n.value.ends_with(['。', '；', ';']));
        let note_goes_on = in_note
            && !line.is_tabbed()
            && !cells.iter().any(|c| is_numeric(&c.text))
            && (!blank_before || note_open)
            && indent < 8
            && idx > 0
            && lines[idx - 1].page == line.page;
        in_note = note_starts || note_goes_on;
        if note_starts || note_goes_on {
            blank_before = false;
            let target = match fragments.last_mut() {
                Some(f) => f,
                None => &mut *table,
            };
            match target.notes.last_mut() {
                Some(n) if note_goes_on => {
                    n.value.push_str(&c);
                    n.span = n.span.to(span_of(lines, idx, idx));
                }
                _ => target.notes.push(Spanned {
                    value: c.clone(),
                    span: span_of(lines, idx, idx),
                }),
            }
            if fragments.is_empty() {
                last = idx;
            } else if let Some(f) = fragments.last_mut() {
                f.span = f.span.to(span_of(lines, idx, idx));
            }
            continue;
        }
        let has_amount = cells.iter().any(|c| is_numeric(&c.text));
        let first = cells
            .iter()
            .find(|c| !c.text.is_empty())
            .map_or("", |c| c.text.as_str());
        let text_cells = cells
            .iter()
            .filter(|c| !c.text.is_empty() && !is_numeric(&c.text))
            .count();
        let data =
            seen_data || has_amount || (is_total_label(first) && text_cells == 1) || is_code(first);
        // After the data has begun, a new 单位 line, or tab-separated rows with another column
        // count after a page break, start rows that cannot belong to this table.
        let new_unit = seen_data && unit_in_line(&c).is_some();
        let other_width = line.is_tabbed()
            && seen_data
            && blank_before
            && width.is_some_and(|w| w != cells.len());
        if fragments.is_empty() && (new_unit || other_width) {
            fragments.push(Table {
                title: String::new(),
                span: span_of(lines, idx, idx),
                ..Table::default()
            });
        }
        blank_before = false;
        if data && !seen_data && fragments.is_empty() {
            // The header is complete: a table printed in several layouts picks its columns,
            // and one that prints no unit takes its profile's.
            if let Some(spec) = pick_variant(variants, &table.header) {
                table.columns = columns_of(&spec.columns);
            }
            // Blocks side by side: the block's columns once per block, until the rows are
            // unfolded at the end.
            if let Some(spec) = variants.first().filter(|s| s.side_by_side) {
                let n = blocks_in(&table.header);
                if n >= 2 {
                    blocks = n;
                    table.columns = columns_of(&spec.columns.repeat(n));
                }
            }
            if unit.is_none() {
                unit = variants.first().and_then(|v| v.unit);
            }
        }
        let row_unit = unit.unwrap_or(profile.money_unit);
        if let Some(frag) = fragments.last_mut() {
            frag.rows.push(make_row(lines, idx, &cells, &[], row_unit));
            frag.span = frag.span.to(span_of(lines, idx, idx));
            continue;
        }
        last = idx;
        if !data {
            // A year in the header names the budget year, or the prior year in a 上年 column:
            // by the column where cells are positional (tabs), else by the other years of
            // the row (the smaller of two years is the prior year).
            let row_years: Vec<i32> = cells
                .iter()
                .filter_map(|c| leading_year(&compact(&c.text)).and_then(|y| y.parse().ok()))
                .collect();
            let newest = row_years.iter().max().copied();
            for (ci, cell) in cells.iter().enumerate() {
                if let Some(y) = leading_year(&compact(&cell.text)) {
                    let prior = if line.is_tabbed() {
                        table
                            .columns
                            .get(ci)
                            .is_some_and(|c| c.role == ColumnRole::Prior)
                    } else {
                        newest.is_some_and(|n| y.parse::<i32>().is_ok_and(|v| v < n))
                    };
                    mentions.push(Mention {
                        what: if prior {
                            MentionKind::PriorYear
                        } else {
                            MentionKind::Year
                        },
                        text: y,
                        span: span_of(lines, idx, idx),
                    });
                }
            }
            table
                .header
                .push(make_row(lines, idx, &cells, &[], row_unit));
            header_cells.push(cells);
            width.get_or_insert(cells_len_hint(&table.header));
            continue;
        }
        // A header repeated at the top of a new page is not data.
        if !has_amount && table.header.iter().any(|h| compact_row(&h.cells) == c) {
            continue;
        }
        // The narrative resumes after the last table ("其他相关情况说明"). A part heading
        // ("第三部分 …情况说明") ends even a table that printed no data (an empty 国有资本经营
        // table right before the narrative).
        if seen_data && !line.is_tabbed() && resumes_narrative(line, &c, !tabbed.is_empty()) {
            resume = Some(idx);
            break;
        }
        seen_data = true;
        width = Some(width.map_or(cells.len(), |w| w.max(cells.len())));
        let roles: Vec<ColumnRole> = table.columns.iter().map(|c| c.role).collect();
        if !line.is_tabbed() && !roles.is_empty() {
            pending.push((table.rows.len(), cells.clone()));
        } else if line.is_tabbed() {
            tabbed.push((
                table.rows.len(),
                cells.iter().map(|c| c.text.clone()).collect(),
            ));
        }
        table
            .rows
            .push(make_row(lines, idx, &cells, &roles, row_unit));
    }
    if !pending.is_empty() {
        let roles: Vec<ColumnRole> = table.columns.iter().map(|c| c.role).collect();
        let raw: Vec<Vec<RawCell>> = pending.iter().map(|(_, c)| c.clone()).collect();
        let bases: Vec<Basis> = table.columns.iter().map(|c| c.basis).collect();
        let aligned = if blocks > 1 {
            let block = &roles[..roles.len() / blocks];
            crate::layout::align_blocks(&header_cells, &raw, block, blocks)
        } else {
            crate::layout::align_rows(&header_cells, &raw, &roles, &bases)
        };
        let row_unit = unit.unwrap_or(profile.money_unit);
        for ((k, _), aligned) in pending.iter().zip(aligned) {
            if let Some(printed) = aligned.short_code {
                table.short_codes.push(Spanned {
                    value: printed,
                    span: table.rows[*k].span,
                });
            }
            let cells: Vec<RawCell> = aligned
                .cells
                .into_iter()
                .map(|text| RawCell {
                    text,
                    start: 0,
                    end: 0,
                })
                .collect();
            let span = table.rows[*k].span;
            let mut row = make_row(lines, 0, &cells, &roles, row_unit);
            row.span = span;
            // Fewer figures than amount columns: some went where their position said.
            let figures = row
                .cells
                .iter()
                .filter(|c| matches!(c.value, CellValue::Amount(_)))
                .count();
            let amount_columns = roles.iter().filter(|r| r.is_amount()).count();
            row.placed = figures > 0 && figures < amount_columns;
            table.rows[*k] = row;
        }
    }
    if !tabbed.is_empty() {
        let roles: Vec<ColumnRole> = table.columns.iter().map(|c| c.role).collect();
        let header: Vec<Vec<String>> = header_cells
            .iter()
            .map(|r| r.iter().map(|c| c.text.clone()).collect())
            .collect();
        let body: Vec<Vec<String>> = tabbed.iter().map(|(_, t)| t.clone()).collect();
        if let Some(map) = crate::columns::map_tabbed(&header, &body, &roles) {
            let row_unit = unit.unwrap_or(profile.money_unit);
            let code_cols = roles
                .iter()
                .position(|r| *r == ColumnRole::Code)
                .and_then(|c| map.get(c));
            for (k, texts) in &tabbed {
                if let Some(printed) = code_cols.and_then(|c| crate::columns::short_code(c, texts))
                {
                    table.short_codes.push(Spanned {
                        value: printed,
                        span: table.rows[*k].span,
                    });
                }
                let cells: Vec<RawCell> = crate::columns::apply(&map, texts)
                    .into_iter()
                    .map(|text| RawCell {
                        text,
                        start: 0,
                        end: 0,
                    })
                    .collect();
                let span = table.rows[*k].span;
                let mut row = make_row(lines, 0, &cells, &roles, row_unit);
                row.span = span;
                table.rows[*k] = row;
            }
        }
    }
    if blocks > 1 {
        unfold_blocks(table, blocks);
        join_split_rows(table);
    }
    join_wrapped_names(table);
    join_wrapped_items(table);
    if blocks > 1 && !rows_are_whole(table) {
        // Figures and their 科目 on different lines (a PDF's cells laid out as text line by
        // line): not read rather than read wrong.
        table.columns.clear();
    }
    table.unit = unit;
    (last, fragments, resume)
}

/// How many blocks of columns a header prints side by side: the most 名称 labels on one line.
fn blocks_in(header: &[Row]) -> usize {
    header
        .iter()
        .map(|r| {
            r.cells
                .iter()
                .filter(|c| compact(&c.text).contains("名称"))
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// Rows of blocks printed side by side, block by block: the left block's rows (its 合计 row
/// closing it), then the next block's. A total's label printed in the code column goes to the
/// name column.
fn unfold_blocks(table: &mut Table, blocks: usize) {
    let width = table.columns.len() / blocks;
    let (ci, ni) = (table.col(ColumnRole::Code), table.col(ColumnRole::Name));
    let mut rows = Vec::with_capacity(table.rows.len() * blocks);
    for b in 0..blocks {
        for row in &table.rows {
            let mut cells: Vec<Cell> = (0..width)
                .map(|k| {
                    row.cells.get(b * width + k).cloned().unwrap_or(Cell {
                        text: String::new(),
                        value: CellValue::Blank,
                    })
                })
                .collect();
            if cells.iter().all(|c| c.text.trim().is_empty()) {
                continue;
            }
            if let (Some(ci), Some(ni)) = (ci, ni) {
                let label = cells[ci].text.trim();
                if !label.is_empty() && !is_code(label) && cells[ni].text.trim().is_empty() {
                    cells.swap(ci, ni);
                }
            }
            rows.push(Row {
                span: row.span,
                cells,
                placed: row.placed,
            });
        }
    }
    table.rows = rows;
    table.columns.truncate(width);
}

/// Every row of an unfolded table is a 科目 with its figure or a total with its figure.
fn rows_are_whole(table: &Table) -> bool {
    let (Some(ci), Some(ni)) = (table.col(ColumnRole::Code), table.col(ColumnRole::Name)) else {
        return false;
    };
    // A code with a blank figure is a 科目 that spent nothing; a figure without a code or a
    // total's label, or a code without a name, is a line of a row the text split.
    table.rows.iter().all(|r| {
        (is_code(r.text(ci)) && !r.text(ni).is_empty())
            || (closes_block(r.text(ni)) && r.has_amount())
    })
}

/// A block's row printed on two lines, its code on the first and its name and figure on the
/// next (the right block of a laid-out 决算 基本支出 table): one row.
fn join_split_rows(table: &mut Table) {
    let (Some(ci), Some(ni)) = (table.col(ColumnRole::Code), table.col(ColumnRole::Name)) else {
        return;
    };
    let mut i = 0;
    while i + 1 < table.rows.len() {
        let (a, b) = (&table.rows[i], &table.rows[i + 1]);
        let code_only = is_code(a.text(ci)) && a.text(ni).is_empty() && !a.has_amount();
        let rest_only = b.text(ci).is_empty()
            && b.has_amount()
            && !b.text(ni).is_empty()
            && !closes_block(b.text(ni));
        if !(code_only && rest_only) {
            i += 1;
            continue;
        }
        let b = table.rows.remove(i + 1);
        let a = &mut table.rows[i];
        for (k, cell) in b.cells.into_iter().enumerate() {
            if k == ci {
                continue;
            }
            match a.cells.get_mut(k) {
                Some(c) => *c = cell,
                None => a.cells.push(cell),
            }
        }
        a.span = a.span.to(b.span);
        a.placed |= b.placed;
        i += 1;
    }
}

/// A long name printed on two lines ("其他政府办公厅（室）及相关机构事" / "务支出") leaves rows
/// with a name only: join them to the coded row they belong to.
fn join_wrapped_names(table: &mut Table) {
    let (Some(ci), Some(ni)) = (table.col(ColumnRole::Code), table.col(ColumnRole::Name)) else {
        return;
    };
    let is_piece = |r: &Row| {
        r.text(ci).is_empty()
            && !r.text(ni).is_empty()
            && !is_total_label(r.text(ni))
            && !r.has_amount()
    };
    let mut i = 0;
    while i < table.rows.len() {
        if !is_piece(&table.rows[i]) {
            i += 1;
            continue;
        }
        let piece = table.rows[i].text(ni).to_string();
        let next_needs = table
            .rows
            .get(i + 1)
            .is_some_and(|r| is_code(r.text(ci)) && r.text(ni).is_empty());
        let target = if next_needs {
            Some(i + 1)
        } else if i > 0 && is_code(table.rows[i - 1].text(ci)) {
            Some(i - 1)
        } else {
            None
        };
        let Some(t) = target else {
            i += 1;
            continue;
        };
        let row = &mut table.rows[t];
        if let Some(cell) = row.cells.get_mut(ni) {
            cell.text = if t > i {
                format!("{piece}{}", cell.text)
            } else {
                format!("{}{piece}", cell.text)
            };
            cell.value = CellValue::Text(cell.text.clone());
        }
        table.rows.remove(i);
        if t < i {
            // The row above took it; look at the same index again.
            continue;
        }
    }
}

/// An item of a two-sided table wrapped around its figures in space-aligned text
/// ("四、文化旅游体育与传媒" / "200,000  200,000" / "支出"): the row of figures has no item, the
/// row above holds the item's start alone, the row below (if any) its end alone. The pieces
/// join the row of figures.
fn join_wrapped_items(table: &mut Table) {
    if table.col(ColumnRole::Code).is_some() {
        return;
    }
    let items: Vec<usize> = table
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            matches!(
                c.role,
                ColumnRole::IncomeItem
                    | ColumnRole::ExpItem
                    | ColumnRole::UseItem
                    | ColumnRole::Name
            )
        })
        .map(|(i, _)| i)
        .collect();
    // The one item column a row holds text in, if it holds nothing else.
    let piece_in = |r: &Row| -> Option<usize> {
        if r.has_amount() {
            return None;
        }
        let filled: Vec<usize> = (0..r.cells.len())
            .filter(|&i| !r.text(i).trim().is_empty())
            .collect();
        match filled.as_slice() {
            [i] if items.contains(i) => Some(*i),
            _ => None,
        }
    };
    let mut k = 1;
    while k < table.rows.len() {
        let row = &table.rows[k];
        let bare = row.has_amount() && items.iter().all(|&i| row.text(i).trim().is_empty());
        let above = piece_in(&table.rows[k - 1]);
        let (Some(col), true) = (above, bare) else {
            k += 1;
            continue;
        };
        let below = table
            .rows
            .get(k + 1)
            .and_then(|r| {
                piece_in(r)
                    .filter(|&c| c == col)
                    .map(|_| r.text(col).to_string())
            })
            .filter(|t| {
                let c = compact(t);
                crate::titles::split_label(&c).1.is_none() && c.chars().count() <= 8
            });
        let mut text = table.rows[k - 1].text(col).trim().to_string();
        if let Some(b) = &below {
            text.push_str(b.trim());
            table.rows.remove(k + 1);
        }
        let above_span = table.rows[k - 1].span;
        let row = &mut table.rows[k];
        if row.cells.len() <= col {
            row.cells.resize(
                col + 1,
                Cell {
                    text: String::new(),
                    value: CellValue::Blank,
                },
            );
        }
        row.cells[col] = Cell {
            value: CellValue::Text(text.clone()),
            text,
        };
        row.span = above_span.to(row.span);
        table.rows.remove(k - 1);
    }
}

/// A line after a table's data that belongs to the narrative: a sentence, or a centred title.
/// A line that says the table is empty ("无", "（无政府性基金支出）", "此表为空", "本单位无…"): a
/// statement about the table, not a row of it.
fn says_empty(c: &str) -> bool {
    let inner = c.trim_start_matches(['（', '(']);
    let short = c.chars().count() <= 24 && !c.chars().any(|ch| ch.is_ascii_digit());
    (short && inner.starts_with('无'))
        || [
            "此表为空",
            "本表为空",
            "本表无",
            "本单位无",
            "本部门无",
            "为空表",
            "无数据",
        ]
        .iter()
        .any(|k| c.contains(k))
            && !c.chars().any(|ch| ch.is_ascii_digit() && c.contains('.'))
}

/// A table read from its grid (`grid`) ends at any heading or longer line of text below it.
fn resumes_narrative(line: &Line, compact_line: &str, grid: bool) -> bool {
    if is_total_label(compact_line)
        || compact_line.starts_with("注")
        || compact_line.starts_with("备注")
    {
        return false;
    }
    if grid {
        let heading = matches!(
            crate::titles::split_label(compact_line),
            (None, Some(_), rest) if !rest.is_empty()
        );
        let unit_line = compact_line.contains("单位：") || compact_line.contains("单位:");
        if !unit_line && (heading || compact_line.chars().count() > 25) {
            return true;
        }
    }
    let indent = line.raw.len() - line.raw.trim_start().len();
    let cjk_only = compact_line
        .chars()
        .all(|c| !c.is_ascii_digit() && !c.is_ascii_punctuation());
    compact_line.contains('。')
        || (compact_line.chars().count() > 30 && compact_line.contains('，'))
        || (indent >= 8
            && cjk_only
            && compact_line.chars().count() >= 4
            && compact_line.ends_with("说明"))
}

/// Columns with their meaning, in printed order.
fn columns_of(specs: &[ColumnSpec]) -> Vec<Column> {
    specs
        .iter()
        .map(|c| Column {
            role: c.role,
            label: match c.basis {
                Basis::Own => c.role.label().to_string(),
                Basis::Budget => format!("{}（预算数）", c.role.label()),
            },
            basis: c.basis,
        })
        .collect()
}

/// Among specs sharing a title, the first whose header words all appear in the header.
fn pick_variant<'p>(variants: &[&'p TableSpec], header: &[Row]) -> Option<&'p TableSpec> {
    if variants.len() < 2 {
        return None;
    }
    let text: String = header.iter().map(|h| compact_row(&h.cells)).collect();
    variants
        .iter()
        .find(|v| {
            !v.header_has.is_empty() && v.header_has.iter().all(|w| text.contains(w.as_str()))
        })
        .or_else(|| variants.iter().find(|v| v.header_has.is_empty()))
        .copied()
}

fn compact_row(cells: &[Cell]) -> String {
    cells.iter().map(|c| compact(&c.text)).collect()
}

fn cells_len_hint(header: &[Row]) -> usize {
    header.last().map_or(0, |h| h.cells.len())
}

fn year_in_parens(c: &str) -> Option<String> {
    let inner = c
        .strip_prefix(['(', '（'])?
        .strip_suffix([')', '）'])?
        .strip_suffix("年度")?;
    (inner.len() == 4 && inner.bytes().all(|b| b.is_ascii_digit())).then(|| inner.to_string())
}

fn make_row(
    lines: &[Line],
    idx: usize,
    cells: &[RawCell],
    roles: &[ColumnRole],
    unit: MoneyUnit,
) -> Row {
    Row {
        span: span_of(lines, idx, idx),
        cells: cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let amount = roles.get(i).is_some_and(|r| r.is_amount());
                Cell {
                    text: c.text.clone(),
                    value: cell_value(&c.text, amount, unit),
                }
            })
            .collect(),
        placed: false,
    }
}

/// A figure and a label printed one space apart are two cells ("0.00 其他资金": the figure of
/// one column and the label of the next); any other text stays one cell.
fn label_and_figure(text: &str) -> Vec<String> {
    let figure = crate::layout::is_amount;
    let label = |w: &str| w.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let t = text.trim();
    if let Some((a, b)) = t.split_once(' ') {
        let (a, b) = (a.trim(), b.trim());
        if (figure(a) && label(b) && !b.contains(' ')) || (label(a) && figure(b)) {
            return vec![a.to_string(), b.to_string()];
        }
    }
    vec![text.to_string()]
}

const OPS: &[&str] = &["≥", "≤", "=", ">", "<", "＞", "＜", "≧", "≦", "＝", "定性"];

fn strip_unit_code(s: &str) -> String {
    // "103-重庆市大渡口区人民政府办公室" -> the name.
    match s.split_once('-') {
        Some((code, name)) if !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()) => {
            name.to_string()
        }
        _ => s.to_string(),
    }
}

/// Read a performance goal table: key/value fields, the indicator header and the indicators,
/// each indicator anchored on its 指标性质 cell so that a row shifted by a lost cell still reads.
fn read_performance(
    lines: &[Line],
    body: usize,
    end: usize,
    profile: &Profile,
    table: &mut Table,
    mentions: &mut Vec<Mention>,
) {
    let mut perf = Performance::default();
    let mut level1 = String::new();
    let mut level2 = String::new();
    let mut unit = profile.money_unit;
    for idx in body..end {
        let line = &lines[idx];
        if line.is_blank() {
            continue;
        }
        let span = span_of(lines, idx, idx);
        let cells = line.cells();
        let texts: Vec<String> = cells
            .iter()
            .flat_map(|c| label_and_figure(&c.text))
            .map(|t| compact(&t))
            .collect();
        let c = line.compact();
        if let Some(y) = year_in_parens(&c) {
            mentions.push(Mention {
                what: MentionKind::Year,
                text: y,
                span,
            });
            continue;
        }
        if let Some(u) = unit_in_line(&c) {
            unit = u;
            table.unit_span = Some(span);
            continue;
        }
        let next_filled =
            |i: usize| -> Option<String> { texts[i + 1..].iter().find(|t| !t.is_empty()).cloned() };
        let value_after = |i: usize| -> String {
            // "预算执行率权重(%)：10" in one cell, or the value in a later cell.
            let own = texts[i]
                .split_once(['：', ':'])
                .map(|(_, v)| v.to_string())
                .filter(|v| v.chars().any(|c| c.is_ascii_digit()));
            own.or_else(|| next_filled(i)).unwrap_or_default()
        };
        if let Some(op_at) = texts.iter().position(|t| OPS.contains(&t.as_str())) {
            if op_at >= 1 {
                let get = |i: usize| texts.get(i).cloned().unwrap_or_default();
                let is_label = |t: &str| t.is_empty() || t.contains("绩效指标") || t == "目标";
                if op_at >= 3 && !is_label(&texts[op_at - 3]) {
                    level1 = texts[op_at - 3].clone();
                }
                if op_at >= 2 && !is_label(&texts[op_at - 2]) {
                    level2 = texts[op_at - 2].clone();
                }
                // After 性质 and 指标值: 度量单位 (may be blank, and then absent from
                // space-aligned text), 权重 (a number), 是否核心指标 (是 / 否).
                let mut tail: Vec<String> = texts[(op_at + 2).min(texts.len())..].to_vec();
                while tail.last().is_some_and(|t| t.is_empty()) {
                    tail.pop();
                }
                let core = match tail.last().map(String::as_str) {
                    Some("是" | "否") => tail.pop().unwrap_or_default(),
                    _ => String::new(),
                };
                let numeric =
                    |t: &str| !t.is_empty() && t.trim_end_matches('%').parse::<f64>().is_ok();
                let weight = match tail.last() {
                    Some(t) if numeric(t) => tail.pop().unwrap_or_default(),
                    _ => String::new(),
                };
                let unit = tail.into_iter().find(|t| !t.is_empty()).unwrap_or_default();
                perf.indicators.push(IndicatorRow {
                    level1: level1.clone(),
                    level2: level2.clone(),
                    name: get(op_at - 1),
                    op: get(op_at),
                    value: get(op_at + 1),
                    unit,
                    weight,
                    core,
                    op_cell: op_at,
                    span,
                });
                continue;
            }
        }
        // A layout without a 指标性质 column (Shanghai 财政项目支出绩效目标填报表): after its
        // header, each row is levels, the indicator and a value that carries its own op and
        // unit ("≥13459.00(平方米)", "=100.00(%)", or a grade).
        if perf
            .header
            .as_ref()
            .is_some_and(|h| !h.value.iter().any(|t| t.contains("指标性质")))
        {
            if let Some(ind) = combined_indicator(&texts, &mut level1, &mut level2, span) {
                perf.indicators.push(ind);
                continue;
            }
        }
        if texts
            .iter()
            .any(|t| t.contains("指标性质") || t.contains("三级指标"))
        {
            // Only a header with a 指标性质 column can be compared with where rows put it.
            perf.positional = line.is_tabbed() && texts.iter().any(|t| t.contains("指标性质"));
            perf.header = Some(Spanned {
                value: texts.clone(),
                span,
            });
            continue;
        }
        for (i, t) in texts.iter().enumerate() {
            if t.is_empty() {
                continue;
            }
            // Prose (a goal, a description): sentence punctuation or markup in a cell.
            if t.contains(['。', '；', '<']) {
                perf.texts.push(Spanned {
                    value: t.clone(),
                    span,
                });
            }
            let amount = |v: String| Spanned {
                value: cell_value(&v, true, unit),
                span,
            };
            if t == "部门名称" || t == "项目名称" {
                let v = next_filled(i).unwrap_or_default();
                if t == "部门名称" {
                    mentions.push(Mention {
                        what: MentionKind::UnitName,
                        text: strip_unit_code(&v),
                        span,
                    });
                }
                perf.name = Some(Spanned { value: v, span });
            } else if t == "主管部门" {
                let v = next_filled(i).unwrap_or_default();
                mentions.push(Mention {
                    what: MentionKind::UnitName,
                    text: strip_unit_code(&v),
                    span,
                });
            } else if t.starts_with("填报单位") || t == "实施单位" {
                let v = value_after(i);
                if let Some(name) = strip_unit_code(&v).strip_suffix("（本级）") {
                    mentions.push(Mention {
                        what: MentionKind::UnitName,
                        text: name.to_string(),
                        span,
                    });
                }
            } else if t.contains("部门支出预算数")
                || t.contains("年度资金总额")
                || t.contains("年度资金申请总额")
            {
                perf.funds_total = Some(amount(value_after(i)));
            } else if (t.ends_with("财政拨款") && t.len() <= "其中：财政拨款".len())
                || t.ends_with("当年财政拨款")
            {
                perf.funds_fiscal = Some(amount(value_after(i)));
            } else if t == "上年结转资金" {
                perf.funds_carry = Some(amount(value_after(i)));
            } else if t == "其他资金" {
                // The last 其他资金 of a row is the year's (the first, the project's).
                perf.funds_other = Some(amount(value_after(i)));
            } else if t.contains("预算执行率权重") {
                perf.execution_weight = Some(Spanned {
                    value: value_after(i),
                    span,
                });
            } else if t.starts_with("资金情况") || t.starts_with("项目资金") {
                if let Some(u) = MoneyUnit::from_label(t) {
                    unit = u;
                }
            }
        }
    }
    table.unit = Some(unit);
    table.performance = Some(perf);
}

/// One indicator row of a table without a 指标性质 column: levels (carried down from the rows
/// above when their cells are merged), the indicator's name, then its value.
fn combined_indicator(
    texts: &[String],
    level1: &mut String,
    level2: &mut String,
    span: Span,
) -> Option<IndicatorRow> {
    let filled: Vec<(usize, &String)> = texts
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.is_empty() && t.as_str() != "绩效指标")
        .collect();
    let [.., (name_at, name), (value_at, value)] = filled.as_slice() else {
        return None;
    };
    if name.ends_with("指标") || value.contains("指标") {
        return None;
    }
    // Levels: the cells before the name that name a level ("产出指标", "数量指标").
    let levels: Vec<&String> = filled
        .iter()
        .filter(|(i, t)| i < name_at && t.ends_with("指标"))
        .map(|(_, t)| *t)
        .collect();
    match levels.as_slice() {
        [l1, l2, ..] => {
            *level1 = l1.to_string();
            *level2 = l2.to_string();
        }
        [l2] => *level2 = l2.to_string(),
        [] => {}
    }
    let op = OPS
        .iter()
        .filter(|o| **o != "定性")
        .find(|o| value.starts_with(**o))
        .copied()
        .unwrap_or("");
    let rest = &value[op.len()..];
    let (number, unit) = match (op.is_empty(), rest.find(['(', '（'])) {
        (false, Some(p)) => (
            rest[..p].to_string(),
            rest[p..].trim_matches(['(', '（', ')', '）']).to_string(),
        ),
        _ => (rest.to_string(), String::new()),
    };
    Some(IndicatorRow {
        level1: level1.clone(),
        level2: level2.clone(),
        name: name.to_string(),
        op: op.to_string(),
        value: number,
        unit,
        weight: String::new(),
        core: String::new(),
        op_cell: *value_at,
        span,
    })
}

/// An untitled fragment that sits where a numbered table is missing, with exactly the column
/// count of one (and only one) table kind the document lacks, is read as that kind, so its
/// internal identities can still be checked. Its title says it was inferred.
pub(crate) fn adopt_fragments(tables: &mut [Table], notes: &mut [ReadNote], profile: &Profile) {
    let present: Vec<TableKind> = tables.iter().filter_map(|t| t.kind).collect();
    for k in 0..tables.len() {
        if tables[k].kind.is_some() || tables[k].number.is_some() {
            continue;
        }
        let prev = tables[..k].iter().rev().find_map(|t| t.ordinal);
        let next = tables[k + 1..].iter().find_map(|t| t.ordinal);
        let gap = match (prev, next) {
            (Some(p), Some(n)) => n > p + 1,
            (Some(_), None) => true,
            _ => false,
        };
        let width = tables[k]
            .rows
            .iter()
            .map(|r| r.cells.len())
            .max()
            .unwrap_or(0);
        if !gap || width == 0 {
            continue;
        }
        let candidates: Vec<_> = profile
            .tables
            .iter()
            .filter(|s| !present.contains(&s.kind) && s.columns.len() == width)
            .collect();
        let [spec] = candidates.as_slice() else {
            continue;
        };
        let t = &mut tables[k];
        let unit = t.unit.unwrap_or(profile.money_unit);
        // Where exactly one number is missing, the fragment is that table (its title page
        // lost), not a gap in the numbering.
        if let (Some(p), Some(n)) = (prev, next) {
            if n == p + 2 {
                t.ordinal = Some(p + 1);
            }
        }
        t.kind = Some(spec.kind);
        t.inferred = true;
        t.title = format!("无标题表格（按位置与列数推断为{}）", spec.title[0]);
        t.columns = columns_of(&spec.columns);
        for row in &mut t.rows {
            for (i, cell) in row.cells.iter_mut().enumerate() {
                let amount = spec.columns.get(i).is_some_and(|c| c.role.is_amount());
                cell.value = cell_value(&cell.text, amount, unit);
            }
        }
        if let Some(n) = notes
            .iter_mut()
            .find(|n| n.kind == ReadNoteKind::UntitledFragment && n.span.line == t.span.line)
        {
            n.message = format!(
                "第{}–{}行的表格行没有标题（标题页缺失），按位置与列数推断为{}的续页，只核对其行内与层级关系",
                t.span.line, t.span.end_line, spec.title[0]
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals() {
        assert_eq!(chinese_number("一"), Some(1));
        assert_eq!(chinese_number("十"), Some(10));
        assert_eq!(chinese_number("十三"), Some(13));
        assert_eq!(chinese_number("二十一"), Some(21));
        assert_eq!(chinese_number("x"), None);
    }

    #[test]
    fn a_figure_one_space_from_a_label_is_its_own_cell() {
        assert_eq!(label_and_figure("0.00 其他资金"), vec!["0.00", "其他资金"]);
        assert_eq!(
            label_and_figure("其他资金 1,200.00"),
            vec!["其他资金", "1,200.00"]
        );
        // Words of one label, and a figure with its own unit, stay one cell.
        assert_eq!(label_and_figure("PPT 等设计"), vec!["PPT 等设计"]);
        assert_eq!(label_and_figure("≥ 95.00 %"), vec!["≥ 95.00 %"]);
    }
}

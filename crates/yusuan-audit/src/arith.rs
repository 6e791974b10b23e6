//! The narrative's own arithmetic (DOMAIN.md §7): stated rates against the amounts stated with
//! them, shares against their total, one quantity stated twice.
//!
//! These rules read the paragraphs themselves, not the figures the reader resolved to a
//! subject: a rate is checked against the amounts of its own sentence and item whatever the
//! item is. Every comparison is an interval from the printed precision of every number (a
//! rate printed as 10.15% is any value in [10.145%, 10.155%), an amount printed to 0.01 万元 is
//! within 0.005 of its value), so an error is proven by the printed figures; a stated value
//! inside the interval but not the correctly rounded one is info.

use crate::{Ctx, Level, Location, Rule, Sink};
use yusuan_core::{
    format_fen, Amount, CellValue, ColumnRole, MoneyUnit, Paragraph, Span, Subject, TableKind,
};

pub(crate) const RATE: Rule = rule!(
    "text.rate",
    Error,
    "全部",
    "增减率与金额不符",
    "A stated rate (增长 / 减少 R%) equals the change over the prior year's amount, both as stated with it (the change, the prior amount, or the current amount less the change), within the printed precision of every figure; its direction word agrees with the change."
);
pub(crate) const SHARE: Rule = rule!(
    "text.share",
    Error,
    "全部",
    "占比与金额不符",
    "A stated share (占 R%) equals the amount over its total: the total it names (“三公”经费, 支出合计, 收入合计), else the stated total that the amounts stated with it add up to."
);
pub(crate) const RESTATED: Rule = rule!(
    "text.restated",
    Error,
    "全部",
    "同一数字前后不一",
    "One quantity stated twice in one item agrees with itself: the item's amount and its “本年预算安排”, and the current amount less the stated change and the stated prior amount; a prior and a current amount said to be level (持平)."
);
pub(crate) const CHANGE_SUM: Rule = rule!(
    "text.change-sum",
    Error,
    weaker: Warning,
    "全部",
    "分项增减额之和与总额增减额不符",
    "Where amounts stated with their changes add up to a whole stated with its change (收支总计 and its 类, 基本 + 项目, “三公” and its parts), the parts' changes add up to the whole's change (持平 is a change of 0), within the printings' half steps. The parts are consecutive amounts of one section and one side whose sum is a whole stated in the same chapter (a whole of another chapter may be of another scope). An error when every part states its change; a warning when a part of 0 states none."
);
pub(crate) const CHANGE_TWICE: Rule = rule!(
    "text.change-twice",
    Error,
    weaker: Warning,
    "全部",
    "同一金额的增减额前后不一",
    "One amount's change stated twice agrees with itself: the same printed amount (6 digits or more) of the same fund and side, against the same base, with changes that differ beyond the printings' half steps, is an error; the same amount named as another fund or side (财政拨款 and 一般公共预算, 收入 and 支出: equal this year, but the prior year may differ by a 政府性基金 or a 结转) is a warning to verify. A net change restated after its reasons (增减相抵后增加 C) is the change the item was said to have just before (与上年相比增加 C)."
);

pub fn run(ctx: &Ctx, sink: &mut Sink) {
    let year = ctx.doc.year.as_ref().map(|y| y.value);
    let named = Named::of(ctx);
    let mut stated: Vec<Stated> = Vec::new();
    let mut entries: Vec<Entry> = Vec::new();
    let mut chapter = 0usize;
    for (si, section) in ctx.doc.sections.iter().enumerate() {
        if section.level <= 1 {
            chapter = si;
        }
        let mut shares: Vec<Share> = Vec::new();
        let mut totals: Vec<Amount> = Vec::new();
        let mut prev: Vec<Tok> = Vec::new();
        for (k, p) in section.paragraphs.iter().enumerate() {
            let own = tokens(p, year);
            // A paragraph may continue what comes before it: a first paragraph its heading
            // ("（1）一般公共预算收入 A 万元" then "与上年相比增加 C 万元，增长 R%"), a paragraph
            // opening with the comparison the one before ("…总计 A 万元。" / "与上年相比…").
            // Those amounts come first, as a sentence of their own placed at its start.
            let lead: Vec<Tok> = if k == 0 {
                let heading = Paragraph {
                    text: section.heading.clone(),
                    span: p.span,
                    pieces: Vec::new(),
                    unfinished: false,
                };
                tokens(&heading, year)
            } else if opens_compared(p) {
                std::mem::take(&mut prev)
            } else {
                Vec::new()
            };
            // Kept for the next paragraph only when it opens with a comparison.
            prev = if section.paragraphs.get(k + 1).is_some_and(opens_compared) {
                own.clone()
            } else {
                Vec::new()
            };
            let toks = with_lead(lead, own);
            rates(p, &toks, sink);
            collect_stated(p, &toks, &mut stated);
            collect_entries(p, &toks, (si, chapter), &mut entries);
            collect_shares(p, &toks, &mut shares, &mut totals);
        }
        check_shares(&shares, &totals, &named, sink);
    }
    check_stated(&stated, sink);
    check_change_sums(&entries, sink);
}

// ---------------------------------------------------------------------------------------------
// One amount's change, stated more than once

/// An amount stated with its change (“一般公共预算收入 A 万元，与上年相比增加 C 万元”).
struct Stated {
    amount: Amount,
    amount_text: String,
    what: What,
    /// The change, signed, in fen, and its half step.
    change: i64,
    hc: i64,
    dir: Dir,
    change_text: String,
    at: Location,
}

/// Fewest digits an amount must print to name one quantity: a coincidence of two quantities
/// printed as 21,940.96 is not to be expected, one of two printed as 40 is.
const DISTINCT_DIGITS: usize = 6;

fn collect_stated(p: &Paragraph, toks: &[Tok], out: &mut Vec<Stated>) {
    for (i, c) in toks.iter().enumerate() {
        let (Role::Change(dir), Some(ca)) = (&c.role, c.amount) else {
            continue;
        };
        // The amount the change is of: the amount just before it, in its sentence, or when
        // the sentence opens with the comparison (“…21,940.96万元。与上年相比，…增加 C”) the
        // last amount of the sentence before.
        let before = toks[..i].iter().rev();
        let in_sentence = before
            .clone()
            .take_while(|x| x.sentence == c.sentence)
            .find(|x| x.amount.is_some());
        let cu = match in_sentence {
            Some(x) => Some(x),
            None if c.what.opens_compared => before
                .take_while(|x| x.sentence + 1 >= c.sentence)
                .find(|x| x.amount.is_some()),
            None => None,
        };
        let Some(cu) = cu.filter(|x| matches!(x.role, Role::Current { .. })) else {
            continue;
        };
        let Some(a) = cu.amount.filter(|a| same_unit(*a, ca)) else {
            continue;
        };
        let digits = cu.text.chars().filter(|d| d.is_ascii_digit()).count();
        let what = What {
            against: c.what.against,
            ..cu.what
        };
        if digits < DISTINCT_DIGITS || what.fund == Fund::Unnamed || what.side == Side::Unnamed {
            continue;
        }
        out.push(Stated {
            amount: a,
            amount_text: cu.text.clone(),
            what,
            change: dir.sign() * ca.fen,
            hc: ca.half_step(),
            dir: *dir,
            change_text: c.text.clone(),
            at: here(p, c.offset),
        });
    }
}

/// How two statements of one printed amount relate: the same quantity (the same fund, side
/// — 收支 is either — and base), or the same amount named as another fund or side of the
/// fiscal allocation, whose changes need not agree if the prior year's parts differed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kinship {
    Same,
    Related,
}

fn kinship(a: &Stated, b: &Stated) -> Option<Kinship> {
    if a.amount != b.amount || a.what.against != b.what.against {
        return None;
    }
    let fiscal = |f: Fund| matches!(f, Fund::Fiscal | Fund::General);
    let side = a.what.side == b.what.side || a.what.side == Side::Both || b.what.side == Side::Both;
    if a.what.fund == b.what.fund && side {
        Some(Kinship::Same)
    } else if a.what.fund == b.what.fund || (fiscal(a.what.fund) && fiscal(b.what.fund)) {
        Some(Kinship::Related)
    } else {
        None
    }
}

/// Each statement against the earlier statements of the same quantity (else of a related
/// one): the first whose change disagrees beyond the half steps of both printings is named.
fn check_stated(stated: &[Stated], sink: &mut Sink) {
    for (i, s) in stated.iter().enumerate() {
        let disagrees = |e: &Stated| (s.change - e.change).abs() > s.hc + e.hc;
        let earlier = |k: Kinship| {
            stated[..i]
                .iter()
                .find(|e| e.at.line != s.at.line && kinship(e, s) == Some(k) && disagrees(e))
                .map(|e| (e, k))
        };
        let Some((first, kin)) = earlier(Kinship::Same).or_else(|| earlier(Kinship::Related))
        else {
            continue;
        };
        let diff = (s.change - first.change).abs();
        let (level, tail) = match kin {
            Kinship::Same => (Level::Violated, String::new()),
            Kinship::Related => (
                Level::Weaker,
                "；两处所指的资金或收支不同，除非上年两者不等（如另有政府性基金或结转），否则应一致，请核实".to_string(),
            ),
        };
        sink.emit(
            &CHANGE_TWICE,
            level,
            format!(
                "情况说明第{}行称{}{}{}，第{}行称同一金额{}{}{}，前后不一，相差{}{tail}",
                s.at.line,
                s.amount_text,
                dir_word(s.dir),
                s.change_text,
                first.at.line,
                first.amount_text,
                dir_word(first.dir),
                first.change_text,
                wan(diff, s.amount.unit)
            ),
            vec![s.at.clone(), first.at.clone()],
        );
    }
}

/// "与上年相比增加 C 万元…": a paragraph that continues the amount of the one before.
fn opens_compared(p: &Paragraph) -> bool {
    ["与上年", "比上年", "较上年", "同比"]
        .iter()
        .any(|w| p.text.trim_start().starts_with(w))
}

/// `lead`'s amounts (not its rates or shares, already checked where they stand) before `own`.
fn with_lead(lead: Vec<Tok>, mut own: Vec<Tok>) -> Vec<Tok> {
    let mut lead: Vec<Tok> = lead
        .into_iter()
        .filter(|x| x.amount.is_some())
        .map(|mut x| {
            x.offset = 0;
            x.sentence = 0;
            x.clause = 0;
            x.lead = true;
            x
        })
        .collect();
    if lead.is_empty() {
        return own;
    }
    for x in &mut own {
        x.sentence += 1;
        x.clause += 1;
    }
    lead.append(&mut own);
    lead
}

// ---------------------------------------------------------------------------------------------
// The parts' changes add up to the whole's

/// An amount stated in the narrative, with its change when one is stated with it.
struct Entry {
    amount: Amount,
    text: String,
    /// What it is of, as printed before it (“一般公共服务（类）支出”).
    label: String,
    side: Side,
    change: Option<Delta>,
    /// The section it is printed in, and that section's chapter (the heading of level 1 or
    /// above it stands under).
    section: usize,
    chapter: usize,
    at: Location,
}

/// A stated change: signed fen, half step, base, as printed.
struct Delta {
    fen: i64,
    half: i64,
    against: Against,
    text: String,
}

/// Every current amount of the paragraph, with the change stated after it in its sentence
/// (or in the next sentence when that opens with the comparison): the nearest change before
/// any other current amount. “与上年持平” and a template's “增加（减少）0 万元” are changes of 0.
fn collect_entries(
    p: &Paragraph,
    toks: &[Tok],
    (section, chapter): (usize, usize),
    out: &mut Vec<Entry>,
) {
    let mut consumed = vec![false; toks.len()];
    for (i, t) in toks.iter().enumerate() {
        let (Role::Current { .. }, Some(a), false) = (&t.role, t.amount, consumed[i]) else {
            continue;
        };
        if compared_in(&t.words) {
            continue;
        }
        let mut change = None;
        for (k, c) in toks.iter().enumerate().skip(i + 1) {
            let paired =
                c.sentence == t.sentence || (c.what.opens_compared && c.sentence == t.sentence + 1);
            match (&c.role, c.amount) {
                (Role::Change(dir), Some(ca)) => {
                    if paired && same_unit(ca, a) {
                        change = Some(Delta {
                            fen: dir.sign() * ca.fen,
                            half: ca.half_step(),
                            against: c.what.against,
                            text: format!("{}{}", dir_word(*dir), c.text),
                        });
                    }
                    break;
                }
                // An amount in a comparison with no direction word: a template's
                // “与上年相比增加（减少）0万元” (nothing changed), or the prior amount of
                // “比上年预算数 P 万元增加 C 万元” (read on).
                (Role::Current { .. }, Some(z))
                    if compared_in(&c.words) && paired && z.is_zero() =>
                {
                    consumed[k] = true;
                    change = Some(Delta {
                        fen: 0,
                        half: 0,
                        against: c.what.against,
                        text: "增减 0".to_string(),
                    });
                    break;
                }
                (Role::Current { .. }, Some(_)) if compared_in(&c.words) => {}
                (Role::Current { .. }, Some(_)) => break,
                _ if c.sentence > t.sentence + 1 => break,
                _ => {}
            }
        }
        if change.is_none() && !t.lead {
            // “…0 万元，与上年持平”: the words after the amount, to the end of its sentence.
            let end = toks
                .get(i + 1)
                .filter(|n| !n.lead)
                .map_or(p.text.len(), |n| n.offset);
            let after = p.text.get(t.offset..end).unwrap_or("");
            let after = after.split(['。', '；', ';']).next().unwrap_or("");
            if after.contains("持平") {
                change = Some(Delta {
                    fen: 0,
                    half: 0,
                    against: what_of(after).against,
                    text: "持平".to_string(),
                });
            }
        }
        out.push(Entry {
            amount: a,
            text: t.text.clone(),
            label: item_label(&t.words),
            side: t.what.side,
            change,
            section,
            chapter,
            at: here(p, t.offset),
        });
    }
}

/// The words hold a comparison (比, 较, 相比, 同比).
fn compared_in(words: &str) -> bool {
    COMPARED.iter().any(|w| words.contains(w))
}

/// What an amount is of, from its clause's words: list numbering and filler dropped.
fn item_label(words: &str) -> String {
    let numeral = |c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c);
    let mut s = words;
    // “（一）”, “(1)”, “1．”, “1.”, “一、”: a list entry's number.
    if let Some(inner) = s.strip_prefix(['（', '(']) {
        let rest = inner.trim_start_matches(numeral);
        if rest.len() < inner.len() {
            s = rest.strip_prefix(['）', ')']).unwrap_or(s);
        }
    } else {
        let rest = s.trim_start_matches(numeral);
        if rest.len() < s.len() {
            s = rest.strip_prefix(['．', '.', '、']).unwrap_or(s);
        }
    }
    for lead in ["其中", "包括", "此外"] {
        s = s.strip_prefix(lead).unwrap_or(s);
    }
    let s = s.trim_end_matches(['为', '是']);
    let chars: Vec<char> = s.chars().collect();
    let keep = chars.len().saturating_sub(24);
    chars[keep..].iter().collect()
}

/// The rounding an amount may carry into a sum: half its last printed digit, and no more
/// than half a cent of the unit (“810万元” in a list of items is 810.00, not 810 ± 0.5).
fn summed_half(a: Amount) -> i64 {
    a.half_step().min(a.unit.fen_per_unit() / 200)
}

/// Least significant digits a whole must print for its parts' sum to name it.
const WHOLE_DIGITS: usize = 3;

/// Windows of consecutive entries of one section, each with its change (or of 0), whose
/// amounts add up to a whole stated with its change elsewhere: their changes add up to the
/// whole's. A window takes in the parts of 0 on either side, so that a part that fell to 0
/// is never left out of it.
fn check_change_sums(entries: &[Entry], sink: &mut Sink) {
    let cands: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.change.is_some() || e.amount.is_zero())
        .collect();
    let named = |e: &Entry| matches!(e.side, Side::Income | Side::Expenditure);
    let same_list = |a: &Entry, b: &Entry| {
        a.section == b.section
            && same_unit(a.amount, b.amount)
            && !(named(a) && named(b) && a.side != b.side)
    };
    // The amounts stated with a change, sorted: a window is looked at only when its sum is
    // near one of them, and no longer once its sum has passed the largest.
    let mut whole_fens: Vec<i64> = entries
        .iter()
        .filter(|e| e.change.is_some())
        .map(|e| e.amount.fen)
        .collect();
    whole_fens.sort_unstable();
    let Some(&largest) = whole_fens.last() else {
        return;
    };
    let widest = entries
        .iter()
        .map(|e| summed_half(e.amount))
        .max()
        .unwrap_or(0);
    let near_a_whole = |sum: i64, tol: i64| {
        let from = whole_fens.partition_point(|&f| f < sum - tol);
        whole_fens.get(from).is_some_and(|&f| f <= sum + tol)
    };
    for start in 0..cands.len() {
        if start > 0
            && cands[start - 1].amount.is_zero()
            && same_list(cands[start - 1], cands[start])
        {
            continue;
        }
        let mut sum = 0i64;
        let mut half = 0i64;
        // The side the window's parts name, once one does.
        let mut side: Option<&Entry> = None;
        for end in start..cands.len() {
            let part = cands[end];
            // One list is of one section and unit, and of income or of expenditure, never
            // of both.
            if !same_list(cands[start], part) || side.is_some_and(|s| !same_list(s, part)) {
                break;
            }
            if side.is_none() && named(part) {
                side = Some(part);
            }
            sum += part.amount.fen;
            half += summed_half(part.amount);
            if sum > largest + half + widest {
                break;
            }
            let next_zero = cands
                .get(end + 1)
                .is_some_and(|n| n.amount.is_zero() && same_list(part, n));
            if end == start || next_zero || sum == 0 || !near_a_whole(sum, half + widest) {
                continue;
            }
            let window = &cands[start..=end];
            if let Some(done) = check_window(entries, window, sum, half, sink) {
                if done {
                    break;
                }
            }
        }
    }
}

/// Checks one window against the wholes its amounts add up to. `None` when no whole is
/// stated; `Some(true)` once a whole was found (checked or reported).
fn check_window(
    entries: &[Entry],
    window: &[&Entry],
    sum: i64,
    half: i64,
    sink: &mut Sink,
) -> Option<bool> {
    let unit = window[0].amount.unit;
    let against = window
        .iter()
        .find_map(|e| e.change.as_ref().map(|c| c.against))?;
    if window
        .iter()
        .any(|e| e.change.as_ref().is_some_and(|c| c.against != against))
    {
        return None;
    }
    let sides: Vec<Side> = window
        .iter()
        .map(|e| e.side)
        .filter(|s| matches!(s, Side::Income | Side::Expenditure))
        .collect();
    let in_window = |w: &Entry| window.iter().any(|e| std::ptr::eq(*e, w));
    let wholes: Vec<&Entry> = entries
        .iter()
        .filter(|w| {
            let Some(c) = &w.change else { return false };
            let digits = w.text.chars().filter(|d| d.is_ascii_digit()).count();
            c.against == against
                && same_unit(w.amount, window[0].amount)
                && digits >= WHOLE_DIGITS
                && (w.amount.fen - sum).abs() <= half + summed_half(w.amount)
                && w.chapter == window[0].chapter
                && !in_window(w)
                && (!matches!(w.side, Side::Income | Side::Expenditure)
                    || sides.iter().all(|s| *s == w.side))
        })
        .collect();
    if wholes.is_empty() {
        return None;
    }
    let csum: i64 = window
        .iter()
        .filter_map(|e| e.change.as_ref().map(|c| c.fen))
        .sum();
    let chalf: i64 = window
        .iter()
        .filter_map(|e| e.change.as_ref().map(|c| c.half))
        .sum();
    let agrees = |w: &&Entry| {
        w.change
            .as_ref()
            .is_some_and(|c| (c.fen - csum).abs() <= c.half + chalf)
    };
    if wholes.iter().any(agrees) {
        return Some(true);
    }
    // The whole nearest before the parts, else the first stated after them.
    let first = &window[0].at;
    let whole = wholes
        .iter()
        .filter(|w| w.at.line <= first.line)
        .max_by_key(|w| w.at.line)
        .or_else(|| wholes.first())?;
    let wc = whole.change.as_ref()?;
    let unstated: Vec<&str> = window
        .iter()
        .filter(|e| e.change.is_none())
        .map(|e| e.label.as_str())
        .collect();
    let level = if unstated.is_empty() {
        Level::Violated
    } else {
        Level::Weaker
    };
    let parts: Vec<String> = window
        .iter()
        .map(|e| {
            let change = e.change.as_ref().map_or("未说明增减", |c| c.text.as_str());
            format!("{}{}{}", e.label, e.text, change)
        })
        .collect();
    let mut tail = String::new();
    if !unstated.is_empty() {
        tail.push_str(&format!("；其中{}未说明增减，请核实", unstated.join("、")));
    }
    let mut at = vec![whole.at.clone()];
    for e in window {
        if !at.contains(&e.at) {
            at.push(e.at.clone());
        }
    }
    sink.emit(
        &CHANGE_SUM,
        level,
        format!(
            "情况说明第{}行称{}{}{}，而合计为该数的各分项（{}）增减额合计为{}，相差{}{tail}",
            whole.at.line,
            whole.label,
            whole.text,
            wc.text,
            parts.join("；"),
            signed_wan(csum, unit),
            wan((wc.fen - csum).abs(), unit)
        ),
        at,
    );
    Some(true)
}

/// A signed change in words: 增加 C / 减少 C / 持平.
/// A change in words: "增加 X 万元", "减少 X 万元", "持平".
fn change_words(fen: i64, unit: MoneyUnit) -> String {
    match fen.signum() {
        0 => "持平".to_string(),
        1 => format!("增加{}", wan(fen, unit)),
        _ => format!("减少{}", wan(-fen, unit)),
    }
}

fn signed_wan(fen: i64, unit: MoneyUnit) -> String {
    match fen.signum() {
        1 => format!("增加{}", wan(fen, unit)),
        -1 => format!("减少{}", wan(-fen, unit)),
        _ => "0（持平）".to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dir {
    Up,
    Down,
}

impl Dir {
    fn sign(self) -> i64 {
        match self {
            Dir::Up => 1,
            Dir::Down => -1,
        }
    }
}

#[derive(Clone, Debug)]
enum Role {
    /// An amount after a direction word in a comparison (比上年增加 C 万元).
    Change(Dir),
    /// The prior year's amount (上年预算数为 P 万元, 2025年执行数为 P 万元).
    Prior,
    /// Any other amount; `planned` when its clause says it is this year's (2026年预算安排 A).
    Current { planned: bool },
    /// A rate after a direction word (增长 R%).
    Rate(Dir),
    /// A share (占 … R%), with the words between 占 and the figure.
    Share(String),
}

#[derive(Clone, Debug)]
struct Tok {
    role: Role,
    amount: Option<Amount>,
    /// A percentage: value scaled by 10^decimals.
    pct: Option<(i64, u8)>,
    /// Index of the sentence (split at 。；！？) within the paragraph.
    sentence: usize,
    /// Index of the clause (split at ，、： too) within the paragraph.
    clause: usize,
    /// Byte offset in the paragraph's text.
    offset: usize,
    /// The figure as printed, with its unit.
    text: String,
    /// What the sentence says the amount is (its fund and side), and for a change what it is
    /// compared with.
    what: What,
    /// The clause's words before the figure (compacted): what the amount is of.
    words: String,
    /// Carried over from a heading or the paragraph before (`offset` is then 0).
    lead: bool,
}

/// Which fiscal quantity an amount is, as far as its sentence names it: the nearest fund word
/// and income / expenditure word before it, and for a change the base after 比 / 较.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct What {
    fund: Fund,
    side: Side,
    against: Against,
    /// The sentence opens with the comparison (与上年相比, 比上年): it continues the one before.
    opens_compared: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Fund {
    #[default]
    Unnamed,
    /// 财政拨款 (all three funds together).
    Fiscal,
    General,
    Government,
    StateCapital,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Side {
    #[default]
    Unnamed,
    Income,
    Expenditure,
    /// 收支 / 收、支 (各): income and expenditure alike.
    Both,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Against {
    /// 比上年 / 与上年相比 / 比上年预算: the prior year's budget.
    #[default]
    Budget,
    /// 比上年执行数 / 预算执行数.
    Executed,
    /// 比上年决算数.
    Final,
    /// 比调整预算.
    Adjusted,
}

/// The last of `words` in `text`, by where it ends.
/// The word of `words` that ends last in `text` (the first listed of those ending together),
/// and where it starts.
fn last_of<T: Copy>(text: &str, words: &[(&str, T)]) -> Option<(T, usize)> {
    // The word that ends last (the first of the list among those ending at one place): one scan
    // back from the end, comparing bytes, instead of a searcher built per word (this runs for
    // every amount of the narrative).
    let b = text.as_bytes();
    (1..=b.len()).rev().find_map(|end| {
        words.iter().find_map(|(w, v)| {
            b[..end]
                .ends_with(w.as_bytes())
                .then(|| (*v, end - w.len()))
        })
    })
}

fn what_of(sentence: &str) -> What {
    // The last fund word: 财政拨款 preceded by a fund's name ("一般公共预算财政拨款") is that
    // fund's allocation. Found with one search per base word: this runs for every amount.
    let fund = last_of(
        sentence,
        &[
            ("财政拨款", Fund::Fiscal),
            ("一般公共预算", Fund::General),
            ("政府性基金", Fund::Government),
            ("国有资本经营", Fund::StateCapital),
        ],
    )
    .map(|(fund, at)| {
        let before = &sentence[..at];
        if fund != Fund::Fiscal {
            fund
        } else if before.ends_with("一般公共预算") {
            Fund::General
        } else if before.ends_with("政府性基金预算") {
            Fund::Government
        } else if before.ends_with("国有资本经营预算") {
            Fund::StateCapital
        } else {
            Fund::Fiscal
        }
    })
    .unwrap_or_default();
    // 收入、支出 / 收入和支出 / 收入与支出 end in 支出 and name both.
    let side = last_of(
        sentence,
        &[
            ("收入", Side::Income),
            ("支出", Side::Expenditure),
            ("收支", Side::Both),
            ("收、支", Side::Both),
        ],
    )
    .map(|(side, at)| {
        let before = &sentence[..at];
        if side == Side::Expenditure
            && ["收入、", "收入和", "收入与"]
                .iter()
                .any(|w| before.ends_with(w))
        {
            Side::Both
        } else {
            side
        }
    })
    .unwrap_or_default();
    let compared = sentence.rfind(['比', '较']).map_or("", |k| &sentence[k..]);
    let against = if compared.contains("执行") {
        Against::Executed
    } else if compared.contains("决算") {
        Against::Final
    } else if compared.contains("调整") {
        Against::Adjusted
    } else {
        Against::Budget
    };
    let opens_compared = ["与上年", "比上年", "较上年", "同比"]
        .iter()
        .any(|w| sentence.trim_start_matches(['，', ' ']).starts_with(w));
    What {
        fund,
        side,
        against,
        opens_compared,
    }
}

const DIR_WORDS: &[(&str, Dir)] = &[
    ("增加", Dir::Up),
    ("增长", Dir::Up),
    ("增幅", Dir::Up),
    ("上升", Dir::Up),
    ("提高", Dir::Up),
    ("上涨", Dir::Up),
    ("减少", Dir::Down),
    ("下降", Dir::Down),
    ("降低", Dir::Down),
    ("降幅", Dir::Down),
    ("减幅", Dir::Down),
    ("下降幅度", Dir::Down),
];

const COMPARED: &[&str] = &["比", "较", "相比", "同比"];

/// The direction word a clause ends with ("…增加", "…减少了", "…增长率为"), if exactly one
/// direction is named in the clause's last words ("增加（减少）" is a template, not a direction).
fn ending_dir(clause: &str) -> Option<Dir> {
    let mut s = clause;
    for tail in ["为", "了", "约", "达", "达到", "率", "幅度"] {
        s = s.strip_suffix(tail).unwrap_or(s);
    }
    let s = s.strip_suffix("了").unwrap_or(s);
    let found = DIR_WORDS
        .iter()
        .find(|(w, _)| s.ends_with(w))
        .map(|(_, d)| *d)?;
    // A template's "增加（减少）" or "增长（降低）": both directions named.
    let both = clause.contains('（') && clause.contains('）') && {
        let inner: String = clause
            .rsplit('（')
            .next()
            .unwrap_or("")
            .chars()
            .take_while(|c| *c != '）')
            .collect();
        DIR_WORDS.iter().any(|(w, _)| inner.contains(w))
    };
    (!both).then_some(found)
}

/// Whitespace removed, full-width digits and signs made ASCII, with each kept char's byte
/// offset in the original.
pub(crate) fn compact(text: &str) -> (Vec<char>, Vec<usize>) {
    // At most one char per byte; Chinese text has about one per three.
    let mut chars = Vec::with_capacity(text.len() / 2 + 8);
    let mut offs = Vec::with_capacity(text.len() / 2 + 8);
    for (o, c) in text.char_indices() {
        if c.is_whitespace() || c == '\u{3000}' {
            continue;
        }
        let c = match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '％' => '%',
            _ => c,
        };
        chars.push(c);
        offs.push(o);
    }
    (chars, offs)
}

/// Where a token's sentence ends (its index counts these).
fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '；' | ';' | '！' | '？')
}

/// Where a clause ends within a sentence.
fn ends_clause(c: char) -> bool {
    matches!(c, '，' | '、' | '：' | ':')
}

fn tokens(p: &Paragraph, year: Option<i32>) -> Vec<Tok> {
    // Only amounts (元) and percentages (%) make tokens.
    if !p.text.contains(['元', '%', '％']) {
        return Vec::new();
    }
    let (chars, offs) = compact(&p.text);
    // The compacted text once, with each char's byte offset in it: a token's words are slices.
    let ctext: String = chars.iter().collect();
    let cb: Vec<usize> = ctext
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(ctext.len()))
        .collect();
    let slice = |from: usize, to: usize| &ctext[cb[from]..cb[to]];
    // "2025年" and "2024年", formatted once rather than for every amount.
    let year_words = year.map(|y| (format!("{y}年"), format!("{}年", y - 1)));
    let years = year_words.as_ref().map(|(a, b)| (a.as_str(), b.as_str()));
    let mut out = Vec::new();
    let mut sentence = 0usize;
    let mut clause = 0usize;
    let mut clause_start = 0usize;
    let mut sentence_start = 0usize;
    // Whether the sentence so far holds a comparison (比, 较, 相比, 同比 all hold 比 or 较).
    let mut compared = false;
    let mut i = 0usize;
    while i < chars.len() {
        let c = chars[i];
        if ends_sentence(c) {
            sentence += 1;
            clause += 1;
            clause_start = i + 1;
            sentence_start = i + 1;
            compared = false;
            i += 1;
            continue;
        }
        if matches!(c, '比' | '较') {
            compared = true;
        }
        if ends_clause(c) {
            clause += 1;
            clause_start = i + 1;
            i += 1;
            continue;
        }
        if !c.is_ascii_digit() || (i > 0 && (chars[i - 1].is_ascii_digit() || chars[i - 1] == '.'))
        {
            i += 1;
            continue;
        }
        // A number: digits, thousands separators between digits, one decimal point.
        let start = i;
        let mut j = i;
        let mut seen_point = false;
        while j < chars.len() {
            let d = chars[j];
            let next_digit = chars.get(j + 1).is_some_and(|n| n.is_ascii_digit());
            if d.is_ascii_digit() || (d == ',' && next_digit && !seen_point) {
                j += 1;
            } else if d == '.' && next_digit && !seen_point {
                seen_point = true;
                j += 1;
            } else {
                break;
            }
        }
        let number = slice(start, j);
        let rest = slice(j, (j + 3).min(chars.len()));
        let (unit, ulen) = if rest.starts_with("万元") {
            (Some(MoneyUnit::WanYuan), 2)
        } else if rest.starts_with('元') && !rest.starts_with("元/") {
            (Some(MoneyUnit::Yuan), 1)
        } else {
            (None, 0)
        };
        let offset = offs[start];
        if unit.is_none() && !rest.starts_with('%') {
            i = j;
            continue;
        }
        let words = slice(clause_start, start);
        let what = what_of(slice(sentence_start, start));
        if let Some(unit) = unit {
            if let Ok(amount) = Amount::parse(number, unit) {
                let role = match ending_dir(words) {
                    Some(d) if compared => Role::Change(d),
                    Some(_) => Role::Current { planned: false },
                    None if is_prior(words, years) => Role::Prior,
                    None => Role::Current {
                        planned: is_planned(words, years),
                    },
                };
                out.push(Tok {
                    role,
                    amount: Some(amount),
                    pct: None,
                    sentence,
                    clause,
                    offset,
                    text: format!("{number}{}", unit.label()),
                    what,
                    words: words.to_string(),
                    lead: false,
                });
            }
            i = j + ulen;
            continue;
        }
        if rest.starts_with('%') {
            let decimals = number.split('.').nth(1).map_or(0, |f| f.len());
            let digits: String = number.chars().filter(|c| c.is_ascii_digit()).collect();
            if let (Ok(v), Ok(d)) = (digits.parse::<i64>(), u8::try_from(decimals)) {
                let role = if let Some(k) = words.rfind('占') {
                    Some(Role::Share(words[k + '占'.len_utf8()..].to_string()))
                } else {
                    match ending_dir(words) {
                        Some(d) if compared => Some(Role::Rate(d)),
                        _ => None,
                    }
                };
                // "约 30%": stated as approximate.
                let approx = words.ends_with('约') || words.contains("约为");
                if let (Some(role), false) = (role, approx) {
                    out.push(Tok {
                        role,
                        amount: None,
                        pct: Some((v, d)),
                        sentence,
                        clause,
                        offset,
                        text: format!("{number}%"),
                        what,
                        words: words.to_string(),
                        lead: false,
                    });
                }
            }
            i = j + 1;
            continue;
        }
        i = j;
    }
    out
}

/// 上年预算数为 P, 2025年当年预算执行数为 P: the clause names the prior year and no comparison.
fn is_prior(clause: &str, years: Option<(&str, &str)>) -> bool {
    if COMPARED.iter().any(|w| clause.contains(w)) {
        return false;
    }
    clause.contains("上年")
        || clause.contains("上一年")
        || clause.contains("执行数")
        || years.is_some_and(|(_, prior)| clause.contains(prior))
}

/// 2026年预算安排 A, 本年预算数为 A.
fn is_planned(clause: &str, years: Option<(&str, &str)>) -> bool {
    let names_year =
        clause.contains("本年") || years.is_some_and(|(this, _)| clause.contains(this));
    names_year
        && (clause.contains("安排") || clause.contains("预算数") || clause.contains("预算为"))
}

// ---------------------------------------------------------------------------------------------
// Exact intervals

/// A closed interval of rationals `num / den` (den > 0), kept as the two bounds.
#[derive(Clone, Copy, Debug)]
struct Frac {
    num: i128,
    den: i128,
}

impl Frac {
    fn new(num: i128, den: i128) -> Frac {
        if den < 0 {
            Frac {
                num: -num,
                den: -den,
            }
        } else {
            Frac { num, den }
        }
    }
    fn lt(self, o: Frac) -> bool {
        self.num * o.den < o.num * self.den
    }
}

/// The stated percentage's interval as a fraction of one: [v - 1/2, v + 1/2] / (100 x 10^d).
fn pct_interval(v: i64, d: u8, sign: i64) -> (Frac, Frac) {
    let scale = 200 * 10i128.pow(u32::from(d));
    let a = Frac::new(i128::from(sign) * (2 * i128::from(v) - 1), scale);
    let b = Frac::new(i128::from(sign) * (2 * i128::from(v) + 1), scale);
    if a.lt(b) {
        (a, b)
    } else {
        (b, a)
    }
}

/// The interval of (num ± hn) / (den ± hd) for den - hd > 0.
fn ratio_interval(num: i64, hn: i64, den: i64, hd: i64) -> Option<(Frac, Frac)> {
    let (num, hn, den, hd) = (
        i128::from(num),
        i128::from(hn),
        i128::from(den),
        i128::from(hd),
    );
    if den - hd <= 0 {
        return None;
    }
    let corners = [
        Frac::new(num - hn, den - hd),
        Frac::new(num - hn, den + hd),
        Frac::new(num + hn, den - hd),
        Frac::new(num + hn, den + hd),
    ];
    let mut lo = corners[0];
    let mut hi = corners[0];
    for c in corners {
        if c.lt(lo) {
            lo = c;
        }
        if hi.lt(c) {
            hi = c;
        }
    }
    Some((lo, hi))
}

fn overlaps(a: (Frac, Frac), b: (Frac, Frac)) -> bool {
    !(a.1.lt(b.0) || b.1.lt(a.0))
}

/// num / den as a percentage rounded half away from zero to `d` decimals, scaled by 10^d.
pub(crate) fn rounded_pct(num: i64, den: i64, d: u8) -> i64 {
    let scale = 100 * 10i128.pow(u32::from(d));
    let n = i128::from(num) * scale * 2;
    let den = i128::from(den);
    let q = (n.abs() + den.abs()) / (2 * den.abs());
    let q = i64::try_from(q).unwrap_or(i64::MAX);
    if (num < 0) != (den < 0) {
        -q
    } else {
        q
    }
}

pub(crate) fn show_pct(v: i64, d: u8) -> String {
    if d == 0 {
        return format!("{v}%");
    }
    let scale = 10i64.pow(u32::from(d));
    let sign = if v < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:0width$}%",
        v.abs() / scale,
        v.abs() % scale,
        width = usize::from(d)
    )
}

fn wan(fen: i64, unit: MoneyUnit) -> String {
    format!("{}{}", format_fen(fen, unit), unit.label())
}

fn here(p: &Paragraph, offset: usize) -> Location {
    Location::new(Span::line(p.line_at(offset), p.span.page), None)
}

/// The place at `first`, then the distinct places of `others`.
fn places(p: &Paragraph, first: usize, others: &[usize]) -> Vec<Location> {
    let mut locs = vec![here(p, first)];
    for &o in others {
        let l = here(p, o);
        if !locs.contains(&l) {
            locs.push(l);
        }
    }
    locs
}

fn same_unit(a: Amount, b: Amount) -> bool {
    a.unit == b.unit
}

// ---------------------------------------------------------------------------------------------
// Rates

/// How a stated rate is computed from the amounts stated with it.
struct Basis {
    /// Signed change in fen and its half step.
    change: i64,
    hc: i64,
    /// Prior amount in fen and its half step.
    prior: i64,
    hp: i64,
    unit: MoneyUnit,
    /// In words: "比上年增加 C、上年 P" and so on.
    words: String,
    /// Where the amounts it uses are printed (byte offsets in the paragraph).
    at: Vec<usize>,
}

fn rates(p: &Paragraph, toks: &[Tok], sink: &mut Sink) {
    let mut window_start = 0usize;
    for (i, t) in toks.iter().enumerate() {
        let (Role::Rate(rdir), Some((v, d))) = (&t.role, t.pct) else {
            continue;
        };
        let window = &toks[window_start..i];
        window_start = i + 1;
        // The change stated with the rate: the amount just before it in its sentence.
        // The change stated with the rate: the amount just before it, in its clause or the one
        // before ("增加 C 万元，增长 R%"); a percentage further on is about something else.
        let change = window
            .iter()
            .rev()
            .take_while(|x| x.sentence == t.sentence)
            .find(|x| x.amount.is_some())
            .filter(|x| matches!(x.role, Role::Change(_)) && t.clause - x.clause <= 1);
        let priors: Vec<&Tok> = window
            .iter()
            .filter(|x| matches!(x.role, Role::Prior))
            .collect();
        // Nearest first; the item's own amount before a restated "本年预算安排".
        let mut currents: Vec<&Tok> = window
            .iter()
            .rev()
            .filter(|x| matches!(x.role, Role::Current { .. }))
            .collect();
        let mut bases: Vec<Basis> = Vec::new();
        if let Some(c) = change {
            let (Role::Change(cdir), Some(ca)) = (&c.role, c.amount) else {
                continue;
            };
            if cdir != rdir {
                sink.emit(
                    &RATE,
                    Level::Violated,
                    format!(
                        "情况说明第{}行称{}{}，却又称{}{}，增减方向自相矛盾",
                        p.line_at(c.offset),
                        dir_word(*cdir),
                        c.text,
                        rate_word(*rdir),
                        t.text
                    ),
                    vec![here(p, t.offset), here(p, c.offset)],
                );
                continue;
            }
            let signed = cdir.sign() * ca.fen;
            for pr in &priors {
                let Some(pa) = pr.amount.filter(|a| same_unit(*a, ca)) else {
                    continue;
                };
                bases.push(Basis {
                    change: signed,
                    hc: ca.half_step(),
                    prior: pa.fen,
                    hp: pa.half_step(),
                    unit: ca.unit,
                    words: format!("{}{}、上年{}", dir_word(*cdir), c.text, pr.text),
                    at: vec![pr.offset, c.offset],
                });
            }
            for cu in &currents {
                let Some(a) = cu.amount.filter(|a| same_unit(*a, ca)) else {
                    continue;
                };
                bases.push(Basis {
                    change: signed,
                    hc: ca.half_step(),
                    prior: a.fen - signed,
                    hp: a.half_step() + ca.half_step(),
                    unit: ca.unit,
                    words: format!(
                        "本年{}、{}{}（上年即{}）",
                        cu.text,
                        dir_word(*cdir),
                        c.text,
                        wan(a.fen - signed, a.unit)
                    ),
                    at: vec![cu.offset, c.offset],
                });
            }
        } else {
            // Without a change: the prior amount stated in the rate's own sentence
            // ("上年执行数为 P 万元，本年预算安排 A 万元，比上年增加 R%").
            currents.sort_by_key(|x| matches!(x.role, Role::Current { planned: true }));
            for pr in priors.iter().filter(|x| x.sentence == t.sentence) {
                for cu in &currents {
                    let (Some(pa), Some(a)) = (pr.amount, cu.amount) else {
                        continue;
                    };
                    if !same_unit(pa, a) {
                        continue;
                    }
                    bases.push(Basis {
                        change: a.fen - pa.fen,
                        hc: a.half_step() + pa.half_step(),
                        prior: pa.fen,
                        hp: pa.half_step(),
                        unit: a.unit,
                        words: format!("上年{}、本年{}", pr.text, cu.text),
                        at: vec![pr.offset, cu.offset],
                    });
                }
            }
        }
        if bases.is_empty() {
            // Said, so that no stated rate goes unchecked in silence.
            sink.emit(
                &RATE,
                Level::Info,
                format!(
                    "无法核验：情况说明第{}行称{}{}，但同一处没有写明可据以计算的增减额、上年数或本年数",
                    p.line_at(t.offset),
                    rate_word(*rdir),
                    t.text
                ),
                vec![here(p, t.offset)],
            );
            continue;
        }
        let stated = pct_interval(v, d, rdir.sign());
        let fits: Vec<&Basis> = bases
            .iter()
            .filter(|b| {
                ratio_interval(b.change, b.hc, b.prior, b.hp).is_some_and(|r| overlaps(r, stated))
            })
            .collect();
        let first = &bases[0];
        if let Some(b) = fits.first() {
            let exact = rounded_pct(b.change, b.prior, d);
            if exact != rdir.sign() * v {
                sink.emit(
                    &RATE,
                    Level::Info,
                    format!(
                        "情况说明第{}行称{}{}，按{}计算为{}，在尾差范围内",
                        p.line_at(t.offset),
                        rate_word(*rdir),
                        t.text,
                        b.words,
                        show_pct(exact, d)
                    ),
                    vec![here(p, t.offset)],
                );
            }
            continue;
        }
        if first.prior - first.hp <= 0 {
            continue;
        }
        let exact = rounded_pct(first.change, first.prior, d.max(2));
        let direction = if first.change.signum() != rdir.sign() && first.change != 0 {
            "，且增减方向相反"
        } else {
            ""
        };
        sink.emit(
            &RATE,
            Level::Violated,
            format!(
                "情况说明第{}行称{}{}，但按{}计算应为{}{}（{} ÷ {}）",
                p.line_at(t.offset),
                rate_word(*rdir),
                t.text,
                first.words,
                if first.change < 0 { "减少" } else { "增长" },
                show_pct(exact.abs(), d.max(2)),
                wan(first.change.abs(), first.unit),
                wan(first.prior, first.unit),
            ) + direction,
            // The rate first, then where the amounts it contradicts are printed.
            places(p, t.offset, &first.at),
        );
    }
    restated(p, toks, sink);
    net_restated(p, toks, sink);
    triples(p, toks, sink);
    flat_pairs(p, toks, sink);
}

/// Prior and current stated in one sentence that then says they are level ("上年执行数为 P
/// 万元，本年预算安排 A 万元，比上年持平"): P = A within their printings. Only a sentence whose
/// last clause compares (比 / 较 / 与) and says 持平, with no figure after it and one prior and one
/// current amount before it, is read so. Sentences are counted as `tokens` counts them.
fn flat_pairs(p: &Paragraph, toks: &[Tok], sink: &mut Sink) {
    if !p.text.contains("持平") || toks.len() < 2 {
        return;
    }
    let (chars, offs) = compact(&p.text);
    let mut sentence = 0usize;
    let mut clause_start = 0usize;
    for (i, &c) in chars.iter().enumerate() {
        if ends_sentence(c) {
            sentence += 1;
            clause_start = i + 1;
            continue;
        }
        if ends_clause(c) {
            clause_start = i + 1;
            continue;
        }
        if c != '持' || chars.get(i + 1) != Some(&'平') {
            continue;
        }
        let clause: String = chars[clause_start..i].iter().collect();
        if !clause.contains(['比', '较', '与']) {
            continue;
        }
        let at = offs[i];
        let mine: Vec<&Tok> = toks
            .iter()
            .filter(|t| t.sentence == sentence && !t.lead)
            .collect();
        // Nothing stated after 持平 in the sentence, and nothing but one prior and one current.
        if mine.iter().any(|t| t.offset > at)
            || mine
                .iter()
                .any(|t| !matches!(t.role, Role::Prior | Role::Current { .. }))
        {
            continue;
        }
        let priors: Vec<&&Tok> = mine
            .iter()
            .filter(|t| matches!(t.role, Role::Prior))
            .collect();
        let currents: Vec<&&Tok> = mine
            .iter()
            .filter(|t| matches!(t.role, Role::Current { .. }))
            .collect();
        let ([pr], [cu]) = (&priors[..], &currents[..]) else {
            continue;
        };
        let (Some(pa), Some(a)) = (pr.amount, cu.amount) else {
            continue;
        };
        if !same_unit(pa, a) || (a.fen - pa.fen).abs() <= pa.half_step() + a.half_step() {
            continue;
        }
        sink.emit(
            &RESTATED,
            Level::Violated,
            format!(
                "情况说明第{}行称本年{}、上年{}，即{}，而又称持平",
                p.line_at(at),
                cu.text,
                pr.text,
                change_words(a.fen - pa.fen, a.unit),
            ),
            places(p, at, &[cu.offset, pr.offset]),
        );
    }
}

/// Current, prior and change stated in one sentence: current − change = prior.
fn triples(p: &Paragraph, toks: &[Tok], sink: &mut Sink) {
    for (i, c) in toks.iter().enumerate() {
        let (Role::Change(cdir), Some(ca)) = (&c.role, c.amount) else {
            continue;
        };
        let before: Vec<&Tok> = toks[..i]
            .iter()
            .filter(|x| x.sentence == c.sentence)
            .collect();
        let priors: Vec<&&Tok> = before
            .iter()
            .filter(|x| matches!(x.role, Role::Prior))
            .collect();
        let current = before
            .iter()
            .rev()
            .find(|x| matches!(x.role, Role::Current { .. }));
        let ([pr], Some(cu)) = (&priors[..], current) else {
            continue;
        };
        let (Some(pa), Some(a)) = (pr.amount, cu.amount) else {
            continue;
        };
        if !(same_unit(pa, a) && same_unit(a, ca)) {
            continue;
        }
        let signed = cdir.sign() * ca.fen;
        let tol = pa.half_step() + a.half_step() + ca.half_step();
        if (a.fen - signed - pa.fen).abs() <= tol {
            continue;
        }
        sink.emit(
            &RESTATED,
            Level::Violated,
            format!(
                "情况说明第{}行称本年{}、上年{}，即{}，而又称{}{}",
                p.line_at(c.offset),
                cu.text,
                pr.text,
                change_words(a.fen - pa.fen, a.unit),
                dir_word(*cdir),
                c.text
            ),
            places(p, c.offset, &[cu.offset, pr.offset]),
        );
    }
}

fn rate_word(d: Dir) -> &'static str {
    match d {
        Dir::Up => "增长",
        Dir::Down => "下降",
    }
}

fn dir_word(d: Dir) -> &'static str {
    match d {
        Dir::Up => "增加",
        Dir::Down => "减少",
    }
}

/// One item's amount stated twice: the amount it opens with and its "本年预算安排" amount.
fn restated(p: &Paragraph, toks: &[Tok], sink: &mut Sink) {
    let Some(first) = toks.first() else { return };
    let (Role::Current { planned: false }, Some(a)) = (&first.role, first.amount) else {
        return;
    };
    // The item states one prior amount and one planned amount: a single item.
    let priors = toks
        .iter()
        .filter(|t| matches!(t.role, Role::Prior))
        .count();
    let planned: Vec<&Tok> = toks
        .iter()
        .filter(|t| matches!(t.role, Role::Current { planned: true }))
        .collect();
    let [b] = planned[..] else { return };
    if priors != 1 {
        return;
    }
    let Some(bm) = b.amount.filter(|x| same_unit(*x, a)) else {
        return;
    };
    let diff = (a.fen - bm.fen).abs();
    if diff <= a.half_step() + bm.half_step() {
        return;
    }
    sink.emit(
        &RESTATED,
        Level::Violated,
        format!(
            "情况说明第{}行该项列为{}，第{}行又称本年预算安排{}，前后不一，相差{}",
            p.line_at(first.offset),
            first.text,
            p.line_at(b.offset),
            b.text,
            wan(diff, a.unit)
        ),
        vec![here(p, b.offset), here(p, first.offset)],
    );
}

/// "与上年相比增加 C 万元。主要原因是……；增减相抵后增加 C' 万元": the net change stated after
/// its reasons is the change the item was said to have, the nearest one compared with the
/// prior year before it.
fn net_restated(p: &Paragraph, toks: &[Tok], sink: &mut Sink) {
    let signed = |t: &Tok| match (&t.role, t.amount) {
        (Role::Change(d), Some(a)) => Some((d.sign() * a.fen, a)),
        _ => None,
    };
    for (ni, net) in toks.iter().enumerate() {
        if !net.words.contains("相抵") {
            continue;
        }
        // "…增减相抵后增加 C" may read as an amount: its clause ends with the direction.
        let nd = match net.role {
            Role::Change(d) => Some(d),
            _ => ending_dir(&net.words),
        };
        let (Some(nd), Some(na)) = (nd, net.amount) else {
            continue;
        };
        let nv = nd.sign() * na.fen;
        let own = toks[..ni].iter().rev().find(|t| {
            signed(t).is_some()
                && !t.words.contains("相抵")
                && (t.what.opens_compared || compared_in(&t.words))
        });
        let Some(own) = own else { continue };
        let Some((ov, oa)) = signed(own).filter(|(_, a)| same_unit(*a, na)) else {
            continue;
        };
        if (nv - ov).abs() <= na.half_step() + oa.half_step() {
            continue;
        }
        let Role::Change(od) = own.role else { continue };
        sink.emit(
            &CHANGE_TWICE,
            Level::Violated,
            format!(
                "情况说明第{}行称增减相抵后{}{}，而第{}行称该项与上年相比{}{}，前后不一，相差{}",
                p.line_at(net.offset),
                dir_word(nd),
                net.text,
                p.line_at(own.offset),
                dir_word(od),
                own.text,
                wan((nv - ov).abs(), na.unit)
            ),
            vec![here(p, net.offset), here(p, own.offset)],
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Shares

struct Share {
    amount: Amount,
    amount_text: String,
    pct: (i64, u8),
    pct_text: String,
    /// The words between 占 and the figure ("“三公”经费的", "本年支出合计的", "").
    of: String,
    loc: Location,
    line: u32,
}

/// Totals the narrative names, for 占“三公”经费的 / 占本年支出合计的.
struct Named {
    three_public: Option<Amount>,
    expenditure: Option<Amount>,
    income: Option<Amount>,
    /// The 收支总表's 本年支出合计 / 本年收入合计 rows: what “占本年支出合计的” names. A 决算's
    /// 收入支出总计 also holds the 年初 / 年末结转和结余, so the narrative's total is not it.
    current_expenditure: Option<Amount>,
    current_income: Option<Amount>,
}

/// The 收支总表's 本年收入合计 (income side) or 本年支出合计 (expenditure side), when read.
fn summary_current(ctx: &Ctx, item: ColumnRole, amount: ColumnRole) -> Option<Amount> {
    let t = ctx.facts.table(TableKind::DeptSummary)?;
    let (_, _, row) = crate::facts::side_items(t, item)
        .into_iter()
        .find(|(l, _, _)| crate::facts::side_label(l) == crate::facts::SideLabel::Current)?;
    match t.value(row, amount)? {
        CellValue::Amount(a) => Some(*a),
        _ => None,
    }
}

impl Named {
    fn of(ctx: &Ctx) -> Named {
        let find = |s: &Subject| {
            ctx.doc
                .figures
                .iter()
                .find(|f| &f.subject == s && f.amount.is_some())
                .and_then(|f| f.amount)
        };
        Named {
            three_public: find(&Subject::ThreePublicTotal),
            expenditure: find(&Subject::TotalExpenditure),
            income: find(&Subject::TotalIncome),
            current_expenditure: summary_current(ctx, ColumnRole::ExpItem, ColumnRole::Total),
            current_income: summary_current(ctx, ColumnRole::IncomeItem, ColumnRole::IncomeAmount),
        }
    }

    fn total(&self, of: &str) -> Option<(Amount, &'static str)> {
        if of.contains("三公") {
            self.three_public.map(|a| (a, "“三公”经费"))
        } else if of.contains("本年支出合计") && self.current_expenditure.is_some() {
            self.current_expenditure.map(|a| (a, "本年支出合计"))
        } else if of.contains("本年收入合计") && self.current_income.is_some() {
            self.current_income.map(|a| (a, "本年收入合计"))
        } else if of.contains("支出合计") || of.contains("总支出") || of.contains("支出总")
        {
            self.expenditure.map(|a| (a, "支出合计"))
        } else if of.contains("收入合计") || of.contains("总收入") || of.contains("收入总")
        {
            self.income.map(|a| (a, "收入合计"))
        } else {
            None
        }
    }
}

fn collect_shares(p: &Paragraph, toks: &[Tok], shares: &mut Vec<Share>, totals: &mut Vec<Amount>) {
    for (i, t) in toks.iter().enumerate() {
        match (&t.role, t.pct) {
            (Role::Share(of), Some(pct)) => {
                // The amount it is the share of: just before it in its sentence.
                let Some(a) = toks[..i]
                    .iter()
                    .rev()
                    .take_while(|x| x.sentence == t.sentence)
                    .find(|x| x.amount.is_some())
                    .filter(|x| matches!(x.role, Role::Current { .. }))
                else {
                    continue;
                };
                let Some(amount) = a.amount else { continue };
                shares.push(Share {
                    amount,
                    amount_text: a.text.clone(),
                    pct,
                    pct_text: t.text.clone(),
                    of: of.clone(),
                    loc: here(p, t.offset),
                    line: p.line_at(t.offset),
                });
            }
            _ => {
                if let (Role::Current { .. }, Some(a)) = (&t.role, t.amount) {
                    totals.push(a);
                }
            }
        }
    }
}

/// Whether a printed percentage (digits, decimals) can be `num / den` given every printed half
/// step of the two amounts: the exact intervals every rate and share is judged by.
pub(crate) fn pct_fits(num: Amount, den: Amount, pct: (i64, u8)) -> bool {
    let stated = pct_interval(pct.0, pct.1, 1);
    ratio_interval(num.fen, num.half_step(), den.fen, den.half_step())
        .is_some_and(|r| overlaps(r, stated))
}

fn share_fits(s: &Share, total: Amount) -> bool {
    let stated = pct_interval(s.pct.0, s.pct.1, 1);
    ratio_interval(
        s.amount.fen,
        s.amount.half_step(),
        total.fen,
        total.half_step(),
    )
    .is_some_and(|r| overlaps(r, stated))
}

fn check_shares(shares: &[Share], totals: &[Amount], named: &Named, sink: &mut Sink) {
    // Shares whose total is named.
    let mut unnamed: Vec<&Share> = Vec::new();
    let mut of_three: Vec<&Share> = Vec::new();
    for s in shares {
        match named.total(&s.of) {
            Some((total, what)) => report_share(s, total, what, sink),
            None if s.of.contains("三公") => of_three.push(s),
            None if s.of.is_empty() || s.of == "比" => unnamed.push(s),
            None => {}
        }
    }
    // “三公”经费 not stated as a total: it is by definition 出国 + 用车 + 接待, the three
    // parts stated with their shares (a 三公 table's 合计 may include 会议费 and 培训费).
    if let [a, b, c] = of_three[..] {
        let fen = a.amount.fen + b.amount.fen + c.amount.fen;
        let total = Amount {
            fen,
            unit: a.amount.unit,
            decimals: a
                .amount
                .decimals
                .max(b.amount.decimals)
                .max(c.amount.decimals),
        };
        for s in of_three {
            report_share(s, total, "“三公”经费（三项合计）", sink);
        }
    }
    // Unnamed shares stated together: their total is the stated amount their amounts add up to.
    if unnamed.len() < 2 {
        return;
    }
    let unit = unnamed[0].amount.unit;
    if unnamed.iter().any(|s| s.amount.unit != unit) {
        return;
    }
    let sum: i64 = unnamed.iter().map(|s| s.amount.fen).sum();
    let tol: i64 = unnamed.iter().map(|s| s.amount.half_step()).sum();
    let Some(total) = totals
        .iter()
        .find(|t| t.unit == unit && (t.fen - sum).abs() <= tol + t.half_step() && t.fen > 0)
    else {
        return;
    };
    for s in unnamed {
        report_share(s, *total, "各项合计", sink);
    }
}

fn report_share(s: &Share, total: Amount, what: &str, sink: &mut Sink) {
    if total.fen <= 0 || share_fits(s, total) {
        if total.fen > 0 {
            let exact = rounded_pct(s.amount.fen, total.fen, s.pct.1);
            if exact != s.pct.0 {
                sink.emit(
                    &SHARE,
                    Level::Info,
                    format!(
                        "情况说明第{}行称{}占{}，按{} ÷ {}{}计算为{}，在尾差范围内",
                        s.line,
                        s.amount_text,
                        s.pct_text,
                        s.amount_text,
                        what,
                        wan(total.fen, total.unit),
                        show_pct(exact, s.pct.1)
                    ),
                    vec![s.loc.clone()],
                );
            }
        }
        return;
    }
    let d = s.pct.1.max(2);
    sink.emit(
        &SHARE,
        Level::Violated,
        format!(
            "情况说明第{}行称{}占{}，但按{} ÷ {}{}计算应为{}",
            s.line,
            s.amount_text,
            s.pct_text,
            s.amount_text,
            what,
            wan(total.fen, total.unit),
            show_pct(rounded_pct(s.amount.fen, total.fen, d), d)
        ),
        vec![s.loc.clone()],
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals() {
        // 10.15% stated; 2228.78 / 21940.96 = 10.158% is outside [10.145, 10.155).
        let stated = pct_interval(1015, 2, 1);
        let r = ratio_interval(2_228_780_000, 5_000, 21_940_960_000, 5_000).unwrap();
        assert!(!overlaps(r, stated));
        let stated = pct_interval(1016, 2, 1);
        assert!(overlaps(r, stated));
        assert_eq!(rounded_pct(2_228_780_000, 21_940_960_000, 2), 1016);
        assert_eq!(show_pct(1016, 2), "10.16%");
        assert_eq!(show_pct(30, 0), "30%");
    }

    #[test]
    fn direction_words() {
        assert_eq!(ending_dir("与上年相比增加"), Some(Dir::Up));
        assert_eq!(ending_dir("减少了"), Some(Dir::Down));
        assert_eq!(ending_dir("降幅"), Some(Dir::Down));
        assert_eq!(ending_dir("与上年相比增加（减少）"), None);
        assert_eq!(ending_dir("增长（减少）"), None);
        assert_eq!(ending_dir("主要用于"), None);
    }
}

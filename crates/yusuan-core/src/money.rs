//! Money as integer fen, together with the precision it was printed with.
//!
//! A printed figure such as `2,686.02` in a table whose unit is 万元 is the rounding of an exact
//! amount to 0.01 万元 (100 元). We keep the exact value of what was printed (in fen) and the
//! granularity of the printing, so that a checker can tell a rounding difference (尾差) from an
//! error without ever touching a float.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The unit a figure is printed in; 万元 unless a document or source says otherwise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoneyUnit {
    /// 元
    Yuan,
    /// 万元
    #[default]
    WanYuan,
}

impl MoneyUnit {
    /// How many fen one unit holds.
    pub const fn fen_per_unit(self) -> i64 {
        match self {
            MoneyUnit::Yuan => 100,
            MoneyUnit::WanYuan => 1_000_000,
        }
    }

    /// The Chinese label, as printed after figures.
    pub const fn label(self) -> &'static str {
        match self {
            MoneyUnit::Yuan => "元",
            MoneyUnit::WanYuan => "万元",
        }
    }

    /// Recognise the unit from a label such as `万元` or `单位：元`.
    pub fn from_label(s: &str) -> Option<MoneyUnit> {
        if s.contains("万元") {
            Some(MoneyUnit::WanYuan)
        } else if s.contains('元') {
            Some(MoneyUnit::Yuan)
        } else {
            None
        }
    }
}

/// A unit written other than 万元 or 元 where one of them must be written (a budget source's
/// `money_unit`, a template's `unit`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("金额单位只能是“万元”或“元”，而不是“{0}”")]
pub struct UnknownUnit(pub String);

impl std::str::FromStr for MoneyUnit {
    type Err = UnknownUnit;

    /// Exactly 万元 or 元 (a label to decide by, unlike [`MoneyUnit::from_label`], which finds
    /// the unit in a printed line).
    fn from_str(s: &str) -> Result<MoneyUnit, UnknownUnit> {
        match s {
            "万元" => Ok(MoneyUnit::WanYuan),
            "元" => Ok(MoneyUnit::Yuan),
            other => Err(UnknownUnit(other.to_string())),
        }
    }
}

/// An amount as printed: its exact value in fen, its unit and how many decimals were printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Amount {
    pub fen: i64,
    pub unit: MoneyUnit,
    pub decimals: u8,
}

/// Why a string is not an amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("金额为空")]
    Empty,
    #[error("“{0}”不是金额")]
    NotANumber(String),
    #[error("“{text}”的小数位多于{}位（单位{}，最小到分）", max_decimals(*unit), unit.label())]
    TooPrecise { text: String, unit: MoneyUnit },
    #[error("“{0}”超出范围")]
    Overflow(String),
}

/// The most decimals a figure in `unit` can have and still be whole fen.
const fn max_decimals(unit: MoneyUnit) -> u8 {
    match unit {
        MoneyUnit::Yuan => 2,
        MoneyUnit::WanYuan => 6,
    }
}

impl Amount {
    /// Parse a printed figure: `2,686.02`, `2686.02`, full-width digits, a leading minus sign.
    /// Blank input is [`AmountError::Empty`]: the caller decides what a blank cell means.
    pub fn parse(text: &str, unit: MoneyUnit) -> Result<Amount, AmountError> {
        let mut negative = false;
        let mut int_part: i64 = 0;
        let mut frac: i64 = 0;
        let mut decimals: u8 = 0;
        let mut seen_digit = false;
        let mut in_frac = false;
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(AmountError::Empty);
        }
        let bad = || AmountError::NotANumber(trimmed.to_string());
        let too_precise = || AmountError::TooPrecise {
            text: trimmed.to_string(),
            unit,
        };
        for (i, ch) in trimmed.chars().enumerate() {
            let ch = normalize_char(ch);
            match ch {
                '0'..='9' => {
                    let d = i64::from(ch as u8 - b'0');
                    seen_digit = true;
                    if in_frac {
                        decimals = decimals.saturating_add(1);
                        if decimals > 6 {
                            return Err(too_precise());
                        }
                        frac = frac * 10 + d;
                    } else {
                        int_part = int_part
                            .checked_mul(10)
                            .and_then(|v| v.checked_add(d))
                            .ok_or_else(|| AmountError::Overflow(trimmed.to_string()))?;
                    }
                }
                ',' if !in_frac && seen_digit => {}
                '.' if !in_frac => in_frac = true,
                '-' if i == 0 => negative = true,
                ' ' => {}
                _ => return Err(bad()),
            }
        }
        if !seen_digit {
            return Err(bad());
        }
        let scale = 10i64.pow(u32::from(decimals));
        let per = unit.fen_per_unit();
        // fen = (int + frac / scale) * per, exact only when scale divides frac * per.
        let frac_fen = frac * per;
        if frac_fen % scale != 0 {
            return Err(too_precise());
        }
        let fen = int_part
            .checked_mul(per)
            .and_then(|v| v.checked_add(frac_fen / scale))
            .ok_or_else(|| AmountError::Overflow(trimmed.to_string()))?;
        Ok(Amount {
            fen: if negative { -fen } else { fen },
            unit,
            decimals,
        })
    }

    /// The exact amount, without how it was printed.
    pub const fn money(self) -> Money {
        Money(self.fen)
    }

    /// An exact amount in the given unit with two decimals (used for derived figures).
    pub const fn from_fen(fen: i64, unit: MoneyUnit) -> Amount {
        Amount {
            fen,
            unit,
            decimals: 2,
        }
    }

    /// The granularity of the printing in fen: 0.01 万元 = 10,000 fen, 0.1 万元 = 100,000 fen.
    pub fn granularity(self) -> i64 {
        let per = self.unit.fen_per_unit();
        let scale = 10i64.pow(u32::from(self.decimals));
        (per / scale).max(1)
    }

    /// Half the granularity: how far the printed figure may be from the exact amount.
    pub fn half_step(self) -> i64 {
        self.granularity() / 2
    }

    pub fn is_zero(self) -> bool {
        self.fen == 0
    }
}

/// An exact amount of money in fen: what a budget decides, before anything is printed. A
/// printed figure is an [`Amount`]: the same exact fen together with how it was printed.
///
/// Its serde form is the amount in 万元 (a number, or a string where a float would not be
/// exact); a source written in 元 is rescaled by [`crate::budget::Budget::from_toml`] and
/// [`crate::budget::Budget::to_toml`], so no parsing state is needed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn fen(self) -> i64 {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn abs(self) -> Money {
        Money(self.0.saturating_abs())
    }

    /// Parse a decimal figure in `unit` exactly: `945.84`, `2,686.02`, `1_000`, `-3`. Digits may
    /// be grouped with `,` or `_` anywhere and decimals padded with zeros; more decimals than
    /// fen allow is an error, never a silent rounding. The same parser as [`Amount::parse`].
    pub fn parse(text: &str, unit: MoneyUnit) -> Result<Money, AmountError> {
        let mut t: String = text
            .trim()
            .chars()
            .map(normalize_char)
            .filter(|c| !matches!(c, ',' | '_'))
            .collect();
        if t.contains('.') {
            while t.ends_with('0') {
                t.pop();
            }
        }
        let original = || text.trim().to_string();
        Amount::parse(&t, unit)
            .map(Amount::money)
            .map_err(|e| match e {
                AmountError::Empty => AmountError::Empty,
                AmountError::NotANumber(_) => AmountError::NotANumber(original()),
                AmountError::TooPrecise { unit, .. } => AmountError::TooPrecise {
                    text: original(),
                    unit,
                },
                AmountError::Overflow(_) => AmountError::Overflow(original()),
            })
    }

    /// The exact decimal text in `unit` with as many decimals as needed (at least two).
    pub fn to_decimal(self, unit: MoneyUnit) -> String {
        let per = unit.fen_per_unit().unsigned_abs();
        let abs = self.0.unsigned_abs();
        let int = abs / per;
        let width = usize::from(max_decimals(unit));
        let mut frac = format!("{:0width$}", abs % per);
        while frac.len() > 2 && frac.ends_with('0') {
            frac.pop();
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        format!("{sign}{int}.{frac}")
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0 + o.0)
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money(self.0 - o.0)
    }
}

impl std::ops::AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        self.0 += o.0;
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = self.to_decimal(MoneyUnit::WanYuan);
        if let Some(int) = text.strip_suffix(".00").and_then(|i| i.parse::<i64>().ok()) {
            return s.serialize_i64(int);
        }
        match text.parse::<f64>() {
            // A number reads better in TOML; keep a string where a float would not be exact.
            Ok(f) if format!("{f}") == text.trim_end_matches('0').trim_end_matches('.') => {
                s.serialize_f64(f)
            }
            _ => s.serialize_str(&text),
        }
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("金额，例如 945.84 或 \"2,686.02\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Money, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Money, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Money, E> {
                // The shortest text that reads back as this float is what the person wrote.
                self.visit_str(&format!("{v}"))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Money, E> {
                Money::parse(v, MoneyUnit::WanYuan).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// Map full-width digits and punctuation to ASCII.
pub fn normalize_char(ch: char) -> char {
    match ch {
        '０'..='９' => char::from_u32(ch as u32 - '０' as u32 + '0' as u32).unwrap_or(ch),
        '．' => '.',
        '，' => ',',
        '－' | '−' => '-',
        '\u{3000}' | '\u{a0}' => ' ',
        _ => ch,
    }
}

/// Format fen as a figure in `unit` with two decimals and thousands separators: `2,686.02`.
/// Amounts finer than 0.01 of the unit are rounded half away from zero for display only.
pub fn format_fen(fen: i64, unit: MoneyUnit) -> String {
    format_fen_to(fen, unit, 2)
}

/// As [`format_fen`], with `decimals` (at most 2) in place of two: `94,995,790` for a
/// document printed in whole 元.
pub fn format_fen_to(fen: i64, unit: MoneyUnit, decimals: u8) -> String {
    let decimals = u32::from(decimals.min(2));
    let scale = 10i128.pow(decimals);
    let step = i128::from(unit.fen_per_unit()) / scale; // fen in the last printed digit
    let neg = fen < 0;
    let abs = i128::from(fen.unsigned_abs());
    let units = (abs + step / 2) / step;
    let int = units / scale;
    let frac = units % scale;
    let digits = int.to_string();
    let mut out = String::new();
    if neg && units != 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if decimals > 0 {
        out.push('.');
        out.push_str(&format!("{frac:0width$}", width = decimals as usize));
    }
    out
}

impl fmt::Display for Amount {
    /// `2,686.02万元`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}",
            format_fen(self.fen, self.unit),
            self.unit.label()
        )
    }
}

/// How two printed figures relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agreement {
    /// Identical exact values.
    Equal,
    /// Different, but within what rounding explains (尾差); carries the difference in fen.
    Rounding(i64),
    /// Different beyond any rounding; carries the difference in fen.
    Differs(i64),
}

/// Compare a stated figure with the sum of its parts. Each printed figure may be off the exact
/// amount by half its granularity, so the tolerance is the sum of the half steps (for n parts
/// printed to 0.01 万元 and a total: (n + 1) x 0.005 万元, as in DOMAIN.md §4).
pub fn compare_sum(total: Amount, parts: &[Amount]) -> Agreement {
    let sum: i64 = parts.iter().map(|a| a.fen).sum();
    let diff = total.fen - sum;
    if diff == 0 {
        return Agreement::Equal;
    }
    let tolerance: i64 = total.half_step() + parts.iter().map(|a| a.half_step()).sum::<i64>();
    if diff.abs() <= tolerance {
        Agreement::Rounding(diff)
    } else {
        Agreement::Differs(diff)
    }
}

/// Compare two printings of the same quantity. Printed with the same precision they must be
/// identical (both are the rounding of one exact value); printed with different precision they
/// may differ by the two half steps.
pub fn compare_same(a: Amount, b: Amount) -> Agreement {
    let diff = a.fen - b.fen;
    if diff == 0 {
        return Agreement::Equal;
    }
    if a.granularity() == b.granularity() {
        return Agreement::Differs(diff);
    }
    // Printed with different precision, the coarser one is the rounding of the same exact value
    // as the finer one: they may differ by the two half steps, and that is no finding at all.
    if diff.abs() <= a.half_step() + b.half_step() {
        Agreement::Equal
    } else {
        Agreement::Differs(diff)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wan(s: &str) -> Amount {
        Amount::parse(s, MoneyUnit::WanYuan).unwrap()
    }

    #[test]
    fn parses_printed_forms() {
        assert_eq!(wan("2,686.02").fen, 2_686_020_000);
        assert_eq!(wan("2686.02").fen, 2_686_020_000);
        assert_eq!(wan("２６８６．０２").fen, 2_686_020_000);
        assert_eq!(wan("96.6").decimals, 1);
        assert_eq!(wan("-0.60").fen, -600_000);
        assert_eq!(
            Amount::parse("1234.56", MoneyUnit::Yuan).unwrap().fen,
            123_456
        );
        assert_eq!(Amount::parse("", MoneyUnit::Yuan), Err(AmountError::Empty));
        assert!(Amount::parse("abc", MoneyUnit::Yuan).is_err());
        assert!(Amount::parse("1.234", MoneyUnit::Yuan).is_err());
        assert!(Amount::parse("99999999999999999999", MoneyUnit::Yuan).is_err());
    }

    #[test]
    fn formats_with_separators() {
        assert_eq!(wan("2686.02").to_string(), "2,686.02万元");
        assert_eq!(format_fen(-600_000, MoneyUnit::WanYuan), "-0.60");
        assert_eq!(format_fen(0, MoneyUnit::WanYuan), "0.00");
        // Fewer decimals, as a document in whole 元 prints them.
        assert_eq!(
            format_fen_to(9_499_578_950, MoneyUnit::Yuan, 0),
            "94,995,790"
        );
        assert_eq!(format_fen_to(-149, MoneyUnit::Yuan, 0), "-1");
        assert_eq!(format_fen_to(-49, MoneyUnit::Yuan, 0), "0");
        assert_eq!(format_fen_to(123_450_000, MoneyUnit::WanYuan, 1), "123.5");
    }

    #[test]
    fn money_parses_exactly() {
        let wan = MoneyUnit::WanYuan;
        assert_eq!(Money::parse("945.84", wan), Ok(Money(945_840_000)));
        assert_eq!(Money::parse("2,686.02", wan), Ok(Money(2_686_020_000)));
        assert_eq!(Money::parse("1_000.500", wan), Ok(Money(1_000_500_000)));
        assert_eq!(Money::parse("0.000001", wan), Ok(Money(1)));
        assert_eq!(Money::parse("12.5", MoneyUnit::Yuan), Ok(Money(1250)));
        assert_eq!(Money::parse("12.3400", MoneyUnit::Yuan), Ok(Money(1234)));
        let err = Money::parse(" 12.345", MoneyUnit::Yuan).unwrap_err();
        assert_eq!(
            err.to_string(),
            "“12.345”的小数位多于2位（单位元，最小到分）"
        );
        let err = Money::parse("1,2x", MoneyUnit::Yuan).unwrap_err();
        assert_eq!(err.to_string(), "“1,2x”不是金额");
        assert_eq!(Money::parse("", MoneyUnit::Yuan), Err(AmountError::Empty));
        assert!(Money::parse("-", MoneyUnit::Yuan).is_err());
        assert_eq!(Money(945_840_000).to_decimal(wan), "945.84");
        assert_eq!(Money(-1250).to_decimal(MoneyUnit::Yuan), "-12.50");
        assert_eq!(Money(1).to_decimal(wan), "0.000001");
    }

    #[test]
    fn rounding_tolerance_follows_parts() {
        // 391.50 vs sum 391.49 over 13 parts: rounding.
        let parts = ["391.00", "0.49"].map(wan);
        assert_eq!(
            compare_sum(wan("391.50"), &parts),
            Agreement::Rounding(10_000)
        );
        assert_eq!(
            compare_sum(wan("391.60"), &parts),
            Agreement::Differs(110_000)
        );
        assert_eq!(compare_same(wan("96.6"), wan("96.60")), Agreement::Equal);
        assert_eq!(
            compare_same(wan("96.61"), wan("96.60")),
            Agreement::Differs(10_000)
        );
        // A coarser printing is the rounding of the finer one: no finding.
        assert_eq!(compare_same(wan("96.6"), wan("96.62")), Agreement::Equal);
        assert_eq!(
            compare_same(wan("96.6"), wan("96.70")),
            Agreement::Differs(-100_000)
        );
        let yuan = Amount::parse("91,016,775.35", MoneyUnit::Yuan).unwrap();
        assert_eq!(compare_same(wan("9,101.68"), yuan), Agreement::Equal);
        assert_eq!(
            compare_same(wan("9,101.69"), yuan),
            Agreement::Differs(12_465)
        );
    }
}

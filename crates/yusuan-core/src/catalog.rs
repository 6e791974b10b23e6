//! Classification catalogs: functional (支出功能分类) and economic (部门预算支出经济分类) codes.
//!
//! The catalogs are data (`catalogs/*.csv` at the repository root, embedded at build time),
//! each row with the source it was taken from. They hold codes evidenced in published
//! documents, not the whole official catalog, so a code missing from them is a warning, never an
//! error; a name that does not match a known code is an error.

use std::collections::HashMap;

/// Which classification a code belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Classification {
    Functional,
    Economic,
}

#[derive(Clone, Debug)]
pub struct CatalogEntry {
    pub code: String,
    pub level: u8,
    pub name: String,
    pub aliases: Vec<String>,
    pub years: Vec<i32>,
    pub source: String,
}

/// The outcome of looking a (code, name) pair up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// Code known and name matches.
    Match,
    /// Code known, name does not match; carries the catalog names.
    NameMismatch(Vec<String>),
    /// Code known, name does not match, and the evidence holds no name for the document's year
    /// (nor names it the same on both sides of that year): the name may have changed, so the
    /// printed name cannot be judged. Carries the names and the years they are evidenced for.
    OtherYears(Vec<String>, Vec<i32>),
    /// Code not in the catalog.
    Unknown,
}

#[derive(Debug, Default)]
pub struct Catalog {
    entries: HashMap<String, Vec<CatalogEntry>>,
    /// Every name and alias, normalised, to the codes bearing it (sorted, each once): rules
    /// look names up for every item of a narrative.
    by_name: HashMap<String, Vec<String>>,
}

const FUNCTIONAL_CSV: &str = include_str!("../../../catalogs/functional.csv");
const ECONOMIC_CSV: &str = include_str!("../../../catalogs/economic.csv");

impl Catalog {
    /// The catalog bundled with yusuan, parsed once per process.
    pub fn builtin(classification: Classification) -> &'static Catalog {
        static FUNCTIONAL: std::sync::LazyLock<Catalog> =
            std::sync::LazyLock::new(|| Catalog::from_csv(FUNCTIONAL_CSV));
        static ECONOMIC: std::sync::LazyLock<Catalog> =
            std::sync::LazyLock::new(|| Catalog::from_csv(ECONOMIC_CSV));
        match classification {
            Classification::Functional => &FUNCTIONAL,
            Classification::Economic => &ECONOMIC,
        }
    }

    /// Parse `code,level,name,aliases,years,source`; malformed rows are skipped (the data is
    /// ours and tested, see the tests below).
    pub fn from_csv(text: &str) -> Catalog {
        let mut entries: HashMap<String, Vec<CatalogEntry>> = HashMap::new();
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.splitn(6, ',').collect();
            if f.len() < 6 {
                continue;
            }
            let entry = CatalogEntry {
                code: f[0].to_string(),
                level: f[1].parse().unwrap_or(0),
                name: f[2].to_string(),
                aliases: f[3]
                    .split('|')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                years: f[4]
                    .split_whitespace()
                    .filter_map(|y| y.parse().ok())
                    .collect(),
                source: f[5].to_string(),
            };
            entries.entry(entry.code.clone()).or_default().push(entry);
        }
        let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
        for e in entries.values().flatten() {
            for n in std::iter::once(&e.name).chain(&e.aliases) {
                by_name
                    .entry(normalize_name(n))
                    .or_default()
                    .push(e.code.clone());
            }
        }
        for codes in by_name.values_mut() {
            codes.sort_unstable();
            codes.dedup();
        }
        Catalog { entries, by_name }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every code's entries (one per name it has been evidenced with), in no set order.
    pub fn codes(&self) -> impl Iterator<Item = &[CatalogEntry]> {
        self.entries.values().map(Vec::as_slice)
    }

    pub fn get(&self, code: &str) -> Option<&[CatalogEntry]> {
        self.entries.get(code).map(Vec::as_slice)
    }

    /// The main name of a code (for the given year when the catalog distinguishes years).
    pub fn name(&self, code: &str, year: Option<i32>) -> Option<&str> {
        let entries = self.entries.get(code)?;
        let pick = year
            .and_then(|y| entries.iter().find(|e| e.years.contains(&y)))
            .or_else(|| entries.iter().max_by_key(|e| e.years.iter().max().copied()));
        pick.map(|e| e.name.as_str())
    }

    /// Look up a printed (code, name) for a document year. Names are compared after
    /// normalising bracket width and spaces; a printed name may be a truncation (PDF cells cut
    /// long names) of at least six characters.
    pub fn lookup(&self, code: &str, name: &str, year: Option<i32>) -> Lookup {
        let Some(entries) = self.entries.get(code) else {
            return Lookup::Unknown;
        };
        let printed = normalize_name(name);
        // Entries valid for the year: evidenced for it, or for a year before and after it
        // under one name; when the evidence says nothing of the year, all entries.
        let spans = |e: &CatalogEntry, y: i32| {
            e.years.iter().any(|&v| v <= y) && e.years.iter().any(|&v| v >= y)
        };
        let (in_year, judged): (Vec<&CatalogEntry>, bool) = match year {
            Some(y) if entries.iter().any(|e| e.years.contains(&y)) => (
                entries.iter().filter(|e| e.years.contains(&y)).collect(),
                true,
            ),
            Some(y) if entries.iter().any(|e| spans(e, y)) => {
                (entries.iter().filter(|e| spans(e, y)).collect(), true)
            }
            Some(_) => (entries.iter().collect(), false),
            None => (entries.iter().collect(), true),
        };
        let matches = |candidate: &str| {
            let c = normalize_name(candidate);
            c == printed || (printed.chars().count() >= 6 && c.starts_with(&printed))
        };
        if in_year
            .iter()
            .any(|e| matches(&e.name) || e.aliases.iter().any(|a| matches(a)))
        {
            Lookup::Match
        } else if judged {
            Lookup::NameMismatch(in_year.iter().map(|e| e.name.clone()).collect())
        } else {
            let mut years: Vec<i32> = in_year.iter().flat_map(|e| e.years.clone()).collect();
            years.sort_unstable();
            years.dedup();
            Lookup::OtherYears(in_year.iter().map(|e| e.name.clone()).collect(), years)
        }
    }

    /// Find the code of a 类 (level 1) by its name.
    pub fn code_of_class(&self, name: &str) -> Option<&str> {
        let codes = self.by_name.get(&normalize_name(name))?;
        codes
            .iter()
            .find(|c| {
                self.entries
                    .get(*c)
                    .is_some_and(|es| es.iter().any(|e| e.level == 1))
            })
            .map(String::as_str)
    }
}

impl Catalog {
    /// The codes of one length that bear a name (any year), sorted.
    pub fn codes_named(&self, name: &str, len: usize) -> Vec<&str> {
        self.by_name
            .get(&normalize_name(name))
            .map(|codes| {
                codes
                    .iter()
                    .filter(|c| c.len() == len)
                    .map(String::as_str)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Bracket width, spaces and the 类/款/项 suffixes do not make names differ.
pub fn normalize_name(name: &str) -> String {
    let mut s: String = name
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            _ => c,
        })
        .collect();
    for suffix in ["（类）", "（款）", "（项）"] {
        if let Some(stripped) = s.strip_suffix(suffix) {
            s = stripped.to_string();
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogs_parse_and_carry_sources() {
        for c in [Classification::Functional, Classification::Economic] {
            let cat = Catalog::builtin(c);
            assert!(cat.len() > 60, "{c:?} has {} codes", cat.len());
            assert!(cat
                .entries
                .values()
                .flatten()
                .all(|e| !e.source.is_empty() && !e.name.is_empty() && !e.years.is_empty()));
        }
    }

    #[test]
    fn looks_up_names_by_year() {
        let f = Catalog::builtin(Classification::Functional);
        assert_eq!(f.lookup("2010301", "行政运行", Some(2025)), Lookup::Match);
        assert_eq!(
            f.lookup(
                "2010399",
                "其他政府办公厅(室)及相关机构事务支出",
                Some(2025)
            ),
            Lookup::Match
        );
        assert!(matches!(
            f.lookup("2010301", "机关服务", Some(2025)),
            Lookup::NameMismatch(_)
        ));
        assert_eq!(f.lookup("2019999", "x", Some(2025)), Lookup::Unknown);
        assert_eq!(f.lookup("210", "卫生健康支出", Some(2025)), Lookup::Match);
        assert_eq!(
            f.lookup("210", "医疗卫生与计划生育支出", Some(2017)),
            Lookup::Match
        );
        assert_eq!(f.code_of_class("一般公共服务支出"), Some("201"));
    }
}

//! Region profiles: data files (`profiles/*.toml`) that map a region's printed tables to
//! canonical table kinds and column meanings, and list its mandatory tables and sections.
//! A new region is a new profile file plus one line in `BUILTIN` (read by [`Profile::builtin`]).

use crate::{ColumnSpec, DocKind, MoneyUnit, TableKind};
use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub id: String,
    pub name: String,
    /// The region's short name (重庆), as lists of documents show it.
    pub region: String,
    pub doc_kind: DocKind,
    pub money_unit: MoneyUnit,
    pub detect_all: Vec<String>,
    pub detect_any: Vec<String>,
    #[serde(default)]
    pub numbered_tables: bool,
    #[serde(default)]
    pub sections: Vec<SectionSpec>,
    #[serde(default)]
    pub tables: Vec<TableSpec>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionSpec {
    pub label: String,
    pub keywords: Vec<String>,
    /// Figures the section must state, by [`crate::Subject::key`].
    #[serde(default)]
    pub figures: Vec<String>,
    /// Terms a glossary section must explain (subsection headings).
    #[serde(default)]
    pub terms: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    pub kind: TableKind,
    pub title: Vec<String>,
    #[serde(default)]
    pub mandatory: bool,
    #[serde(default)]
    pub columns: Vec<ColumnSpec>,
    /// Header words that select this spec among specs with the same title (a table printed in
    /// two layouts, e.g. the 单位 收支总表 with 人员经费 / 公用经费 columns).
    #[serde(default)]
    pub header_has: Vec<String>,
    /// The columns are printed as blocks side by side, each block these columns (the 决算
    /// 基本支出 table: 人员经费 on the left, 公用经费 on the right, each 编码 / 名称 / 决算数).
    /// The reader counts the blocks in the header (its 名称 labels) and reads the rows block
    /// by block, each block's 合计 row closing it.
    #[serde(default)]
    pub side_by_side: bool,
    /// The unit when the table prints none (the Shanghai 三公 table is in 万元).
    #[serde(default)]
    pub unit: Option<MoneyUnit>,
}

/// A profile file that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("profile {name}: {source}")]
pub struct ProfileError {
    name: String,
    #[source]
    source: toml::de::Error,
}

const BUILTIN: &[(&str, &str)] = &[
    (
        "chongqing",
        include_str!("../../../profiles/chongqing.toml"),
    ),
    ("shanghai", include_str!("../../../profiles/shanghai.toml")),
    ("jiangsu", include_str!("../../../profiles/jiangsu.toml")),
    (
        "shanghai-final",
        include_str!("../../../profiles/shanghai-final.toml"),
    ),
];

impl Profile {
    pub fn parse(name: &str, text: &str) -> Result<Profile, ProfileError> {
        toml::from_str(text).map_err(|source| ProfileError {
            name: name.to_string(),
            source,
        })
    }

    /// The profiles bundled with yusuan, parsed once per process. They are compiled in and
    /// tested to parse (`builtin_profiles_parse`): one that does not is a defect of the build,
    /// said loudly at the first use rather than dropped, which would read every document of
    /// that region as of no region.
    pub fn builtin() -> &'static [Profile] {
        static PROFILES: std::sync::LazyLock<Vec<Profile>> = std::sync::LazyLock::new(|| {
            BUILTIN
                .iter()
                .map(|(name, text)| match Profile::parse(name, text) {
                    Ok(profile) => profile,
                    Err(e) => panic!("bundled {e}"),
                })
                .collect()
        });
        &PROFILES
    }

    /// Whether the document text (spaces removed) matches this profile.
    pub fn detects(&self, compact_text: &str) -> bool {
        self.detect_all
            .iter()
            .all(|m| compact_text.contains(m.as_str()))
            && (self.detect_any.is_empty()
                || self
                    .detect_any
                    .iter()
                    .any(|m| compact_text.contains(m.as_str())))
    }

    /// The title marker that names `title` (spaces removed): among the markers it contains,
    /// those that name the fund the title names (政府性基金, 国有资本经营, 一般公共预算), if any
    /// do, so "政府性基金预算财政拨款支出预算表" is the fund's table and not the 财政拨款 one; then
    /// the longest, so "政府性基金预算支出表" is not taken for a generic marker.
    fn best_marker(&self, title: &str) -> Option<&str> {
        const FUNDS: &[&str] = &["政府性基金", "国有资本经营", "一般公共预算"];
        let matching: Vec<&str> = self
            .tables
            .iter()
            .flat_map(|t| t.title.iter())
            .map(String::as_str)
            .filter(|m| title.contains(m))
            .collect();
        let named: Vec<&str> = FUNDS
            .iter()
            .copied()
            .filter(|f| title.contains(f))
            .collect();
        let of_fund: Vec<&str> = matching
            .iter()
            .copied()
            .filter(|m| named.iter().any(|f| m.contains(f)))
            .collect();
        let pool = if of_fund.is_empty() {
            matching
        } else {
            of_fund
        };
        pool.into_iter().max_by_key(|m| m.chars().count())
    }

    /// The table spec whose title marker names `title` (spaces removed).
    pub fn table_for_title(&self, title: &str) -> Option<&TableSpec> {
        let best = self.best_marker(title)?;
        self.tables
            .iter()
            .find(|t| t.title.iter().any(|m| m == best))
    }

    /// Every spec whose title marker is the one [`Self::table_for_title`] matched.
    pub fn table_variants(&self, title: &str) -> Vec<&TableSpec> {
        let Some(best) = self.best_marker(title) else {
            return Vec::new();
        };
        self.tables
            .iter()
            .filter(|t| t.title.iter().any(|m| m == best))
            .collect()
    }

    pub fn table(&self, kind: TableKind) -> Option<&TableSpec> {
        self.tables.iter().find(|t| t.kind == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profiles_parse() {
        for (name, text) in BUILTIN {
            let p = Profile::parse(name, text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(&p.id, name);
            assert!(!p.tables.is_empty());
        }
    }

    #[test]
    fn longest_title_marker_wins() {
        let p = &Profile::builtin()[0];
        let t = p
            .table_for_title("2025年政府性基金预算支出表")
            .map(|t| t.kind);
        assert_eq!(t, Some(TableKind::GovFundByFunction));
        let t = p
            .table_for_title("2025年一般公共预算三公经费支出表")
            .map(|t| t.kind);
        assert_eq!(t, Some(TableKind::ThreePublic));
        // The fund a title names wins over a longer marker of another fund.
        let jiangsu = Profile::builtin().iter().find(|p| p.id == "jiangsu");
        let t = jiangsu
            .and_then(|p| p.table_for_title("政府性基金预算财政拨款支出预算表"))
            .map(|t| t.kind);
        assert_eq!(t, Some(TableKind::GovFundByFunction));
    }
}

#!/usr/bin/env python3
"""Rebuild functional.csv and economic.csv from the observed-codes evidence.

Source: ../shared/catalogs/observed-codes.csv (codes printed in published disclosures from
Chongqing, Shanghai and Jiangsu, 2017-2026), plus codes printed in the corpus documents that
the harvest missed (found by this script in ../shared/corpus/*.txt). Alternative names are kept
only when they share their first three characters with the main name (truncations, bracket
width, renames such as 行政事业单位离退休 -> 行政事业单位养老支出): the harvest also pairs some
codes with a neighbouring row's name (30202 咨询费), and those pairings are noise.
Run from the repo root: python3 catalogs/harvest.py
"""
import csv, glob, os, re

shared = os.path.join(os.path.dirname(__file__), "..", "..", "shared")
obs = list(csv.DictReader(open(os.path.join(shared, "catalogs", "observed-codes.csv"), encoding="utf-8")))

def norm(s):
    return s.replace("(", "（").replace(")", "）")

def common_prefix(a, b):
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n

rows = {}
for r in obs:
    name = r["name_most_common"]
    aliases = [a for a in r["other_names"].split("|") if a and common_prefix(norm(a), norm(name)) >= min(3, len(a))]
    rows[r["code"]] = dict(code=r["code"], kind=r["kind"], level=r["level"], name=name,
                           aliases="|".join(aliases), years=r["years_seen"],
                           source="observed-codes.csv (%s documents)" % r["n_docs"])

for path in sorted(glob.glob(os.path.join(shared, "corpus", "*.txt"))):
    base = os.path.basename(path)
    year = re.search(r"(20\d\d)", base).group(1)
    for no, line in enumerate(open(path, encoding="utf-8"), 1):
        m = re.match(r"^(\d{3}|\d{5}|\d{7})\t([\u4e00-\u9fff（）()、]+)\t", line)
        if not m or m.group(1) in rows:
            continue
        code = m.group(1)
        kind = "econ_dept" if code[0] == "3" else "function"
        level = {3: "1", 5: "2", 7: "3"}[len(code)]
        rows[code] = dict(code=code, kind=kind, level=level, name=m.group(2), aliases="",
                          years=year, source="%s line %d" % (base, no))

# Known renames across years, documented in shared/DOMAIN.md.
extra = [dict(code="210", kind="function", level="1", name="医疗卫生与计划生育支出", aliases="",
              years="2017", source="shared/DOMAIN.md (renamed 卫生健康支出 in 2018)"),
         dict(code="310", kind="econ_dept", level="1", name="其他资本性支出", aliases="",
              years="2017", source="shared/DOMAIN.md §8 (the 2017 economic catalog; printed in jiangsu-npc-office-2017 and jiangsu-procuratorate-2017)")]

# 30311 was 住房公积金 in the 2017 economic catalog and is 代缴社会保险费 since the 2018 one
# (住房公积金 moved to 30113): the evidence pairs both names with the code, the 2024 决算 of the
# corpus print 代缴社会保险费.
if "30311" in rows:
    rows["30311"].update(years="2017")
    extra.append(dict(code="30311", kind="econ_dept", level="2", name="代缴社会保险费", aliases="",
                      years="2024", source="observed-codes.csv (other name in 2024) and the corpus 2024 决算"))

fields = ["code", "level", "name", "aliases", "years", "source"]
for kind, fname in (("function", "functional.csv"), ("econ_dept", "economic.csv")):
    out = [r for r in rows.values() if r["kind"] == kind] + [r for r in extra if r["kind"] == kind]
    out.sort(key=lambda r: (r["code"], r["years"]))
    with open(os.path.join(os.path.dirname(__file__), fname), "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(out)
    print(fname, len(out))

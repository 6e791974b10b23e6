#!/usr/bin/env bash
# A short run of every fuzz target, for CI (.ci/run): a crash or a hang that a minute of
# fuzzing finds fails the run, with its input saved under fuzz/artifacts/<target>/.
#
# Built as cargo-fuzz builds, with libFuzzer's coverage instrumentation, but without a
# sanitizer and without cargo-fuzz itself (an ASAN build takes over 20 minutes on 2 cores;
# Rust code needs none to be memory safe, and a panic or an abort is what the targets find).
# Seeds come from the example and small generated inputs, so the run needs nothing beside the
# repository. FUZZ_SECONDS (default 60) is each target's time; FUZZ_SEED (default 1) fixes
# libFuzzer's random choices, so that CI fails for a regression, not for the draw of the day.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-60}"
seed="${FUZZ_SEED:-1}"
triple="$(rustc -vV | sed -n 's/^host: //p')"
# libfuzzer-sys needs unstable flags; the stable toolchain takes them with RUSTC_BOOTSTRAP.
export RUSTC_BOOTSTRAP=1
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
# A lighter release build than a fuzzing campaign's (no debug info, opt-level 1): the build is
# most of this script's time, and a minute's run needs coverage more than speed.
export CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_OPT_LEVEL=1
# --target: the flags reach the fuzzed code only, not build scripts and proc macros.
cargo build --release --bins --target "$triple" --target-dir target/ci

seeds="$(mktemp -d)"
trap 'rm -rf "$seeds"' EXIT
mkdir -p "$seeds"/{text_reader,pdf_reader,xlsx_reader,html_reader,docx_reader,narrative,budget_source}
cp ../examples/*.txt "$seeds/text_reader/"
sed -n '1,/^表一/p' ../examples/chongqing-dadukou-govoffice-2025.txt >"$seeds/narrative/example.txt"
cp ../examples/*/budget.toml "$seeds/budget_source/"
# A page with a title, a heading, a paragraph and a table with spans (the smallest the HTML
# reader reads whole).
cat >"$seeds/html_reader/page.html" <<'EOF'
<!DOCTYPE html><html><head><title>t</title><style>p{}</style></head><body>
<h1>某单位2025年部门预算</h1><h2>一、收入预算</h2><p>收入 2,686.01&nbsp;万元。</p>
<p class="number">表一</p><p class="title">部门收支总表</p><p>单位：万元</p>
<table><tr><th colspan="2">收入</th><th rowspan="2">合计</th></tr><tr><th>项目</th><th>预算数</th></tr>
<tr><td>一般公共预算</td><td>2,686.01</td><td>2,686.01</td></tr></table></body></html>
EOF
# A Word document of a paragraph and a table with a column span and a vertical merge.
python3 - "$seeds/docx_reader/one-table.docx" <<'EOF'
import sys, zipfile
w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
def p(t, centre=False):
    jc = '<w:pPr><w:jc w:val="center"/></w:pPr>' if centre else ""
    return f"<w:p>{jc}<w:r><w:t>{t}</w:t></w:r></w:p>"
def tc(t, props=""):
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{p(t)}</w:tc>"
rows = [
    tc("收入", '<w:gridSpan w:val="2"/>') + tc("合计", '<w:vMerge w:val="restart"/>'),
    tc("项目") + tc("预算数") + tc("", "<w:vMerge/>"),
    tc("一般公共预算") + tc("2,686.01") + tc("2,686.01"),
]
table = "<w:tbl>" + "".join(f"<w:tr>{r}</w:tr>" for r in rows) + "</w:tbl>"
body = p("某单位2025年部门预算", True) + p("表一") + p("部门收支总表") + table
types = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", types)
    z.writestr("word/document.xml", f'<?xml version="1.0"?><w:document {w}><w:body>{body}</w:body></w:document>')
EOF
cp ../crates/yusuan/tests/fixtures/*.pdf "$seeds/pdf_reader/"
python3 small_pdfs.py "$seeds/pdf_reader"
# A workbook of one sheet with a title, a header and a row (the smallest a reader reads).
python3 - "$seeds/xlsx_reader/one-sheet.xlsx" <<'EOF'
import sys, zipfile
rows = [["2025年部门收支总表"], ["项目", "预算数"], ["一般公共服务支出", "2686.02"]]
def cell(r, c, v):
    ref = "AB"[c] + str(r + 1)
    try:
        float(v)
        return f'<c r="{ref}"><v>{v}</v></c>'
    except ValueError:
        return f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>'
sheet = "".join(
    f'<row r="{r + 1}">' + "".join(cell(r, c, v) for c, v in enumerate(row)) + "</row>"
    for r, row in enumerate(rows)
)
ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    z.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook {ns} xmlns:r="{rel}"><sheets><sheet name="表一" sheetId="1" r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    z.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet {ns}><sheetData>{sheet}</sheetData></worksheet>')
EOF

status=0
for t in text_reader pdf_reader xlsx_reader html_reader docx_reader narrative budget_source; do
  work="$seeds/work-$t"
  mkdir -p "$work" "artifacts/$t"
  echo "fuzz $t: ${seconds} s"
  # -timeout: one input over 20 s is a hang; -rss_limit_mb: over 1 GiB is a failure.
  if ! "target/ci/$triple/release/$t" "$work" "$seeds/$t" -max_total_time="$seconds" -seed="$seed" \
    -timeout=20 -rss_limit_mb=1024 -max_len=65536 -artifact_prefix="artifacts/$t/" \
    -print_final_stats=1 2>"$seeds/$t.log"; then
    echo "fuzz $t FAILED: input in fuzz/artifacts/$t/" >&2
    tail -n 40 "$seeds/$t.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$seeds/$t.log" | tail -n 2 || true
  fi
done
exit "$status"

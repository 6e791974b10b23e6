#!/usr/bin/env bash
# Seed the fuzz corpora from the project's inputs (../shared/corpus beside the repository, the
# example, published XLSX). Run from the repository root: fuzz/seed.sh
set -euo pipefail
mkdir -p fuzz/corpus/{text_reader,pdf_reader,xlsx_reader,html_reader,docx_reader,narrative,budget_source}
cp ../shared/corpus/*.txt examples/*.txt fuzz/corpus/text_reader/
cp ../shared/corpus/*.pdf fuzz/corpus/pdf_reader/
cp crates/yusuan/tests/fixtures/*.pdf fuzz/corpus/pdf_reader/
# Page 2 of each, uncompressed (Debian's qpdf), so that mutations reach content streams,
# ToUnicode maps and width arrays instead of breaking zlib. Run the pdf_reader target with
# -max_len=1048576 to keep them whole.
if command -v qpdf >/dev/null; then
  for f in ../shared/corpus/*.pdf; do
    qpdf --stream-data=uncompress --object-streams=disable "$f" --pages "$f" 2 -- \
      "fuzz/corpus/pdf_reader/plain-$(basename "$f")" || true
  done
  # Pages with images are too large to mutate usefully.
  find fuzz/corpus/pdf_reader -name 'plain-*' -size +1M -delete
fi
# Small synthetic pages, a corpus of their own for fast runs of the PDF interpreter:
# cargo fuzz run pdf_reader corpus/pdf_small -- -max_len=8192
python3 fuzz/small_pdfs.py fuzz/corpus/pdf_small
sed -n '1,/^表一/p' examples/chongqing-dadukou-govoffice-2025.txt > fuzz/corpus/narrative/example.txt
for d in examples/*/; do cp "$d"budget.toml "fuzz/corpus/budget_source/$(basename "$d").toml" 2>/dev/null || true; done
cargo run -q --release -- publish examples/chongqing-dadukou-govoffice-2025/budget.toml \
  --out fuzz/corpus/xlsx_reader --format xlsx 2>/dev/null
for f in html docx; do
  cargo run -q --release -- publish examples/chongqing-dadukou-govoffice-2025/budget.toml \
    --out "fuzz/corpus/${f}_reader" --format "$f" 2>/dev/null
done

#!/usr/bin/env bash
# Raw and gzipped (gzip -9) sizes of the built app's wasm and JS, as a small table.
# Usage: scripts/size-report.sh [DIST_DIR]   (default: dist)
set -euo pipefail
cd "$(dirname "$0")/.."
dist="${1:-dist}"

shopt -s nullglob
files=("$dist"/*.wasm "$dist"/*.js)
if [ ${#files[@]} -eq 0 ]; then
  echo "size-report: no .wasm or .js files in $dist/ (run trunk build --release --offline)" >&2
  exit 1
fi

kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }

printf '%-44s %12s %12s\n' "file" "raw" "gzip -9"
printf '%-44s %12s %12s\n' "----" "---" "-------"
raw_total=0
gz_total=0
for f in "${files[@]}"; do
  raw=$(wc -c < "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  raw_total=$((raw_total + raw))
  gz_total=$((gz_total + gz))
  printf '%-44s %12s %12s\n' "$(basename "$f")" "$(kib "$raw")" "$(kib "$gz")"
done
printf '%-44s %12s %12s\n' "total" "$(kib "$raw_total")" "$(kib "$gz_total")"

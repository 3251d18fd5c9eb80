#!/usr/bin/env bash
# Trunk post_build hook (Trunk.toml): writes the size of the final .wasm file into the poster
# of the built index.html (`data-wasm-bytes` on #poster), for the progress bar that
# static/boot.js draws while the file downloads (Content-Length is the compressed size when
# the server gzips; the stream the script counts is decompressed).
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
shopt -s nullglob
wasm=("$dir"/*.wasm)
[ ${#wasm[@]} -eq 1 ] || { echo "poster-wasm-size: expected one .wasm in $dir, found ${#wasm[@]}" >&2; exit 1; }
size=$(wc -c < "${wasm[0]}")
grep -q 'id="poster"' "$dir/index.html" || { echo "poster-wasm-size: no #poster in $dir/index.html" >&2; exit 1; }
sed -i "s/id=\"poster\"/id=\"poster\" data-wasm-bytes=\"$size\"/" "$dir/index.html"

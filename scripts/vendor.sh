#!/usr/bin/env bash
# Copies the third-party front-end assets the offline book serves into _vendor/_static/vendor,
# from the npm registry at the exact versions in package-lock.json. Repeatable; no CDN.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --loglevel=error
out=_vendor/_static/vendor
rm -rf _vendor && mkdir -p "$out/plotly"
# No math library: formulas become MathML at build time (_ext/offline.py).
# plotly.js basic bundle (scatter, bar, pie): the same plotly.js version as the Python wheel.
cp node_modules/plotly.js-basic-dist-min/plotly-basic.min.js "$out/plotly/"
cp node_modules/plotly.js-basic-dist-min/LICENSE "$out/plotly/LICENSE"
touch _vendor/.stamp
echo "vendored into $out"

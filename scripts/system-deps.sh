#!/usr/bin/env bash
# Installs what pip cannot, on Debian/Ubuntu, when it is missing:
#   python3-venv (the venv), nodejs + npm (vendored assets, the JS half of the parity test)
#   and, with --browser, chromium (the page tests).
# Uses apt-get as root, or through sudo; prints what to install otherwise.
set -euo pipefail
need=()
python3 -c "import venv, ensurepip" 2>/dev/null || need+=(python3-venv)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
if [ "${1:-}" = "--browser" ] && [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then need+=(chromium); fi
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing system packages: ${need[*]}"
if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "please install: ${need[*]} (apt-get install ${need[*]})" >&2; exit 1
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null

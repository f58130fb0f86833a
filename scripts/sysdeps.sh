#!/usr/bin/env bash
# System packages WageWatch needs: pango/harfbuzz for WeasyPrint, a CJK font for PDFs, gettext, poppler,
# and chromium for the browser tests (Playwright drives it; no browser download).
set -euo pipefail
pkgs=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext poppler-utils chromium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v dpkg-query >/dev/null; then
  echo "Not a Debian/Ubuntu system: install pango, harfbuzz-subset, Noto Sans CJK SC, gettext and poppler." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "WageWatch needs these system packages; install them and run make again:" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi

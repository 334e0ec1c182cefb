#!/usr/bin/env bash
# Installs everything the kiosk and its tests need on Debian 12 with Python 3.11, as root.
# Idempotent: a second run installs nothing new and finishes in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  pcscd vsmartcard-vpcd libpcsclite-dev swig pcsc-tools   # PC/SC stack and the virtual reader driver
  poppler-utils                                           # pdftoppm / pdftotext to check printed documents
  sane-utils                                              # scanimage: flatbed and sheet-fed document scanners
  cups printer-driver-cups-pdf                            # a real print spooler with a PDF queue
  espeak-ng sox                                           # Vietnamese speech
  xvfb libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libegl1 libgl1 libglib2.0-0 libfontconfig1 libdbus-1-3  # Qt xcb
  fonts-dejavu-core
  libcups2-dev                                            # headers for pycups (CUPS job and printer state)
  prometheus prometheus-alertmanager                      # fleet: metrics, rules (promtool), alert routing (amtool)
  systemd                                                 # systemd-analyze verify checks deploy/systemd units
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python packages into .venv"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e '.[dev]'
  rm -f .venv/.installed-*
  touch "$stamp"
fi
echo "setup: ready"

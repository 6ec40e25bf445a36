#!/bin/sh
# Installs the Debian packages Ratsinfo needs when they are missing: msgfmt for translations and
# ocrmypdf with tesseract's German model for scanned PDFs (optional: without it, scans are
# flagged "needs OCR"); with --test also Chromium for the browser tests (Debian's, never a
# browser downloaded by a test tool: DESIGN.md §9) and npm for axe-core. `make run` calls it
# plain, `make test` with --test; it does nothing when everything is present.
set -eu
missing=""
optional=""
command -v msgfmt >/dev/null 2>&1 || missing="$missing gettext"
if ! command -v ocrmypdf >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx deu; then
    optional="$optional ocrmypdf tesseract-ocr-deu"
fi
if [ "${1:-}" = "--test" ]; then
    # Recommends are skipped (they would bring a desktop); the fonts give pages real text
    # metrics, which the touch-target and contrast checks measure.
    [ -x /usr/bin/chromium ] || missing="$missing chromium fonts-liberation"
    command -v npm >/dev/null 2>&1 || missing="$missing npm"
    # The OCR path is tested for real, so the tests need it.
    missing="$missing$optional"
    optional=""
fi
[ -z "$missing$optional" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    if [ -n "$optional" ]; then
        echo "Hinweis: Ohne die Debian-Pakete$optional werden gescannte PDFs nur als „Texterkennung nötig“ markiert." >&2
    fi
    if [ -n "$missing" ]; then
        echo "Bitte installieren Sie die Debian-Pakete:$missing (z. B. sudo apt-get install$missing)" >&2
        exit 1
    fi
    exit 0
fi
echo "Installiere Systempakete:$missing$optional"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing$optional >/dev/null

#!/bin/sh
# Installs the Debian packages Ratsinfo needs when they are missing: msgfmt for translations;
# with --test also Chromium for the browser tests (Debian's, never a browser downloaded by a
# test tool: DESIGN.md §9) and npm for axe-core. `make run` calls it plain, `make test` with
# --test; it does nothing when everything is present.
set -eu
missing=""
command -v msgfmt >/dev/null 2>&1 || missing="$missing gettext"
if [ "${1:-}" = "--test" ]; then
    # Recommends are skipped (they would bring a desktop); the fonts give pages real text
    # metrics, which the touch-target and contrast checks measure.
    [ -x /usr/bin/chromium ] || missing="$missing chromium fonts-liberation"
    command -v npm >/dev/null 2>&1 || missing="$missing npm"
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "Bitte installieren Sie die Debian-Pakete:$missing (z. B. sudo apt-get install$missing)" >&2
    exit 1
fi
echo "Installiere Systempakete:$missing"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null

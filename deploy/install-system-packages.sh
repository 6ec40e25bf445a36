#!/bin/sh
# Installs the Debian packages Ratsinfo needs when they are missing (msgfmt for translations).
# Runs as part of `make run` and `make test`; does nothing when everything is present.
set -eu
missing=""
command -v msgfmt >/dev/null 2>&1 || missing="$missing gettext"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "Bitte installieren Sie die Debian-Pakete:$missing (z. B. sudo apt-get install$missing)" >&2
    exit 1
fi
echo "Installiere Systempakete:$missing"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null

#!/usr/bin/env bash
# Installs the Debian 12 packages onemap needs and that are missing. Nothing else is needed by
# hand: the PostgreSQL + PostGIS cluster is private and started by onemap itself.
#   scripts/install-deps.sh run    what `make run` needs
#   scripts/install-deps.sh test   that, plus what the tests need
set -euo pipefail

want=(postgresql-15 postgresql-15-postgis-3 postgresql-contrib pkg-config ca-certificates
      libfreetype-dev fonts-dejavu-core)
# GDAL reads survey uploads (the server links libgdal; the gdal crate finds it with pkg-config).
want+=(libgdal-dev)
# SQLite: local MBTiles basemaps, through the same libsqlite3 GDAL uses (a second, bundled copy
# in the process would take over GDAL's calls: its GeoPackage writer then fails).
want+=(libsqlite3-dev)
# Noto Sans CJK SC: the font printed documents (the compensation agreement PDF) are set in.
want+=(fonts-noto-cjk)
# pdftotext (poppler): the text of uploaded archive PDFs, for full-text search.
want+=(poppler-utils)
# npm builds the web UI (MapLibre, wasm-opt); Debian's nodejs when the machine has none.
command -v npm >/dev/null || want+=(nodejs npm)
if [ "${1:-run}" = test ]; then
    # GDAL, QGIS (python3-qgis + the OAPIF provider in
    # qgis-providers) and python3-venv: the OGC API client tests.
    want+=(gdal-bin python3-qgis qgis-providers python3-venv)
    # the UI tests: Chromium driven by playwright-core (the CJK fonts of its screenshots are
    # fonts-noto-cjk, already wanted above).
    want+=(chromium)
    # the certificate tests: zbarimg reads the QR code of a rendered certificate face (openssl,
    # which checks the SM2 signatures, is in every Debian install).
    want+=(zbar-tools openssl)
    # xmllint checks the exchange messages against their XSD.
    want+=(libxml2-utils)
    # systemd-analyze checks deploy/onemap.service.
    want+=(systemd)
fi

missing=()
for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    echo "onemap: installing missing packages: ${missing[*]}"
    $sudo apt-get update -qq
    # Debian's postgresql package would start its own cluster on 5432; onemap does not use it.
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
    echo "error: cargo is not installed: install the Rust toolchain (rustup) and run again" >&2
    exit 1
fi

if [ "${1:-run}" = test ] && ! cargo fuzz --version >/dev/null 2>&1; then
    echo "onemap: installing cargo-fuzz"
    cargo install cargo-fuzz --locked --version 0.13.2 >/dev/null
fi

# The Python OGC clients of the tests (OWSLib, ogctests), pinned in tests/clients, in a venv
# outside the clone; rebuilt when the requirements change.
if [ "${1:-run}" = test ]; then
    root="$(cd "$(dirname "$0")/.." && pwd)"
    req="$root/tests/clients/requirements.txt"
    venv="${ONEMAP_VENV:-$HOME/.cache/onemap/venv}"
    want_sum="$(sha256sum < "$req")"
    if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" != "$want_sum" ]; then
        echo "onemap: installing the Python OGC clients into $venv"
        python3 -m venv "$venv" 2>/dev/null || /usr/bin/python3 -m venv "$venv"
        "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
        echo "$want_sum" > "$venv/.requirements.sha256"
    fi
fi

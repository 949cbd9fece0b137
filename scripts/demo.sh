#!/usr/bin/env bash
# Install and run the PTSA server on SQLite with demo data: one command on a fresh Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh kiosk
export PTSA_CONFIG="${PTSA_CONFIG:-$PWD/config/demo.toml}"
.venv/bin/ptsa init --demo --demo-password "${PTSA_DEMO_PASSWORD:-demo12345}"
if [ ! -f ptsa-data/demo-kiosk-token ]; then
  .venv/bin/ptsa kiosk-token demo-kiosk | tail -n 1 > ptsa-data/demo-kiosk-token
fi
# The address it really serves: the settings as `ptsa serve` reads them (file, then PTSA_* variables).
read -r HOST PORT < <(.venv/bin/python -c '
from intranet_server.config import load_settings
s = load_settings()["server"]
print(s["host"], s["port"])')
case "$HOST" in 0.0.0.0|"::"|"") HOST=127.0.0.1 ;; esac
URL="http://$HOST:$PORT"
# The demo kiosk talks to this server, whatever port it is on.
export PTSA_KIOSK_SERVER="${PTSA_KIOSK_SERVER:-$URL}"
PASSWORD="${PTSA_DEMO_PASSWORD:-demo12345}"
cat <<TEXT

  PTSA demo is starting on $URL/
    booth (P0):       $URL/booth       log in as p0-03 / $PASSWORD
    display board:    $URL/display
    inbox (P1/P2):    $URL/inbox       p1-09 (Ditjen PHI & Jamsos), p2-21 (Dit. Persyaratan Kerja)
    supervisor:       $URL/supervisor  sup-phijsk-pk, or admin
  The demo runs a 24/7 calendar ([calendar] mode = "always" in config/demo.toml), so tickets are
  issued at any hour; PTSA_CALENDAR_MODE=office bash scripts/demo.sh shows the office's real hours.
  Kiosk on this machine (needs a screen):
    PTSA_CONFIG=$PTSA_CONFIG .venv/bin/ptsa kiosk --windowed --server $PTSA_KIOSK_SERVER --token \$(cat ptsa-data/demo-kiosk-token)
  Issue a ticket without the kiosk:
    curl -X POST $URL/api/v1/tickets -H "Authorization: Bearer \$(cat ptsa-data/demo-kiosk-token)" \\
         -H 'Content-Type: application/json' -d '{"service": "PP", "priority": "lansia"}'
  Commands: source .venv/bin/activate, then ptsa --help (with PTSA_CONFIG=$PTSA_CONFIG)

TEXT
exec .venv/bin/ptsa serve

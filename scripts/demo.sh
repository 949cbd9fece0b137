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
cat <<TEXT

  PTSA demo is starting on http://127.0.0.1:8080/
    booth (P0):       http://127.0.0.1:8080/booth       log in as p0-03 / ${PTSA_DEMO_PASSWORD:-demo12345}
    display board:    http://127.0.0.1:8080/display
    inbox (P1/P2):    http://127.0.0.1:8080/inbox       p1-09 (Ditjen PHI & Jamsos), p2-21 (Dit. Persyaratan Kerja)
    supervisor:       http://127.0.0.1:8080/supervisor  sup-phijsk-pk, or admin
  Kiosk on this machine (needs a screen):
    PTSA_CONFIG=$PTSA_CONFIG .venv/bin/ptsa kiosk --windowed --token \$(cat ptsa-data/demo-kiosk-token)
  Issue a ticket without the kiosk:
    curl -X POST http://127.0.0.1:8080/api/v1/tickets -H "Authorization: Bearer \$(cat ptsa-data/demo-kiosk-token)" \\
         -H 'Content-Type: application/json' -d '{"service": "PP", "priority": "lansia"}'

TEXT
exec .venv/bin/ptsa serve

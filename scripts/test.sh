#!/usr/bin/env bash
# Install what the tests need and run them all: one command on a fresh Debian 12.
# PostgreSQL/Redis tests skip with a reason when the services are absent, unless
# PTSA_REQUIRE_SERVICES=1; browser tests likewise with PTSA_REQUIRE_BROWSER=1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh test
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest -p no:cacheprovider "$@"

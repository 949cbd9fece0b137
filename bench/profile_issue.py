"""Where the time of one ticket issue (or one call-next, --verb call-next) goes, in process (Flask test
client, no network; lobby summaries deferred as the server's coalescing publisher does), on the
database named by --database-url (a PostgreSQL server: a database of its own is created there) or a
temporary SQLite file: SQL statements per request by kind, and the cProfile functions by own time.

    python bench/profile_issue.py [--database-url postgresql://postgres@127.0.0.1/test] [--tickets 500]
                                  [--sort tottime|cumulative] [--verb issue|call-next]

With --verb call-next the tickets are issued first (not measured), then booth 3's officer calls them
one by one: each call finishes the previous visit and calls the next (the booth's usual verb).
"""
from __future__ import annotations

import argparse
import collections
import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--tickets", type=int, default=500)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative"),
                        help="order the profile by own time (default) or by time including callees")
    parser.add_argument("--verb", default="issue", choices=("issue", "call-next"))
    args = parser.parse_args()
    import db
    from bench.bench_tickets import fresh_database
    from db.models import Service
    from intranet_server import actions
    from intranet_server.actions.kiosks import register_kiosk
    from intranet_server.app import create_app, office_from_settings
    from intranet_server.realtime import events
    from tests.conftest import make_settings, prepare_database
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = fresh_database(args.database_url, Path(tmp), "profile")
        try:
            prepare_database(url)
            settings = make_settings(Path(tmp), url)
            actions.configure(office_from_settings(settings))
            app = create_app(settings, async_mode="threading")
            events.set_emitter(lambda *a: None)
            with db.database.connection_context():
                Service.update(daily_cap=None).execute()
                _, token = register_kiosk("profile")
            statements = collections.Counter()
            real_execute = db.database.obj.execute_sql

            def counting(sql, params=None, *a, **kw):
                statements[" ".join(sql.split()[:3])[:60]] += 1
                return real_execute(sql, params, *a, **kw)
            client = app.test_client()
            headers = {"Authorization": f"Bearer {token}"}
            for _ in range(20):   # warm-up: caches, pooled connection
                client.post("/api/v1/tickets", json={"service": "PP"}, headers=headers)
            # as in `ptsa serve`, lobby summaries are coalesced by a background publisher (every 0.3 s,
            # not per request): keep them out of the request path measured here
            from intranet_server.realtime import lobby
            lobby._wake = threading.Event()
            db.database.obj.execute_sql = counting
            services = ("PP", "PKB", "K3", "TKA") if args.verb == "issue" else ("PP", "PKB")   # booth 3 serves both
            issued = [client.post("/api/v1/tickets", json={"service": services[i % len(services)]},
                                  headers=headers) for i in range(args.tickets if args.verb == "call-next" else 0)]
            assert all(r.status_code == 201 for r in issued)
            if args.verb == "call-next":
                from tests.support.csrf import CsrfClient
                app.test_client_class = CsrfClient
                client = app.test_client()
                assert client.post("/api/v1/auth/login", json={"username": "p0-03", "password": "demo12345"}
                                   ).status_code == 200
                statements.clear()
            profile = cProfile.Profile()
            t0 = time.perf_counter()
            profile.enable()
            for i in range(args.tickets):
                if args.verb == "issue":
                    r = client.post("/api/v1/tickets", json={"service": services[i % len(services)]}, headers=headers)
                    assert r.status_code == 201, r.get_json()
                else:
                    r = client.post("/api/v1/queue/call-next")
                    assert r.status_code == 200, r.get_json()
            profile.disable()
            elapsed = time.perf_counter() - t0
            db.database.obj.execute_sql = real_execute
            lobby._wake = None
            lobby._changed.clear()
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
            db.database.close()
            if hasattr(db.database.obj, "close_all"):
                db.database.obj.close_all()
        finally:
            drop()
    print(json.dumps({"benchmark": f"{args.verb} profile", "database": url.split(":")[0],
                      "tickets": args.tickets, "ms_per_request_profiled": round(elapsed / args.tickets * 1000, 2),
                      "statements_per_request": {k: round(v / args.tickets, 2) for k, v in statements.most_common()},
                      "statements_per_request_total": round(sum(statements.values()) / args.tickets, 2)}, indent=2))
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())

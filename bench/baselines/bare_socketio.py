"""A bare Flask-SocketIO server (eventlet, like `ptsa serve`): screens connect with no database work,
and `POST /emit {"size": N, "id": K}` emits ONE `call` event of about N bytes to every connected
screen. What bench/bench_fanout.py measures PTSA's call-to-display fan-out against.

    python bench/baselines/bare_socketio.py --port 8098
"""
from __future__ import annotations

import argparse


def main() -> None:
    import eventlet
    eventlet.monkey_patch()
    from flask import Flask, request
    from flask_socketio import SocketIO
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = Flask(__name__)
    socketio = SocketIO(app, async_mode="eventlet", cors_allowed_origins=[])

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.post("/emit")
    def emit():
        data = request.get_json()
        payload = {"id": data["id"], "pad": ""}
        payload["pad"] = "x" * max(0, int(data["size"]) - len(str(payload)))
        socketio.emit("call", payload)
        return {"ok": True}

    socketio.run(app, host="127.0.0.1", port=args.port, log_output=False)


if __name__ == "__main__":
    main()

"""The link between server processes: the Redis message queue, one channel per deployment.

- Redis pub/sub ignores the database number (`redis://…/7` isolates nothing), so the channel name
  is per deployment: `[server] message_queue_channel`, by default derived from the office name and
  the database URL (every process of one office shares both; two offices on one Redis differ).
- A Redis outage is reported: `/healthz` answers `"status": "degraded"`, and each process tells its
  own screens (`link` event, `{"ok": false}`) so they show a notice; when the listener is subscribed
  again the screens get `{"ok": true}` and resync from the stored events (nothing is lost: every
  event is in the database with its per-room seq).
- Session revocations travel on the same channel, so every process disconnects the sockets of a
  session ended anywhere.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time

import socketio as python_socketio
from socketio.manager import Manager

log = logging.getLogger(__name__)
REVOKE = "ptsa_revoke"          # never reaches a client: handled by the managers
MAX_RETRY_SLEEP = 5             # upstream waits up to 60 s between reconnects; screens need it sooner

_state = {"ok": None, "detail": "", "since": None}
_state_lock = threading.Lock()


def default_channel(settings: dict) -> str:
    seed = f"{settings['office']['name']}\n{settings['database']['url']}"
    return "ptsa-" + hashlib.sha256(seed.encode()).hexdigest()[:16]


def channel_for(settings: dict) -> str:
    return settings["server"].get("message_queue_channel") or default_channel(settings)


def link_state() -> dict:
    with _state_lock:
        return dict(_state)


class PTSARedisManager(python_socketio.RedisManager):
    """RedisManager that reports its link and carries session revocations."""

    revocation_handler = None     # set by realtime.sockets: disconnect local sockets of these sessions

    def _handle_emit(self, message):
        if message.get("event") == REVOKE:
            data = message.get("data") or [[]]
            hashes = data[0] if isinstance(data, list) and data else []
            if self.revocation_handler and isinstance(hashes, list):
                self.revocation_handler([h for h in hashes if isinstance(h, str)])
            return
        super()._handle_emit(message)

    def publish_revocation(self, hashes: list[str]) -> None:
        self._publish({"method": "emit", "event": REVOKE, "data": [hashes], "binary": False, "namespace": "/",
                       "room": None, "skip_sid": None, "callback": None, "host_id": self.host_id})

    def _publish(self, data):
        result = super()._publish(data)
        if result is None and not self.connected:
            self._link_changed(False, "cannot publish to Redis")
        return result

    def _link_changed(self, ok: bool, detail: str = "") -> None:
        with _state_lock:
            before = _state["ok"]
            if before == ok:
                return
            _state.update(ok=ok, detail=detail, since=time.time())
        if ok:
            log.warning("message queue link is up again; screens resync")
        else:
            log.error("message queue link is down: %s", detail)
        if before is None and ok:
            return
        try:   # only this process's screens: the link itself is what is broken
            Manager.emit(self, "link", {"ok": ok}, namespace="/")
        except Exception:
            log.exception("could not tell the screens about the link")

    def _redis_listen_with_retries(self):  # the upstream loop, plus the link reports
        retry_sleep = 1
        subscribed = False
        while True:
            try:
                if not subscribed:
                    self._redis_connect()
                    self.pubsub.subscribe(self.channel)
                    subscribed = True
                    retry_sleep = 1
                    self._link_changed(True)
                yield from self.pubsub.listen()
            except Exception as exc:
                self._link_changed(False, str(exc)[:200])
                subscribed = False
                time.sleep(retry_sleep)
                retry_sleep = min(retry_sleep * 2, MAX_RETRY_SLEEP)


def client_manager(url: str, channel: str):
    """Keepalive and health checks make a half-open Redis connection fail and reconnect instead of
    silently stalling the listener."""
    if not url:
        return None
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise RuntimeError(f"server.message_queue {url!r}: only Redis (redis://HOST:6379/0) is supported")
    return PTSARedisManager(url, channel=channel, redis_options={
        "health_check_interval": 15, "socket_keepalive": True, "socket_connect_timeout": 5})


def check(url: str) -> tuple[bool, str]:
    """Ping Redis now (for /healthz), with a short timeout."""
    import redis
    try:
        client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:   # the health check reports, it does not crash
        return False, str(exc)[:200]
    return True, "ok"

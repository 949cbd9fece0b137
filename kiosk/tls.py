"""TLS for the kiosk's link to a server behind HTTPS: the machine's trust store, and a socket that the
threaded Socket.IO client can share between its two threads.

Trust: the README tells an office to install its intranet CA in the system store
(`update-ca-certificates`). Python's `ssl` reads that store (and honours `SSL_CERT_FILE`); `requests`
would read its own bundled list instead, so the kiosk hands it the system file.

Threads: python-socketio's threaded client (python-engineio over websocket-client) reads on one
thread and writes on another through one `ssl.SSLSocket`. OpenSSL forbids using one SSL object from
two threads at once, and the connection then dies a few milliseconds after it opened ("WebSocket
connection was closed") -- under load, about one connection in 25 here (python-engineio issue #461,
still open in 4.15.1). `SerializedSSLSocket` takes one lock around every TLS read and write and waits
for data outside it, so a reader waiting for the server never holds up the writer.
"""
from __future__ import annotations

import selectors
import ssl
import threading
import time


class SerializedSSLSocket(ssl.SSLSocket):
    """An SSLSocket whose reads and writes never overlap (one lock per socket)."""

    @property
    def _tls_lock(self) -> threading.Lock:
        # SSLSocket is built by SSLContext.wrap_socket, not __init__: the lock is made on first use
        # (dict.setdefault is atomic, so two threads get the same lock)
        return self.__dict__.setdefault("_serialized_lock", threading.Lock())

    def recv(self, buflen: int = 1024, flags: int = 0) -> bytes:
        timeout = self.gettimeout()
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if not self.pending():   # nothing decrypted yet: wait for the wire, without the lock
                left = None if deadline is None else max(0.0, deadline - time.monotonic())
                with selectors.DefaultSelector() as selector:   # poll/epoll: no FD_SETSIZE limit
                    selector.register(self, selectors.EVENT_READ)
                    if not selector.select(left):
                        raise TimeoutError("timed out")
            with self._tls_lock:
                self.settimeout(0)   # read what is there; never wait while holding the lock
                try:
                    return super().recv(buflen, flags)
                except ssl.SSLWantReadError:   # a partial record, or a TLS message with no data in it
                    pass
                finally:
                    self.settimeout(timeout)

    def send(self, data, flags: int = 0) -> int:   # sendall() calls send()
        with self._tls_lock:
            return super().send(data, flags)


def system_ca_file() -> str | bool:
    """The trust store file for `requests` (`verify=`): the system's, or requests' default if none."""
    paths = ssl.get_default_verify_paths()
    return paths.cafile or paths.capath or True


def socket_context() -> ssl.SSLContext:
    """A client context on the system trust store whose sockets are `SerializedSSLSocket`s."""
    context = ssl.create_default_context()
    context.sslsocket_class = SerializedSSLSocket
    return context

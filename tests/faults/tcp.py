"""A TCP forwarder the tests can cut and restore: a database that goes down and comes back.

PostgreSQL itself is shared by every test on the machine and must not be stopped; cutting
the only road to it looks the same to the application: refused connections, and broken
ones that were open.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import List, Tuple


class Forwarder:
    def __init__(self, target: Tuple[str, int]) -> None:
        self.target = target
        self._listener: socket.socket | None = None
        self._connections: List[socket.socket] = []
        self._lock = threading.Lock()
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Refuse new connections and break the open ones."""
        with self._lock:
            if self._listener is not None:
                # Closing alone leaves a thread blocked in accept() listening on Linux.
                self._listener.shutdown(socket.SHUT_RDWR)
                self._listener.close()
                self._listener = None
            for connection in self._connections:
                _shut(connection)
                connection.close()
            self._connections.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                _shut(end)


def _shut(connection: socket.socket) -> None:
    """Break a connection both ways; it may be gone already."""
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)

"""Meta's Graph API as a small local HTTP server that records what it is sent.

The only stand-in in the tests: WhatsApp itself cannot run here. It answers like the real
`POST /{phone-number-id}/messages` and keeps every request for the tests to read.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List


class GraphApiStandIn:
    def __init__(self) -> None:
        self.received: List[Dict[str, Any]] = []
        self._lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server interface
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with stand_in._lock:
                    stand_in.received.append({
                        "path": self.path,
                        "authorization": self.headers.get("Authorization"),
                        "body": json.loads(body),
                    })
                    number = len(stand_in.received)
                answer = json.dumps({"messaging_product": "whatsapp",
                                     "messages": [{"id": f"wamid.out.{number}"}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v19.0"

    def sent_to(self, wa_id: str) -> List[Dict[str, Any]]:
        """Message bodies sent to one shopper, oldest first."""
        with self._lock:
            return [r["body"] for r in self.received if r["body"].get("to") == wa_id]

    def wait_for(self, wa_id: str, found: Callable[[Dict[str, Any]], bool],
                 timeout: float = 30) -> Dict[str, Any]:
        """The first message to ``wa_id`` for which ``found`` holds, waiting for it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for body in self.sent_to(wa_id):
                if found(body):
                    return body
            time.sleep(0.1)
        raise AssertionError(f"nothing matching was sent to {wa_id}: {self.sent_to(wa_id)}")

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

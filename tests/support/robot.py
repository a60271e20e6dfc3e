"""A group-robot webhook receiver for the tests: answers as WeCom/DingTalk robots do
(``{"errcode": 0}``), records every message per path, and can refuse the first requests to a
path (HTTP 500) to show that a failing channel is retried."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class RobotReceiver:
    def __init__(self) -> None:
        self.messages: dict[str, list[dict]] = {}
        self.refused: dict[str, int] = {}
        self._fail: dict[str, int] = {}
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                with receiver._lock:
                    if receiver._fail.get(self.path, 0) > 0:
                        receiver._fail[self.path] -= 1
                        receiver.refused[self.path] = receiver.refused.get(self.path, 0) + 1
                        status, answer = 500, {"errcode": -1, "errmsg": "system busy"}
                    else:
                        receiver.messages.setdefault(self.path, []).append(body)
                        status, answer = 200, {"errcode": 0, "errmsg": "ok"}
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def fail_next(self, path: str, times: int) -> None:
        with self._lock:
            self._fail[path] = times

    def received(self, path: str) -> list[dict]:
        with self._lock:
            return list(self.messages.get(path, []))

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

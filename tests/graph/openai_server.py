"""A scripted OpenAI-compatible chat-completions server on 127.0.0.1, for end-to-end tests.

It offers what a plain vLLM / llama.cpp server offers: ``GET /v1/models`` and
``POST /v1/chat/completions`` (no tools, no response_format). ``answer(prompt)`` decides each
reply, or ``answer(model, prompt)`` with ``by_model=True`` (one server playing several
models); the server keeps the requests it served, when each arrived (``times``, monotonic
seconds) and the token usage it reported for each (``usages``).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class ScriptedServer:
    def __init__(self, answer: Callable[..., str], by_model: bool = False) -> None:
        self.answer = answer
        self.by_model = by_model
        self.requests: list[dict[str, Any]] = []
        self.times: list[float] = []
        self.usages: list[dict[str, int]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._send(
                        200, {"object": "list", "data": [{"id": "scripted", "object": "model"}]}
                    )
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                server.times.append(time.monotonic())
                length = int(self.headers.get("Content-Length", 0))
                request = json.loads(self.rfile.read(length))
                server.requests.append(request)
                if "tools" in request or "response_format" in request:
                    self._send(400, {"error": {"message": "tools and response_format unsupported"}})
                    return
                prompt = "\n".join(str(m.get("content", "")) for m in request["messages"])
                model = str(request.get("model", "scripted"))
                text = server.answer(model, prompt) if server.by_model else server.answer(prompt)
                usage = {
                    "prompt_tokens": len(prompt) // 4,
                    "completion_tokens": len(text) // 4,
                    "total_tokens": len(prompt) // 4 + len(text) // 4,
                }
                server.usages.append(usage)
                self._send(
                    200,
                    {
                        "id": f"chatcmpl-{len(server.requests)}",
                        "object": "chat.completion",
                        "created": 0,
                        "model": request.get("model", "scripted"),
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": text},
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": usage,
                    },
                )

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> ScriptedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

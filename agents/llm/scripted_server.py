"""A scripted OpenAI-compatible chat-completions server on 127.0.0.1: a stand-in for a model
server, for end-to-end tests and the generation latency benchmark.

It offers what a plain vLLM / llama.cpp server offers: ``GET /v1/models`` and
``POST /v1/chat/completions`` (no tools, no response_format). ``answer(prompt)`` decides each
reply, or ``answer(model, prompt)`` with ``by_model=True`` (one server playing several
models). ``delay_s`` holds every answer back that long, as a real model's latency would, so
a benchmark can measure how well a run overlaps its waits. Requests are served in threads, so
waits overlap exactly as much as the client lets them.

Messages may carry content parts (text and ``image_url``): ``answer`` reads their text, and
each image counts a fixed ``IMAGE_TOKENS`` in the usage. ``refuse_images=True`` answers a
request that carries an image with the 400 a text-only model server gives (its message names
image input), so a test can check what a vision critic does with a model that cannot see.

The server keeps the requests it served, when each arrived (``times``, monotonic seconds),
when each was open (``spans``: arrival and reply), and the token usage it reported for each
(``usages``).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: Tokens an image part counts in the reported usage (a low-detail image costs about this).
IMAGE_TOKENS = 85
#: The error a text-only server gives for an image part (vLLM and OpenAI word it alike).
IMAGE_REFUSAL = "Invalid content type: image_url. This model does not support image input."


def message_text(content: Any) -> str:
    """The text of a message's content: a string, or the text parts of a list of parts."""
    if isinstance(content, list):
        return "\n".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content or "")


def image_parts(request: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``image_url`` content parts of a chat request, in order."""
    parts = []
    for message in request.get("messages", []):
        content = message.get("content")
        if isinstance(content, list):
            parts += [p for p in content if isinstance(p, dict) and p.get("type") == "image_url"]
    return parts


def peak_overlap(spans: Sequence[tuple[float, float]]) -> int:
    """The most intervals open at one moment (an interval ending as another starts does not
    count as overlapping it)."""
    edges = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])
    peak = current = 0
    for _, step in edges:  # at equal times the end (-1) sorts before the start (+1)
        current += step
        peak = max(peak, current)
    return peak


class ScriptedServer:
    """Serves ``answer``'s replies over HTTP on a free port of 127.0.0.1 (``base_url``);
    used as a context manager, which starts and stops it."""

    def __init__(
        self,
        answer: Callable[..., str],
        by_model: bool = False,
        delay_s: float = 0.0,
        refuse_images: bool = False,
    ) -> None:
        self.answer = answer
        self.refuse_images = refuse_images
        self.by_model = by_model
        self.delay_s = delay_s
        self.requests: list[dict[str, Any]] = []
        self.times: list[float] = []
        self.spans: list[tuple[float, float]] = []
        self.usages: list[dict[str, int]] = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
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
                arrived = time.monotonic()
                server.times.append(arrived)
                length = int(self.headers.get("Content-Length", 0))
                request = json.loads(self.rfile.read(length))
                server.requests.append(request)
                if "tools" in request or "response_format" in request:
                    self._send(400, {"error": {"message": "tools and response_format unsupported"}})
                    return
                if server.refuse_images and image_parts(request):
                    self._send(400, {"error": {"message": IMAGE_REFUSAL, "type": "BadRequest"}})
                    return
                if server.delay_s > 0:
                    time.sleep(server.delay_s)
                self._send(200, server.completion(request))
                server.spans.append((arrived, time.monotonic()))

        return Handler

    def completion(self, request: dict[str, Any]) -> dict[str, Any]:
        """The chat-completion body answering ``request``, with token usage (4 characters a
        token) recorded in ``usages``."""
        prompt = "\n".join(message_text(m.get("content")) for m in request["messages"])
        model = str(request.get("model", "scripted"))
        text = self.answer(model, prompt) if self.by_model else self.answer(prompt)
        prompt_tokens = len(prompt) // 4 + IMAGE_TOKENS * len(image_parts(request))
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": len(text) // 4,
            "total_tokens": prompt_tokens + len(text) // 4,
        }
        self.usages.append(usage)
        return {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": 0,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
            "usage": usage,
        }

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def peak_in_flight(self) -> int:
        """The most requests this server was answering at one moment."""
        return peak_overlap(self.spans)

    def __enter__(self) -> ScriptedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

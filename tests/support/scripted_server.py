"""A scripted OpenAI-compatible server on loopback, for the faults a real server will not produce."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Step:
    """What the server does with the next chat request."""

    text: str = "Hello from the scripted server."
    chunks: int = 3
    finish_reason: str | None = "stop"
    usage: bool = True
    status: int = 200
    error_body: dict | None = None
    headers: dict = field(default_factory=dict)
    reject_stream_options: bool = False
    cut: str = ""
    """'' normal end; 'clean' ends the body early with no finish reason; 'abrupt' drops the connection."""
    delay: float = 0.0
    """Seconds before each chunk (a trickle)."""
    forever: bool = False
    """Keep trickling chunks until the client hangs up."""
    raw_events: list[str] | None = None
    """Server-sent event payloads to send as they are (malformed streams, error events)."""
    hang: float = 0.0
    """Seconds to wait before sending any response (a server that does not answer)."""
    keepalive: float = 0.0
    """Seconds between SSE comment lines (`: keep-alive`) sent instead of any data, until the client hangs up."""


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """Clients hanging up mid-reply is part of the script, not an error."""


class ScriptedServer:
    """Serves `/v1/chat/completions` by following queued steps; records every request body."""

    def __init__(self, models: tuple[str, ...] = ("scripted-model", "scripted-large")):
        self.steps: deque[Step] = deque()
        self.history: list[dict] = []
        self.models = models
        self.on_request = None
        """Called with each chat request's body as it arrives, before any reply (to observe side effects)."""
        self.observed: list[object] = []
        self._http = _QuietServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible address."""
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}/v1"

    def enqueue(self, *steps: Step) -> None:
        """Script the next replies, in order."""
        self.steps.extend(steps)

    def start(self) -> ScriptedServer:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._http.shutdown()
        self._http.server_close()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path.rstrip("/").endswith("/models"):
                    data = [{"id": m, "object": "model", "owned_by": "tests"} for m in server.models]
                    self._json(200, {"object": "list", "data": data})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.history.append(body)
                if server.on_request is not None:
                    server.observed.append(server.on_request(body))
                step = server.steps.popleft() if server.steps else Step()
                if step.hang:
                    time.sleep(step.hang)
                if step.reject_stream_options and "stream_options" in body:
                    self._json(400, {"error": {"message": "Unrecognized request argument: stream_options"}})
                    return
                if step.status != 200:
                    self._json(step.status, step.error_body or {"error": {"message": "scripted failure"}}, step.headers)
                    return
                self._stream(step, body)

            def _json(self, status, payload, headers=None):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _chunk(self, payload: str):
                data = f"data: {payload}\n\n".encode()
                self.wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

            def _stream(self, step: Step, body: dict):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                model = body.get("model", "scripted-model")
                try:
                    while step.keepalive:
                        time.sleep(step.keepalive)
                        data = b": keep-alive\n\n"
                        self.wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")
                        self.wfile.flush()
                    if step.raw_events is not None:
                        for event in step.raw_events:
                            self._chunk(event)
                    else:
                        self._stream_text(step, body, model)
                    if step.cut == "abrupt":
                        self.close_connection = True
                        return
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def _stream_text(self, step: Step, body: dict, model: str):
                pieces = _split(step.text, step.chunks)
                index = 0
                while index < len(pieces) or step.forever:
                    if step.delay:
                        time.sleep(step.delay)
                    piece = pieces[index % len(pieces)]
                    self._chunk(json.dumps(_delta(model, {"content": piece})))
                    index += 1
                if step.cut:
                    return
                self._chunk(json.dumps(_delta(model, {}, step.finish_reason)))
                if step.usage and body.get("stream_options", {}).get("include_usage"):
                    usage = {"prompt_tokens": 11, "completion_tokens": len(pieces), "total_tokens": 11 + len(pieces)}
                    self._chunk(json.dumps({**_delta(model, {}), "choices": [], "usage": usage}))
                self._chunk("[DONE]")

        return Handler


def _split(text: str, parts: int) -> list[str]:
    size = max(1, -(-len(text) // max(1, parts)))
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _delta(model: str, delta: dict, finish_reason: str | None = None) -> dict:
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }

"""Refusing requests for host names the app does not serve (DNS rebinding) and uploads."""

from __future__ import annotations

import os

DEFAULT_HOST = "127.0.0.1"


class HostCheck:
    """ASGI middleware refusing requests whose Host header names a host we do not serve.

    A page on another site can point its own DNS name at 127.0.0.1 (DNS rebinding) and then
    talk to this server as same-origin; its requests still carry that foreign name in Host.
    Uploads are refused too: the page has no file inputs, so /upload is only an attack surface.
    """

    def __init__(self, app, allowed_hosts: frozenset[str]) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = dict(scope.get("headers") or [])
            host = _hostname(headers.get(b"host", b"").decode("latin-1"))
            if host not in self.allowed_hosts:
                return await _refuse(scope, send, 421, f"Unknown Host header {host!r}: open http://{DEFAULT_HOST}:<port>/ instead.")
            if scope["type"] == "http" and scope.get("path", "").rstrip("/").endswith("/upload"):
                return await _refuse(scope, send, 403, "This app takes no uploads.")
        await self.app(scope, receive, send)


def _hostname(header: str) -> str:
    """'127.0.0.1:7860' -> '127.0.0.1'; '[::1]:7860' -> '::1'; lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


async def _refuse(scope, send, status: int, message: str) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    body = message.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def allowed_hosts(host: str, extra: str | None = None) -> frozenset[str]:
    """Loopback names, the host we listen on (unless a wildcard), and QA_ALLOWED_HOSTS."""
    names = {"localhost", "127.0.0.1", "::1"}
    if host not in ("0.0.0.0", "::", ""):
        names.add(host.lower())
    extra = os.environ.get("QA_ALLOWED_HOSTS", "") if extra is None else extra
    names.update(name.strip().lower() for name in extra.split(",") if name.strip())
    return frozenset(names)

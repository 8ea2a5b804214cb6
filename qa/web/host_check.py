"""Refusing requests for host names the app does not serve (DNS rebinding) and uploads."""

from __future__ import annotations

import ipaddress
import os
import re

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
            header = headers.get(b"host", b"").decode("latin-1")
            host = parse_host(header)
            if host is None:
                shown = header if len(header) <= 80 else header[:80] + "…"
                return await _refuse(scope, send, 400, f"Malformed Host header {shown!r}: it must be a host name "
                                     f"or address and an optional port, such as {DEFAULT_HOST}:7860.")
            if host not in self.allowed_hosts:
                message = f"Unknown Host header {host!r}: open http://{DEFAULT_HOST}:<port>/ instead."
                return await _refuse(scope, send, 421, message)
            if scope["type"] == "http" and scope.get("path", "").rstrip("/").endswith("/upload"):
                return await _refuse(scope, send, 403, "This app takes no uploads.")
        await self.app(scope, receive, send)


# RFC 9110's Host: uri-host [ ":" port ], where uri-host is a reg-name, an IPv4 address or an
# IPv6 address in brackets. Names are kept to letters, digits, dots, hyphens and underscores
# (what DNS and /etc/hosts use); userinfo ("a@b"), paths, spaces and percent signs are refused.
_HOST = re.compile(r"(?:\[(?P<ipv6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9_.-]+))(?::(?P<port>[0-9]{0,5}))?")


def parse_host(header: str) -> str | None:
    """The host of a Host header in lower case ('[::1]:7860' -> '::1'), or None if the header
    is not exactly a host and an optional port ('127.0.0.1:80@evil.example' -> None)."""
    match = _HOST.fullmatch(header.strip().lower())
    if match is None:
        return None
    if match["port"] and int(match["port"]) > 65535:
        return None
    if match["ipv6"] is not None:
        try:
            ipaddress.IPv6Address(match["ipv6"])
        except ValueError:
            return None
        return match["ipv6"]
    return match["name"]


def _hostname(header: str) -> str:
    """'127.0.0.1:7860' -> '127.0.0.1'; '[::1]:7860' -> '::1'; lower case; a header that is not a
    host and port comes back whole (and so matches no allowed host)."""
    host = parse_host(header)
    return host if host is not None else header.strip().lower()


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

"""Refusing requests that are too large or malformed, before any route sees them.

An ASGI middleware over the whole app: Gradio's routes, and any route added beside them (the
JSON API under /api/), all pass through it. A body over :data:`MAX_BODY_BYTES` (the chat page's
own calls: :data:`MAX_CHAT_BODY_BYTES`) is answered 413 without being read further; a JSON call to a
Gradio function whose body is not JSON, has
no ``data`` list or gives fewer values than the function takes is answered with a JSON error
and its status (400, 422), instead of reaching Gradio, which prints a traceback holding every
input value and answers ``{"error": null}``. Values a caller leaves out of a call to a
function with defaults (``/ask``'s k, doc_ids, years) are filled in with those defaults.

Example:
    >>> Middleware(RequestLimits, max_body=256 * 1024)  # doctest: +SKIP
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable

__all__ = ["MAX_BODY_BYTES", "MAX_CHAT_BODY_BYTES", "RequestLimits", "json_error"]

# A question is at most 2,000 characters (qa.answers.questions) and its options a few dozen
# bytes: 256 kB is plenty for any call, and keeps a flood cheap to refuse.
MAX_BODY_BYTES = 256 * 1024
# The chat page's own calls (/gradio_api/queue/join) send the whole chat history back each
# turn: measured on the bundled corpus, a turn with five sources is 3-10 kB of JSON (mean 6.8),
# so 2 MB holds about 300 such turns; past it the page says the request is too large.
MAX_CHAT_BODY_BYTES = 2 * 2**20
# Gradio's JSON calls: /gradio_api/call/<name>, /gradio_api/run/<name>, /gradio_api/api/<name>
# and /gradio_api/queue/join (the page's own, by fn_index).
_CALL_PREFIXES = ("/gradio_api/call/", "/gradio_api/run/", "/gradio_api/api/")
_JOIN = "/gradio_api/queue/join"

Send = Callable[[dict], Awaitable[None]]


class RequestLimits:
    """ASGI middleware: a request body limit for every route, and checked Gradio calls."""

    def __init__(self, app, *, max_body: int = MAX_BODY_BYTES, max_chat_body: int = MAX_CHAT_BODY_BYTES) -> None:
        self.app = app
        self.max_body = max_body
        self.max_chat_body = max_chat_body

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.max_chat_body if scope.get("path", "").rstrip("/") == _JOIN else self.max_body
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            return await json_error(send, 413, _too_large(declared, limit))
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                return await json_error(send, 413, _too_large(size, limit, at_least=True))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if scope.get("method") == "POST" and _is_gradio_call(scope.get("path", "")):
            checked = _check_call(scope, body)
            if isinstance(checked, tuple):
                return await json_error(send, *checked)
            body = checked
        await self.app(_with_length(scope, len(body)), _replay(body, receive), send)


def _too_large(size: int, limit: int, *, at_least: bool = False) -> str:
    return (
        f"The request body is {'over ' if at_least else ''}{size:,} bytes; the limit is {limit:,} bytes. "
        "Send a shorter question or fewer options (in the chat: clear it and start again)."
    )


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _is_gradio_call(path: str) -> bool:
    return path.rstrip("/") == _JOIN or path.startswith(_CALL_PREFIXES)


def _check_call(scope, body: bytes) -> bytes | tuple[int, str]:
    """The body to pass on (padded with defaults), or (status, message) to refuse it with."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        return 400, f"The request body is not valid JSON ({str(exc)[:100]}). Send {{\"data\": [...]}}."
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        return 422, 'The request body must be a JSON object with a "data" list: {"data": [question, ...]}.'
    fn = _function(scope, payload)
    if fn is None:
        return body
    wanted = len(fn.inputs or ())
    given = payload["data"]
    if len(given) >= wanted:
        return body
    defaults = _defaults(fn.fn, wanted)
    missing = defaults[len(given):]
    if any(value is inspect.Parameter.empty for value in missing):
        names = ", ".join(_parameter_names(fn.fn, wanted)) or f"{wanted} values"
        return 422, (
            f"The call to {fn.api_name or fn.name!r} takes {wanted} values in \"data\" ({names}); "
            f"it got {len(given)}. Send every value that has no default."
        )
    payload["data"] = given + missing
    return json.dumps(payload).encode()


def _function(scope, payload: dict):
    """The Gradio BlockFunction a call names, or None if it cannot be told."""
    app = scope.get("app")
    blocks = app.get_blocks() if hasattr(app, "get_blocks") else None
    if blocks is None:
        return None
    path = scope.get("path", "").rstrip("/")
    if path == _JOIN:
        index = payload.get("fn_index")
        return blocks.fns.get(index) if isinstance(index, int) else None
    name = path.rsplit("/", 1)[-1]
    return next((fn for fn in blocks.fns.values() if fn.api_name == name), None)


def _parameters(fn, wanted: int) -> list[inspect.Parameter]:
    try:
        return list(inspect.signature(fn).parameters.values())[:wanted]
    except (TypeError, ValueError):
        return []


def _parameter_names(fn, wanted: int) -> list[str]:
    return [p.name for p in _parameters(fn, wanted)]


def _defaults(fn, wanted: int) -> list[object]:
    """Each of the first ``wanted`` parameters' default (Parameter.empty where there is none)."""
    parameters = _parameters(fn, wanted)
    if len(parameters) < wanted:
        return [inspect.Parameter.empty] * wanted
    return [p.default for p in parameters]


def _with_length(scope, length: int):
    headers = [(k, v) for k, v in scope.get("headers") or () if k != b"content-length"]
    if scope.get("method") in ("POST", "PUT", "PATCH") or length:
        headers.append((b"content-length", str(length).encode()))
    return {**scope, "headers": headers}


def _replay(body: bytes, receive):
    sent = False

    async def replayed() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: wait for the client to disconnect

    return replayed


async def json_error(send: Send, status: int, message: str) -> None:
    """Answer with ``{"error": message}`` and ``status``."""
    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]})
    await send({"type": "http.response.body", "body": body})

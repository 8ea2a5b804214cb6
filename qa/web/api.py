"""A plain HTTP JSON API beside the Gradio one: GET /api/search, /api/ask, /api/track,
/api/precedents, /api/diff, documented at /api/openapi.json (and /api/docs).

Mounted under /api on the app Gradio serves (see :func:`api_routes`), so the app's Host check
applies to it. Errors are JSON ``{"error": "...", "status": N}`` with the HTTP status: 400 for a
bad question or option, 404 for an unknown declaration or paragraph, 413/414 for an oversized
request, 422 for a malformed parameter, 503 when no library is loaded, 500 (logged, never a
traceback) for a bug.

    curl 'http://127.0.0.1:7860/api/ask?q=When+will+the+ISAF+mission+end%3F&k=3'
"""

from __future__ import annotations

import logging
import threading
from typing import Annotated

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.routing import Mount

from qa.compare.selection import select
from qa.errors import InvalidOptionError, QAError, UnknownDocumentError
from qa.search.filters import Filters

log = logging.getLogger("qa.web.api")

#: The longest request line and body accepted. A precedents text is at most 20,000 characters,
#: which percent-encoding can triple; past this a request is refused with 414 / 413.
MAX_URL_BYTES = 64 * 1024
MAX_BODY_BYTES = 16 * 1024
#: Library calls at a time: the chat's answer pool is 2 (qa.web.app.ANSWER_CONCURRENCY), and
#: the API shares the same two cores.
API_CONCURRENCY = 2


class Error(BaseModel):
    """What every error response holds."""

    error: str
    status: int


ERRORS = {code: {"model": Error} for code in (400, 404, 413, 414, 422, 503)}
DocIds = Annotated[list[str] | None, Query(description="only these declarations (repeatable)")]
Issuer = Annotated[str | None, Query(max_length=100, description="only declarations by this issuer, e.g. G7")]
Year = Annotated[int | None, Query(ge=1000, le=9999)]
Since = Annotated[str | None, Query(pattern=r"^\d{4}(-\d{1,2})?$", description="a year (2022) or a month (2022-03)")]
Kind = Annotated[list[str] | None, Query(max_length=5, description="only declarations of these kinds (repeatable): "
                                                                   "declaration, communiqué, joint statement, "
                                                                   "resolution, statement")]
Narrow = Annotated[bool, Query(description="read an issuer or year the question names as a filter (false: every "
                                           "declaration)")]


class _SizeLimit:
    """ASGI middleware refusing an over-long URL (414) or body (413) before anything reads it."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            length = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
            declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
            too_big = not declared.isdigit() or int(declared) > MAX_BODY_BYTES
            if length > MAX_URL_BYTES or too_big:
                status = 414 if length > MAX_URL_BYTES else 413
                what = f"URL over {MAX_URL_BYTES:,} bytes" if status == 414 else f"body over {MAX_BODY_BYTES:,} bytes"
                response = JSONResponse({"error": f"Request {what}: send a shorter text.", "status": status}, status)
                return await response(scope, receive, send)
        await self.app(scope, receive, send)


def _known_parameters(request: Request) -> None:
    """A parameter the endpoint does not take is an error, not ignored: "narow=false" or
    "kind=treaty" on an endpoint without it would answer as if they had not been given."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    taken = {param.alias for param in dependant.query_params}
    unknown = sorted(set(request.query_params) - taken)
    if unknown:
        raise InvalidOptionError(f"{request.url.path} takes no parameter {', '.join(map(repr, unknown))}; it takes: "
                                 f"{', '.join(sorted(taken))}.")


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status)


def build_api(library, *, unavailable: str | None = None) -> FastAPI:
    """The API app over ``library`` (None: every call answers 503 with ``unavailable``)."""
    api = FastAPI(title="Declaration QA API", version="1", docs_url="/docs", redoc_url=None,
                  openapi_url="/openapi.json", description=__doc__.split("\n\n")[0],
                  dependencies=[Depends(_known_parameters)])
    slots = threading.BoundedSemaphore(API_CONCURRENCY)

    def lib():
        if library is None:
            raise _Unavailable(unavailable or "No declarations are loaded.")
        return library

    def scope(doc_ids, issuer, year_from, year_to) -> list[str] | None:
        """doc_ids narrowed by issuer (as ``qa track --issuer`` reads one) and by dates, a year or a
        month ("2022-03") as the library's filters read them (qa.search.filters)."""
        if issuer is None and year_from is None and year_to is None:
            return doc_ids or None
        chosen = select(lib().declarations, issuer=issuer, doc_ids=doc_ids)
        if chosen and (year_from is not None or year_to is not None):
            dated = {d.doc_id for d in Filters.of(year_from=year_from, year_to=year_to).select(lib().declarations)}
            chosen = [d for d in chosen if d.doc_id in dated]  # a backwards range raised above
        if not chosen:
            raise InvalidOptionError(f"No declaration passes the filters (issuer={issuer!r}, dates {year_from}..{year_to}).")
        return [d.doc_id for d in chosen]

    @api.get("/search", responses=ERRORS, summary="Rank paragraphs for a query (no abstention)")
    def search(q: Annotated[str, Query(min_length=1, max_length=2000)], k: Annotated[int, Query(ge=1, le=100)] = 10,
               doc_id: DocIds = None, issuer: Issuer = None, year_from: Since = None, year_to: Since = None,
               kind: Kind = None) -> dict:
        with slots:
            hits = lib().search(q, k=k, doc_ids=scope(doc_id, issuer, year_from, year_to), kind=kind)
        return {"query": q, "hits": [h.to_dict() for h in hits]}

    @api.get("/ask", responses=ERRORS, summary="Answer a question with cited paragraphs, or say the declarations are silent")
    def ask(q: Annotated[str, Query(min_length=1, max_length=2000)], k: Annotated[int, Query(ge=1, le=100)] = 3,
            doc_id: DocIds = None, issuer: Issuer = None, year_from: Since = None, year_to: Since = None,
            kind: Kind = None, narrow: Narrow = True) -> dict:
        with slots:
            return lib().ask(q, k=k, doc_ids=scope(doc_id, issuer, year_from, year_to), kind=kind, narrow=narrow).to_dict()

    @api.get("/track", responses=ERRORS, summary="A topic through the years, changes as offsets into both quotes")
    def track(topic: Annotated[str, Query(min_length=1, max_length=2000)], issuer: Issuer = None, doc_id: DocIds = None,
              year_from: Year = None, year_to: Year = None, k_per_doc: Annotated[int, Query(ge=1, le=5)] = 1,
              narrow: bool = True) -> dict:
        from qa.compare.as_json import track_dict

        with slots:
            timeline = lib().track(topic, issuer=issuer, doc_ids=doc_id, year_from=year_from, year_to=year_to,
                                   k_per_doc=k_per_doc, narrow=narrow)
        return track_dict(timeline)

    @api.get("/precedents", responses=ERRORS, summary="Passages reusing a text's wording, oldest first")
    def precedents(text: Annotated[str | None, Query(max_length=20_000)] = None,
                   doc_id: Annotated[str | None, Query(max_length=300)] = None,
                   paragraph: Annotated[str | None, Query(max_length=50)] = None,
                   k: Annotated[int, Query(ge=1, le=100)] = 10,
                   before: Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")] = None) -> dict:
        from qa.compare.as_json import precedent_dict

        with slots:
            text, exclude = _text_of(lib(), text, doc_id, paragraph)
            found = lib().precedents(text, k=k, before=before, exclude=exclude)
        return {"text": text, "precedents": [precedent_dict(p) for p in found]}

    @api.get("/diff", responses=ERRORS, summary="Two declarations paragraph by paragraph")
    def diff(old: Annotated[str, Query(max_length=300)], new: Annotated[str, Query(max_length=300)]) -> dict:
        from qa.compare.as_json import document_diff_dict

        with slots:
            return document_diff_dict(lib().diff(old, new))

    _handlers(api)
    api.add_middleware(_SizeLimit)
    return api


class _Unavailable(QAError):
    """No library is loaded."""


def _text_of(library, text, doc_id, paragraph) -> tuple[str, tuple[str, str] | None]:
    if doc_id is None and paragraph is None:
        if text is None:
            raise InvalidOptionError("Give text=..., or doc_id=... with paragraph=....")
        return text, None
    if text is not None or doc_id is None or paragraph is None:
        raise InvalidOptionError("Give either text, or doc_id with paragraph, not both.")
    return library.context(doc_id, paragraph, before=0, after=0)[0].text, (doc_id, paragraph)


def _handlers(api: FastAPI) -> None:
    @api.exception_handler(QAError)
    async def qa_error(request: Request, exc: QAError) -> JSONResponse:
        if isinstance(exc, _Unavailable):
            return _error(503, str(exc))
        missing = isinstance(exc, UnknownDocumentError) or "has no paragraph" in str(exc)
        return _error(404 if missing else 400, str(exc))

    @api.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}" for e in exc.errors())
        return _error(422, f"Invalid parameters: {problems}.")

    @api.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail))

    @api.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("%s failed", request.url.path)
        return _error(500, "Something went wrong; the error is in the server log.")


def api_routes(library, *, unavailable: str | None = None) -> list[Mount]:
    """Routes to pass to the Gradio app (``app_kwargs={"routes": ...}``): the API under /api."""
    return [Mount("/api", app=build_api(library, unavailable=unavailable))]

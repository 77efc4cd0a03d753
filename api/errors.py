"""Maps domain errors to HTTP answers: ``{"detail": ...}`` with the status the API promises."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.routing import Match

from core.errors import (
    AccountLocked,
    AuthenticationFailed,
    Conflict,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServiceUnavailable,
)
from ports.ledger import InsufficientCredits
from ports.persistence import PaymentDeclined, TransactionConflict
from ports.tts_engine import VoiceConfigError

log = logging.getLogger(__name__)

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
STATUS = {
    NotFound: 404,
    Conflict: 409,
    PayloadTooLarge: 413,
    InvalidInput: 422,
    VoiceConfigError: 422,
    AuthenticationFailed: 401,
    AccountLocked: 403,
    PaymentDeclined: 402,
    ServiceUnavailable: 503,
}


def _detail(error: Exception) -> JSONResponse:
    status = next(code for kind, code in STATUS.items() if isinstance(error, kind))
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"detail": str(error)}, status_code=status, headers=headers)


def _insufficient(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InsufficientCredits)
    return JSONResponse(
        {"detail": f"not enough credits: {error.required} needed, {error.balance} available",
         "required": error.required, "balance": error.balance, "shortfall": error.shortfall},
        status_code=402,
    )


def _rate_limited(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RateLimited)
    return JSONResponse({"detail": str(error)}, status_code=429,
                        headers={"Retry-After": str(error.retry_after)})


def _invalid_request(_request: Request, error: Exception) -> JSONResponse:
    """FastAPI's 422 list, without echoing what was sent: it may be a password, or text (a
    lone surrogate) that no UTF-8 answer can carry."""
    assert isinstance(error, RequestValidationError)
    problems = [{key: value for key, value in problem.items() if key != "input"}
                for problem in error.errors()]
    return JSONResponse({"detail": jsonable_encoder(problems)}, status_code=422)


def _method_not_allowed(request: Request, _error: Exception) -> JSONResponse:
    """405 with ``Allow`` naming every method the path answers (the router names only those
    of the first route that matched the path)."""
    allowed = [method for method in METHODS if any(
        route.matches({**request.scope, "method": method})[0] is Match.FULL
        for route in request.app.router.routes)]
    return JSONResponse({"detail": f"{request.method} is not allowed here: use "
                                   f"{' or '.join(allowed)}"},
                        status_code=405, headers={"Allow": ", ".join(allowed)})


def _busy(_request: Request, _error: Exception) -> JSONResponse:
    return JSONResponse({"detail": "the server is busy with other changes to your account: "
                                   "try again in a moment"},
                        status_code=503, headers={"Retry-After": "1"})


def _database_error(_request: Request, error: Exception) -> JSONResponse:
    # The statement and its parameters stay in the log (which hides the parameters), never in
    # the answer.
    log.error("database error: %s", type(error).__name__, exc_info=error)
    return JSONResponse({"detail": "the database is unavailable: try again in a moment"},
                        status_code=503, headers={"Retry-After": "5"})


def install_error_handlers(app: FastAPI) -> None:
    for kind in STATUS:
        app.add_exception_handler(kind, lambda _request, error: _detail(error))
    app.add_exception_handler(InsufficientCredits, _insufficient)
    app.add_exception_handler(RateLimited, _rate_limited)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(405, _method_not_allowed)
    app.add_exception_handler(TransactionConflict, _busy)
    app.add_exception_handler(DBAPIError, _database_error)

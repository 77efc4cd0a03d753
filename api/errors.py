"""Maps domain errors to HTTP answers: ``{"detail": ...}`` with the status the API promises."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError

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
    app.add_exception_handler(TransactionConflict, _busy)
    app.add_exception_handler(DBAPIError, _database_error)

"""Audio downloads: a signed link or a bearer token; Range requests for seeking players."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Query
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from adapters.auth.tokens import InvalidToken
from api.audio_links import MIME_TYPES, download_name
from api.dependencies import (
    SIGNED_IN_ERRORS,
    CredentialsDep,
    SettingsDep,
    StatusCacheDep,
    StorageDep,
    TokensDep,
    UnitOfWorkDep,
    active_user_id,
    bearer,
    user_for_token,
)
from api.ranges import byte_range
from api.schemas import Text
from ports.storage import ObjectNotFound

router = APIRouter(prefix="/api/audio", tags=["audio"], responses=SIGNED_IN_ERRORS)


def link_user_id(token: str, audio_id: str, tokens: TokensDep,
                 credentials: CredentialsDep) -> str:
    """Whose signed link ``token`` is, if it is for this file and still valid. A password
    change ends links signed before it, as it ends the sessions."""
    try:
        claims = tokens.decode(token, purpose="download")
    except InvalidToken:
        raise HTTPException(401, "the download link is invalid or has expired") from None
    if claims.get("aid") != audio_id:
        raise HTTPException(401, "the download link is for another file")
    if credentials.revoked(None, str(claims["sub"]), float(claims["iat"])):
        raise HTTPException(401, "the download link was revoked: open the task again")
    return str(claims["sub"])


@router.get("/{audio_id}/download", responses={206: {}, 401: {}, 403: {}, 404: {}, 416: {}})
def download(audio_id: str, uow: UnitOfWorkDep, tokens: TokensDep, storage: StorageDep,
             settings: SettingsDep, credentials: CredentialsDep, cache: StatusCacheDep,
             authorization: Annotated[str | None, Depends(bearer)],
             token: Annotated[Text | None, Query(description="signed download token")] = None,
             range_header: Annotated[str | None, Header(alias="Range")] = None) -> Response:
    """The file; with a signed ``?token=`` no Authorization header is needed, but the
    account must still be active."""
    if token:
        user_id = active_user_id(uow, cache, link_user_id(token, audio_id, tokens, credentials))
    else:
        user_id = user_for_token(uow, tokens, credentials, authorization).id
    with uow:
        audio = uow.tasks.get_audio(audio_id, user_id=user_id)
    if audio is None:
        raise HTTPException(404, "no such audio")
    name = download_name(audio)
    presigned = storage.presigned_url(audio.file_path, filename=name,
                                      expires_seconds=settings.auth.download_token_minutes * 60)
    if presigned:
        return RedirectResponse(presigned, status_code=307)
    try:
        size = storage.size(audio.file_path)
    except ObjectNotFound:
        raise HTTPException(404, "the audio file is missing from storage") from None
    headers = {"Accept-Ranges": "bytes", "Content-Disposition": f'attachment; filename="{name}"'}
    media_type = MIME_TYPES.get(audio.format.value, "application/octet-stream")
    wanted = byte_range(range_header, size)
    if wanted is None:
        return StreamingResponse(storage.open_range(audio.file_path), media_type=media_type,
                                 headers={**headers, "Content-Length": str(size)})
    start, end = wanted
    return StreamingResponse(
        storage.open_range(audio.file_path, start, end), status_code=206, media_type=media_type,
        headers={**headers, "Content-Range": f"bytes {start}-{end}/{size}",
                 "Content-Length": str(end - start + 1)})

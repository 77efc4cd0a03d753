"""Scripts: validate while typing, create or upload, list, read and edit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile

from api.dependencies import (
    SIGNED_IN_ERRORS,
    CurrentUser,
    Limit,
    Offset,
    ScriptRulesDep,
    UnitOfWorkDep,
    limited_per_user,
)
from api.schemas import (
    ContentIn,
    ProblemOut,
    ScriptIn,
    ScriptOut,
    ScriptPage,
    ScriptUpdate,
    SegmentOut,
    Text,
    ValidationOut,
)
from core.entities import ScriptRecord
from core.errors import PayloadTooLarge
from core.script import ScriptLimits, parse_script, validate_script
from core.services import scripts as service

router = APIRouter(prefix="/api/scripts", tags=["scripts"], responses=SIGNED_IN_ERRORS)
ERRORS: dict[int | str, dict[str, Any]] = {401: {}, 404: {}, 413: {}, 422: {}}


def script_out(script: ScriptRecord, limits: ScriptLimits) -> ScriptOut:
    return ScriptOut(
        id=script.id, title=script.title, content=script.content, source=script.source.value,
        speakers=parse_script(script.content).speakers,
        estimated_chars=script.estimated_chars, estimated_duration=script.estimated_duration,
        estimated_credits=-(-script.estimated_chars // limits.chars_per_credit),
        conversation_id=script.conversation_id, created_at=script.created_at)


@router.post("/validate", responses={401: {}, 429: {}},
             dependencies=[limited_per_user("validate")])
def validate(body: ContentIn, user: CurrentUser, script_rules: ScriptRulesDep) -> ValidationOut:
    """Parse and estimate a draft; problems come back with their lines, errors included."""
    report = validate_script(body.content, *script_rules)
    return ValidationOut(
        speakers=report.speakers,
        segments=[SegmentOut(speaker=c.speaker, text=c.text, line=c.line)
                  for c in report.segments],
        estimated_chars=report.estimated_chars, estimated_duration=report.estimated_duration,
        estimated_credits=report.estimated_credits, language=report.language,
        problems=[ProblemOut(line=p.line, severity=p.severity.value, message=p.message)
                  for p in report.problems])


@router.post("", status_code=201, responses={**ERRORS, 429: {}},
             dependencies=[limited_per_user("upload")])
def create(body: ScriptIn, user: CurrentUser, uow: UnitOfWorkDep,
           script_rules: ScriptRulesDep) -> ScriptOut:
    """Store a script (free); one with errors is a 422 naming the line."""
    rules, limits = script_rules
    script = service.create_script(uow=uow, rules=rules, limits=limits, user_id=user.id,
                                   title=body.title, content=body.content)
    return script_out(script, limits)


@router.post("/upload", status_code=201, responses={**ERRORS, 429: {}},
             dependencies=[limited_per_user("upload")])
async def upload(file: Annotated[UploadFile, File(description=".md or .txt, UTF-8")],
                 user: CurrentUser, uow: UnitOfWorkDep, script_rules: ScriptRulesDep,
                 title: Annotated[Text | None, Form(max_length=200)] = None) -> ScriptOut:
    """Store an uploaded Markdown or text file as a script."""
    rules, limits = script_rules
    data = await file.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise PayloadTooLarge(f"the file is over {limits.max_bytes} bytes", field="file")
    name = file.filename or "script.md"
    content = service.decode_upload(data, name)
    script = service.create_script(uow=uow, rules=rules, limits=limits, user_id=user.id,
                                   title=title, content=content,
                                   fallback_title=name.rsplit(".", 1)[0])
    return script_out(script, limits)


@router.get("", responses={401: {}})
def list_scripts(user: CurrentUser, uow: UnitOfWorkDep, script_rules: ScriptRulesDep,
                 limit: Limit = 20, offset: Offset = 0) -> ScriptPage:
    """The signed-in user's scripts, newest first."""
    items, total = service.list_scripts(uow=uow, user_id=user.id, limit=limit, offset=offset)
    return ScriptPage(items=[script_out(s, script_rules[1]) for s in items], total=total)


@router.get("/{script_id}", responses={401: {}, 404: {}})
def get(script_id: str, user: CurrentUser, uow: UnitOfWorkDep,
        script_rules: ScriptRulesDep) -> ScriptOut:
    """One of the user's scripts; anyone else's is a 404."""
    return script_out(service.get_script(uow=uow, user_id=user.id, script_id=script_id),
                      script_rules[1])


@router.put("/{script_id}", responses=ERRORS)
def update(script_id: str, body: ScriptUpdate, user: CurrentUser, uow: UnitOfWorkDep,
           script_rules: ScriptRulesDep) -> ScriptOut:
    """Edit the title and/or content (free)."""
    rules, limits = script_rules
    script = service.update_script(uow=uow, rules=rules, limits=limits, user_id=user.id,
                                   script_id=script_id, title=body.title, content=body.content)
    return script_out(script, limits)


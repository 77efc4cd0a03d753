"""Use cases for scripts: validate, create (typed or uploaded), read and edit; all free."""

from __future__ import annotations

from core.entities import ScriptRecord
from core.errors import InvalidInput, NotFound, PayloadTooLarge
from core.script import ScriptLimits, SegmenterRules, ValidationReport, validate_script
from core.states import ScriptSource
from core.text import unstorable
from ports.persistence import UnitOfWork

UPLOAD_EXTENSIONS = (".md", ".markdown", ".txt")


def checked(content: str, rules: SegmenterRules, limits: ScriptLimits) -> ValidationReport:
    """The report of a script that may be stored. :raises InvalidInput: naming the first
    error's line; :raises PayloadTooLarge: over ``[scripts] max_bytes``."""
    report = validate_script(content, rules, limits)
    if report.too_large:
        raise PayloadTooLarge(report.errors[0].message, field="content")
    if report.errors:
        first = report.errors[0]
        raise InvalidInput(f"line {first.line}: {first.message}", field="content",
                           line=first.line)
    return report


def decode_upload(data: bytes, filename: str) -> str:
    """The text of an uploaded ``.md``/``.txt`` file. :raises InvalidInput: naming the line
    where the bytes stop being UTF-8, or a file name no database can store."""
    reason = unstorable(filename)
    if reason:
        raise InvalidInput(f"the file name {reason}", field="file")
    if not filename.lower().endswith(UPLOAD_EXTENSIONS):
        raise InvalidInput(f"{filename!r}: upload a .md or .txt file", field="file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as bad:
        line = data[: bad.start].count(b"\n") + 1
        raise InvalidInput(f"line {line}: the file is not UTF-8 text", field="file",
                           line=line) from None


def title_for(title: str | None, report: ValidationReport, fallback: str) -> str:
    """The given title, else the script's first heading, else ``fallback``."""
    if title and title.strip():
        return title.strip()[:200]
    heading = next((turn.chapter for turn in report.turns if turn.chapter), None)
    return (heading or fallback)[:200]


def create_script(*, uow: UnitOfWork, rules: SegmenterRules, limits: ScriptLimits,
                  user_id: str, title: str | None, content: str,
                  source: ScriptSource = ScriptSource.UPLOADED,
                  fallback_title: str = "Untitled script") -> ScriptRecord:
    """Store a script without errors (warnings are fine)."""
    report = checked(content, rules, limits)
    with uow:
        script = uow.scripts.add(user_id=user_id, title=title_for(title, report, fallback_title),
                                 content=content, source=source,
                                 estimated_chars=report.estimated_chars,
                                 estimated_duration=report.estimated_duration)
        uow.commit()
    return script


def get_script(*, uow: UnitOfWork, user_id: str, script_id: str) -> ScriptRecord:
    with uow:
        script = uow.scripts.get(script_id, user_id=user_id)
    if script is None:
        raise NotFound("no such script")
    return script


def list_scripts(*, uow: UnitOfWork, user_id: str, limit: int, offset: int
                 ) -> tuple[list[ScriptRecord], int]:
    with uow:
        return uow.scripts.page(user_id=user_id, limit=limit, offset=offset)


def update_script(*, uow: UnitOfWork, rules: SegmenterRules, limits: ScriptLimits,
                  user_id: str, script_id: str, title: str | None,
                  content: str | None) -> ScriptRecord:
    """Edit title and/or content; tasks keep what they rendered."""
    with uow:
        current = uow.scripts.get(script_id, user_id=user_id)
        if current is None:
            raise NotFound("no such script")
        new_content = current.content if content is None else content
        report = checked(new_content, rules, limits)
        new_title = current.title if title is None else title_for(title, report, current.title)
        updated = uow.scripts.update(script_id, user_id=user_id, title=new_title,
                                     content=new_content,
                                     estimated_chars=report.estimated_chars,
                                     estimated_duration=report.estimated_duration)
        uow.commit()
    assert updated is not None
    return updated

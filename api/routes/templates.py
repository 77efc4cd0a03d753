"""The template library: topics with a starter script, in Chinese and English."""

from __future__ import annotations

from fastapi import APIRouter

from api.dependencies import SIGNED_IN_ERRORS, CurrentUser, ScriptRulesDep, UnitOfWorkDep
from api.routes.scripts import script_out
from api.schemas import ScriptOut, TemplateOut, Text
from core.errors import NotFound
from core.services.scripts import create_script
from core.states import ScriptSource

router = APIRouter(prefix="/api/templates", tags=["templates"])


@router.get("")
def list_templates(uow: UnitOfWorkDep, language: Text | None = None) -> list[TemplateOut]:
    with uow:
        templates = uow.templates.all(language=language)
    return [TemplateOut(id=t.id, title=t.title, topic=t.topic, style=t.style,
                        language=t.language, speakers=t.speakers, description=t.description)
            for t in templates]


@router.post("/{template_id}/scripts", status_code=201,
             responses={**SIGNED_IN_ERRORS, 404: {}})
def new_script(template_id: str, user: CurrentUser, uow: UnitOfWorkDep,
               script_rules: ScriptRulesDep) -> ScriptOut:
    """A new script of yours from the template's starter script (source ``template``)."""
    with uow:
        template = uow.templates.get(template_id)
    if template is None:
        raise NotFound("no such template")
    rules, limits = script_rules
    script = create_script(uow=uow, rules=rules, limits=limits, user_id=user.id,
                           title=template.title, content=template.content,
                           source=ScriptSource.TEMPLATE)
    return script_out(script, limits)

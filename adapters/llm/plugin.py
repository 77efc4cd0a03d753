"""Registers litellm as ``[llm] type = "litellm"`` (any provider, chosen by ``[llm] model``)."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.llm.litellm_llm import LiteLLM, LLMSettings
from ports import AdapterContext, AdapterSpec, AdapterUnavailable, NoSettings, hookimpl

NOT_CONFIGURED = "No LLM is configured: set [llm] model (and api_key or api_base)"


def create_litellm(settings: NoSettings, context: AdapterContext) -> LiteLLM:
    """Reads ``[llm] model, api_base, api_key, timeout_seconds``."""
    llm = context.config["llm"]
    if not llm["model"]:
        raise AdapterUnavailable(NOT_CONFIGURED)
    return LiteLLM(LLMSettings(model=llm["model"], api_base=llm["api_base"],
                               api_key=llm["api_key"], timeout_seconds=llm["timeout_seconds"]))


@hookimpl
def podforge_register_adapters() -> Sequence[AdapterSpec]:
    return [AdapterSpec("llm", "litellm", create_litellm,
                        description="any LLM provider through litellm")]

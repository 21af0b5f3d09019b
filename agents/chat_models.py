"""The chat-model factory, the pre-flight check, and one guarded way to call a model.

Any LangChain chat model works: ``openai:<model>`` through langchain-openai (``base_url`` for an
OpenAI-compatible server such as vLLM, Ollama or llama.cpp), or another provider string as
``init_chat_model`` reads it. ``ask`` adds what plain chat completions lack: retries with
backoff for transient errors, one re-ask when the answer cannot be parsed, and usage counting.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
import openai
from langchain.chat_models import init_chat_model
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.rate_limiters import InMemoryRateLimiter

from agents.parsing import ParseError
from agents.usage import record_usage, usage_from_response

T = TypeVar("T")
ModelFactory = Callable[[str, "LLMSettings"], BaseChatModel]

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    openai.APIConnectionError,
    openai.APITimeoutError,
    openai.RateLimitError,
    openai.InternalServerError,
    httpx.TransportError,
    ConnectionError,
    TimeoutError,
)


class ModelConfigError(RuntimeError):
    """A model that cannot be used: no key, an unreachable server, an unknown provider."""


class AgentFailure(RuntimeError):
    """An agent could not produce its answer (unparseable twice, or the API kept failing)."""


@dataclass(frozen=True)
class LLMSettings:
    """How LLM-backed agents reach their models."""

    base_url: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    temperature: float = 0.2
    timeout_s: float = 120.0
    max_retries: int = 4
    backoff_s: float = 1.0
    requests_per_second: float | None = None
    _limiters: dict[float, InMemoryRateLimiter] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def rate_limiter(self) -> InMemoryRateLimiter | None:
        """One limiter shared by every model built from these settings (all roles)."""
        rps = self.requests_per_second
        if not rps:
            return None
        if rps not in self._limiters:
            self._limiters[rps] = InMemoryRateLimiter(
                requests_per_second=rps, check_every_n_seconds=0.05, max_bucket_size=1
            )
        return self._limiters[rps]


def provider_of(model: str) -> str:
    return model.split(":", 1)[0] if ":" in model else "openai"


def make_chat_model(model: str, settings: LLMSettings) -> BaseChatModel:
    """A LangChain chat model for a model string. Retries are ours (``ask``), so the client's
    own are off: two layers of retries would multiply the waits."""
    provider = provider_of(model)
    if provider == "openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model=model.split(":", 1)[-1],
            base_url=settings.base_url,
            api_key=os.environ.get(settings.api_key_env) or None,  # type: ignore[arg-type]
            temperature=settings.temperature,
            timeout=settings.timeout_s,
            max_retries=0,
            rate_limiter=settings.rate_limiter(),
        )
    options: dict[str, Any] = {
        "temperature": settings.temperature,
        "rate_limiter": settings.rate_limiter(),
    }
    if settings.base_url:
        options["base_url"] = settings.base_url
    return init_chat_model(model, **options)


def preflight(models: Sequence[str], settings: LLMSettings) -> None:
    """Fail before any work starts when a model cannot be reached: no key, or no server."""
    for provider in sorted({provider_of(m) for m in models}):
        if provider != "openai":
            continue
        if not os.environ.get(settings.api_key_env):
            raise ModelConfigError(
                f"{settings.api_key_env} is not set, so the OpenAI models "
                f"({', '.join(m for m in models if provider_of(m) == 'openai')}) cannot be "
                f"called. Export {settings.api_key_env} (any non-empty value for a local "
                "OpenAI-compatible server), or run without --model to use the offline agents."
            )
        base = (settings.base_url or "https://api.openai.com/v1").rstrip("/")
        try:
            httpx.get(
                f"{base}/models",
                headers={"Authorization": f"Bearer {os.environ[settings.api_key_env]}"},
                timeout=min(settings.timeout_s, 10.0),
            )
        except httpx.HTTPError as exc:
            raise ModelConfigError(
                f"Cannot reach the model server at {base} ({type(exc).__name__}: {exc}). "
                "Check --base-url and that the server is running, or run without --model to "
                "use the offline agents."
            ) from exc


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 429 or exc.status_code >= 500
    return isinstance(exc, TRANSIENT_ERRORS)


class ChatCaller:
    """One role's model, called with retries, a parse-retry and usage accounting."""

    def __init__(
        self,
        model: BaseChatModel,
        model_name: str,
        settings: LLMSettings,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.model = model
        self.model_name = model_name
        self.settings = settings
        self.sleep = sleep

    def _invoke(self, messages: list[BaseMessage]) -> AIMessage:
        attempt = 0
        while True:
            try:
                reply = self.model.invoke(messages)
            except Exception as exc:
                if not _is_transient(exc) or attempt >= self.settings.max_retries:
                    raise AgentFailure(
                        f"{self.model_name}: {type(exc).__name__}: {exc}"
                        + (f" (after {attempt} retries)" if attempt else "")
                    ) from exc
                delay = self.settings.backoff_s * 2**attempt * (1 + random.random() / 2)
                attempt += 1
                self.sleep(delay)
                continue
            record_usage(usage_from_response(reply, self.model_name))
            if not isinstance(reply, AIMessage):
                reply = AIMessage(content=str(getattr(reply, "content", reply)))
            return reply

    def ask(
        self,
        messages: list[BaseMessage],
        parse: Callable[[str], T],
    ) -> T:
        """Ask, parse; on a parse failure ask once more with the parser's message."""
        reply = self._invoke(messages)
        try:
            return parse(str(reply.text))
        except (ParseError, ValueError) as first:
            retry = [*messages, reply, HumanMessage(content=f"{first} Please answer again.")]
            second = self._invoke(retry)
            try:
                return parse(str(second.text))
            except (ParseError, ValueError) as exc:
                raise AgentFailure(
                    f"{self.model_name} answered twice without a usable answer: {exc}"
                ) from exc

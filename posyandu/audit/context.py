"""Who is acting and from where, for the audit events of the current request or command."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any = None
    ip: str | None = None
    user_agent: str = ""
    via: str = ""  # "web", "api", "command:<name>"


NOBODY = Actor()
_current: ContextVar[Actor] = ContextVar("audit_actor", default=NOBODY)


def current_actor() -> Actor:
    return _current.get()


@contextmanager
def acting_as(actor: Actor) -> Iterator[None]:
    token = _current.set(actor)
    try:
        yield
    finally:
        _current.reset(token)


def replace_actor(actor: Actor) -> None:
    """Name the actor once the request is authenticated later than the middleware (an API
    token): the middleware's `acting_as` still restores the previous actor at the end."""
    _current.set(actor)

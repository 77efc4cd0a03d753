"""The database itself refuses impossible states, whatever code writes to it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adapters.db.engine import create_db_engine
from adapters.db.migrate import upgrade
from adapters.db.models import CreditTransaction, Script, Task, User


@pytest.fixture(params=["postgresql", "sqlite"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_database_url")
    else:
        url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    upgrade(url)
    engine = create_db_engine(url)
    yield engine
    engine.dispose()


def make_user(session: Session, **values: object) -> User:
    user = User(username=f"u{uuid.uuid4().hex[:8]}", email=f"{uuid.uuid4().hex[:8]}@example.org",
                password_hash="x", **values)
    session.add(user)
    session.flush()
    return user


def test_a_balance_can_never_go_negative(engine: Engine) -> None:
    with Session(engine) as session, pytest.raises(IntegrityError, match="balance_not_negative"):
        make_user(session, credit_balance=-1)


def test_an_idempotency_key_is_unique_per_user(engine: Engine) -> None:
    with Session(engine) as session:
        user, other = make_user(session), make_user(session)
        for owner in (user, other):  # the same key for another user is fine
            session.add(CreditTransaction(user_id=owner.id, amount=5, balance_after=5,
                                          type="grant", idempotency_key="signup"))
        session.flush()
        session.add(CreditTransaction(user_id=user.id, amount=5, balance_after=10,
                                      type="grant", idempotency_key="signup"))
        with pytest.raises(IntegrityError):
            session.flush()


@pytest.mark.parametrize(
    ("values", "constraint"),
    [({"progress": 101}, "progress_range"), ({"status": "lost"}, "status")],
)
def test_task_progress_and_status_stay_in_range(
    engine: Engine, values: dict[str, object], constraint: str
) -> None:
    with Session(engine) as session:
        user = make_user(session)
        script = Script(user_id=user.id, title="t", content="**A:** hi")
        session.add(script)
        session.flush()
        session.add(Task(user_id=user.id, script_id=script.id, voice_config={},
                         engine_type="direct", **values))
        with pytest.raises(IntegrityError, match=constraint):
            session.flush()


def test_a_task_must_belong_to_an_existing_script(engine: Engine) -> None:
    with Session(engine) as session:
        user = make_user(session)
        session.add(Task(user_id=user.id, script_id=uuid.uuid4(), voice_config={},
                         engine_type="direct"))
        with pytest.raises(IntegrityError):
            session.flush()

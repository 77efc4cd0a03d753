"""The SQL ledger on PostgreSQL and SQLite: the contract, and exactness under concurrency."""

from __future__ import annotations

import multiprocessing
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from adapters.db.engine import create_db_engine
from adapters.db.ledger import SqlAlchemyLedger
from adapters.db.migrate import upgrade
from adapters.db.models import CreditTransaction, User
from ports.contracts import LedgerContract
from ports.ledger import InsufficientCredits, TransactionType


@pytest.fixture(params=["postgresql", "sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        url: str = request.getfixturevalue("pg_database_url")
    else:
        url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    upgrade(url)
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


def new_user(engine: Engine, balance: int = 0) -> str:
    with Session(engine) as session, session.begin():
        user = User(username=uuid.uuid4().hex[:10], email=f"{uuid.uuid4().hex[:8]}@x.org",
                    password_hash="x", credit_balance=0)
        session.add(user)
        session.flush()
        user_id = str(user.id)
    if balance:
        SqlAlchemyLedger(session_factory=sessionmaker(engine)).grant(
            user_id=user_id, amount=balance, reference_id=None, idempotency_key="seed",
            description="seed")
    return user_id


class TestSqlAlchemyLedger(LedgerContract):
    @pytest.fixture
    def ledger(self, engine: Engine) -> SqlAlchemyLedger:
        return SqlAlchemyLedger(session_factory=sessionmaker(engine))

    @pytest.fixture
    def account(self, engine: Engine) -> str:
        return new_user(engine)


def test_a_refused_debit_inside_a_unit_of_work_leaves_the_other_writes(engine: Engine) -> None:
    user_id = new_user(engine, balance=5)
    with Session(engine) as session:
        ledger = SqlAlchemyLedger(session=session)
        ledger.grant(user_id=user_id, amount=1, reference_id=None, idempotency_key="g2",
                     description="")
        with pytest.raises(InsufficientCredits):
            ledger.debit(user_id=user_id, amount=100, type=TransactionType.AUDIO_GENERATION,
                         reference_id=None, idempotency_key="d", description="")
        session.commit()
    assert SqlAlchemyLedger(session_factory=sessionmaker(engine)).balance(user_id) == 6


def debit_many(url: str, user_id: str, keys: list[str], results: multiprocessing.Queue[str]
               ) -> None:
    """Runs in a separate process: try each debit, report ok or refused."""
    engine = create_db_engine(url)
    ledger = SqlAlchemyLedger(session_factory=sessionmaker(engine))
    for key in keys:
        try:
            ledger.debit(user_id=user_id, amount=10, type=TransactionType.AUDIO_GENERATION,
                         reference_id=key, idempotency_key=key, description="race")
            results.put("ok")
        except InsufficientCredits:
            results.put("refused")
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.slow
def test_fifty_concurrent_debits_from_four_processes_never_overdraw(pg_database_url: str) -> None:
    upgrade(pg_database_url)
    engine = create_db_engine(pg_database_url)
    user_id = new_user(engine, balance=100)  # covers exactly 10 debits of 10
    keys = [f"task:{n}:debit" for n in range(50)]
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue[str] = context.Queue()
    workers = [context.Process(target=debit_many, args=(pg_database_url, user_id,
                                                         keys[i::4], results))
               for i in range(4)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in keys]
    for worker in workers:
        worker.join(timeout=60)
    assert outcomes.count("ok") == 10 and outcomes.count("refused") == 40
    with Session(engine) as session:
        balance = session.execute(select(User.credit_balance)).scalar_one()
        total = session.execute(select(func.sum(CreditTransaction.amount))).scalar_one()
        lowest = session.execute(select(func.min(CreditTransaction.balance_after))).scalar_one()
    assert balance == 0 == total and lowest == 0
    engine.dispose()

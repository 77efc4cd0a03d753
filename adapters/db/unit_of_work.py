"""The unit of work on SQLAlchemy: one session, one transaction, repositories inside it."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from adapters.db.conversation_repository import (
    SqlConversationRepository,
    SqlTemplateRepository,
)
from adapters.db.ledger import SqlAlchemyLedger
from adapters.db.repositories import (
    SqlScriptRepository,
    SqlTransactionRepository,
    SqlUserRepository,
)
from adapters.db.task_repository import SqlTaskRepository
from ports.persistence import UnitOfWork


class SqlAlchemyUnitOfWork(UnitOfWork):
    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self.session_factory = session_factory

    def __enter__(self) -> SqlAlchemyUnitOfWork:
        self.session = self.session_factory()
        self.users = SqlUserRepository(self.session)
        self.transactions = SqlTransactionRepository(self.session)
        self.scripts = SqlScriptRepository(self.session)
        self.tasks = SqlTaskRepository(self.session)
        self.conversations = SqlConversationRepository(self.session)
        self.templates = SqlTemplateRepository(self.session)
        self.ledger = SqlAlchemyLedger(session=self.session)
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

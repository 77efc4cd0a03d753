"""The unit of work on SQLAlchemy: one session, one transaction, repositories inside it."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from adapters.db.conversation_repository import (
    SqlConversationRepository,
    SqlTemplateRepository,
)
from adapters.db.ledger import SqlAlchemyLedger
from adapters.db.repositories import (
    SqlPurchaseOrderRepository,
    SqlScriptRepository,
    SqlTransactionRepository,
    SqlUserRepository,
)
from adapters.db.task_repository import SqlTaskRepository
from ports.persistence import TransactionConflict, UnitOfWork

# PostgreSQL's SQLSTATEs for a transaction aborted to settle a conflict: running it again is safe.
CONFLICT_STATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected


def is_conflict(error: DBAPIError) -> bool:
    return getattr(error.orig, "pgcode", None) in CONFLICT_STATES


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
        self.orders = SqlPurchaseOrderRepository(self.session)
        self.ledger = SqlAlchemyLedger(session=self.session)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.session.rollback()
        self.session.close()
        if isinstance(error, DBAPIError) and is_conflict(error):
            raise TransactionConflict("the database settled a conflict with another "
                                      "transaction") from error

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

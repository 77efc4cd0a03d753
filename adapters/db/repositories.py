"""SQLAlchemy repositories: queries only; the unit of work owns the transaction."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adapters.db import models
from adapters.db.ledger import as_uuid, lock_user, to_entry
from adapters.db.models import utcnow
from core.accounts import User
from core.entities import PurchaseOrder, ScriptRecord
from core.errors import Conflict
from core.states import ScriptSource, UserStatus
from ports.ledger import LedgerEntry, TransactionType
from ports.persistence import (
    PurchaseOrderRepository,
    ScriptRepository,
    TransactionRepository,
    UserRepository,
)


def taken_field(clash: IntegrityError) -> str:
    """The unique column a failed user insert collided on, from the constraint the database
    names (``uq_users_email`` on PostgreSQL, ``users.email`` on SQLite)."""
    constraint = getattr(getattr(clash.orig, "diag", None), "constraint_name", None)
    return "email" if (constraint or str(clash.orig)).endswith("email") else "username"


def to_user(row: models.User) -> User:
    return User(str(row.id), row.username, row.email, row.password_hash, row.credit_balance,
                row.total_credit_purchased, UserStatus(row.status), row.created_at)


class SqlUserRepository(UserRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, *, username: str, email: str, password_hash: str) -> User:
        row = models.User(username=username, email=email.lower(), password_hash=password_hash,
                          credit_balance=0, total_credit_purchased=0,
                          status=UserStatus.ACTIVE.value)
        self.session.add(row)
        try:
            self.session.flush()
        except IntegrityError as clash:  # a registration that raced the taken() check
            field = taken_field(clash)
            raise Conflict(f"that {field} is already registered", field=field) from None
        return to_user(row)

    def get(self, user_id: str) -> User | None:
        uid = as_uuid(user_id)
        row = self.session.get(models.User, uid, populate_existing=True) if uid else None
        return to_user(row) if row else None

    def get_by_login(self, login: str) -> User | None:
        row = self.session.execute(select(models.User).where(or_(
            models.User.username == login, models.User.email == login.lower()))
        ).scalars().first()
        return to_user(row) if row else None

    def taken(self, *, username: str, email: str) -> list[str]:
        rows = self.session.execute(select(models.User.username, models.User.email).where(
            or_(models.User.username == username, models.User.email == email.lower()))).all()
        fields = []
        if any(row.username == username for row in rows):
            fields.append("username")
        if any(row.email == email.lower() for row in rows):
            fields.append("email")
        return fields

    def set_status(self, user_id: str, status: UserStatus) -> None:
        self.session.execute(update(models.User).where(models.User.id == as_uuid(user_id))
                             .values(status=status.value))

    def lock(self, user_id: str) -> User | None:
        uid = as_uuid(user_id)
        row = self.session.execute(lock_user(uid)).scalar_one_or_none() if uid else None
        return to_user(row) if row else None

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        self.session.execute(update(models.User).where(models.User.id == as_uuid(user_id))
                             .values(password_hash=password_hash))

    def page(self, *, limit: int, offset: int) -> tuple[list[User], int]:
        total = self.session.execute(select(func.count()).select_from(models.User)).scalar_one()
        rows = self.session.execute(select(models.User).order_by(models.User.created_at)
                                    .limit(limit).offset(offset)).scalars()
        return [to_user(row) for row in rows], total


class SqlTransactionRepository(TransactionRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def list_for_user(self, user_id: str, *, limit: int, offset: int
                      ) -> tuple[list[LedgerEntry], int]:
        uid = as_uuid(user_id)
        owned = models.CreditTransaction.user_id == uid
        total = self.session.execute(
            select(func.count()).select_from(models.CreditTransaction).where(owned)).scalar_one()
        rows = self.session.execute(
            select(models.CreditTransaction).where(owned)
            .order_by(models.CreditTransaction.created_at.desc(),
                      models.CreditTransaction.balance_after.desc())
            .limit(limit).offset(offset)).scalars()
        return [to_entry(row) for row in rows], total

    def total_for_reference(self, user_id: str, reference_id: str,
                            type: TransactionType) -> int:
        total = self.session.execute(select(func.coalesce(func.sum(
            models.CreditTransaction.amount), 0)).where(
            models.CreditTransaction.user_id == as_uuid(user_id),
            models.CreditTransaction.reference_id == reference_id,
            models.CreditTransaction.type == type.value)).scalar_one()
        return int(total)

    def find(self, user_id: str, idempotency_key: str) -> LedgerEntry | None:
        row = self.session.execute(select(models.CreditTransaction).where(
            models.CreditTransaction.user_id == as_uuid(user_id),
            models.CreditTransaction.idempotency_key == idempotency_key)).scalar_one_or_none()
        return to_entry(row) if row else None


def to_script(row: models.Script) -> ScriptRecord:
    return ScriptRecord(str(row.id), str(row.user_id), row.title, row.content,
                        ScriptSource(row.source),
                        str(row.conversation_id) if row.conversation_id else None,
                        row.generation_params, row.estimated_chars, row.estimated_duration,
                        row.created_at)


class SqlScriptRepository(ScriptRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, script_id: str, user_id: str) -> models.Script | None:
        sid, uid = as_uuid(script_id), as_uuid(user_id)
        if sid is None or uid is None:
            return None
        return self.session.execute(select(models.Script).where(
            models.Script.id == sid, models.Script.user_id == uid)).scalar_one_or_none()

    def add(self, *, user_id: str, title: str, content: str, source: ScriptSource,
            estimated_chars: int, estimated_duration: float,
            conversation_id: str | None = None,
            generation_params: dict[str, Any] | None = None) -> ScriptRecord:
        row = models.Script(user_id=as_uuid(user_id), title=title, content=content,
                            source=source.value, estimated_chars=estimated_chars,
                            estimated_duration=estimated_duration,
                            conversation_id=as_uuid(conversation_id) if conversation_id else None,
                            generation_params=generation_params)
        self.session.add(row)
        self.session.flush()
        return to_script(row)

    def get(self, script_id: str, *, user_id: str) -> ScriptRecord | None:
        row = self._row(script_id, user_id)
        return to_script(row) if row else None

    def page(self, *, user_id: str, limit: int, offset: int) -> tuple[list[ScriptRecord], int]:
        owned = models.Script.user_id == as_uuid(user_id)
        total = self.session.execute(
            select(func.count()).select_from(models.Script).where(owned)).scalar_one()
        rows = self.session.execute(select(models.Script).where(owned).order_by(
            models.Script.created_at.desc()).limit(limit).offset(offset)).scalars()
        return [to_script(row) for row in rows], total

    def update(self, script_id: str, *, user_id: str, title: str, content: str,
               estimated_chars: int, estimated_duration: float) -> ScriptRecord | None:
        row = self._row(script_id, user_id)
        if row is None:
            return None
        row.title, row.content = title, content
        row.estimated_chars, row.estimated_duration = estimated_chars, estimated_duration
        self.session.flush()
        return to_script(row)


def insert_if_absent(session: Session, table: Any, **values: Any) -> None:
    """INSERT ... ON CONFLICT DO NOTHING, in the session's dialect. On PostgreSQL a conflict
    with another transaction's uncommitted row waits for that transaction to end."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(table).values(**values).on_conflict_do_nothing())


def to_order(row: models.PurchaseOrder) -> PurchaseOrder:
    return PurchaseOrder(str(row.id), str(row.user_id), row.order_id, row.amount,
                         row.paid_at is not None,
                         str(row.transaction_id) if row.transaction_id else None)


class SqlPurchaseOrderRepository(PurchaseOrderRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def reserve(self, *, user_id: str, order_id: str, amount: int) -> PurchaseOrder:
        uid = as_uuid(user_id)
        insert_if_absent(self.session, models.PurchaseOrder.__table__, id=uuid.uuid4(),
                         user_id=uid, order_id=order_id, amount=amount, created_at=utcnow())
        row = self.session.execute(
            select(models.PurchaseOrder).where(models.PurchaseOrder.user_id == uid,
                                               models.PurchaseOrder.order_id == order_id)
            .with_for_update().execution_options(populate_existing=True)).scalar_one()
        return to_order(row)

    def mark_paid(self, order: PurchaseOrder, *, payment_reference: str,
                  transaction_id: str) -> None:
        self.session.execute(update(models.PurchaseOrder)
                             .where(models.PurchaseOrder.id == as_uuid(order.id))
                             .values(payment_reference=payment_reference[:255],
                                     transaction_id=as_uuid(transaction_id), paid_at=utcnow()))

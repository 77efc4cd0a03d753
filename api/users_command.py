"""``podforge users``: operators create, credit, suspend and list accounts."""

from __future__ import annotations

import uuid
from typing import Annotated

import typer

from core.errors import DomainError

app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)


def container():  # type: ignore[no-untyped-def]
    from adapters.container import create_container

    return create_container()


def fail(error: Exception) -> typer.Exit:
    typer.secho(f"error: {error}", fg="red", err=True)
    return typer.Exit(1)


@app.command()
def create(
    username: str,
    email: str,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True,
                                          confirmation_prompt=True)],
) -> None:
    """Create an account (with the sign-up bonus)."""
    from pydantic import TypeAdapter, ValidationError

    from api.schemas import RegisterIn
    from core.services.accounts import register_user

    try:
        body = TypeAdapter(RegisterIn).validate_python(
            {"username": username, "email": email, "password": password})
    except ValidationError as invalid:
        field = invalid.errors()[0]["loc"][-1]
        raise fail(ValueError(f"{field}: {invalid.errors()[0]['msg']}")) from None
    c = container()
    try:
        user = register_user(uow=c.unit_of_work(), hasher=c.password_hasher(),
                             rules=c.billing_rules(), username=body.username,
                             email=str(body.email), password=body.password)
    except DomainError as problem:
        raise fail(problem) from None
    typer.echo(f"created {user.username} ({user.id}) with {user.credit_balance} credits")


@app.command()
def grant(
    user: Annotated[str, typer.Argument(help="username, email or id")],
    amount: int,
    reason: Annotated[str, typer.Option(help="recorded with the transaction")] = "granted "
                                                                                  "by an operator",
) -> None:
    """Give credits to a user."""
    from core.services.accounts import find_user, grant_credits

    c = container()
    try:
        target = find_user(uow=c.unit_of_work(), login=user)
        entry = grant_credits(uow=c.unit_of_work(), user_id=target.id, amount=amount,
                              reason=reason, idempotency_key=f"admin-grant:{uuid.uuid4()}")
    except DomainError as problem:
        raise fail(problem) from None
    typer.echo(f"{target.username}: +{entry.amount}, balance {entry.balance_after}")


@app.command()
def suspend(
    user: Annotated[str, typer.Argument(help="username, email or id")],
    ban: Annotated[bool, typer.Option(help="ban instead of suspending")] = False,
    lift: Annotated[bool, typer.Option(help="make the account active again")] = False,
) -> None:
    """Suspend (or ban, or reactivate) a user: their tokens stop working at once."""
    from core.services.accounts import find_user, set_status
    from core.states import UserStatus

    status = UserStatus.ACTIVE if lift else UserStatus.BANNED if ban else UserStatus.SUSPENDED
    c = container()
    try:
        target = find_user(uow=c.unit_of_work(), login=user)
    except DomainError as problem:
        raise fail(problem) from None
    set_status(uow=c.unit_of_work(), cache=c.status_cache(), user_id=target.id, status=status)
    typer.echo(f"{target.username}: {status.value}")


@app.command("list")
def list_users(
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 100,
    offset: Annotated[int, typer.Option(min=0)] = 0,
) -> None:
    """List users, oldest first."""
    c = container()
    with c.unit_of_work() as uow:
        users, total = uow.users.page(limit=limit, offset=offset)
    for user in users:
        typer.echo(f"{user.id}  {user.username:<20} {user.email:<30} {user.status.value:<9} "
                   f"{user.credit_balance:>8}")
    typer.echo(f"{len(users)} of {total}")

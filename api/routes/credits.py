"""The credit ledger: history and purchases."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.dependencies import (
    SIGNED_IN_ERRORS,
    BillingRulesDep,
    CurrentUser,
    Limit,
    Offset,
    PaymentsDep,
    UnitOfWorkDep,
)
from api.schemas import PurchaseIn, SignupBonusOut, TransactionOut, TransactionPage
from core.services.credits import list_transactions, purchase_credits

router = APIRouter(prefix="/api/credits", tags=["credits"], responses=SIGNED_IN_ERRORS)


@router.get("/signup-bonus")
def signup_bonus(rules: BillingRulesDep) -> SignupBonusOut:
    """The credits a new account starts with (``[billing] signup_credits``), for the sign-up
    page; no sign-in needed."""
    return SignupBonusOut(credits=rules.signup_credits)


@router.get("/transactions", responses={401: {}})
def transactions(user: CurrentUser, uow: UnitOfWorkDep, limit: Limit = 20,
                 offset: Offset = 0) -> TransactionPage:
    """The signed-in user's transactions, newest first; their amounts add up to the balance."""
    items, total = list_transactions(uow=uow, user_id=user.id, limit=limit, offset=offset)
    return TransactionPage(items=[TransactionOut.of(e) for e in items], total=total)


@router.post("/purchase", status_code=201, responses={200: {}, 401: {}, 402: {}, 409: {}, 422: {}})
def purchase(body: PurchaseIn, user: CurrentUser, uow: UnitOfWorkDep, payments: PaymentsDep,
             rules: BillingRulesDep, response: Response) -> TransactionOut:
    """Buy credits; the same ``order_id`` again returns the first transaction (200) without
    charging again, and with another amount is refused (409)."""
    entry, created = purchase_credits(uow=uow, payments=payments, rules=rules, user_id=user.id,
                                      amount=body.amount, order_id=body.order_id)
    if not created:
        response.status_code = 200
    return TransactionOut.of(entry)

"""The development payment provider, ``[payment] type = "dev"``: approves, but only in dev."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from ports import AdapterContext, AdapterSpec, NoSettings, hookimpl
from ports.persistence import PaymentDeclined, PaymentProvider


class DevPaymentProvider(PaymentProvider):
    def __init__(self, env: str) -> None:
        self.env = env

    def charge(self, *, user_id: str, amount: int, order_id: str, idempotency_key: str) -> str:
        if self.env != "dev":
            raise PaymentDeclined("the development payment provider only works with "
                                  "[app] env = \"dev\"; install and configure a real provider")
        # Like a real provider: one payment per idempotency key, the same reference again.
        return f"dev-{uuid.uuid5(uuid.NAMESPACE_URL, idempotency_key).hex}"


def create_dev_payments(settings: NoSettings, context: AdapterContext) -> DevPaymentProvider:
    return DevPaymentProvider(context.env)


@hookimpl
def podforge_register_adapters() -> Sequence[AdapterSpec]:
    return [AdapterSpec("payment", "dev", create_dev_payments,
                        description="approves every purchase (development only)")]

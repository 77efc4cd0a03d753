"""JSON Web Tokens (python-jose): the algorithm pinned, expiry, issuer and subject required."""

from __future__ import annotations

import time
import uuid
from typing import Any

from jose import JWTError, jwk, jwt


class InvalidToken(Exception):
    """Missing, malformed, tampered with, expired, or signed by another key or algorithm."""


class JwtTokens:
    def __init__(self, *, secret: str, issuer: str, expire_minutes: int,
                 algorithm: str = "HS256") -> None:
        # Built once: given the raw secret, python-jose would first try to parse it as a JWK
        # set at every call, which costs more than checking the signature.
        self._key = jwk.construct(secret, algorithm)
        self.issuer = issuer
        self.lifetime = expire_minutes * 60
        self.algorithm = algorithm

    def issue(self, user_id: str, purpose: str = "access", lifetime: int | None = None,
              **extra: str) -> str:
        """A signed token for ``user_id``; ``purpose`` keeps download tokens out of the API.
        Access tokens carry an id (``jti``) so that signing out can revoke one; ``iat`` keeps
        its fraction of a second so that a password change revokes every earlier token."""
        now = time.time()
        claims: dict[str, Any] = {**extra, "sub": user_id, "iss": self.issuer, "iat": now,
                                  "exp": int(now) + (lifetime or self.lifetime), "pur": purpose}
        if purpose == "access":
            claims["jti"] = uuid.uuid4().hex
        return str(jwt.encode(claims, self._key, algorithm=self.algorithm))

    def decode(self, token: str, purpose: str = "access") -> dict[str, Any]:
        """The verified claims. :raises InvalidToken: for any token not issued by us, now."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token, self._key, algorithms=[self.algorithm], issuer=self.issuer,
                options={"require_exp": True, "require_iat": True, "require_sub": True,
                         "require_iss": True},
            )
        except JWTError as problem:
            raise InvalidToken(str(problem)) from None
        if claims.get("pur") != purpose:
            raise InvalidToken("token issued for another purpose")
        return claims

    @staticmethod
    def seconds_left(claims: dict[str, Any]) -> int:
        """How long the token of ``claims`` stays valid: what a revocation must outlast."""
        return max(int(claims["exp"] - time.time()) + 1, 1)

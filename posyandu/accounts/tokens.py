"""API tokens for machine clients (issue 16): issued to an account, hashed at rest, expiring,
revocable, audited. Format: ``pyd_<prefix>_<secret>``; the prefix finds the row, the SHA-256
digest of the whole key is compared in constant time."""

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from posyandu.accounts.models import ApiToken, User
from posyandu.audit.context import Actor, replace_actor
from posyandu.audit.middleware import client_ip
from posyandu.audit.recorder import log

DEFAULT_DAYS = 90
MAX_DAYS = 366


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user: User, nama: str, days: int = DEFAULT_DAYS, by: Any = None) -> str:
    """A new key for `user` valid `days` (1-366); returns the key, shown only this once."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"Masa berlaku token 1-{MAX_DAYS} hari.")
    prefix = secrets.token_hex(4)
    key = f"pyd_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        nama=nama,
        prefix=prefix,
        digest=_digest(key),
        expires_at=timezone.now() + timedelta(days=days),
    )
    log("create", model="accounts.ApiToken", object_id=token.prefix, user=by,
        metadata={"for": user.username, "name": nama, "days": days})  # fmt: skip
    return key


def api_token_revoke(*, token: ApiToken, by: Any = None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        log("update", model="accounts.ApiToken", object_id=token.prefix, user=by,
            metadata={"revoked": True, "for": token.user.username})  # fmt: skip
    return token


def token_user(key: str) -> tuple[User, ApiToken] | None:
    """The live token's account, or None (unknown, wrong, revoked, expired, inactive)."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != "pyd":
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.digest, _digest(key)):
        return None
    now = timezone.now()
    if token.revoked_at is not None or token.expires_at <= now or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer pyd_...`: the request acts as the token's account."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_user(token)
        if found is None:
            return None
        user, api_token = found
        request.user = user
        replace_actor(
            Actor(
                user=user,
                ip=client_ip(request),
                user_agent=request.headers.get("user-agent", ""),
                via=f"api-token:{api_token.prefix}",
            )
        )
        return user


api_token_auth = ApiTokenAuth()

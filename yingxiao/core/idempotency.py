"""`Idempotency-Key` for API writes that must happen once (refunds, payouts, workflow steps).

A client that may retry (a flaky phone connection, a double click) sends a key of its choosing. The first
request with that key acts and its answer is stored in the same transaction; a repeat returns the stored
answer and acts no more. Two requests with the same key at the same moment: the second waits on the
unique constraint, then replays the first's answer. A failed request stores nothing, so it can be retried.
"""

import hashlib
import json
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 100


class KeyReused(exceptions.APIException):
    """422: the key was already used for a different request."""

    status_code = 422
    default_code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was already used for a different request."


def request_fingerprint(request: Request) -> str:
    """What makes two requests 'the same': method, path and body."""
    body = json.dumps(request.data, sort_keys=True, default=str)
    raw = f"{request.method} {request.path}\n{body}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        raise KeyReused(_("This Idempotency-Key was already used for a different request."))
    response = Response(record.body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def once(request: Request, act: Callable[[], Response]) -> Response:
    """Run `act()` once per (user, Idempotency-Key); without the header, just run it."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return act()
    if len(key) > MAX_KEY_LENGTH:
        raise exceptions.ValidationError({HEADER: [_("At most %(n)d characters.") % {"n": MAX_KEY_LENGTH}]})
    fingerprint = request_fingerprint(request)
    user = request.user
    assert isinstance(user, get_user_model()), "step actions require an authenticated user"
    stored = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if stored is not None:
        return _replay(stored, fingerprint)
    with transaction.atomic():
        try:
            # Claim the key first: a concurrent twin blocks here until this transaction ends, then fails.
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user, key=key, fingerprint=fingerprint, status_code=0, body={}
                )
        except IntegrityError:
            return _replay(IdempotencyRecord.objects.get(user=user, key=key), fingerprint)
        response = act()
        record.status_code = response.status_code
        record.body = json.loads(json.dumps(response.data, default=str))
        record.save(update_fields=["status_code", "body"])
    return response

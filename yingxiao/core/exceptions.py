"""Errors the API turns into status codes (the JSON handler in core/api.py)."""


class Conflict(Exception):
    """409: the request does not fit the record's current state (wrong step, stale version, double payout)."""

    def __init__(self, detail: str, code: str = "conflict"):
        super().__init__(detail)
        self.detail = detail
        self.code = code

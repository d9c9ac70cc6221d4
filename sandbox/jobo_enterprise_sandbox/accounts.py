"""API keys, plans, rate-limit windows and credit balances of one sandbox.

Plans (``PLANS``) declare which route *groups* they may call (``search``, ``feed``,
``free``, ``managed``), their rate limit (requests per fixed window, per key) and
their starting credit balance. All state is per :class:`Accounts` instance and guarded
by one lock.

Every sandbox plan lacks the ``managed`` group, so the managed feed answers 403 to all
default keys. :data:`EXTRA_PLANS` holds plans that are not default keys but can be
created with :meth:`Accounts.create_key` (``enterprise``: every group, including the
managed feed).

Credits are kept exactly, in thousandths (the feed costs 0.5 credit per job). Headers
and :meth:`Accounts.balance` show whole credits: the balance rounded *down*, and as
``X-Credits-Used`` the drop of that shown balance, so that ``used + remaining`` always
equals the previous ``remaining`` and the sum of ``X-Credits-Used`` over a session is the
exact total cost rounded down (two feed pages of 3 jobs: 1.5 + 1.5 credits, shown as 2
then 1 from a whole balance).
"""

from __future__ import annotations

import random
import secrets
import string
import threading
from dataclasses import dataclass
from typing import Dict, FrozenSet, Optional

__all__ = ["Plan", "PLANS", "EXTRA_PLANS", "PLAN_NAMES", "Account", "Accounts",
           "RateDecision", "Charge"]

_ALPHABET = string.ascii_letters + string.digits


@dataclass(frozen=True)
class Plan:
    name: str
    groups: FrozenSet[str]
    rate_limit: int
    window: int  # seconds
    credits: int
    revoked: bool = False


_ALL = frozenset({"search", "feed", "free"})

PLANS: Dict[str, Plan] = {
    "full": Plan("full", _ALL, 100_000, 60, 1_000_000),
    "search_only": Plan("search_only", frozenset({"search"}), 100_000, 60, 1_000_000),
    "feed_only": Plan("feed_only", frozenset({"feed", "free"}), 100_000, 60, 1_000_000),
    "limited": Plan("limited", _ALL, 5, 10, 1_000_000),
    "low_credits": Plan("low_credits", _ALL, 100_000, 60, 30),
    "revoked": Plan("revoked", _ALL, 100_000, 60, 0, revoked=True),
}
PLAN_NAMES = tuple(PLANS)

EXTRA_PLANS: Dict[str, Plan] = {
    "enterprise": Plan("enterprise", _ALL | {"managed"}, 100_000, 60, 1_000_000),
}
_MILLI = 1000


def _to_milli(credits: float) -> int:
    return int(round(credits * _MILLI))


class Account:
    """One API key's state."""

    __slots__ = ("key", "plan", "groups", "rate_limit", "window", "milli", "revoked",
                 "window_reset", "window_count")

    def __init__(self, key: str, plan: Plan, credits: Optional[int] = None,
                 rate_limit: Optional[int] = None, window: Optional[int] = None):
        self.key: str = key
        self.plan: str = plan.name
        self.groups: FrozenSet[str] = plan.groups
        self.rate_limit: int = plan.rate_limit if rate_limit is None else rate_limit
        self.window: int = plan.window if window is None else window
        self.milli: int = _to_milli(plan.credits if credits is None else credits)
        self.revoked: bool = plan.revoked
        self.window_reset: int = 0
        self.window_count: int = 0

    @property
    def balance(self) -> int:
        """Whole credits left (the exact balance rounded down)."""
        return self.milli // _MILLI

    @property
    def exact_balance(self) -> float:
        return self.milli / _MILLI


class Charge:
    """The outcome of :meth:`Accounts.charge`: ``ok``, ``used`` (whole credits shown as
    ``X-Credits-Used``), ``remaining`` (whole credits left), ``required`` (the cost
    rounded up, for ``X-Credits-Required``) and ``exact`` (the exact cost)."""

    __slots__ = ("ok", "used", "remaining", "required", "exact")

    def __init__(self, ok: bool, used: int, remaining: int, required: int, exact: float):
        self.ok: bool = ok
        self.used: int = used
        self.remaining: int = remaining
        self.required: int = required
        self.exact: float = exact


class RateDecision:
    __slots__ = ("allowed", "limit", "remaining", "reset")

    def __init__(self, allowed: bool, limit: int, remaining: int, reset: int):
        self.allowed: bool = allowed
        self.limit: int = limit
        self.remaining: int = remaining
        self.reset: int = reset


class Accounts:
    """The key registry: authenticate, rate-limit, charge."""

    def __init__(self, seed: int = 1):
        self._lock = threading.Lock()
        self._by_key: Dict[str, Account] = {}
        rng = random.Random(f"jobo-sandbox-keys/{seed}")
        self.default_keys: Dict[str, str] = {}
        for name, plan in PLANS.items():
            key = "jbe_test_" + "".join(rng.choice(_ALPHABET) for _ in range(32))
            self._by_key[key] = Account(key, plan)
            self.default_keys[name] = key

    def create_key(self, plan: str = "full", credits: Optional[int] = None,
                   rate_limit: Optional[int] = None, window: Optional[int] = None,
                   key: Optional[str] = None) -> str:
        """A new key on ``plan`` (one of :data:`PLANS` or :data:`EXTRA_PLANS`) with its
        own fresh balance and window (optionally overriding the plan's credits, rate
        limit and window). ``key`` chooses the key's text (printable ASCII, no
        spaces); by default a random ``jbe_test_...`` key is made."""
        spec = PLANS.get(plan) or EXTRA_PLANS.get(plan)
        if spec is None:
            raise ValueError(f"unknown plan {plan!r}; plans: "
                             f"{', '.join(list(PLANS) + list(EXTRA_PLANS))}")
        for name, value in (("credits", credits), ("rate_limit", rate_limit),
                            ("window", window)):
            if value is not None and (isinstance(value, bool)
                                      or not isinstance(value, (int, float)) or value < 0):
                raise ValueError(f"{name} must be a number >= 0")
        if key is None:
            key = "jbe_test_" + "".join(secrets.choice(_ALPHABET) for _ in range(32))
        elif not key or any(not (0x21 <= ord(c) <= 0x7E) for c in key):
            raise ValueError("key must be printable ASCII without spaces")
        with self._lock:
            self._by_key[key] = Account(key, spec, credits, rate_limit, window)
        return key

    def revoke(self, key: str) -> bool:
        with self._lock:
            account = self._by_key.get(key)
            if account is None:
                return False
            account.revoked = True
            return True

    def reset(self) -> None:
        """Restore every default key's balance and rate window (keys made by
        :meth:`create_key` keep theirs)."""
        with self._lock:
            for name, key in self.default_keys.items():
                plan = PLANS[name]
                account = self._by_key[key]
                account.milli = _to_milli(plan.credits)
                account.revoked = plan.revoked
                account.window_reset = 0
                account.window_count = 0

    def authenticate(self, key: Optional[str]) -> Optional[Account]:
        if not key:
            return None
        account = self._by_key.get(key)
        if account is None or account.revoked:
            return None
        return account

    def hit(self, account: Account, now: int) -> RateDecision:
        """Count one request in the key's fixed window (a refused request is not
        counted). The window starts at the first request and resets at ``reset``."""
        with self._lock:
            if now >= account.window_reset:
                account.window_reset = now + account.window
                account.window_count = 0
            if account.window_count >= account.rate_limit:
                return RateDecision(False, account.rate_limit, 0, account.window_reset)
            account.window_count += 1
            return RateDecision(True, account.rate_limit,
                                account.rate_limit - account.window_count, account.window_reset)

    def charge(self, account: Account, cost: float) -> Charge:
        """Deduct ``cost`` credits (may be fractional) if the exact balance covers it."""
        milli = _to_milli(cost)
        required = -(-milli // _MILLI)
        with self._lock:
            before = account.milli // _MILLI
            if milli > account.milli:
                return Charge(False, 0, before, required, milli / _MILLI)
            account.milli -= milli
            after = account.milli // _MILLI
            return Charge(True, before - after, after, required, milli / _MILLI)

    def balance(self, key: str) -> Optional[int]:
        """Whole credits left on ``key`` (rounded down), None for an unknown key."""
        account = self._by_key.get(key)
        return None if account is None else account.balance

    def exact_balance(self, key: str) -> Optional[float]:
        account = self._by_key.get(key)
        return None if account is None else account.exact_balance

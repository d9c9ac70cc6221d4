"""API keys, plans, rate-limit windows and credit balances of one sandbox.

Plans (``PLANS``) declare which route *groups* they may call (``search``, ``feed``,
``free``, ``managed``), their rate limit (requests per fixed window, per key) and
their starting credit balance. All state is per :class:`Accounts` instance and guarded
by one lock.
"""

from __future__ import annotations

import random
import secrets
import string
import threading
from dataclasses import dataclass
from typing import Dict, FrozenSet, Optional, Tuple

__all__ = ["Plan", "PLANS", "PLAN_NAMES", "Account", "Accounts", "RateDecision"]

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


class Account:
    """One API key's state."""

    __slots__ = ("key", "plan", "groups", "rate_limit", "window", "balance", "revoked",
                 "window_reset", "window_count")

    def __init__(self, key: str, plan: Plan, credits: Optional[int] = None,
                 rate_limit: Optional[int] = None, window: Optional[int] = None):
        self.key = key
        self.plan = plan.name
        self.groups = plan.groups
        self.rate_limit = plan.rate_limit if rate_limit is None else rate_limit
        self.window = plan.window if window is None else window
        self.balance = plan.credits if credits is None else credits
        self.revoked = plan.revoked
        self.window_reset = 0
        self.window_count = 0


class RateDecision:
    __slots__ = ("allowed", "limit", "remaining", "reset")

    def __init__(self, allowed: bool, limit: int, remaining: int, reset: int):
        self.allowed = allowed
        self.limit = limit
        self.remaining = remaining
        self.reset = reset


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
                   rate_limit: Optional[int] = None, window: Optional[int] = None) -> str:
        """A new key on ``plan`` with its own fresh balance and window (optionally
        overriding the plan's credits, rate limit and window)."""
        if plan not in PLANS:
            raise ValueError(f"unknown plan {plan!r}; plans: {', '.join(PLANS)}")
        key = "jbe_test_" + "".join(secrets.choice(_ALPHABET) for _ in range(32))
        with self._lock:
            self._by_key[key] = Account(key, PLANS[plan], credits, rate_limit, window)
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
                account.balance = plan.credits
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

    def charge(self, account: Account, cost: int) -> Tuple[bool, int]:
        """Deduct ``cost`` if the balance covers it: (ok, balance after / current)."""
        with self._lock:
            if cost > account.balance:
                return False, account.balance
            account.balance -= cost
            return True, account.balance

    def balance(self, key: str) -> Optional[int]:
        account = self._by_key.get(key)
        return None if account is None else account.balance

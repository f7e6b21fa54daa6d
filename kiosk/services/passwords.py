"""The one argon2 policy for every secret the program stores or checks: passwords and the PIN.

Stored hashes, the decoy checked for an ID nobody has, the demo's residents and the staff PIN all
use the policy in force, so an unknown ID costs what a known one costs (DESIGN §3: the answer never
tells whether an ID exists). A stored hash made with other parameters is upgraded at the next
successful sign-in.
"""

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher


@dataclass(frozen=True)
class PasswordPolicy:
    """argon2id parameters and the operations over them: hash, verify, upgrade, decoy."""

    time_cost: int
    memory_cost: int
    """KiB of memory each hash takes."""
    parallelism: int

    @cached_property
    def _hasher(self) -> "PasswordHasher":
        # Imported at the first hash: argon2 is not needed to draw the kiosk's first screen.
        from argon2 import PasswordHasher

        return PasswordHasher(
            time_cost=self.time_cost, memory_cost=self.memory_cost, parallelism=self.parallelism
        )

    @cached_property
    def _decoy_hash(self) -> str:
        return self._hasher.hash("decoy password that nobody has")

    def hash(self, secret: str) -> str:
        """A slow salted hash of *secret* to store."""
        return self._hasher.hash(secret)

    def verify(self, stored_hash: str, secret: str) -> bool:
        """Whether *secret* matches *stored_hash* (a damaged hash matches nothing)."""
        from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

        try:
            return bool(self._hasher.verify(stored_hash, secret))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def verify_decoy(self, secret: str) -> bool:
        """Spend one verification on *secret* for an ID that has no hash; always False."""
        self.verify(self._decoy_hash, secret)
        return False

    def needs_rehash(self, stored_hash: str) -> bool:
        """Whether *stored_hash* was made with other parameters than this policy's."""
        from argon2.exceptions import InvalidHashError

        try:
            return self._hasher.check_needs_rehash(stored_hash)
        except InvalidHashError:
            return False


PRODUCTION = PasswordPolicy(time_cost=3, memory_cost=65536, parallelism=4)
"""RFC 9106's low-memory choice (argon2-cffi's default): ~0.13 s a hash on one core here."""

POLICY: PasswordPolicy = PRODUCTION
"""The policy in force. Only tests replace it (with a cheaper one, for stored hashes and decoy
alike); no configuration can weaken it."""


def password_policy() -> PasswordPolicy:
    """The policy in force, read at each use so that every caller sees the same one."""
    return POLICY

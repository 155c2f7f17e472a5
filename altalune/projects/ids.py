"""Public ids: what users and URLs see instead of the integer keys."""

from __future__ import annotations

import nanoid

# Lower case without the look-alikes 0, 1, i and o, so ids survive being read
# aloud or copied by hand.
PUBLIC_ID_ALPHABET = "23456789abcdefghjklmnpqrstuvwxyz"
PUBLIC_ID_LENGTH = 14


def new_public_id() -> str:
    """A random public id of PUBLIC_ID_LENGTH characters."""
    return str(nanoid.generate(PUBLIC_ID_ALPHABET, PUBLIC_ID_LENGTH))

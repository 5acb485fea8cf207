"""What every ``*_in(scope, id)`` accessor shares: one import per (consumer scope, id), reused on later calls.

``certificate_in``, ``certificate_authority_in``, ``trust_store_in`` and ``location_in`` create an import in the
consumer's scope; calling one twice for the same scope (two listeners, two ``acm.PrivateCertificate``) is the
natural way to follow their docs, so the second call returns the first import instead of a jsii duplicate-id
error. An id already taken in that scope by anything else is a ``PkiValidationError`` naming ``id``.
"""

from __future__ import annotations

from typing import Any

from constructs import Construct

from .errors import Problem, raise_if_any

__all__ = ["earlier_import", "remember_import"]

_ATTRIBUTE = "_pki_constructs_imports"


def _key(scope: Construct, id: str) -> str:
    return f"{scope.node.path}\x00{id}"


def earlier_import(source: Construct, scope: Construct, id: str) -> Any | None:
    """The import ``source`` made earlier in ``scope`` under ``id``, or None when there is none yet.

    Raises ``PkiValidationError`` at ``scope`` on field ``id`` when ``id`` is already taken there by another
    construct (another accessor's import, the user's own construct).
    """
    made: dict[str, Any] = source.__dict__.setdefault(_ATTRIBUTE, {})
    key = _key(scope, id)
    if key in made:
        return made[key]
    taken = scope.node.try_find_child(id)
    if taken is not None:
        raise_if_any(
            scope,
            [
                Problem(
                    "id",
                    id,
                    f"{scope.node.path} already has a child {id!r} ({taken.node.path}), which is not this "
                    f"accessor's import of {source.node.path}",
                    f"pass another id (e.g. id={id + 'Of' + source.node.id!r}); calling the accessor again with the "
                    "same scope and id returns the same import",
                )
            ],
        )
    return None


def remember_import(source: Construct, scope: Construct, id: str, made: Any) -> Any:
    """Record ``made`` as ``source``'s import in ``scope`` under ``id`` and return it."""
    source.__dict__.setdefault(_ATTRIBUTE, {})[_key(scope, id)] = made
    return made

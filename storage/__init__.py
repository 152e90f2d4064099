"""Persistence: one aiosqlite connection, numbered migrations, one repository per aggregate.

Every line of SQL in the project lives in this package. Callers get plain dataclasses
back (see `storage.models`), never rows or cursors.
"""

from storage.db import Database

__all__ = ["Database"]

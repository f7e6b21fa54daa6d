"""The database's schema: plain SQL migrations applied in order, each recorded when applied.

The files are kiosk/store/postgres/migrations/NNNN_name.sql. ``tawasul db upgrade`` applies the
ones a database lacks, in the order of their numbers, in one transaction under an advisory lock
(two upgrades at once apply each file once), and records each in ``schema_migrations``. A file
once released is never edited: a change is a new file.
"""

from importlib import resources

import psycopg

MIGRATIONS_TABLE = "schema_migrations"

# Any constant shared by every process that upgrades: it serialises them.
_UPGRADE_LOCK = 0x7A5A_0001


def migrations() -> list[tuple[str, str]]:
    """Every migration as (version, SQL), in the order they apply."""
    folder = resources.files("kiosk.store.postgres").joinpath("migrations")
    found = [
        (entry.name.removesuffix(".sql"), entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    ]
    return sorted(found)


def applied_versions(conn: psycopg.Connection[tuple[object, ...]]) -> list[str]:
    """The versions recorded in the database, in order (none before the first upgrade)."""
    exists = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return []
    return [str(row[0]) for row in conn.execute("SELECT version FROM schema_migrations ORDER BY 1")]


def pending(conn: psycopg.Connection[tuple[object, ...]]) -> list[str]:
    """The versions the database still lacks."""
    applied = set(applied_versions(conn))
    return [version for version, _ in migrations() if version not in applied]


def upgrade(conn: psycopg.Connection[tuple[object, ...]]) -> list[str]:
    """Apply every migration the database lacks, in order, and commit; the versions applied."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_UPGRADE_LOCK,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version text PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())"
        )
        applied = set(applied_versions(conn))
        done = []
        for version, text in migrations():
            if version in applied:
                continue
            # A file of many statements, sent as one simple query (it takes no parameters).
            conn.execute(text.encode("utf-8"))
            conn.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (version,))
            done.append(version)
    return done

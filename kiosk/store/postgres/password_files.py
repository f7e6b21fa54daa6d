"""The files on this host that may hold the password to an office's database, for
``readable_by_others()`` (``tawasul doctor``, ``tawasul db check``).

On a data file, "readable by others" is the file's own mode. A database's rows are in no file
this host's accounts could open: the server keeps them in its data directory, and PostgreSQL
refuses to start when that directory is open to more than its group, so there is nothing for a
client to check there (and a client on another host could not see it). What this host does keep
is the way in: libpq takes the password from PGPASSWORD, a password file or a service file
(kiosk/store/postgres/location.py keeps it out of the URL). PGPASSWORD lives in the process's
environment, which only its own account (and root) can read. The files are what an
account's careless ``chmod`` or a copied ``/etc`` file opens to everyone, and whoever reads them
can connect as the kiosk and read what the data file would have held: so they are what is
reported.
"""

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path

from kiosk.store.access import others_can_read
from kiosk.store.postgres.location import OfficeDatabase

SYSTEM_SERVICE_FOLDER = Path("/etc/postgresql-common")
"""Where Debian's libpq reads the system-wide ``pg_service.conf`` when PGSYSCONFDIR is unset."""


def password_files(
    database: OfficeDatabase, environment: Mapping[str, str] | None = None
) -> list[Path]:
    """The files libpq may take *database*'s password from: the password file (the URL's
    ``passfile``, else PGPASSFILE, else ``~/.pgpass``) and the service files (PGSERVICEFILE,
    else ``~/.pg_service.conf``, and the system's ``pg_service.conf``), as libpq looks them up."""
    env = os.environ if environment is None else environment
    home = Path(env.get("HOME") or Path.home())
    passfile = database.parameter("passfile") or env.get("PGPASSFILE") or str(home / ".pgpass")
    user_services = env.get("PGSERVICEFILE") or str(home / ".pg_service.conf")
    system_folder = Path(env.get("PGSYSCONFDIR") or SYSTEM_SERVICE_FOLDER)
    return [Path(passfile), Path(user_services), system_folder / "pg_service.conf"]


def exposed_password_files(
    database: OfficeDatabase, environment: Mapping[str, str] | None = None
) -> list[str]:
    """Those of password_files() that accounts outside the owner and group can read and that
    hold a password: a password file always does (it is what it is for); a service file only
    when one of its lines sets ``password`` (a system-wide one without is meant for all)."""
    exposed = []
    passfile, *service_files = password_files(database, environment)
    for path in [passfile, *service_files]:
        with contextlib.suppress(OSError):  # not there, or not ours to look at: not exposed
            if not others_can_read(path.stat().st_mode):
                continue
            if path == passfile or _sets_a_password(path):
                exposed.append(str(path))
    return exposed


def _sets_a_password(service_file: Path) -> bool:
    """Whether a libpq service file (INI-like ``key=value`` lines) gives any service a password."""
    for line in service_file.read_text(encoding="utf-8", errors="replace").splitlines():
        key, equals, _ = line.strip().partition("=")
        if equals and key.strip().lower() == "password":
            return True
    return False

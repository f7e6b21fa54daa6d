"""Where an office's data is in PostgreSQL: a ``postgresql://`` URL naming the office.

The office is the URL's ``office`` parameter (``postgresql://host/tawasul?office=RUH1``), which
this module takes out before libpq reads the rest (libpq refuses parameters it does not know).
A password never comes in the URL: libpq finds it in PGPASSWORD, a pgpass file or a service
file, so it is in no command line, process list or message. Imports no driver: the command line
reads a location before it knows whether it needs one.
"""

import os
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from kiosk.errors import InvalidInput

SCHEMES = ("postgresql://", "postgres://")
"""How a database location starts; anything else names a data file."""

DEFAULT_HOST = "/var/run/postgresql"
"""Where libpq connects when neither the URL nor PGHOST names a host: Debian's socket folder."""

DEFAULT_PORT = "5432"
"""The port libpq uses when neither the URL nor PGPORT names one."""

OFFICE_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")
"""An office's code: letters, digits, ``-`` and ``_`` (it names the office's change channel)."""


def is_database_url(location: str) -> bool:
    """Whether *location* names a PostgreSQL database rather than a data file (the scheme in
    any case, as URLs allow: ``PostgreSQL://`` taken for a path would be echoed, password and
    all, in the sentence about a missing file)."""
    return location.lower().startswith(SCHEMES)


@dataclass(frozen=True)
class OfficeDatabase:
    """One office's place in a database: libpq's connection string and the office's code."""

    conninfo: str
    """The URL as libpq reads it (no ``office`` parameter, no password)."""
    office: str

    @classmethod
    def parse(cls, url: str, office: str | None = None) -> "OfficeDatabase":
        """The office database *url* names (or *office* in the database it names);
        InvalidInput (one sentence) when it cannot be one."""
        if not is_database_url(url):
            raise InvalidInput(f"{url!r} is not a postgresql:// URL.")
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - a port that is not a number raises here
        except ValueError:
            raise InvalidInput(
                "The database URL cannot be read; check its host and port."
            ) from None
        if parts.password is not None or "password" in dict(parse_qsl(parts.query)):
            raise InvalidInput(
                "Put no password in the database URL: give it in PGPASSWORD, a pgpass file "
                "or a libpq service instead."
            )
        query = parse_qsl(parts.query, keep_blank_values=True)
        offices = [value for key, value in query if key == "office"] + ([office] if office else [])
        if not offices:
            raise InvalidInput("Name the office in the database URL: add ?office=CODE to it.")
        office = offices[-1]
        if not OFFICE_CODE.fullmatch(office):
            raise InvalidInput(
                f"The office code {office!r} is not one: use up to 32 letters, digits, - or _."
            )
        rest = urlencode([(key, value) for key, value in query if key != "office"])
        return cls(urlunsplit(parts._replace(query=rest)), office)

    def with_office(self, office: str) -> "OfficeDatabase":
        """The same database, another office."""
        return OfficeDatabase(self.conninfo, office)

    def parameter(self, name: str) -> str | None:
        """The value of the libpq parameter *name* in the URL's query, if it names one."""
        return dict(parse_qsl(urlsplit(self.conninfo).query)).get(name)

    @property
    def server(self) -> str:
        """``HOST:PORT`` of the server libpq connects to, for the sentence that says it cannot
        be reached: the URL's host and port, else PGHOST and PGPORT, else libpq's defaults."""
        parts = urlsplit(self.conninfo)
        host = self.parameter("host") or parts.hostname or os.environ.get("PGHOST") or DEFAULT_HOST
        port = self.parameter("port") or parts.port or os.environ.get("PGPORT") or DEFAULT_PORT
        return f"{host}:{port}"

    @property
    def url(self) -> str:
        """The URL this office is found at again (no password: there never is one)."""
        separator = "&" if urlsplit(self.conninfo).query else "?"
        return f"{self.conninfo}{separator}office={self.office}"

    @property
    def channel(self) -> str:
        """The LISTEN/NOTIFY channel that tells the office's processes of each commit."""
        return f"tawasul.{self.office}"

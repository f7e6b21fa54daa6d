"""Fixtures shared by every test: a clean environment, a frozen clock, real data files."""

import contextlib
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from textual import events
from textual.app import App

from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.domain.models import Applicant, TawasulRequest
from kiosk.resources import data_file, request_types
from kiosk.services import Services, passwords
from kiosk.services.demo import load_seed, make_demo
from kiosk.store import TawasulStore
from kiosk.store.port import StoreReads
from tests.postgres_cluster import PostgresCluster, running_cluster, stop_running_cluster

if TYPE_CHECKING:
    from tests.nafath_sim import RunningSimulator

# Wednesday 25 November 2026, 10:00 in Riyadh: a working day, far from any holiday.
FROZEN_NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)


def frozen_clock() -> datetime:
    """The fixed moment every test that needs a clock reads."""
    return FROZEN_NOW


class MovableClock:
    """A services clock that starts at FROZEN_NOW and moves only when the test moves it."""

    def __init__(self) -> None:
        """Start at the frozen moment."""
        self.now = FROZEN_NOW

    def __call__(self) -> datetime:
        """The current time."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Let *seconds* pass."""
        self.now += timedelta(seconds=seconds)


TEST_PASSWORDS = passwords.PasswordPolicy(time_cost=1, memory_cost=8192, parallelism=1)
"""A cheaper argon2 policy for the tests (~7 ms a hash, not ~130 ms): stored hashes and the decoy
both use it, as they both use the production one outside the tests."""


@pytest.fixture(scope="session", autouse=True)
def cheaper_passwords() -> Iterator[None]:
    """Put TEST_PASSWORDS in force for the session, before any demo file is made."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "POLICY", TEST_PASSWORDS)
        yield


@pytest.fixture(scope="session", autouse=True)
def _stop_postgres_at_the_end() -> Iterator[None]:
    """Stop and delete the session's PostgreSQL cluster, if any test started it."""
    yield
    stop_running_cluster()


@pytest.fixture
def postgres() -> PostgresCluster:
    """The session's throw-away PostgreSQL server (one a session, started on first use)."""
    return running_cluster()


_demo_databases = itertools.count(1)


@pytest.fixture(scope="module")
def postgres_to_stop() -> Iterator[PostgresCluster]:
    """A throw-away server of the module's own, for tests that stop it and start it again
    (``pause``, ``resume``): the session's server stays up for everyone else."""
    cluster = PostgresCluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture
def demo_office(postgres_to_stop: PostgresCluster, tmp_path: Path) -> Iterator[str]:
    """The URL of a new office holding the demo data (the README's residents), copied in by
    ``tawasul db upgrade`` and ``tawasul db migrate`` as an operator does; the server is up."""
    from kiosk.cli import main

    cluster = postgres_to_stop
    database = f"demo{next(_demo_databases)}"
    cluster.psql(f"CREATE DATABASE {database}")
    office = "DEMO"
    url = cluster.url(database, office=office)
    demo = make_demo_file(tmp_path / "demo.json")
    assert main(["db", "upgrade", "--db", url]) == 0
    assert main(["db", "migrate", "--from", str(demo), "--to", url, "--office", office]) == 0
    yield url
    # A test that failed while the server was stopped leaves it to the next one started.
    if not cluster.is_running():
        cluster.resume()


# libpq reads these; a developer's own would point the tests at their server.
LIBPQ_ENVIRONMENT = (
    "PGHOST",
    "PGPORT",
    "PGUSER",
    "PGPASSWORD",
    "PGDATABASE",
    "PGSERVICE",
    "PGPASSFILE",
    "PGSERVICEFILE",
    "PGOPTIONS",
)


@pytest.fixture(autouse=True)
def clean_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Keep the developer's own data file, configuration and state folder out of the tests."""
    for name in ("TAWASUL_DB", "TAWASUL_CONFIG", *LIBPQ_ENVIRONMENT):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a test's data file lives (not created)."""
    return tmp_path / "tawasul.json"


def make_demo_file(path: Path, count: int = 60, seed: int = 7) -> Path:
    """A real demo data file at *path*, made at the frozen moment."""
    with contextlib.closing(TawasulStore.create(path)) as store:
        make_demo(
            store,
            load_seed(data_file("demo_seed.json")),
            request_types(),
            count,
            seed=seed,
            clock=frozen_clock,
        )
    return path


@pytest.fixture
def demo_db(db_path: Path) -> Path:
    """A demo data file with the README's residents and 60 synthetic requests."""
    return make_demo_file(db_path)


@pytest.fixture
def services(demo_db: Path) -> Iterator[Services]:
    """Services over the demo file with the default configuration and the frozen clock."""
    bundle = open_services(demo_db, KioskConfig(), clock=frozen_clock)
    yield bundle
    bundle.store.close()


def type_ahead(app: App[None], text: str) -> None:
    """Post *text* as key events all at once, as the terminal driver does with keys that arrive
    together (a fast typist, an ID card reader, a busy moment, a lagging SSH connection)."""
    names = {"\t": "tab", "\r": "enter", "\x7f": "backspace", "-": "minus", " ": "space"}
    for character in text:
        app.post_message(events.Key(names.get(character, character), character))


@pytest.fixture
def nafath_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """The APP-ID and APP-KEY of the tests' Nafath simulators, in the environment."""
    from tests.nafath_sim import CREDENTIALS

    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def simulator(nafath_credentials: None) -> "Iterator[RunningSimulator]":
    """``tawasul nafath-sim`` as a real process on a free port, its decision window 4 s."""
    from tests.nafath_sim import running_simulator

    with running_simulator(window_seconds=4) as running:
        yield running


def stored_request(store: StoreReads, number: str) -> TawasulRequest:
    """Request *number* as *store* holds it now; the test's data has it."""
    request = store.request(number)
    assert request is not None, number
    return request


def stored_applicant(store: StoreReads, id_number: str) -> Applicant:
    """The applicant *id_number* as *store* holds them now; the test's data has them."""
    applicant = store.applicant(id_number)
    assert applicant is not None, id_number
    return applicant


def file_store(services: Services) -> TawasulStore:
    """The data file under *services*, for a test that looks at the file itself (its path, its
    identity, its archives): the services know it only as a Store."""
    store = services.store
    assert isinstance(store, TawasulStore), store
    return store

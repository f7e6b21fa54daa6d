"""Office scoping in PostgreSQL: two offices, a kiosk's role and a supervisor's role, row-level
security in force. A connection of office A reads and writes nothing of office B, whatever it
asks; a supervisor's role may see the offices it is mapped to, one transaction at a time."""

from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from kiosk.domain.models import StaffMember
from kiosk.domain.statuses import RequestStatus
from kiosk.errors import StoreUnwritable
from kiosk.store.postgres.location import OfficeDatabase
from kiosk.store.postgres.store import PostgresStore
from tests.postgres_cluster import PostgresCluster
from tests.store.test_store_contract import NOW, SARA, a_request

DATABASE = "scoped"
KIOSK_A = "kiosk_office_a"
SUPERVISOR = "supervisor_a_b"


@dataclass(frozen=True)
class Offices:
    """The database with offices A, B and C, and how each role reaches an office."""

    cluster: PostgresCluster

    def url(self, role: str, office: str) -> OfficeDatabase:
        """Office *office* as the login role *role* connects to it."""
        return OfficeDatabase(self.cluster.url(DATABASE, user=role), office)


@pytest.fixture(scope="module")
def offices() -> Offices:
    """Offices A (one request), B (one request of its own, a staff member) and C (empty); a
    kiosk role of A; a supervisor role of A and B. Made by the owner (the tests' superuser)."""
    from tests.postgres_cluster import running_cluster

    cluster = running_cluster()
    cluster.psql(f"CREATE DATABASE {DATABASE}")
    made = Offices(cluster)
    for office, request in (("A", a_request("9000000100")), ("B", a_request("9000000209", SARA))):
        store = PostgresStore.create(made.url("postgres", office))
        with store.transaction() as tx:
            tx.put_request(request)
            tx.set_setting("banner", f"office {office}")
            if office == "B":
                tx.put_staff(StaffMember("bader", "Bader"))
        store.close()
    PostgresStore.create(made.url("postgres", "C")).close()
    for role in (KIOSK_A, SUPERVISOR):
        cluster.psql(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN"
            f" CREATE ROLE {role} LOGIN IN ROLE tawasul_app; END IF; END $$"
        )
    cluster.psql(
        "INSERT INTO office_members (office_id, role_name) VALUES"
        f" ('A', '{KIOSK_A}'), ('A', '{SUPERVISOR}'), ('B', '{SUPERVISOR}')",
        DATABASE,
    )
    return made


@pytest.fixture
def open_store(offices: Offices) -> Iterator[type[PostgresStore]]:
    """Open stores as a role; all closed at the end."""
    opened: list[PostgresStore] = []

    class Opened(PostgresStore):
        def __init__(self, location: OfficeDatabase) -> None:
            super().__init__(location)
            opened.append(self)

    yield Opened
    for store in opened:
        store.close()


def test_a_kiosk_reads_and_writes_its_own_office(
    offices: Offices, open_store: type[PostgresStore]
) -> None:
    store = open_store(offices.url(KIOSK_A, "A"))
    store.check_frame()
    assert store.setting("banner") == "office A"
    request = store.request("9000000100")
    assert request is not None
    before = store.data_version()
    with store.transaction() as tx:
        tx.put_request(request.with_status(RequestStatus.ACCEPTED, NOW, "kiosk"))
    assert store.data_version() != before
    assert store.status_counts() == {"accepted": 1}


def test_a_kiosk_of_office_a_reads_nothing_of_office_b(
    offices: Offices, open_store: type[PostgresStore]
) -> None:
    store = open_store(offices.url(KIOSK_A, "B"))  # its own role, the other office's code
    assert store.request("9000000209") is None
    assert list(store.all_requests()) == []
    assert store.requests_of(SARA) == []
    assert store.all_staff() == []
    assert store.setting("banner") == ""
    assert store.data_version() is None
    with pytest.raises(StoreUnwritable), store.transaction() as tx:
        tx.set_setting("banner", "written by office A")
    owner = open_store(offices.url("postgres", "B"))
    assert owner.setting("banner") == "office B"


def test_no_query_of_a_kiosk_role_reaches_past_its_office(offices: Offices) -> None:
    with psycopg.connect(offices.url(KIOSK_A, "A").conninfo) as conn:
        # Naming no office, it sees none; naming B by hand, it sees nothing of B either.
        assert conn.execute("SELECT count(*) FROM requests").fetchone() == (0,)
        conn.execute("SELECT set_config('app.office_id', 'B', false)")
        for table in ("requests", "request_history", "staff", "settings", "offices"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO office_members VALUES ('B', current_user)")


def test_a_supervisor_sees_the_offices_mapped_to_its_role_and_no_other(
    offices: Offices, open_store: type[PostgresStore]
) -> None:
    assert open_store(offices.url(SUPERVISOR, "A")).setting("banner") == "office A"
    office_b = open_store(offices.url(SUPERVISOR, "B"))
    assert office_b.setting("banner") == "office B"
    assert [m.username for m in office_b.all_staff()] == ["bader"]
    office_c = open_store(offices.url(SUPERVISOR, "C"))
    assert office_c.data_version() is None
    assert list(office_c.all_requests()) == []

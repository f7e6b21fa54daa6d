"""The tests' own PostgreSQL server: a real one, run by an unprivileged account, thrown away."""

import os
import pwd

from tests.postgres_cluster import PostgresCluster


def test_the_session_server_answers_and_runs_as_an_unprivileged_account(
    postgres: PostgresCluster,
) -> None:
    assert postgres.psql("SELECT 1 + 1") == "2\n"
    owner = (postgres.root / "data").stat().st_uid
    assert owner != 0
    if os.geteuid() == 0:
        assert pwd.getpwuid(owner).pw_name == "tawasul-pgtest"
    assert (postgres.socket_dir / f".s.PGSQL.{postgres.port}").is_socket()


def test_a_cluster_is_removed_when_stopped() -> None:
    cluster = PostgresCluster.start()
    try:
        assert cluster.psql("SHOW server_version_num").strip().isdigit()
    finally:
        cluster.stop()
    assert not cluster.root.exists()

"""`tawasul ssh-setup` and `tawasul staff-admin`, run as the operator runs them."""

import grp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.cli.staff import drop_in_text, setup_problems
from kiosk.errors import InvalidInput
from kiosk.store import TawasulStore
from kiosk.store.postgres.location import OfficeDatabase

TAWASUL = Path(sys.executable).with_name("tawasul")


def test_the_drop_in_forces_the_console_and_forbids_the_rest(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ssh-setup", "--db", str(demo_db), "--group", "tawasul-staff"]) == 0
    text = capsys.readouterr().out
    lines = [line.strip() for line in text.splitlines()]
    assert "Match Group tawasul-staff" in lines
    assert f"ForceCommand {TAWASUL} staff --db {demo_db}" in lines
    for setting in (
        "PermitTTY yes",
        "DisableForwarding yes",
        "AllowTcpForwarding no",
        "AllowStreamLocalForwarding no",
        "AllowAgentForwarding no",
        "X11Forwarding no",
        "PermitTunnel no",
        "PermitUserRC no",
        "SetEnv LANG=C.UTF-8",
        "AcceptEnv COLORTERM",
    ):
        assert setting in lines


def test_the_drop_in_uses_absolute_paths_and_the_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("staff_session_idle_minutes = 10\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    done = subprocess.run(
        [TAWASUL, "ssh-setup", "--db", "data.json", "--config", "config.toml", "--truecolor"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"staff --db {tmp_path}/data.json --config {config}\n" in done.stdout
    assert "SetEnv LANG=C.UTF-8 COLORTERM=truecolor" in done.stdout


def test_paths_sshd_would_split_are_refused() -> None:
    with pytest.raises(InvalidInput, match="absolute path"):
        drop_in_text(Path("/opt/my tawasul/tawasul"), Path("/var/lib/t.json"), None, "g")
    with pytest.raises(InvalidInput, match="absolute path"):
        drop_in_text(Path("/opt/t"), Path("relative.json"), None, "g")
    with pytest.raises(InvalidInput, match="group name"):
        drop_in_text(Path("/opt/t"), Path("/var/t.json"), None, "bad group")


def test_setup_warns_about_what_staff_accounts_cannot_use(open_folder: Path) -> None:
    private = open_folder / "private"
    (private / "bin").mkdir(parents=True)
    program = private / "bin" / "tawasul"
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    private.chmod(0o700)
    problems = setup_problems(program, open_folder / "data" / "t.json", "no-such-group-here")
    assert any("no group 'no-such-group-here'" in p for p in problems)
    assert any(f"cannot run {program}: {private} is closed" in p for p in problems)
    assert any("cannot write the data folder" in p for p in problems)

    shared = open_folder / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    private.chmod(0o755)
    group = grp.getgrgid(os.getgid()).gr_name
    assert setup_problems(program, shared / "t.json", group) == []


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder that every user may enter (pytest's own temporary folders are private)."""
    folder = Path(tempfile.mkdtemp(prefix="tawasul-setup-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def test_staff_admin_adds_lists_and_removes_members(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(demo_db)]
    assert (
        main(["staff-admin", "add", "n.alharbi", "--name", "Noura", "--role", "supervisor", *db])
        == 0
    )
    assert main(["staff-admin", "list", "--json", *db]) == 0
    listed = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert {"username": "n.alharbi", "name": "Noura", "role": "supervisor"} in listed
    assert main(["staff-admin", "remove", "n.alharbi", *db]) == 0
    assert main(["staff-admin", "remove", "n.alharbi", *db]) == 2
    assert "no staff member 'n.alharbi'" in capsys.readouterr().err
    assert main(["staff-admin", "add", "Bad Name", "--name", "x", *db]) == 2
    actions = [e.action for e in TawasulStore(demo_db).audit_entries()[-2:]]
    assert actions == ["staff.put", "staff.remove"]
    assert TawasulStore(demo_db).audit_entries()[-1].actor.startswith("operator:")


def test_the_console_refuses_to_start_without_a_terminal(demo_db: Path) -> None:
    done = subprocess.run(
        [TAWASUL, "staff", "--db", str(demo_db)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "connect with ssh -t" in done.stderr
    assert done.stderr.count("\n") == 1


needs_sshd = pytest.mark.skipif(
    not Path("/usr/sbin/sshd").exists(), reason="needs openssh-server (./dev test installs it)"
)


def sshd_main_config(folder: Path, drop_in: Path, extra: str = "") -> Path:
    """A main sshd_config that includes *drop_in* first, as Debian's does its folder."""
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / "host_key")],
        check=True,
    )
    main_config = folder / "sshd_config"
    main_config.write_text(
        f"Include {folder}/*.conf\nHostKey {folder / 'host_key'}\nPort 2222\n{extra}",
        encoding="utf-8",
    )
    return main_config


def write_setup(
    db: Path, drop_in: Path, main_config: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    """Run `tawasul ssh-setup --write` for *db*, writing *drop_in*, checking *main_config*."""
    return subprocess.run(
        [
            TAWASUL,
            "ssh-setup",
            "--write",
            "--db",
            str(db),
            "--path",
            str(drop_in),
            "--sshd-config",
            str(main_config),
            *extra,
        ],
        capture_output=True,
        text=True,
    )


@needs_sshd
def test_write_installs_a_drop_in_that_sshd_accepts(demo_db: Path, tmp_path: Path) -> None:
    drop_in = tmp_path / "tawasul-staff.conf"
    main_config = sshd_main_config(tmp_path, drop_in)
    Path("/run/sshd").mkdir(exist_ok=True)
    done = write_setup(demo_db, drop_in, main_config)
    assert done.returncode == 0, done.stderr
    assert "sshd accepts it" in done.stdout
    assert "Include" not in done.stderr
    assert drop_in.stat().st_mode & 0o777 == 0o644
    assert f"staff --db {demo_db}" in drop_in.read_text(encoding="utf-8")


@needs_sshd
def test_write_puts_the_old_drop_in_back_when_sshd_refuses(demo_db: Path, tmp_path: Path) -> None:
    drop_in = tmp_path / "tawasul-staff.conf"
    drop_in.write_text("# the operator's earlier version\n", encoding="utf-8")
    main_config = sshd_main_config(tmp_path, drop_in, extra="NoSuchSetting yes\n")
    Path("/run/sshd").mkdir(exist_ok=True)
    done = write_setup(demo_db, drop_in, main_config)
    assert done.returncode != 0
    assert "sshd refused the configuration" in done.stderr
    assert drop_in.read_text(encoding="utf-8") == "# the operator's earlier version\n"


def test_write_warns_when_sshd_config_does_not_include_the_drop_in(
    demo_db: Path, tmp_path: Path
) -> None:
    main_config = tmp_path / "sshd_config"
    main_config.write_text("Port 22\n", encoding="utf-8")
    done = write_setup(demo_db, tmp_path / "t.conf", main_config, "--sshd", str(tmp_path / "no"))
    assert done.returncode == 0
    assert f"no Include line that covers {tmp_path / 't.conf'}" in done.stderr


def test_the_shipped_sample_is_what_ssh_setup_prints_for_the_opt_install() -> None:
    sample = Path(__file__).parents[2] / "deploy" / "sshd_config.d" / "tawasul-staff.conf"
    assert sample.read_text(encoding="utf-8") == drop_in_text(
        Path("/opt/tawasul/.venv/bin/tawasul"),
        Path("/var/lib/tawasul/tawasul.json"),
        Path("/etc/tawasul/config.toml"),
        "tawasul-staff",
    )


def test_an_office_in_a_database_is_named_in_the_session_and_sshd_accepts_it(
    tmp_path: Path,
) -> None:
    """The URL's ? and & would mean something to the login shell on the forced command: the
    drop-in names the office in SetEnv, and a real sshd -t reads the drop-in as written."""
    office = OfficeDatabase.parse("postgresql://staff_ruh1@db.example/tawasul?office=RUH1")
    text = drop_in_text(Path("/opt/tawasul/bin/tawasul"), office, None, "tawasul-staff")
    lines = [line.strip() for line in text.splitlines()]
    assert "ForceCommand /opt/tawasul/bin/tawasul staff" in lines
    assert f"SetEnv LANG=C.UTF-8 TAWASUL_DB={office.url}" in lines
    sshd = shutil.which("sshd") or "/usr/sbin/sshd"
    key = tmp_path / "host_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
    drop_in = tmp_path / "tawasul-staff.conf"
    drop_in.write_text(text, encoding="utf-8")
    main_config = tmp_path / "sshd_config"
    main_config.write_text(f"HostKey {key}\nInclude {drop_in}\n", encoding="utf-8")
    checked = subprocess.run([sshd, "-t", "-f", main_config], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    with pytest.raises(InvalidInput, match="no space or quote"):
        drop_in_text(Path("/opt/t"), OfficeDatabase("postgresql:///t?x='a b'", "RUH1"), None, "g")
    # The server grants the office through its roles: no data folder to open to the group.
    problems = setup_problems(Path(sys.executable), office, grp.getgrgid(os.getgid()).gr_name)
    assert not any("data folder" in problem for problem in problems)

"""The README's office set-up, run as written on this machine: a fresh Debian host's steps.

The shell blocks marked ``<!-- office-setup -->`` in README.md run in order, as root, with only
these changes: ``/opt/tawasul``, ``/var/lib/tawasul*``, ``/etc/tawasul``, the systemd unit folder
and the sshd drop-in move under a temporary root; the checkout is this one; ``apt-get`` lines
are checked against ./dev's TEST_DEBS instead of run; ``systemctl`` lines are left out (no
systemd here), and the test's own sshd on 127.0.0.1 stands in for ``systemctl reload ssh``.
The accounts and groups are real, and removed afterwards. Then the new supervisor logs in over
SSH and reaches the console, and the kiosk account reads and writes the data file.
"""

import contextlib
import grp
import os
import pwd
import re
import shutil
import socket
import stat
import subprocess
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.staff.test_ssh import SSHD, Terminal, free_port, wait_for

CHECKOUT = Path(__file__).resolve().parents[2]
README = CHECKOUT / "README.md"
MARKER = "<!-- office-setup -->"
ACCOUNTS = ("n.alharbi", "tawasul-kiosk")
GROUPS = ("tawasul-staff", "tawasul")


def _exists(lookup: Callable[[str], object], name: str) -> bool:
    try:
        lookup(name)
    except KeyError:
        return False
    return True


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0, reason="makes accounts and groups: needs root (CI)"),
    pytest.mark.skipif(
        not SSHD.exists() or not shutil.which("tmux") or not shutil.which("useradd"),
        reason="needs openssh-server, tmux and useradd (./dev test installs them)",
    ),
    pytest.mark.skipif(
        any(_exists(pwd.getpwnam, name) for name in ACCOUNTS)
        or any(_exists(grp.getgrnam, name) for name in GROUPS),
        reason="this host already has the set-up's accounts or groups: not a fresh machine",
    ),
]


def setup_blocks(readme: str) -> list[str]:
    """The shell blocks that follow the marker, in order, dedented (they sit in a list)."""
    found = re.findall(rf"{re.escape(MARKER)}\s*```sh\n(.*?)```", readme, flags=re.DOTALL)
    return [textwrap.dedent(block) for block in found]


def logical_lines(block: str) -> list[str]:
    """The block's commands, each with its backslash continuations joined."""
    return block.replace("\\\n", " ").splitlines()


def test_the_readme_marks_the_whole_sequence() -> None:
    blocks = setup_blocks(README.read_text(encoding="utf-8"))
    assert len(blocks) == 5
    assert "groupadd" in blocks[1] and "tawasul init" in blocks[2]


def test_the_readme_s_packages_are_the_ones_the_tests_install() -> None:
    """The apt-get lines are not run here; ./dev test installs the same packages."""
    installs = [
        line
        for block in setup_blocks(README.read_text(encoding="utf-8"))
        for line in logical_lines(block)
        if "apt-get install" in line
    ]
    assert installs
    wanted = {package for line in installs for package in line.split("-y", 1)[1].split()}
    test_debs = re.search(r'TEST_DEBS="([^"]*)"', (CHECKOUT / "dev").read_text())
    assert test_debs is not None
    assert wanted <= set(test_debs.group(1).split())


def as_run_here(block: str, root: Path) -> str:
    """*block* as this test runs it (see the module's docstring)."""
    replacements = {
        "SOURCE=~/tawasul": f"SOURCE={CHECKOUT}",
        "/opt/tawasul": f"{root}/opt/tawasul",
        "/var/lib/tawasul": f"{root}/var/lib/tawasul",
        "/etc/tawasul": f"{root}/etc/tawasul",
        "/etc/systemd/system": f"{root}/etc/systemd/system",
        "ssh-setup --write": (
            f"ssh-setup --write --path {root}/etc/ssh/sshd_config.d/tawasul-staff.conf "
            f"--sshd-config {root}/etc/ssh/sshd_config"
        ),
    }
    commands = []
    for line in logical_lines(block):
        if line.startswith(("sudo apt-get ", "sudo systemctl ")):
            continue
        line = line.removeprefix("sudo ")
        for written, here in replacements.items():
            line = line.replace(written, here)
        commands.append(line)
    return "\n".join(commands) + "\n"


def processes_of(uid: int) -> list[int]:
    """The processes running as *uid*."""
    found = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if entry.name.isdigit() and entry.stat().st_uid == uid:
                found.append(int(entry.name))
    return found


def remove_accounts() -> None:
    """Take away what the set-up made, whatever it got to.

    userdel refuses an account that still runs a process: a console ending after its hang-up.
    """
    for name in ACCOUNTS:
        if _exists(pwd.getpwnam, name):
            uid = pwd.getpwnam(name).pw_uid
            with contextlib.suppress(AssertionError):
                wait_for(lambda: not processes_of(uid), 10, f"{name}'s processes to end")  # noqa: B023
            removed = subprocess.run(["userdel", "--remove", name], capture_output=True, text=True)
            assert removed.returncode == 0, removed.stderr
    for name in GROUPS:
        if _exists(grp.getgrnam, name):
            subprocess.run(["groupdel", name], capture_output=True, check=False)


@pytest.fixture
def root() -> Iterator[Path]:
    """A temporary root every account can walk through (pytest's own is root's, mode 700)."""
    folder = Path(tempfile.mkdtemp(prefix="tawasul-setup-", dir="/tmp"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        remove_accounts()
        shutil.rmtree(folder, ignore_errors=True)


def sshd_config(root: Path, port: int) -> Path:
    """A main sshd configuration like Debian's (drop-ins included first), on 127.0.0.1."""
    folder = root / "etc" / "ssh"
    (folder / "sshd_config.d").mkdir(parents=True)
    key = folder / "ssh_host_ed25519_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    config = folder / "sshd_config"
    config.write_text(
        f"""\
Include {folder}/sshd_config.d/*.conf
Port {port}
ListenAddress 127.0.0.1
HostKey {key}
PidFile {root}/sshd.pid
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM yes
AllowUsers n.alharbi
"""
    )
    return config


def run_block(script: str, cwd: Path) -> None:
    """Run one block with sh -eu, as a root shell would; fail with its output."""
    environment = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "LANG": "C.UTF-8"}
    done = subprocess.run(
        ["sh", "-eu", "-c", script],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{script}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"


def test_the_readme_sets_up_an_office_that_works(root: Path) -> None:
    work = root / "work"
    work.mkdir()
    client_key = work / "client_key"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(client_key)], check=True
    )
    shutil.copy(work / "client_key.pub", work / "n.alharbi.pub")  # the member's key, sent in
    port = free_port()
    config = sshd_config(root, port)
    (root / "etc/systemd/system").mkdir(parents=True)  # there on every systemd host
    for block in setup_blocks(README.read_text(encoding="utf-8")):
        run_block(as_run_here(block, root), work)

    db = root / "var/lib/tawasul/tawasul.json"
    tawasul = root / "opt/tawasul/.venv/bin/tawasul"
    assert (root / "etc/systemd/system/tawasul-display.service").exists()
    data_group = grp.getgrnam("tawasul").gr_gid
    assert (stat.S_IMODE(db.stat().st_mode), db.stat().st_gid) == (0o660, data_group)

    # The kiosk account reads and writes the data file, which stays the group's.
    kiosk = ["runuser", "-u", "tawasul-kiosk", "--", str(tawasul)]
    for command in (
        ["db", "check", "--db", str(db)],
        ["staff-admin", "add", "k.check", "--name", "Kiosk check", "--db", str(db)],
        ["staff-admin", "remove", "k.check", "--db", str(db)],
    ):
        done = subprocess.run([*kiosk, *command], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
    assert db.stat().st_uid == pwd.getpwnam("tawasul-kiosk").pw_uid
    assert (stat.S_IMODE(db.stat().st_mode), db.stat().st_gid) == (0o660, data_group)
    assert not list((root / "var/lib/tawasul").glob(".local")), "the kiosk's home is its own"

    # The first supervisor logs in over SSH and lands in the console.
    log = (root / "sshd.log").open("w")
    server = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(config)], stderr=log)
    screen = None
    try:

        def listening() -> bool:
            with socket.socket() as probe:
                return probe.connect_ex(("127.0.0.1", port)) == 0

        wait_for(listening, 10, "sshd to listen")
        screen = Terminal(
            "setup",
            ["ssh", "-tt", "-F", "/dev/null", "-p", str(port), "-i", str(client_key),
             "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
             "-o", "StrictHostKeyChecking=no", "-o", f"UserKnownHostsFile={work / 'known'}",
             "n.alharbi@127.0.0.1"],
        )  # fmt: skip
        try:
            screen.wait_for("Page 1 of", timeout=30)
        except AssertionError as error:
            sshd_log = (root / "sshd.log").read_text()
            raise AssertionError(f"{error}\nsshd log:\n{sshd_log}") from None
        assert "Noura Al-Harbi (n.alharbi, supervisor)" in screen.screen()
        screen.press("C-q")
    finally:
        if screen is not None:
            screen.close()
        server.terminate()
        server.wait(timeout=10)
        log.close()

"""The operator's commands around the staff console: the sshd drop-in and the staff table.

``tawasul ssh-setup`` prints (and with ``--write`` installs and checks) an OpenSSH drop-in whose
``Match Group`` block starts the console with ``ForceCommand`` and allows nothing else. It also
warns about the two mistakes that make staff logins fail: a program staff accounts cannot run
(a virtual environment made from an interpreter in root's home folder) and a data folder they
cannot write.
"""

import argparse
import contextlib
import fnmatch
import grp
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from kiosk.cli.arguments import data_location, path_argument
from kiosk.config import default_config_path, load_config
from kiosk.domain.models import StaffMember, StaffRole
from kiosk.errors import InvalidInput, TawasulError
from kiosk.services import Services
from kiosk.services.staff import StaffDirectory, check_login_name, client_address, login_name
from kiosk.store.postgres.location import OfficeDatabase

DEFAULT_GROUP = "tawasul-staff"
"""The Unix group whose members get the console (not Debian's own ``staff`` group, gid 50)."""

DEFAULT_DROP_IN = Path("/etc/ssh/sshd_config.d/tawasul-staff.conf")
"""Where ``--write`` puts the drop-in; Debian's sshd_config includes this folder first."""

# sshd and the login shell both split the ForceCommand line; paths stay simple words.
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_./+@:-]+")

_PLAIN_URL = re.compile(r"[A-Za-z0-9_./+@:?&=%-]+")
"""What a database URL may hold to stand unquoted in sshd's SetEnv (no space, no quote)."""


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``ssh-setup`` and ``staff-admin`` to the subcommands *commands*."""
    setup = commands.add_parser(
        "ssh-setup",
        parents=[common],
        help="print (or --write) the sshd drop-in that starts the staff console",
    )
    setup.add_argument(
        "--group", default=DEFAULT_GROUP, help=f"Unix group (default {DEFAULT_GROUP})"
    )
    setup.add_argument("--write", action="store_true", help="install the drop-in and check sshd")
    setup.add_argument(
        "--path", type=path_argument, default=DEFAULT_DROP_IN, help="where --write writes"
    )
    setup.add_argument(
        "--tawasul", type=path_argument, default=None, help="the tawasul program to run"
    )
    setup.add_argument("--sshd", default="/usr/sbin/sshd", help="sshd to check the result with")
    setup.add_argument(
        "--sshd-config",
        type=path_argument,
        default=Path("/etc/ssh/sshd_config"),
        help="the main sshd configuration, which must include --path",
    )
    setup.add_argument(
        "--truecolor",
        action="store_true",
        help="tell the console every staff terminal has 24-bit colour",
    )
    setup.set_defaults(run=_run_ssh_setup)

    admin = commands.add_parser("staff-admin", help="the staff table (who may use the console)")
    actions = admin.add_subparsers(dest="staff_command", metavar="ACTION")
    listing = actions.add_parser("list", parents=[common], help="every staff member")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=_run_staff_list)
    add = actions.add_parser("add", parents=[common], help="add or change a staff member")
    add.add_argument("username", help="their SSH login name")
    add.add_argument("--name", required=True, help="the name the console shows")
    add.add_argument("--role", choices=[r.value for r in StaffRole], default=StaffRole.STAFF.value)
    add.set_defaults(run=_run_staff_add)
    remove = actions.add_parser("remove", parents=[common], help="remove a staff member")
    remove.add_argument("username")
    remove.set_defaults(run=_run_staff_remove)


# --- ssh-setup --------------------------------------------------------------------------------


def drop_in_text(
    tawasul: Path,
    db: Path | OfficeDatabase,
    config: Path | None,
    group: str,
    truecolor: bool = False,
) -> str:
    """The sshd_config drop-in that gives members of *group* the console and nothing else.

    A data file is named on the forced command (``--db``); an office in a database is named in
    the session's environment (``TAWASUL_DB``), since its URL's ``?`` and ``&`` mean something
    to the login shell that runs the command.
    """
    paths = [tawasul, *([db] if isinstance(db, Path) else []), *([config] if config else [])]
    for path in paths:
        if not path.is_absolute() or not _PLAIN_PATH.fullmatch(str(path)):
            raise InvalidInput(
                f"{path} must be an absolute path of letters, digits and ./_-+@: only, "
                "since sshd and the login shell split the command at spaces and quotes."
            )
    if isinstance(db, OfficeDatabase) and not _PLAIN_URL.fullmatch(db.url):
        raise InvalidInput(
            "The database URL must hold no space or quote to stand in sshd's SetEnv; "
            "name the server with a libpq service (service=NAME) instead."
        )
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", group):
        raise InvalidInput(f"{group!r} is not a group name.")
    where = f" --db {db}" if isinstance(db, Path) else ""
    command = f"{tawasul} staff{where}" + (f" --config {config}" if config else "")
    environment = "LANG=C.UTF-8" + (" COLORTERM=truecolor" if truecolor else "")
    if isinstance(db, OfficeDatabase):
        environment += f" TAWASUL_DB={db.url}"
    return f"""\
# Tawasul staff console, written by `tawasul ssh-setup`.
# Members of the group {group} land in the console and nothing else: the command the client
# asks for is ignored (no shell, no sftp or scp), no forwarding of any kind, no ~/.ssh/rc.
Match Group {group}
    ForceCommand {command}
    PermitTTY yes
    DisableForwarding yes
    AllowTcpForwarding no
    AllowStreamLocalForwarding no
    AllowAgentForwarding no
    X11Forwarding no
    PermitTunnel no
    PermitListen none
    PermitOpen none
    GatewayPorts no
    PermitUserRC no
    SetEnv {environment}
    AcceptEnv COLORTERM
    # A dead connection is noticed within a minute; the console then gets SIGHUP and ends.
    ClientAliveInterval 15
    ClientAliveCountMax 4
"""


def setup_problems(tawasul: Path, db: Path | OfficeDatabase, group: str) -> list[str]:
    """What would stop members of *group* from running *tawasul* or writing *db* (a data
    file's folder; an office in a database is the server's to grant, through its roles)."""
    try:
        gid: int | None = grp.getgrnam(group).gr_gid
    except KeyError:
        gid = None
    problems = []
    if gid is None:
        problems.append(
            f"there is no group {group!r} yet: `groupadd {group}`, then "
            f"`usermod -aG {group} <login>` for each staff member."
        )
    program = [tawasul, *_interpreters(tawasul)]
    for path in program:
        blocked = _closed_to(path, gid)
        if blocked is not None:
            problems.append(
                f"staff accounts cannot run {path}: {blocked} is closed to them. A virtual "
                "environment made from an interpreter in root's home folder (pyenv) is "
                "unreadable for other users; install under /opt with the system python3 "
                "(see the README)."
            )
            break
    if isinstance(db, OfficeDatabase):
        return problems
    folder = db.parent
    if _closed_to(folder, gid) is not None or not _writable(folder, gid):
        problems.append(
            f"members of {group} cannot write the data folder {folder}: give it a group they "
            f"(and the kiosk account) are in, e.g. `chgrp tawasul {folder} && chmod 2775 "
            f"{folder}`, the data file mode 664, so every staff process can replace the file "
            "and take its lock."
        )
    return problems


def _interpreters(tawasul: Path) -> list[Path]:
    """The interpreter named in *tawasul*'s first line, and what its symlinks lead to."""
    try:
        with tawasul.open("rb") as handle:
            first = handle.readline(4096).decode("utf-8", "replace")
    except OSError:
        return []
    if not first.startswith("#!"):
        return []
    named = Path(first[2:].split()[0]) if first[2:].split() else None
    if named is None:
        return []
    return [named, Path(os.path.realpath(named))]


def _closed_to(path: Path, gid: int | None) -> Path | None:
    """The first folder on the way to *path*, or *path* itself, that *gid*'s members cannot use.

    Folders must let them pass (x), the file must let them read and run it (r and x), through
    the bits for others or, where the group is *gid*, the bits for the group.
    """
    for place in [*reversed(path.parents), path]:
        try:
            info = place.stat()
        except OSError:
            return place
        need = 0o1 if stat.S_ISDIR(info.st_mode) else 0o5
        if info.st_mode & need == need:
            continue
        if gid is not None and info.st_gid == gid and (info.st_mode >> 3) & need == need:
            continue
        return place
    return None


def _writable(folder: Path, gid: int | None) -> bool:
    """Whether members of the group *gid* may create files in *folder*.

    Either through the bits for others, or through the group bits when the folder's group is
    *gid* or a group every listed member of *gid* also belongs to (a shared data group such as
    ``tawasul``, which the kiosk account is in too).
    """
    try:
        info = folder.stat()
    except OSError:
        return False
    if info.st_mode & stat.S_IWOTH:
        return True
    if gid is None or not info.st_mode & stat.S_IWGRP:
        return False
    if info.st_gid == gid:
        return True
    try:
        staff = set(grp.getgrgid(gid).gr_mem)
        data = set(grp.getgrgid(info.st_gid).gr_mem)
    except KeyError:
        return False
    return staff <= data


def _run_ssh_setup(args: argparse.Namespace) -> int:
    tawasul = Path(os.path.abspath(args.tawasul or _this_tawasul()))
    location = data_location(args.db)
    db = location if isinstance(location, OfficeDatabase) else Path(os.path.abspath(location))
    config_path = args.config or default_config_path()
    config = Path(os.path.abspath(config_path)) if config_path else None
    if config is not None:
        load_config(config)  # a wrong configuration fails here, not at a staff login
    text = drop_in_text(tawasul, db, config, args.group, args.truecolor)
    for problem in setup_problems(tawasul, db, args.group):
        print(f"tawasul: warning: {problem}", file=sys.stderr)
    if not args.write:
        print(text, end="")
        return 0
    path = Path(os.path.abspath(args.path))
    if not _included(args.sshd_config, path):
        print(
            f"tawasul: warning: {args.sshd_config} has no Include line that covers {path}; "
            f"add `Include {path}` at its top.",
            file=sys.stderr,
        )
    _install(path, text, args.sshd, args.sshd_config)
    print(f"Wrote {path}; sshd accepts it. Reload sshd: `systemctl reload ssh`.")
    return 0


def _this_tawasul() -> Path:
    beside = Path(sys.executable).with_name("tawasul")
    if beside.exists():
        return beside
    found = shutil.which("tawasul")
    if found is None:
        raise InvalidInput("Cannot find the tawasul program; name it with --tawasul.")
    return Path(found)


def _included(main_config: Path, path: Path) -> bool:
    """Whether an ``Include`` line of *main_config* names *path* (or a pattern matching it)."""
    try:
        lines = main_config.read_text(encoding="utf-8").splitlines()
    except OSError:
        return False
    for line in lines:
        words = line.split()
        if words and words[0].lower() == "include":
            patterns = [w if w.startswith("/") else f"/etc/ssh/{w}" for w in words[1:]]
            if any(fnmatch.fnmatch(str(path), pattern) for pattern in patterns):
                return True
    return False


def _install(path: Path, text: str, sshd: str, main_config: Path) -> None:
    """Write *text* to *path*, keep it only if ``sshd -t`` accepts the whole configuration."""
    try:
        previous = path.read_text(encoding="utf-8") if path.exists() else None
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except OSError as error:
        raise TawasulError(
            f"{path} cannot be written ({error.strerror}); run ssh-setup --write as root."
        ) from None
    if not Path(sshd).exists():
        print(
            f"tawasul: warning: {sshd} is not there; check with `sshd -t` yourself.",
            file=sys.stderr,
        )
        return
    checked = subprocess.run(
        [sshd, "-t", "-f", str(main_config)], capture_output=True, text=True, check=False
    )
    if checked.returncode != 0:
        if previous is None:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        else:
            path.write_text(previous, encoding="utf-8")
        raise TawasulError(
            f"sshd refused the configuration, so {path} was put back as it was: "
            f"{checked.stderr.strip()}"
        )


# --- staff-admin ------------------------------------------------------------------------------


def _directory(args: argparse.Namespace) -> StaffDirectory:
    services: Services = args.open_services(args)
    services.store.check()
    return StaffDirectory(services.store, services.clock)


def _operator() -> str:
    return f"operator:{login_name()}"


def _run_staff_list(args: argparse.Namespace) -> int:
    members = _directory(args).members()
    if args.json:
        rows = [
            {"username": m.username, "name": m.display_name, "role": m.role.value} for m in members
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for member in members:
        print(f"{member.username:<20} {member.role.value:<11} {member.display_name}")
    return 0


def _run_staff_add(args: argparse.Namespace) -> int:
    username = check_login_name(args.username)
    member = _directory(args).put(
        StaffMember(username, args.name, StaffRole(args.role)),
        _operator(),
        client_address(os.environ),
    )
    print(f"{member.username} may use the staff console as {member.role.value}.")
    return 0


def _run_staff_remove(args: argparse.Namespace) -> int:
    _directory(args).remove(args.username, _operator(), client_address(os.environ))
    print(f"{args.username} can no longer use the staff console.")
    return 0

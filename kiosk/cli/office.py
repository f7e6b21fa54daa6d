"""The operator's commands that set an office up and read its audit log on the host.

``tawasul init`` makes what a new office starts from: an empty data file the kiosk account and
the staff can share, a commented configuration file with every key, and the first supervisor.
``tawasul audit`` reads the whole audit log (the live file and the yearly audit archives).
"""

import argparse
import json
import os
from pathlib import Path
from typing import Any

from kiosk.config import KioskConfig, load_config
from kiosk.domain.calendar import parse_date, riyadh_stamp
from kiosk.domain.models import AuditEntry, StaffMember, StaffRole
from kiosk.errors import InvalidInput, StoreUnwritable
from kiosk.services import Services
from kiosk.services.clock import utc_now
from kiosk.services.office import AuditFilter, audit_log, audit_target
from kiosk.services.staff import StaffDirectory, check_login_name, client_address, login_name
from kiosk.store.postgres.location import is_database_url
from kiosk.store.setup import create_office_data

_DEFAULTS = KioskConfig()

CONFIG_TEMPLATE = """\
# Tawasul Kiosk configuration, written by `tawasul init`. Every key is here with its default;
# change what your office needs. The README's "Configuration" section says more about each.

# The office, as the welcome screen and the receipt show it.
office_name_ar = {office_name_ar}
office_name_en = {office_name_en}
# This kiosk's name on its receipts and in the audit log.
kiosk_id = "KIOSK-01"
# The welcome screen's first language: "ar" or "en".
language = "ar"
# "app": the program shapes and orders Arabic (xterm, foot, tmux); "terminal": the terminal does.
bidi = "app"
# Seconds without input before "are you still there?", and the length of that countdown.
idle_seconds = 60
countdown_seconds = 20
# Seconds the "out of service" notice stays after an unexpected error before Welcome returns.
out_of_service_seconds = 15
# The key chord that asks for the staff PIN to leave the kiosk, and the PIN's argon2 hash.
staff_exit_chord = "ctrl+alt+x"
staff_pin_hash = ""
# Minutes without input after which a staff console session ends.
staff_session_idle_minutes = 30
# Office closures on top of the Saudi public holidays, e.g. ["2027-03-14", "2027-03-15"].
closures = []
# Working days to an expected answer (Jawazat's target), and days after which finished requests
# move to the yearly archive.
response_target_days = 7
archive_after_days = 90
# The receipt signing key and the print spool; empty: beside the data file.
receipt_key_path = ""
spool_dir = ""
# The log file; empty: tawasul.log in the account's state folder.
log_path = ""
# How residents sign in, the first offered first: ["nafath", "password"], ["nafath"], ["password"].
sign_in = ["password"]

[printer]
# "file", "network", "usb", "serial", "cups" or "none"; only the chosen kind's keys are used.
kind = "file"
# file: where receipts are written (empty: receipts/ beside the data file).
path = ""
# network: the printer's address, port and seconds to wait.
host = ""
port = 9100
timeout = 4.0
# usb: the printer's vendor and product id (e.g. 0x0416 and 0x5011).
vendor_id = 0
product_id = 0
# serial: the device and its speed.
device = ""
baudrate = 19200
# cups: the queue name.
queue = ""
# Paper width in millimetres: 58 or 80.
width_mm = 80

[nafath]
# Used when sign_in lists "nafath". The Nafath integrators' API (the simulator by default).
url = "http://127.0.0.1:8765"
# The Nafath service asked for, and the iss and aud its signed statements must carry
# (an empty audience: the APP-ID).
service = "Login"
issuer = "tawasul-nafath-sim"
audience = ""
# A TOML file (mode 0600) with app_id and app_key; TAWASUL_NAFATH_APP_ID and
# TAWASUL_NAFATH_APP_KEY in the environment win over it.
credentials_file = ""
# The service's decision window (the countdown shown), how often the kiosk asks, and how long
# each request may take, in seconds.
decision_seconds = 60.0
poll_seconds = 2.5
request_timeout = 4.0

[speech]
# Spoken guidance through a headphone jack or handset: each resident screen's title and what to
# do, and the status with its next step, in the resident's language (README: "Spoken guidance").
# On, it doubles idle_seconds: hearing a screen takes longer than reading it.
enabled = false
# The speech engine's command line, run for each sentence (espeak-ng's -v, -a, -s follow it).
engine = "espeak-ng"
# Loudness, espeak-ng's amplitude from 0 to 200 (the volume keys change it for one visit).
volume = 100
# Words a minute, 80 to 450.
rate = 150
# A tick for each key on a masked field (password, PIN) and a tone for an error, with speech on
# or off (aplay or paplay; without them the terminal bell).
tones = true

[accessibility]
# How every visit starts; a resident switches either for their own visit (F2, F3, or a touch
# on the top line) and the next visit starts from these again. High contrast: light text on
# black at 7:1 or more. Large: fewer, bigger targets, a keypad of keys twice as large.
high_contrast = false
large = false
# How many times the idle time a resident gets with the large layout or speech on (1 to 10).
more_time_factor = 2.0
"""
"""The configuration ``init`` writes: every key, with its default and what it is for."""


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``init`` and ``audit`` to the ``tawasul`` command (*common*: --db and --config)."""
    init = commands.add_parser(
        "init", help="a new office: an empty data file, a configuration, the first supervisor"
    )
    init.add_argument("--db", type=str, required=True, help="the data file to make")
    init.add_argument("--config", type=Path, default=None, help="the configuration file to write")
    init.add_argument("--office", default=None, help="the office's name in English")
    init.add_argument("--office-ar", default=None, help="the office's name in Arabic")
    init.add_argument("--supervisor", default=None, metavar="LOGIN", help="the first supervisor")
    init.add_argument("--name", default=None, help="the supervisor's name as the console shows it")
    init.set_defaults(run=_run_init)

    audit = commands.add_parser(
        "audit", parents=[common], help="the audit log, archived years included, oldest first"
    )
    audit.add_argument("--actor", default=None, help="only what this login (or kiosk) did")
    audit.add_argument("--since", default=None, metavar="DATE", help="from this Riyadh day on")
    audit.add_argument("--target", default=None, help="only about this request (or member)")
    audit.add_argument("--json", action="store_true", help="one JSON object per line")
    audit.set_defaults(run=_run_audit)


def config_text(office_en: str | None, office_ar: str | None) -> str:
    """The commented configuration, with the office's names where given."""
    return CONFIG_TEMPLATE.format(
        office_name_ar=json.dumps(office_ar or _DEFAULTS.office_name_ar, ensure_ascii=False),
        office_name_en=json.dumps(office_en or _DEFAULTS.office_name_en, ensure_ascii=False),
    )


def _run_init(args: argparse.Namespace) -> int:
    if (args.supervisor is None) != (args.name is None):
        raise InvalidInput("--supervisor and --name go together: the login and the name.")
    login = check_login_name(args.supervisor) if args.supervisor else None
    if is_database_url(args.db):
        # The path would be read as a folder and named back, the URL's words split at its /.
        raise InvalidInput(
            "init makes a data file; for an office in a database run "
            "`tawasul db upgrade --db URL` (it adds the office)."
        )
    args.db = Path(args.db)
    config_path: Path | None = args.config
    if config_path is not None and config_path.exists():
        raise InvalidInput(f"{config_path} already exists; init never replaces a configuration.")
    store = create_office_data(args.db)
    print(f"{args.db}: an empty data file (mode 0660, group of {args.db.parent}).")
    if config_path is not None:
        try:
            with config_path.open("x", encoding="utf-8") as written:
                written.write(config_text(args.office, args.office_ar))
            # The kiosk account and staff read it (the staff PIN's hash is in it); no one else.
            os.chown(config_path, -1, args.db.parent.stat().st_gid)
            config_path.chmod(0o640)
        except FileNotFoundError:
            raise InvalidInput(
                f"There is no folder {config_path.parent} for the configuration."
            ) from None
        except PermissionError as error:
            raise StoreUnwritable(f"{config_path} cannot be written ({error.strerror}).") from None
        load_config(config_path)  # what init writes, the program reads
        print(f"{config_path}: the configuration (mode 0640, the same group), every key.")
    if login is not None:
        StaffDirectory(store, utc_now).put(
            StaffMember(login, args.name, StaffRole.SUPERVISOR),
            f"operator:{login_name()}",
            client_address(os.environ),
        )
        print(f"{login} may use the staff console as supervisor.")
    return 0


def _run_audit(args: argparse.Namespace) -> int:
    services: Services = args.open_services(args)
    services.store.check()
    wanted = AuditFilter(
        actor=args.actor.strip() if args.actor else None,
        since=parse_date(args.since) if args.since else None,
        target=audit_target(args.target) if args.target else None,
    )
    for entry in audit_log(services.store, wanted):
        print(_as_json(entry) if args.json else _as_line(entry))
    return 0


def _as_json(entry: AuditEntry) -> str:
    return json.dumps(
        {
            "at": entry.at.isoformat(),
            "actor": entry.actor,
            "action": entry.action,
            "target": entry.target,
            "details": entry.details,
        },
        ensure_ascii=False,
    )


def _as_line(entry: AuditEntry) -> str:
    # Details are what people typed (notes): JSON keeps a newline or a control character inert.
    details = json.dumps(entry.details, ensure_ascii=False) if entry.details else ""
    return (
        f"{riyadh_stamp(entry.at)}  {entry.actor:<16} {entry.action:<24} {entry.target}  {details}"
    )

"""The benchmark's helper processes: ``python -m bench.worker MODE ...``, MODE one of these.

- ``writer BACKEND PATH``: another process that changes a status each time it reads
  ``advance NUMBER`` on stdin, and answers ``ok`` once the change is durable.
- ``memory BACKEND PATH NUMBER... -- ID...``: a fresh process that opens the data, looks the
  numbers and the people up (as a kiosk does) and prints its peak resident memory in MB.
  The peak is VmHWM, this process image's high-water mark: getrusage's ru_maxrss survives
  exec on Linux, so it would report the size of the benchmark process that forked this one.
- ``live PATH NUMBER ROUNDS``: a headless kiosk over PATH showing the status of NUMBER, which
  prints ``ready``, then ``shown`` each time the screen shows a new status (ROUNDS times).
- ``subscribe LOCATION``: subscribes to the change signal of the store at LOCATION (a data
  file or an office's URL), prints ``ready``, then ``heard SECONDS`` each time it is told of a
  change (SECONDS: CLOCK_MONOTONIC, the clock every process of the machine shares).
- ``load kiosk|staff LOCATION NAME SECONDS THINK_MS NUMBER...``: one of bench/offices.py's load
  processes. It prints ``ready``, waits for a line, then for SECONDS works on the NUMBERs (a
  kiosk looks them up and opens a request every fourth time; staff change their statuses),
  waiting about THINK_MS between operations, and prints one JSON line: each read's and write's
  milliseconds, the writes it saw committed (number and note), and the operations that failed.
- ``visits PATH WARM TOTAL ID PASSWORD...``, ``openings PATH WARM TOTAL``: the memory guards,
  ``console PATH ROUNDS NUMBER...``: the staff console's start and searches (bench.guards).
- ``startup kiosk PATH`` / ``startup bare``: starts the kiosk app (with ``start_kiosk``, as
  ``tawasul kiosk`` does) or a bare Textual app with one Static, headless,
  and prints ``ready`` once the first screen is mounted and drawn.
"""

import resource
import sys
from pathlib import Path

# Our modules are imported where a helper needs them: the bare Textual app's start, the
# baseline of the ratios, must not load the kiosk's command line.


def _writer(backend_name: str, path: Path) -> None:
    from bench.backends import open_backend

    backend = open_backend(backend_name, path)
    for line in sys.stdin:
        command, _, number = line.strip().partition(" ")
        if command != "advance":
            break
        backend.advance(number, "bench.writer")
        print("ok", flush=True)
    backend.close()


def _memory(backend_name: str, path: Path, arguments: list[str]) -> None:
    from bench.backends import open_backend

    split = arguments.index("--")
    backend = open_backend(backend_name, path)
    for number in arguments[:split]:
        if backend.lookup(number) is None:
            raise SystemExit(f"request {number} was not found")
    for applicant in arguments[split + 1 :]:
        backend.requests_of(applicant)
    print(_peak_rss_kib() / 1024, flush=True)


def _peak_rss_kib() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return float(line.split()[1])
    except OSError:
        pass
    # Elsewhere ru_maxrss is the best there is (KiB on Linux, bytes on macOS).
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _subscribe(location: str) -> None:
    import time

    from bench.offices import open_location

    store = open_location(location)

    def told() -> None:
        print(f"heard {time.monotonic()}", flush=True)

    with store.changes.subscribe(told):
        print("ready", flush=True)
        sys.stdin.readline()  # until the benchmark closes this process


def _load(role: str, location: str, name: str, seconds: float, think_ms: float,
          numbers: list[str]) -> None:  # fmt: skip
    import json
    import random
    import time

    from bench.offices import advance, open_location, service
    from kiosk.resources import request_types

    requests = service(open_location(location))
    rng = random.Random(name)
    # Warm, as a kiosk or console is once it shows its first screen: the file read, connected.
    people = sorted({requests.find(number).applicant_id for number in numbers[:20]})
    type_code = sorted(request_types().codes)[0]
    print("ready", flush=True)
    sys.stdin.readline()
    read_ms: list[float] = []
    write_ms: list[float] = []
    acknowledged: list[tuple[str, str]] = []
    failed = 0
    first_error = ""
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        note = f"{name}-{i}"
        started = time.perf_counter()
        try:
            if role == "staff":
                number = numbers[i % len(numbers)]
                advance(requests, number, name, note)
                write_ms.append((time.perf_counter() - started) * 1000)
                acknowledged.append((number, note))
            elif i % 4 == 3:
                made = requests.add_request(rng.choice(people), type_code, name, note, rng=rng)
                write_ms.append((time.perf_counter() - started) * 1000)
                acknowledged.append((made.number, note))
            else:
                requests.find(numbers[i % len(numbers)])
                read_ms.append((time.perf_counter() - started) * 1000)
        except Exception as error:  # counted and told, so one failure does not end the run
            failed += 1
            first_error = first_error or f"{type(error).__name__}: {error}"
        i += 1
        time.sleep(rng.uniform(0.5, 1.5) * think_ms / 1000)
    report = {
        "read_ms": read_ms,
        "write_ms": write_ms,
        "acknowledged": acknowledged,
        "failed": failed,
        "first_error": first_error,
    }
    print(json.dumps(report), flush=True)


def _startup(kind: str, path: Path | None) -> None:
    import asyncio

    from textual.app import App

    app: App[None]
    if kind == "kiosk":
        assert path is not None
        from kiosk.app import start_kiosk
        from kiosk.cli.wiring import open_services
        from kiosk.config import KioskConfig
        from kiosk.domain.languages import Language

        # The same start as `tawasul kiosk`: the data file's frame, then the app (which verifies
        # every document in a worker once Welcome is up).
        services = open_services(path, KioskConfig())
        app = start_kiosk(services, language=Language.ARABIC)
    else:
        from textual.app import ComposeResult
        from textual.widgets import Static

        class Bare(App[None]):
            def compose(self) -> ComposeResult:
                yield Static("Tawasul")

        app = Bare()

    async def first_screen() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            print("ready", flush=True)

    asyncio.run(first_screen())


def _live(path: Path, number: str, rounds: int) -> None:
    import asyncio

    from kiosk.app import make_kiosk_app
    from kiosk.cli.wiring import open_services
    from kiosk.config import KioskConfig
    from kiosk.domain.languages import Language
    from screens.resident.context import KioskContext
    from screens.resident.status import StatusScreen
    from widgets import StatusBadge

    services = open_services(path, KioskConfig())
    app = make_kiosk_app(services, Language.ARABIC, handle_signals=False)

    def badge() -> object:
        # What the resident sees: the status badge (None while the screen is drawn anew).
        found = app.screen.query(StatusBadge)
        return found.first().status if found else None

    async def follow() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            request = services.requests.find(number)
            visit = KioskContext(services, Language.ARABIC, None)
            await app.push_screen(StatusScreen(visit, request, quick=True))
            await pilot.pause()
            print("ready", flush=True)
            shown: object = request.status
            for _ in range(rounds):
                while badge() in (shown, None):
                    await asyncio.sleep(0.002)
                shown = badge()
                print("shown", flush=True)

    asyncio.run(follow())


def _guard(mode: str, path: Path, arguments: list[str]) -> None:
    from bench import guards

    if mode == "console":
        guards.run(guards.console_start_and_search(path, arguments[1:], int(arguments[0])))
        return
    counts = (int(arguments[0]), int(arguments[1]))
    if mode == "openings":
        guards.run(guards.console_openings(path, counts))
    else:
        people = list(zip(arguments[2::2], arguments[3::2], strict=True))
        guards.run(guards.kiosk_visits(path, counts, people))


def main(argv: list[str]) -> None:
    """Run the helper named by ``argv[0]``."""
    mode = argv[0]
    if mode == "writer":
        _writer(argv[1], Path(argv[2]))
    elif mode == "memory":
        _memory(argv[1], Path(argv[2]), argv[3:])
    elif mode == "live":
        _live(Path(argv[1]), argv[2], int(argv[3]))
    elif mode == "subscribe":
        _subscribe(argv[1])
    elif mode == "load":
        _load(argv[1], argv[2], argv[3], float(argv[4]), float(argv[5]), argv[6:])
    elif mode in ("visits", "openings", "console"):
        _guard(mode, Path(argv[1]), argv[2:])
    elif mode == "startup":
        _startup(argv[1], Path(argv[2]) if len(argv) > 2 else None)
    else:
        raise SystemExit(f"unknown helper {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])

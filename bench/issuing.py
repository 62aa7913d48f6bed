"""Shared by the issuing benchmarks (``documents_letters.py``, ``letters_issue.py``): the database
set-up, the village offices, and the interleaved runner.

The runner measures letters per second in rounds that interleave the subjects (A B C A B C …)
so every subject sees the same machine. With ``workers=1`` it calls them in this process, one
after the other: the latency view, where each letter waits for its own commit (fdatasync on
PostgreSQL, ~3-4 ms here, about half a compile). With ``workers=N`` the calls run in N forked
processes at once, as N server workers would run N requests: the throughput view, where one
process compiles while another waits for its commit. Every subject, the bare engine included,
gets the same N workers, each its own range of items; a round's rate is all the letters of the
round over the round's wall time.

Where the time goes is measured too, per letter: the CPU of the worker processes (all their
threads: Typst compiles on helper threads as well), of it the compiles' share, the PostgreSQL
server's processes (read from ``/proc``: the benchmarks run against a server on this machine),
and the CPUs' idle time. In the throughput pass these add up, within a few per cent (the
kernel's own threads, other processes), to the round's wall time times the CPUs. So they show
how a service's letter differs from a bare compile: the service's own work, the server's, a
compile made slower by what ran between two compiles, and time nobody used.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"


def configure(*, sqlite: bool, db_name: str, media: str, signer_file: str) -> None:
    """A fresh database (PostgreSQL ``db_name`` or a SQLite file) and Django on production
    settings with the local signer."""
    if sqlite:
        path = RESULTS / f"{db_name}.sqlite3"
        RESULTS.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{db_name}"')
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{db_name}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "pintu.settings"
    os.environ.setdefault("PINTU_DEBUG", "0")
    os.environ.setdefault("PINTU_SECRET_KEY", "bench-only-" + "k" * 60)
    os.environ.setdefault("PINTU_MEDIA_ROOT", str(RESULTS / media))
    os.environ.setdefault("PINTU_LOG_LEVEL", "WARNING")
    os.environ["PINTU_SIGNER"] = "local"
    os.environ.setdefault("PINTU_SIGNER_DEMO_PKCS12", str(RESULTS / signer_file))
    import django

    django.setup()
    _time_compiles()


class _TimedCompiler:
    """A thread's Typst compiler that adds up the CPU its compiles take (process CPU over each
    compile: Typst's helper threads work for it while the caller waits)."""

    seconds = 0.0  # of this process, every thread's compiler

    def __init__(self, inner):
        self.inner = inner

    def compile(self, *args, **kwargs):
        started = time.process_time()
        try:
            return self.inner.compile(*args, **kwargs)
        finally:
            _TimedCompiler.seconds += time.process_time() - started


def _time_compiles() -> None:
    """Every compile, the service's and the bare engine's, through ``_TimedCompiler``."""
    from pintu.documents import rendering

    real = rendering._compiler

    def timed():
        compiler = getattr(rendering._local, "timed", None)
        if compiler is None:
            compiler = rendering._local.timed = _TimedCompiler(real())
        return compiler

    rendering._compiler = timed


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _system_cpu() -> tuple[float, float] | None:
    """(seconds every CPU was idle, CPU seconds of the PostgreSQL server's processes) since
    boot, from ``/proc``; None where there is no ``/proc``."""
    try:
        with open("/proc/stat") as fh:
            fields = fh.readline().split()
        idle = (int(fields[4]) + int(fields[5])) / _TICK  # idle + iowait
    except (OSError, IndexError, ValueError):
        return None
    server = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue  # ended meanwhile
        if stat[stat.index("(") + 1 : stat.rindex(")")].startswith("postgres"):
            rest = stat[stat.rindex(")") + 2 :].split()
            server += int(rest[11]) + int(rest[12])  # utime + stime
    return idle, server / _TICK


def _work(call, index: int, items) -> tuple[float, float]:
    """Run ``items``; (CPU seconds of this process, of it in compiles)."""
    cpu, compiles = time.process_time(), _TimedCompiler.seconds
    for item in items:
        call(index, item)
    return time.process_time() - cpu, _TimedCompiler.seconds - compiles


def village_offices(count: int):
    """Migrate; Banyuwangi's Licin with ``count`` villages, each with its office and a kepala desa
    and an operator. Returns [(village, office, head, operator)]."""
    from django.core.management import call_command

    from pintu.accounts.constants import AccountType, Role
    from pintu.accounts.models import User
    from pintu.accounts.services import role_assign
    from pintu.regions.models import District, OrgUnit, Province, Regency, Village
    from pintu.regions.services import org_units_ensure_for_regency

    call_command("migrate", interactive=False, verbosity=0)
    province = Province.objects.create(code="35", name="Jawa Timur")
    regency = Regency.objects.create(
        code="35.10", province=province, name="Kabupaten Banyuwangi", kind="kabupaten"
    )
    licin = District.objects.create(code="35.10.24", regency=regency, name="Licin")
    names = ["Tamansari", "Licin", "Banjar", "Segobang", "Pakel", "Jelun", "Gumuk", "Kluncing"]
    villages = [
        Village.objects.create(
            code=f"35.10.24.{2008 + i}", district=licin, name=names[i % len(names)], kind="desa"
        )
        for i in range(count)
    ]
    org_units_ensure_for_regency(regency_code="35.10")
    out = []
    for i, village in enumerate(villages):
        office = OrgUnit.objects.get(code=f"DESA-{village.code}")
        head = User.objects.create(
            username=f"kades-bench-{i}", full_name="Sugeng Riyadi", account_type=AccountType.STAFF
        )
        operator = User.objects.create(
            username=f"operator-bench-{i}", full_name="Rudi", account_type=AccountType.STAFF
        )
        role_assign(actor=None, user=head, role=Role.VILLAGE_HEAD, org_unit=office)
        role_assign(actor=None, user=operator, role=Role.VILLAGE_OPERATOR, org_unit=office)
        out.append((village, office, head, operator))
    return out


# --- the runner ------------------------------------------------------------------------------------

_SUBJECTS: dict = {}  # name -> call(worker, item); set before the workers fork


def _worker(index: int, conn) -> None:
    from django.db import connections

    connections.close_all()  # never the parent's sockets: each worker opens its own
    while True:
        task = conn.recv()
        if task is None:
            break
        name, items = task
        conn.send(_work(_SUBJECTS[name], index, items))
    connections.close_all()


class Runner:
    """``run(name, items_per_worker)`` -> letters per second across all workers. Items are
    numbered across all runners of the process: no two calls get the same item."""

    serial = 0

    def __init__(self, subjects: dict, workers: int):
        self.workers = workers
        self.cpu: dict[str, dict[str, float]] = {}  # subject -> seconds (measured rounds only)
        _SUBJECTS.clear()
        _SUBJECTS.update(subjects)
        self.pipes, self.processes = [], []
        if workers > 1:
            from django.db import connections

            connections.close_all()
            context = multiprocessing.get_context("fork")
            for index in range(workers):
                parent, child = context.Pipe()
                process = context.Process(target=_worker, args=(index, child), daemon=True)
                process.start()
                self.pipes.append(parent)
                self.processes.append(process)

    def run(self, name: str, per_worker: int, *, measured: bool = True) -> float:
        batches = []
        for _index in range(self.workers):
            batches.append(range(Runner.serial, Runner.serial + per_worker))
            Runner.serial += per_worker
        system = _system_cpu()
        started = time.perf_counter()
        if self.workers == 1:
            spent = [_work(_SUBJECTS[name], 0, batches[0])]
        else:
            for pipe, items in zip(self.pipes, batches, strict=True):
                pipe.send((name, items))
            spent = [pipe.recv() for pipe in self.pipes]
        wall = time.perf_counter() - started
        after = _system_cpu()
        if measured:
            total = self.cpu.setdefault(name, dict.fromkeys(("letters", "wall", "worker", "compile"), 0.0))
            total["letters"] += per_worker * self.workers
            total["wall"] += wall
            total["worker"] += sum(cpu for cpu, _compiles in spent)
            total["compile"] += sum(compiles for _cpu, compiles in spent)
            if system is not None and after is not None:
                total["idle"] = total.get("idle", 0.0) + after[0] - system[0]
                total["server"] = total.get("server", 0.0) + after[1] - system[1]
        return per_worker * self.workers / wall

    def cpu_per_letter(self) -> dict[str, dict[str, float]]:
        """Subject -> milliseconds per letter: compile, worker besides the compiles, server, idle,
        and the CPUs' whole time (wall × CPUs, what the others are shares of)."""
        out = {}
        cpus = os.cpu_count() or 1
        for name, total in self.cpu.items():
            letters = total["letters"] or 1
            row = {
                "compile": total["compile"],
                "worker besides": total["worker"] - total["compile"],
            }
            if "server" in total:
                row["server"] = total["server"]
                row["idle"] = total["idle"]
            row["all CPUs"] = total["wall"] * cpus
            out[name] = {key: 1000 * value / letters for key, value in row.items()}
        return out

    def close(self) -> None:
        for pipe in self.pipes:
            pipe.send(None)
        for process in self.processes:
            process.join(timeout=30)

    def interleaved(self, rounds: int, per_worker: int, *, warm_up: int = 5) -> dict[str, float]:
        """Median letters/s of each subject over ``rounds`` interleaved rounds."""
        for name in _SUBJECTS:  # fonts, templates, QR shape, connections — in every worker
            self.run(name, warm_up, measured=False)
        rates: dict[str, list[float]] = {name: [] for name in _SUBJECTS}
        for _round in range(rounds):
            for name in _SUBJECTS:
                rates[name].append(self.run(name, per_worker))
        self.rates = rates
        return {name: statistics.median(values) for name, values in rates.items()}


SUBJECT_COUNT = 4  # bare, one-shot, unsigned, signed


def item_count(rounds: int, per_worker: int, workers: int, warm_up: int = 5) -> int:
    """How many distinct items a run with these settings draws (bare inputs are prepared ahead)."""
    return (rounds * per_worker + warm_up) * (workers + 1) * SUBJECT_COUNT  # the one-process pass too


def engine_subjects(path: str, inputs: list[str]) -> dict:
    """The engine's two subjects over data prepared beforehand (``inputs[item]``): ``bare``, the
    compiler kept per thread as the service keeps it (the judged baseline), and ``one-shot``."""
    from pintu.documents import rendering

    def bare(_worker, item):
        rendering._compiler().compile(input=path, format="pdf", sys_inputs={"data": inputs[item]})

    def one(_worker, item):
        one_shot(path, inputs[item])

    return {"bare": bare, "one-shot": one}


def one_shot(path: str, data: str) -> None:
    """The engine's one-call API, ``typst.compile``: fonts and template read anew for each letter
    (the way the issue's own stack measurement ran Typst). A reference figure, not the judged
    baseline: the service keeps one compiler per thread, so it is judged against that."""
    import typst

    from pintu.documents.rendering import FONT_DIR, TEMPLATE_ROOT

    started = time.process_time()
    typst.compile(
        path,
        root=str(TEMPLATE_ROOT),
        font_paths=[str(FONT_DIR)] if FONT_DIR.is_dir() else [],
        ignore_system_fonts=True,
        format="pdf",
        sys_inputs={"data": data},
    )
    _TimedCompiler.seconds += time.process_time() - started


def run_passes(subjects: dict, *, workers: int, rounds: int, per_round: int, label: str, name: str) -> dict:
    """The one-process pass and the ``workers`` pass, printed; the goals judged; the details
    written to ``bench/results/<name>-<vendor>-latest.json``. ``subjects``: bare, one-shot,
    unsigned, signed.

    PostgreSQL is judged on the throughput pass (a server's workers issue at once). SQLite lets
    one writer in at a time and the render happens inside the issuing transaction, so its
    workers queue behind each other: SQLite is judged on the one-process pass."""
    import json

    from django.db import connection

    vendor = connection.vendor
    shown = vendor  # and how the workers reach the server
    if vendor == "postgresql":
        shown += " via " + ("Unix socket" if connection.settings_dict["HOST"].startswith("/") else "TCP")
    # The worker processes fork before anything is compiled in this one (a server's workers fork
    # before their first request; Typst's threads do not survive a fork).
    runners = {count: Runner(subjects, count) for count in sorted({workers, 1}, reverse=True)}
    report = {}
    for count, runner in sorted(runners.items()):
        try:
            med = runner.interleaved(rounds, per_round)
        finally:
            runner.close()
        ratio = med["unsigned"] / med["bare"]
        signing_cost = med["unsigned"] / med["signed"] - 1  # extra time per letter, relative
        # Each round of the service next to the bare round just before it (the same machine
        # state): how far the ratio moves on a noisy machine.
        paired = sorted(u / b for u, b in zip(runner.rates["unsigned"], runner.rates["bare"], strict=True))
        spent = runner.cpu_per_letter()
        against_one_shot = med["unsigned"] / med["one-shot"]
        report[count] = {
            "ratio_to_one_shot": against_one_shot,
            "cpu_ms_per_letter": spent,
            "rates": runner.rates,
            "median": med,
            "ratio": ratio,
            "signing_cost": signing_cost,
            "paired_ratios": paired,
        }
        passes = "one process" if count == 1 else f"{count} processes"
        print(
            f"[{shown}, {passes}, {rounds} rounds, load {os.getloadavg()[0]:.2f}] {label} "
            f"{med['unsigned']:,.1f}/s vs bare typst compile {med['bare']:,.1f}/s: ratio {ratio:.0%} "
            f"(round by round {paired[0]:.0%}…{paired[-1]:.0%}, median {statistics.median(paired):.0%}); "
            f"signed {med['signed']:,.1f}/s: signing costs {signing_cost:+.0%} time per letter",
            flush=True,
        )
        print(
            f"    for reference, one call of typst.compile per letter (fonts and template read each "
            f"time): {med['one-shot']:,.1f}/s; the service is {against_one_shot:.0%} of that",
            flush=True,
        )
        print(
            "    ms per letter: "
            + " | ".join(
                f"{subject} " + ", ".join(f"{key} {value:.2f}" for key, value in parts.items())
                for subject, parts in spent.items()
            ),
            flush=True,
        )
    judged = workers if vendor == "postgresql" else 1
    final = report[judged]
    pass_name = f"throughput, {judged} processes" if judged > 1 else "one process"
    print(
        f"goal ({pass_name}): ratio "
        f"{final['ratio']:.0%} (>= 70%) {'PASS' if final['ratio'] >= 0.70 else 'FAIL'}; signing "
        f"{final['signing_cost']:+.0%} (<= +25%) {'PASS' if final['signing_cost'] <= 0.25 else 'FAIL'}"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{name}-{vendor}-latest.json"
    out.write_text(
        json.dumps({"judged": judged, "database": shown, **{str(k): v for k, v in report.items()}}, indent=2)
    )
    print(f"details: {out.relative_to(ROOT)}")
    return report

"""Command line: `crosswire run SOURCE... --out DIR`."""

from __future__ import annotations

import argparse
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime

from crosswire.exits import (
    EXIT_AFTER_COMMIT,
    EXIT_CRASHED,
    EXIT_LOCKED,
    EXIT_NOTHING,
    EXIT_PARTIAL,
    EXIT_SUITE_FAILED,
    EXIT_USAGE,
)

LAUNCHED = time.time()  # the start-up a run's summary shows runs from here to the flow's start


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="crosswire", description="Press releases in, clean story tables out.")
    top.add_argument("--debug", action="store_true", help="show the traceback of a mistake in the options or files")
    top.add_argument("--version", action="version", version=f"crosswire {installed_version()}")
    commands = top.add_subparsers(dest="command", required=True)
    settings = settings_options()
    run = commands.add_parser("run", parents=[settings], help="run the pipeline over files and directories")
    run.add_argument("sources", nargs="*", metavar="SOURCE",
                     help="a file or a directory (recursive: .txt, .html, .htm, .json, .jsonl), a .csv or .jsonl "
                     "export, a .warc/.warc.gz file, or the URL of a page, an RSS/Atom feed or a sitemap")
    run.add_argument("--sources", action="append", default=[], dest="source_lists", metavar="FILE",
                     help="a sources.toml of named sources (see sources.example.toml); repeatable")
    run.add_argument("--out", required=True, metavar="DIR",
                     help="output directory of the Parquet tables, or an fsspec URL such as s3://bucket/prefix")
    serve = commands.add_parser("serve", parents=[settings],
                                help="serve the flow as a Prefect deployment on a cron schedule (needs a server)")
    serve.add_argument("sources", nargs="*", default=["sample"], metavar="SOURCE",
                       help="what every run reads, as for `run` (default: sample)")
    serve.add_argument("--out", default="out/scheduled", metavar="DIR", help="default: out/scheduled")
    serve.add_argument("--cron", default="0 * * * *", help="schedule (default: hourly, '0 * * * *')")
    serve.add_argument("--timezone", default="UTC", help="time zone of the schedule (default: UTC)")
    serve.add_argument("--name", default="crosswire-serve", help="deployment name (default: crosswire-serve)")
    check = commands.add_parser("check", parents=[settings], help="check the config, the sources and --out, and "
                                "list what a run would read, without running")
    check.add_argument("sources", nargs="*", metavar="SOURCE", help="as for `run`")
    check.add_argument("--sources", action="append", default=[], dest="source_lists", metavar="FILE",
                       help="a sources.toml of named sources; repeatable")
    check.add_argument("--out", default=None, metavar="DIR", help="the output location to check too")
    report = commands.add_parser("report", help="rebuild DIR/report.html from every table in DIR")
    report.add_argument("out", metavar="DIR", help="output directory of earlier runs")
    query = commands.add_parser("sql", help="run a DuckDB query over DIR's tables, as one run left them")
    query.add_argument("out", metavar="DIR", help="output directory of earlier runs")
    query.add_argument("query", nargs="?", help="SQL over the views documents, articles ... (default: row counts)")
    query.add_argument("--run", metavar="RUN_ID", help="the tables as this run left them (default: the last run)")
    migrate = commands.add_parser("migrate", help="convert DIR's tables of an earlier crosswire to Delta tables")
    migrate.add_argument("out", metavar="DIR", help="output directory of earlier runs")
    verify = commands.add_parser("verify", help="check that DIR's tables are whole and agree with each other")
    verify.add_argument("out", metavar="DIR", help="output directory of earlier runs")
    verify.add_argument("--repair", action="store_true", help="restore the tables of the last run that reads whole "
                        "and delete the files no Delta log names")
    return top


def settings_options() -> argparse.ArgumentParser:
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--config", metavar="FILE", help="settings as JSON (see crosswire/settings.py)")
    loudness = options.add_mutually_exclusive_group()
    loudness.add_argument("-v", "--verbose", action="store_true", help="log each stage and task (Prefect's INFO logs)")
    loudness.add_argument("-q", "--quiet", action="store_true", help="print no summary: only errors, and the exit code")
    options.add_argument("--batch-size", type=int, help="documents per batch")
    options.add_argument("--model", help="'auto', 'rules' or a spaCy package name")
    options.add_argument("--suites", metavar="DIR", dest="suites_dir", help="folder of GX suite JSON files")
    options.add_argument("--allow-private-networks", action="store_true", default=None,
                         help="fetch file:// URLs and private, loopback and link-local addresses (refused by default)")
    options.add_argument("--runner", choices=["local", "dask"], help="'local' (default) or 'dask'")
    options.add_argument("--dask-address", metavar="ADDRESS",
                         help="scheduler of a Dask cluster (tcp://host:8786); without it 'dask' starts a LocalCluster")
    return options


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command in ("run", "check"):
        args.sources += args.source_lists
        if not args.sources:
            parser().error(f"{args.command}: give at least one SOURCE or --sources FILE")
    if args.command == "report":
        return rebuild_report(args.out)
    if args.command in ("sql", "migrate", "verify"):
        from crosswire import tables_cli

        if args.command == "verify":
            return tables_cli.verify(args.out, args.repair)
        return tables_cli.sql(args.out, args.query, args.run) if args.command == "sql" else tables_cli.migrate(args.out)
    from crosswire.preflight import UsageError

    try:
        settings = checked(args)
    except UsageError as error:
        if args.debug:
            raise
        print("\n".join(f"crosswire: {line}" for line in str(error).splitlines()), file=sys.stderr)
        return EXIT_USAGE
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    # Prefect's temporary server (ephemeral mode) gets 20 s to start by default: too few on a busy machine
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    if args.command == "check":
        return listing(args.sources)
    if args.command == "serve":
        return serve(args, settings)
    # served runs keep Prefect's INFO logs, for the UI
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if args.verbose else "WARNING")
    with prefect_for_one_run() as server_ready:
        return run(args, settings, server_ready)


def installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("crosswire")
    except PackageNotFoundError:  # run from a source tree that was not installed
        return "(not installed)"


def checked(args: argparse.Namespace):
    """The run's settings, once its config, sources and output location are found usable (else a UsageError),
    before any server starts or any file is written."""
    from crosswire import preflight

    settings = preflight.settings(args.config, **{
        "batch_size": args.batch_size, "suites_dir": args.suites_dir, "extract.model": args.model,
        "runner.dask_address": args.dask_address, "fetch.allow_private_networks": args.allow_private_networks,
        "runner.kind": args.runner or ("dask" if args.dask_address else None)})
    preflight.sources(args.sources)
    if args.out is not None:
        preflight.output(args.out)
    return settings


def listing(sources: list[str]) -> int:
    """What a run over `sources` would read, source by source, without reading or fetching anything."""
    from crosswire.ingest.discovery import discover
    from crosswire.preflight import planned

    lines = [planned(source) for source in discover(sources)]
    print("\n".join(line for line, _ in lines))
    return 0 if any(count for _, count in lines) else EXIT_NOTHING


def run(args: argparse.Namespace, settings, server_ready) -> int:
    from crosswire import progress
    from crosswire.store import OldLayout, RunLocked, files
    from crosswire.summary import text_summary
    from flows.etl import CommittedButFailed, SuiteFailed, etl

    progress.show_bars = sys.stderr.isatty()
    for handler in logging.getLogger().handlers:  # Prefect's console handler: the CLI says why in a line of its own
        handler.addFilter(lambda record: args.debug or not record.exc_info)
    server_ready()
    try:
        result = etl(sources=args.sources, out=args.out, settings=settings)
    except (FileNotFoundError, OldLayout) as error:
        print(f"crosswire: {error}", file=sys.stderr)
        return EXIT_USAGE
    except RunLocked as error:
        print(f"crosswire: {error}", file=sys.stderr)
        return EXIT_LOCKED
    except SuiteFailed as error:
        print(f"crosswire: validation failed: {error}", file=sys.stderr)
        print(f"crosswire: GX Data Docs: {files.join(files.location(args.out), 'data_docs', 'index.html')}",
              file=sys.stderr)
        return EXIT_SUITE_FAILED
    except CommittedButFailed as error:
        if args.debug:
            raise
        print(f"crosswire: {error}\ncrosswire: the tables hold the run; `crosswire report {args.out}` builds the "
              "report again", file=sys.stderr)
        return EXIT_AFTER_COMMIT
    except Exception as error:
        if args.debug:
            raise
        print(f"crosswire: the run crashed: {type(error).__name__}: {error}\ncrosswire: nothing of it is in the "
              "tables (its runs row says `crashed`); the same command resumes from the batches it finished, and "
              "`crosswire --debug run ...` shows the traceback", file=sys.stderr)
        return EXIT_CRASHED
    started = datetime.fromisoformat(result["started_at"]).timestamp()
    result["seconds"] = {"start-up": round(started - LAUNCHED, 3), **result["seconds"],
                         "total": round(time.time() - LAUNCHED, 3)}
    if not args.quiet:
        print(text_summary(result))
    return outcome_code(result)


def outcome_code(result: dict) -> int:
    """0, or the code of a run that read nothing or lost sources, with a line that says so."""
    from crosswire.summary import skipped_files

    counts, failed = result["counts"], result.get("failed_sources", {})
    if failed and len(failed) >= result["sources"]:
        print(f"crosswire: nothing was read: every source failed ({', '.join(failed)})", file=sys.stderr)
        return EXIT_NOTHING
    if not counts["ingested"] and not counts["skipped_seen"] and not result.get("failed_again"):
        skipped = f"; files skipped: {skipped_files(result['skipped_files'])}" if result.get("skipped_files") else ""
        print(f"crosswire: nothing was read: no documents in the sources{skipped} (run --help lists the file "
              "types read)", file=sys.stderr)
        return EXIT_NOTHING
    if failed:
        print(f"crosswire: {len(failed)} source(s) failed, the others were read: {', '.join(failed)}", file=sys.stderr)
        return EXIT_PARTIAL
    return 0


def rebuild_report(out: str) -> int:
    from crosswire.report import build_report
    from crosswire.store import Store

    if not Store(out).exists("runs"):
        print(f"crosswire: {out} holds no crosswire tables", file=sys.stderr)
        return EXIT_USAGE
    print(build_report(out))
    return 0


@contextmanager
def prefect_for_one_run():
    """Without a configured Prefect server, a run gets a temporary one that ends with it, as in Prefect's
    ephemeral mode, but started first thing, so that its seconds of start-up overlap crosswire's imports
    (and this process never imports the server's code). The caller waits for it before the flow begins.
    Flow-run heartbeats are off: no server outlives the run to watch for them, and stopping them costs up
    to a second at the end of each flow run."""
    server = None if os.environ.get("PREFECT_API_URL") else TemporaryServer()
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        PREFECT_UI_URL,
        temporary_settings,
    )

    if server and PREFECT_API_URL.value():  # the profile names a server
        server.stop()
        server = None
    if server is None:
        yield lambda: None
        return
    try:
        # no UI URL: the temporary server has no UI, and is gone when the run ends ("View at" would be a dead link)
        with temporary_settings(updates={PREFECT_API_URL: server.url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None,
                                         PREFECT_UI_URL: ""}):
            try:
                yield server.wait
            finally:
                _send_logs_and_events()
    finally:
        server.stop()


def _send_logs_and_events() -> None:
    """Send the run's last logs and events while the temporary server still answers: sent after it stopped,
    they were retried for about a minute before the process could exit."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        worker.drain_all(timeout=10)


def _stop_with_parent() -> None:
    """In the server's process: Linux sends it SIGTERM when the run's process dies, even by SIGKILL, so that
    no server outlives the run it was started for (elsewhere, only a run that ends normally stops it)."""
    if sys.platform == "linux":
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG


class TemporaryServer:
    """`prefect server start` on a free local port, with the services of Prefect's ephemeral mode only."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/api"
        self.log = tempfile.TemporaryFile("w+")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port),
             "--no-ui", "--log-level", "ERROR"],
            env={**os.environ, "PREFECT__SERVER_EPHEMERAL": "1"}, stdout=subprocess.DEVNULL, stderr=self.log,
            preexec_fn=_stop_with_parent)

    def wait(self) -> None:
        import httpx

        timeout = float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"])
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2) as client:
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    if client.get(f"{self.url}/health").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
        self.log.seek(0)
        why = self.log.read()[-2000:]
        raise RuntimeError(f"Prefect's temporary server did not start within {timeout:.0f} s: {why}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def serve(args: argparse.Namespace, settings) -> int:
    """Register the deployment and run its scheduled and UI-triggered runs until stopped (Ctrl-C, or SIGTERM
    from a service manager); stopped, its schedule is paused, so that the server queues no runs that
    nothing would execute. Serving it again resumes the schedule."""
    from prefect.schedules import Cron

    from flows.etl import etl

    try:
        etl.serve(name=args.name, schedules=[Cron(args.cron, timezone=args.timezone)],
                  parameters={"sources": args.sources, "out": args.out, "settings": settings.model_dump(mode="json")})
    finally:  # Prefect pauses on Ctrl-C, but its SIGTERM handler exits before the pause is sent
        pause_schedule(f"{etl.name}/{args.name}")
    return 0


def pause_schedule(deployment: str) -> None:
    from prefect import get_client

    try:
        with get_client(sync_client=True) as client:
            client.pause_deployment(client.read_deployment_by_name(deployment).id)
    except Exception as error:  # the server is gone or never had it: the stop goes on, and says so
        print(f"could not pause the schedule of {deployment}: {error}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())

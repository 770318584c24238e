"""Command line: `crosswire run SOURCE... --out DIR`."""

from __future__ import annotations

import argparse
import os
import sys

EXIT_SUITE_FAILED, EXIT_USAGE, EXIT_LOCKED = 1, 2, 3


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="crosswire", description="Press releases in, clean story tables out.")
    commands = top.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the pipeline over files and directories")
    run.add_argument("sources", nargs="+", metavar="SOURCE",
                     help="a file or a directory (recursive: .txt, .html, .htm, .json, .jsonl)")
    run.add_argument("--out", required=True, metavar="DIR", help="output directory of the Parquet tables")
    run.add_argument("--config", metavar="FILE", help="settings as JSON (see crosswire/settings.py)")
    run.add_argument("--batch-size", type=int, help="documents per batch")
    run.add_argument("--model", help="'auto', 'rules' or a spaCy package name")
    run.add_argument("--suites", metavar="DIR", dest="suites_dir", help="folder of GX suite JSON files")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

    from crosswire.settings import Settings
    from crosswire.store import RunLocked
    from crosswire.summary import text_summary
    from flows.etl import SuiteFailed, etl

    settings = Settings.from_file(args.config, batch_size=args.batch_size, model=args.model,
                                  suites_dir=args.suites_dir)
    try:
        result = etl(sources=args.sources, out=args.out, settings=settings)
    except FileNotFoundError as error:
        print(f"crosswire: {error}", file=sys.stderr)
        return EXIT_USAGE
    except RunLocked as error:
        print(f"crosswire: {error}", file=sys.stderr)
        return EXIT_LOCKED
    except SuiteFailed as error:
        print(f"crosswire: validation failed: {error}", file=sys.stderr)
        return EXIT_SUITE_FAILED
    print(text_summary(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

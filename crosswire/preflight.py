"""What a run is asked to do, checked before anything starts: the config file, the source lists, the sources
and the output location. Each mistake is a `UsageError` whose message names the file, the line or field,
and the fix, so that the CLI can print a few lines instead of a traceback."""

from __future__ import annotations

import difflib
import json
import os
import tomllib
from pathlib import Path

from pydantic import BaseModel, ValidationError

from crosswire.settings import Settings


class UsageError(ValueError):
    """A mistake in what the user asked for: the message says where it is and what to do."""


def settings(config: str | None, **overrides) -> Settings:
    """Settings.from_file, with every mistake of the file or the options a UsageError."""
    where = f"config {config}" if config else "settings"
    try:
        return Settings.from_file(config, **overrides)
    except FileNotFoundError:
        raise UsageError(f"{where}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{where}: is a folder, not a JSON file") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"{where}: not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    except ValidationError as error:
        raise UsageError("\n".join(_field_errors(where, error, Settings))) from None


def source_list(path: str) -> None:
    """Raise a UsageError for a sources.toml that cannot be read as a list of `[[source]]` tables."""
    from crosswire.ingest.units import Source, load_sources

    try:
        tables = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"sources {path}: no such file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UsageError(f"sources {path}: not valid TOML: {error}") from None
    entries = tables.get("source")
    if not isinstance(entries, list) or not entries:
        found = ", ".join(f"[{k}]" for k in tables) or "nothing"
        raise UsageError(f"sources {path}: no [[source]] tables (found {found}); write each source as [[source]] "
                         f"with its location, as in sources.example.toml")
    for number, entry in enumerate(entries, 1):
        try:
            Source(**entry)
        except ValidationError as error:
            raise UsageError("\n".join(_field_errors(f"sources {path}: source {number}", error, Source))) from None
    try:
        load_sources(path)
    except ValueError as error:
        raise UsageError(f"sources {error}") from None


def output(out: str) -> None:
    """Raise a UsageError when the local output location is a file or cannot be written."""
    if "://" in out and not out.startswith("file://"):
        return  # an object store says so itself, with its own credentials
    path = Path(out.removeprefix("file://")).expanduser().absolute()
    if path.exists() and not path.is_dir():
        raise UsageError(f"--out {out}: is a file; give a folder (it is created if missing)")
    existing = next(p for p in (path, *path.parents) if p.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"--out {out}: {existing} cannot be written; give a folder you may write to")


def sources(locations: list[str]) -> None:
    """Raise a UsageError for a SOURCE that is neither a URL nor an existing path, or a list that is wrong."""
    from crosswire.ingest.units import Source

    for location in locations:
        if location.lower().endswith(".toml") and Path(location).is_file():
            source_list(location)
        elif not Source(location=location).is_url and not Path(location).expanduser().exists():
            raise UsageError(f"source {location}: no such file or folder")


def planned(source) -> tuple[str, int]:
    """A line saying what a run would read of `source` (a crosswire.ingest.units.Source), and how many files
    or places that is; a URL is fetched only when the run reads it."""
    from collections import Counter

    from crosswire.ingest.sources import folder_files
    from crosswire.summary import suffix_counts

    name = source.name or source.location
    if source.is_url:
        return f"{name}: a web page, feed or sitemap ({source.kind}), fetched when a run reads it", 1
    path = Path(source.location)
    if not path.is_dir():
        return f"{name}: a file ({source.kind})", 1
    skipped: Counter = Counter()
    found = Counter(file.suffix.lower() for file in folder_files(path, None, skipped))
    line = f"{name}: a folder, {sum(found.values())} files to read" + (f" ({suffix_counts(found)})" if found else "")
    if skipped:
        line += f", {sum(skipped.values())} of types not read ({suffix_counts(skipped)})"
    return line, sum(found.values())


def _field_errors(where: str, error: ValidationError, model: type[BaseModel]) -> list[str]:
    """One line per wrong field: where it is, what is wrong, and for an unknown key the known one it resembles."""
    lines = []
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"]) or "(top)"
        if problem["type"] == "extra_forbidden":
            known = _known_names(model, problem["loc"][:-1])
            close = difflib.get_close_matches(str(problem["loc"][-1]), known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
            lines.append(f"{where}: unknown key {field!r}; {hint}")
        else:
            lines.append(f"{where}: {field}: {problem['msg']} (got {problem.get('input')!r})")
    return lines


def _known_names(model: type[BaseModel], path: tuple) -> list[str]:
    """The field names at `path` (a section's) of `model`."""
    for part in path:
        annotation = model.model_fields[part].annotation if part in model.model_fields else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return list(model.model_fields)

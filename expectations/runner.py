"""Apply a stage's GX suite (expectations/<stage>.json) to a batch and split the outcome.

Each expectation in a suite file may carry `"meta": {"on_failure": "quarantine"}`: its failing rows
are moved to quarantine, naming the expectation, and the batch goes on. Any other failing expectation
fails the suite, and the run fails loudly with GX's result in the log.

Results are kept in the process's ephemeral context; `build_data_docs` renders a run's results as GX Data
Docs once the run ends (one build per run, not one per batch), then drops them.
"""

from __future__ import annotations

import glob
import hashlib
import html
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from tempfile import TemporaryDirectory

import pandas as pd

from crosswire.store import files

SUITES_DIR = Path(__file__).resolve().parent
DATA_DOCS_SITE = "crosswire"
log = logging.getLogger("crosswire.expectations")


@dataclass
class Outcome:
    suite: str
    success: bool  # False when an expectation without on_failure=quarantine failed
    quarantined: dict[str, list[str]] = field(default_factory=dict)  # row id -> failed expectation names
    failures: list[dict] = field(default_factory=list)  # GX results of the failed suite-level expectations
    evaluated: int = 0


def expectation_name(config: dict) -> str:
    kwargs = config.get("kwargs", {})
    column = kwargs.get("column")
    return f"{config['type']}({column})" if column else config["type"]


def load_suite(stage: str, suites_dir: str | Path | None = None) -> dict:
    path = Path(suites_dir or SUITES_DIR) / f"{stage}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("id", None)
    for expectation in data.get("expectations", []):
        expectation.pop("id", None)
    return data


@lru_cache(maxsize=None)
def _definition(stage: str, suites_dir: str | None):
    """One ephemeral GX context per process; a validation definition per suite, built once."""
    context = _context()
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    name = f"{stage}-{hashlib.sha1(suites_dir.encode()).hexdigest()[:8]}" if suites_dir else stage
    batch = context.data_sources.add_pandas(name).add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
    suite = context.suites.add(gx.ExpectationSuite(**(load_suite(stage, suites_dir) | {"name": name})))
    return context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))


@lru_cache(maxsize=1)
def _context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx  # slow import: only when a run validates

    for name in ("great_expectations", "great_expectations.data_context.types.base"):  # the latter sets INFO itself
        logging.getLogger(name).setLevel(logging.WARNING)
    return gx.get_context(mode="ephemeral")


def validate(stage: str, frame: pd.DataFrame, id_column: str, parameters: dict | None = None,
             suites_dir: str | Path | None = None) -> Outcome:
    """Validate `frame` against the stage's suite; row failures are reported by `id_column`."""
    outcome = Outcome(suite=stage, success=True, evaluated=len(frame))
    if frame.empty:
        return outcome
    definition = _definition(stage, str(suites_dir) if suites_dir else None)
    result = definition.run(
        batch_parameters={"dataframe": frame.reset_index(drop=True)},
        expectation_parameters=parameters or {},
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [id_column]},
    )
    for item in result.results:
        if item.success:
            continue
        config = item.expectation_config.to_json_dict()
        name = expectation_name(config)
        rows = item.result.get("unexpected_index_list") or []
        if (config.get("meta") or {}).get("on_failure") == "quarantine" and rows:
            for row in rows:
                outcome.quarantined.setdefault(str(row[id_column]), []).append(name)
        else:
            outcome.success = False
            failure = {"expectation": name, "kwargs": config.get("kwargs"), "result": _plain(item.result)}
            outcome.failures.append(failure)
            log.error("GX suite %r failed: %s", stage, describe(failure))
    return outcome


def describe(failure: dict) -> str:
    """A failed expectation in one line: its name, how many rows failed, and a few of their values."""
    result = failure.get("result") or {}
    if "unexpected_count" in result:
        examples = ", ".join(repr(str(v)[:40]) for v in (result.get("partial_unexpected_list") or [])[:3])
        rows = f"{result['unexpected_count']} of {result.get('element_count')} rows unexpected"
        return f"{failure['expectation']}: {rows}" + (f", e.g. {examples}" if examples else "")
    if "observed_value" in result:
        return f"{failure['expectation']}: observed {str(result['observed_value'])[:200]}"
    return str(failure["expectation"])


def build_data_docs(out: str, since: datetime, run_id: str) -> str:
    """Render the validations made since `since` (the start of the run `run_id`) as GX Data Docs in
    `out`/data_docs, each named by its run and its batch, under an index that reads offline (GX's own draws
    its table with scripts from CDNs: it stays as gx-index.html).

    Returns the index page. The site shows the latest run: GX removes pages whose results it no longer
    holds, and the run's results are dropped once rendered, so a long-lived process does not pile them up.
    For an output location in an object store the site is built in a local folder, then uploaded."""
    target = files.join(files.location(out), "data_docs")
    if files.is_local(target):
        _build_data_docs(target, since, run_id)
    else:
        with TemporaryDirectory() as folder:
            _build_data_docs(folder, since, run_id)
            files.upload_tree(folder, target)
    return files.join(target, "index.html")


def _build_data_docs(folder: str, since: datetime, run_id: str) -> None:
    context = _context()
    site = {"class_name": "SiteBuilder", "show_how_to_buttons": False,
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": folder}}
    if DATA_DOCS_SITE in context.get_site_names():
        context.update_data_docs_site(DATA_DOCS_SITE, site)
    else:
        context.add_data_docs_site(DATA_DOCS_SITE, site)
    store = context.validation_results_store
    earlier = [key for key in store.list_keys() if key.run_id.run_time < since]
    for key in earlier:  # made outside any run: not this run's to show
        store.remove_key(key)
    validations = [_named(store, key, run_id, n) for n, key in enumerate(sorted(
        store.list_keys(), key=lambda k: k.run_id.run_time))]
    context.build_data_docs(site_names=[DATA_DOCS_SITE])
    for key, _ in validations:
        store.remove_key(key)
    os.replace(os.path.join(folder, "index.html"), os.path.join(folder, "gx-index.html"))
    Path(folder, "index.html").write_text(data_docs_index(folder, run_id, validations), encoding="utf-8")


def _named(store, key, run_id: str, number: int):
    """The validation result of `key` stored again under the crosswire run's id, its batch named by its
    stage and its number in the run (GX names neither a dataframe's run nor its asset): (its key, its result)."""
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import ValidationResultIdentifier

    result = store.get(key)
    stage = _stage(key.expectation_suite_identifier.name)
    named = ValidationResultIdentifier(key.expectation_suite_identifier,
                                       RunIdentifier(run_name=run_id, run_time=key.run_id.run_time),
                                       f"{stage}-batch-{number:05d}")
    result.meta["run_id"] = named.run_id
    result.meta["batch_spec"] = {**(result.meta.get("batch_spec") or {}), "data_asset_name": f"{stage} batch {number}"}
    store.remove_key(key)
    store.set(named, result)
    return named, result


def _stage(suite: str) -> str:
    """The stage of a suite's name ("clean", or "clean-1a2b3c4d" for a suite from another folder)."""
    return suite.split("-", 1)[0]


def data_docs_index(folder: str, run_id: str, validations: list) -> str:
    """An index of the run's validations that needs no script and no network: one row per validated batch,
    with its stage, time, outcome and counts, linked to GX's page of it."""
    rows = []
    for key, result in validations:
        stats = result.statistics
        pages = glob.glob(os.path.join(folder, "validations", key.expectation_suite_identifier.name, run_id, "*",
                                       f"{key.batch_identifier}.html"))
        link = os.path.relpath(pages[0], folder) if pages else ""
        state = "passed" if result.success else "failed"
        rows.append(f'<tr class="{state}"><td>{html.escape(_stage(key.expectation_suite_identifier.name))}</td>'
                    f'<td><a href="{html.escape(link)}">{html.escape(key.batch_identifier)}</a></td>'
                    f"<td>{key.run_id.run_time:%Y-%m-%d %H:%M:%S} UTC</td><td>{state}</td>"
                    f"<td>{stats.get('evaluated_expectations')}</td><td>{stats.get('unsuccessful_expectations')}</td></tr>")
    suites = ", ".join(f'<a href="expectations/{html.escape(name)}.html">{html.escape(name)}</a>'
                       for name in sorted({key.expectation_suite_identifier.name for key, _ in validations}))
    title = f"crosswire run {html.escape(run_id)}"
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Data Docs: {title}</title>
<style>body{{font:15px system-ui,sans-serif;margin:2em}} table{{border-collapse:collapse}}
td,th{{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:left}} tr.failed td{{color:#b00020}}</style></head>
<body><h1>Data Docs: validations of {title}</h1>
<p>Each stage's GX suite checks every batch the stage wrote. The suites: {suites}.
GX's own index (its scripts come from the network): <a href="gx-index.html">gx-index.html</a>.</p>
<table><tr><th>stage</th><th>batch</th><th>validated at</th><th>outcome</th><th>expectations</th><th>failed</th></tr>
{chr(10).join(rows)}
</table></body></html>
"""


def _plain(result: dict) -> dict:
    keep = ("observed_value", "element_count", "unexpected_count", "unexpected_percent", "partial_unexpected_list")
    return {k: result[k] for k in keep if k in result}

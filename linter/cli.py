"""The `gallerylint` command line: parse, call, map to exit codes; no lint logic here.

Exit codes (product.md): 0 nothing at or above --fail-on; 1 findings at or
above it; 2 bad usage or bad input; 3 internal or engine failure.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from datetime import datetime, timezone
from typing import Any, Callable, Sequence

import click

from . import __version__
from . import config as config_module
from .errors import EngineError, GalleryLintError, InputError
from .atomic import write_atomically
from .findings import at_or_above

FORMATS = ("text", "json", "sarif", "markdown", "junit", "gitlab", "html")
OPA_MODES = ("auto", "upload", "served")
COLOR_OPTION = click.option("--color", "color", type=click.Choice(["auto", "always", "never"]),
                            default="auto", show_default=True,
                            help="Colour in text output (auto: on a terminal, unless NO_COLOR).")
DEFAULT_FILES = {"json": "gallerylint.json", "sarif": "gallerylint.sarif",
                 "markdown": "gallerylint.md", "junit": "gallerylint.xml",
                 "gitlab": "gl-code-quality-report.json", "text": "-"}


_VISIBLE = {c: f"\\x{c:02x}" for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))}
_VISIBLE.update({0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x2028: "\\u2028",
                 0x2029: "\\u2029"})


def one_line(text: object) -> str:
    """A message for stderr: one line whatever file or resource names it quotes (control
    characters shown escaped, so no name can start a line, a workflow command or an
    escape sequence)."""
    return str(text).translate(_VISIBLE)


def _fail(exc: GalleryLintError) -> None:
    label = getattr(exc, "label", None) or ("error" if exc.exit_code == 2 else "engine error")
    click.echo(f"gallerylint: {label}: {one_line(exc)}", err=True)
    sys.exit(exc.exit_code)


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Map our errors to exit codes with one clear line; never a traceback."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except GalleryLintError as exc:
            _fail(exc)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:  # stdout closed early (e.g. piped into head)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(0)
        except KeyboardInterrupt:
            click.echo("gallerylint: interrupted", err=True)
            sys.exit(130)
        except Exception as exc:  # an internal failure: exit 3, say what and where
            if os.environ.get("GALLERYLINT_DEBUG"):
                raise
            click.echo(f"gallerylint: internal error: {type(exc).__name__}: {one_line(exc)} "
                       "(set GALLERYLINT_DEBUG=1 for a traceback)", err=True)
            sys.exit(3)
    return wrapper


def printable(text: str) -> str:
    """Text for the terminal: characters the output encoding cannot carry become '?'."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    return text.encode(encoding, "replace").decode(encoding, "replace")


def parse_now(value: str | None) -> datetime:
    if value is None:
        return datetime.now(timezone.utc)
    from .names import parse_time
    parsed = parse_time(value)
    if not isinstance(parsed, datetime):
        raise click.BadParameter(f"'{value}' is not an ISO 8601 date or date-time "
                                 "(e.g. 2026-11-21T00:00:00Z)", param_hint="--now")
    return parsed


def make_engine(settings: config_module.Settings, engine: str | None,
                opa_url: str | None, opa_mode: str | None = None) -> Any:
    from .engines import EmbeddedEngine
    name = engine or settings.engine.name
    if name == "embedded":
        if opa_url:
            raise click.UsageError("--opa-url needs --engine opa")
        if opa_mode:
            raise click.UsageError("--opa-mode needs --engine opa")
        return EmbeddedEngine(timeout_seconds=settings.engine.timeout_seconds)
    untrusted = os.environ.get("GALLERYLINT_UNTRUSTED_CONFIG") == "1"
    if untrusted and (settings.engine.opa_url or settings.engine.token_env):
        # On a tree a contributor controls (the Action on pull_request), the config may not
        # choose where the facts and a token go: only the command line or the Action can.
        raise InputError(settings.path, "engine.opa_url and engine.token_env are not read "
                         "from an untrusted config (GALLERYLINT_UNTRUSTED_CONFIG=1)",
                         hint="pass --opa-url and GALLERYLINT_OPA_TOKEN_ENV instead")
    url = opa_url or settings.engine.opa_url
    if not url:
        raise click.UsageError("--engine opa needs --opa-url (or engine.opa_url in config)")
    token_env = os.environ.get("GALLERYLINT_OPA_TOKEN_ENV") or settings.engine.token_env
    token = os.environ.get(token_env) if token_env else None
    if token is not None:
        from urllib.parse import urlsplit
        target = urlsplit(url)
        loopback = (target.hostname or "") in ("127.0.0.1", "::1", "localhost")
        if target.scheme != "https" and not loopback:
            raise click.BadParameter("a token is sent only over https (or to loopback); "
                                     f"{url} is neither", param_hint="--opa-url")
    from .engines.opa import OpaEngine
    return OpaEngine(url, token=token, timeout=settings.engine.timeout_seconds,
                     mode=opa_mode or settings.engine.mode,
                     user_policy_timeout=settings.engine.timeout_seconds)


def check_deployment_scope(value: str) -> None:
    import re
    if not re.fullmatch(r"/subscriptions/[^/]+/resourceGroups/[^/]+/?", value, re.IGNORECASE):
        raise click.BadParameter(f"'{value}' is not /subscriptions/<id>/resourceGroups/<name>",
                                 param_hint="--deployment-scope")


def pair_outputs(formats: Sequence[str], outputs: Sequence[str]) -> list[tuple[str, str]]:
    """Each --format with its --output: file formats take the outputs in order;
    text goes to stdout unless an output is left over for it."""
    outputs = list(outputs)
    if not formats and outputs:
        # --output without --format: the format follows each file's extension.
        by_extension = {".sarif": "sarif", ".json": "json", ".md": "markdown",
                        ".markdown": "markdown", ".txt": "text", ".xml": "junit"}
        inferred = []
        for out in outputs:
            ext = os.path.splitext(out.lower())[1]
            if os.path.basename(out.lower()) == "gl-code-quality-report.json":
                inferred.append("gitlab")  # the name GitLab's documentation uses
                continue
            if out == "-" or ext not in by_extension:
                raise click.UsageError(f"--output {out}: give --format, or name the file "
                                       ".sarif, .json, .md, .xml or .txt")
            inferred.append(by_extension[ext])
        return list(zip(inferred, outputs))
    if len(formats) == 1 and not outputs:
        return [(formats[0], "-")]  # one format and no file: stdout, as peers do
    formats = list(dict.fromkeys(formats or ("text",)))
    files = [f for f in formats if f != "text"]
    if len(outputs) > len(formats):
        raise click.UsageError(f"{len(outputs)} --output given for {len(formats)} --format")
    pairs: list[tuple[str, str]] = []
    if len(outputs) == len(formats):
        return list(zip(formats, outputs))
    for i, fmt in enumerate(files):
        pairs.append((fmt, outputs[i] if i < len(outputs) else DEFAULT_FILES[fmt]))
    if "text" in formats:
        pairs.insert(formats.index("text"), ("text", "-"))
    return pairs


def load_settings(config_path: str | None, quiet: bool = False) -> config_module.Settings:
    if config_path is not None:
        settings = config_module.load(config_path, explicit=True)
    else:
        settings = config_module.load(config_module.discover())
    if not quiet:
        for note in settings.notes:
            click.echo(f"gallerylint: note: {printable(note)}", err=True)
    return settings


SIGN_IN_HINT = ("no valid credential: sign in (az login), set AZURE_ACCESS_TOKEN, or use "
                "workload identity (azure/login with OIDC in a workflow); GALLERYLINT_DEBUG=1 "
                "shows each credential the SDK tried")


def _is_sign_in_failure(exc: BaseException, text: str) -> bool:
    """An export that failed because nobody is signed in, or the token was refused."""
    names = {type(e).__name__ for e in (exc, exc.__cause__, exc.__context__) if e is not None}
    return bool(names & {"ClientAuthenticationError", "CredentialUnavailableError",
                         "AuthenticationRequiredError"}) or text.startswith("HTTP 401")


def within_deadline(fn: Callable[[], None], timeout: float, what: str) -> None:
    """Run fn on a daemon thread for at most `timeout` seconds (linter/threads.py): a
    network call that never ends (a body dripping a byte at a time) cannot hold the
    process, and Ctrl-C and SIGTERM act at once."""
    from .threads import call_in_thread
    try:
        call_in_thread(fn, timeout=timeout, name="gallerylint-export")
    except TimeoutError:
        raise EngineError(what, f"did not finish within --timeout {timeout:g} s; no "
                          "snapshot written (raise --timeout, or export fewer "
                          "subscriptions per run)") from None


def _terminate(signum: int, frame: Any) -> None:
    # Unwind through `finally` blocks (temporary files are removed), like Ctrl-C.
    raise KeyboardInterrupt


@click.group(context_settings={"help_option_names": ["-h", "--help"],
                               # every option also reads GALLERYLINT_<COMMAND>_<OPTION>,
                               # e.g. GALLERYLINT_LINT_FAIL_ON=warning
                               "auto_envvar_prefix": "GALLERYLINT"})
@click.version_option(__version__, "-V", "--version", prog_name="gallerylint")
def main() -> None:
    """Policy and compliance linter for Azure Compute Gallery inventories."""
    import signal
    signal.signal(signal.SIGTERM, _terminate)
    _fit_recursion_to_stack()


def _fit_recursion_to_stack() -> None:
    """Under a small stack (ulimit -s), lower the recursion limit so that deep inputs
    meet a RecursionError (exit 2, file and line) before the C stack ends (a segfault).
    The C JSON decoder checks this limit at each nesting level; measured at 128 KiB of
    stack, 800 levels decode and 1,000 crash, so one level per 256 bytes is kept."""
    from .threads import small_stack
    if small_stack():
        import resource
        soft, _ = resource.getrlimit(resource.RLIMIT_STACK)
        sys.setrecursionlimit(max(100, min(sys.getrecursionlimit(), soft // 256)))


@main.command(epilog="""\b
Examples:
  gallerylint lint samples/contoso
  gallerylint lint infra/ live/estate.json -f sarif -o gallerylint.sarif
  gallerylint lint estate.json --baseline last-night.sarif --fail-on warning
  gallerylint lint main.json --engine opa --opa-url http://127.0.0.1:8181""")
@click.argument("paths", nargs=-1)
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False),
              help="Config file (default: .gallerylint.yaml here or in a parent).")
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(FORMATS),
              help="Output format; repeat for several (text goes to stdout).")
@click.option("-o", "--output", "outputs", multiple=True,
              help="Output file for the matching --format ('-' for stdout); without "
                   "--format, the extension says the format.")
@click.option("--engine", type=click.Choice(["embedded", "opa"]), default=None,
              help="Rego engine: embedded (regopy, in process; default) or opa (a server).")
@click.option("--opa-url", help="OPA server for --engine opa, e.g. http://127.0.0.1:8181.")
@click.option("--opa-mode", type=click.Choice(OPA_MODES), default=None,
              help="OPA: query a served gallerylint bundle, upload to a bare server, or "
                   "auto (ask the server; default, or engine.mode).")
@click.option("--now", "now_text", help="Evaluation time, ISO 8601 (default: the clock).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "note", "never"]),
              default="error", show_default=True, help="Exit 1 on findings at or above this.")
@click.option("--baseline", type=click.Path(dir_okay=False),
              help="Earlier SARIF: results get baselineState; --fail-on counts only new ones.")
@click.option("--rules", "only", help="Run only these rules (IDs or names, comma-separated).")
@click.option("--skip-rules", "skip", help="Skip these rules (IDs or names, comma-separated).")
@click.option("--deployment-scope", metavar="ID",
              help="/subscriptions/<id>/resourceGroups/<name> for template and plan resources "
                   "without a full ARM ID (default: subscription 00000000-…, group 'template').")
@click.option("--source-root", type=click.Path(file_okay=False),
              help="Root that SARIF paths are relative to (default: git top-level or cwd).")
@click.option("--category", help="SARIF runAutomationDetails category (default from config).")
@click.option("--var-file", "var_files", multiple=True, metavar="FILE",
              help="Terraform .tfvars[.json] for every root module, Packer .pkrvars.hcl "
                   "for every configuration, after the auto-loaded ones (repeatable, in "
                   "order).")
@click.option("--history", "history_dir", metavar="DIR",
              help="HTML: earlier JSON reports (-f json) for the trend, e.g. the nightly's "
                   "previous artifacts.")
@click.option("--live-location", metavar="FILE",
              help="SARIF: place findings read from a gallerylint snapshot (generated, not in "
                   "the repository) at this file, such as the workflow that exported it; the "
                   "snapshot's line is kept in the result's properties.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or summary on stderr.")
@click.option("-v", "--verbose", is_flag=True,
              help="Text: each finding's full ARM ID and rule name on a second line.")
@click.option("--allow-empty", is_flag=True,
              help="An empty run is expected: no 'nothing to lint' notice (the Action fails "
                   "a run that read nothing unless its allow-empty input is true).")
@click.option("--skip-unknown-files", is_flag=True,
              help="Skip and count named files of no recognised form, as when walking "
                   "(the pre-commit hook names every staged file).")
@COLOR_OPTION
@guarded
def lint(paths: tuple[str, ...], config_path: str | None, formats: tuple[str, ...],
         outputs: tuple[str, ...], engine: str | None, opa_url: str | None,
         opa_mode: str | None, now_text: str | None, fail_on: str,
         baseline: str | None, only: str | None, skip: str | None, deployment_scope: str | None,
         source_root: str | None, category: str | None, var_files: tuple[str, ...],
         history_dir: str | None,
         live_location: str | None,
         quiet: bool, verbose: bool, allow_empty: bool, skip_unknown_files: bool,
         color: str) -> None:
    """Lint inventories, snapshots and Azure resource files (files or directories; `-`
    reads standard input; no path lints the current directory)."""
    import gc

    from .lint import run
    from .rules.registry import load_registry

    gc.disable()  # a short-lived process holding millions of objects (see lint.run)
    paths = paths or (".",)
    if paths.count("-") > 1:
        raise click.UsageError("standard input ('-') can be read once")
    now = parse_now(now_text)
    pairs = pair_outputs(formats, outputs)
    settings = load_settings(config_path, quiet)
    registry = load_registry(settings.rule_paths, settings.allow_python)
    split = lambda text: [s.strip() for s in (text or "").split(",") if s.strip()]  # noqa: E731
    if deployment_scope is not None:
        check_deployment_scope(deployment_scope)
    rego_engine = make_engine(settings, engine, opa_url, opa_mode)
    history = ()
    if history_dir is not None:
        from .history import load as load_history
        history = load_history(history_dir)
    from .progress import Heartbeat
    heartbeat = Heartbeat.for_stderr(quiet).start()
    try:
        result = run(paths, settings, now, registry=registry, only=split(only),
                     skip=split(skip), deployment_scope=deployment_scope, engine=rego_engine,
                     skip_unknown=skip_unknown_files, progress=heartbeat,
                     var_files=var_files)
        heartbeat.phase(f"writing {len(pairs)} report(s)")
        _lint_report(result, settings, now, pairs, quiet, allow_empty, rego_engine, baseline,
                     source_root, category, color, verbose, fail_on, heartbeat, live_location,
                     history)
    finally:
        heartbeat.stop()


def _lint_report(result: Any, settings: Any, now: datetime, pairs: Any, quiet: bool,
                 allow_empty: bool, rego_engine: Any, baseline: Any, source_root: Any,
                 category: Any, color: str, verbose: bool, fail_on: str,
                 heartbeat: Any, live_location: str | None = None,
                 history: Any = ()) -> None:
    from .report.common import Report, default_source_root
    inventory = result.inventory
    if inventory.resource_count == 0 and not allow_empty:
        # Said even with --quiet: the Action fails such a run unless allow-empty is true.
        seen = (len(inventory.files) + len(inventory.skipped_files)
                + len(inventory.unparsed_files) + len(inventory.skipped_special))
        click.echo(f"gallerylint: nothing to lint: {seen} file(s) seen, none of a gallery "
                   "form (no gallery, image, version, application, VM or scale set was read)",
                   err=True)
    if not quiet:
        for notice in getattr(rego_engine, "notices", ()):
            click.echo(f"gallerylint: note: {notice}", err=True)
    from .snapshots import problems as snapshot_problems
    from .waivers import expiry_notes, stale_waiver_notes
    findings = result.findings
    if baseline is not None:
        from .baseline import apply_baseline
        known = {r.id for r in result.rules}
        findings = [f for f in apply_baseline(findings, baseline)
                    if f.baseline_state != "absent" or f.rule_id in known]
    report = Report(findings=findings, rules=result.rules, inventory=result.inventory,
                    config_path=settings.path, live_location=live_location,
                    history=history, settings=settings,
                    source_root=source_root or default_source_root(), tool_version=__version__,
                    now=now, category=category or settings.reporting.category,
                    notes=[*result.inventory.notes, *expiry_notes(settings, now),
                           *stale_waiver_notes(settings, findings, result.rules, now)],
                    warnings=[p.text for p in snapshot_problems(
                        result.inventory, now, settings.input.max_snapshot_age_hours)])
    if any(fmt == "sarif" for fmt, _ in pairs):
        outside = report.outside_source_root()
        if outside:
            names = ", ".join(outside[:3]) + (f" and {len(outside) - 3} more"
                                              if len(outside) > 3 else "")
            report.warnings = [*report.warnings,
                               f"{len(outside)} input file(s) lie outside the source root "
                               f"{report.source_root} ({names}): their SARIF locations name "
                               "the file only, which code scanning cannot place in the "
                               "repository; lint files inside it, or pass --source-root"]
    colour = _colour_wanted(color)
    rendered = [(fmt, dest, _render(fmt, report, colour=dest == "-" and colour,
                                    verbose=verbose, to_file=dest != "-"))
                for fmt, dest in pairs]
    from .atomic import write_all
    files = [(dest, text) for _, dest, text in rendered if dest != "-"]
    write_all(files)  # all reports or none: renamed together once all are written
    heartbeat.stop()  # the reports are written: nothing more to show
    for fmt, dest, text in rendered:
        if dest == "-":
            click.echo(printable(text), nl=False, color=colour or None)
        elif not quiet and fmt != "text":
            click.echo(f"gallerylint: wrote {fmt} to {dest}", err=True)
    sys.exit(1 if at_or_above(findings, fail_on) else 0)


def _colour_wanted(choice: str = "auto") -> bool:
    """--color always/never wins; then NO_COLOR (https://no-color.org) turns colour off and
    FORCE_COLOR on; else colour on a terminal only."""
    if choice in ("always", "never"):
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()



def _render(fmt: str, report: Any, colour: bool = False, verbose: bool = False,
            to_file: bool = False) -> str | bytes:
    import importlib
    # Each reporter is imported only when its format is asked for (sarif-om is heavy).
    module = importlib.import_module(
        f".report.{ {'json': 'json_report'}.get(fmt, fmt) }", __package__)
    if fmt == "text":
        return module.render(report, colour=colour, verbose=verbose)
    if to_file and hasattr(module, "render_bytes"):  # a large log is never copied as text
        return module.render_bytes(report)
    return module.render(report)


@main.command(epilog="""\b
Examples:
  gallerylint waive ACG601 '/subscriptions/*/galleries/acg/images/app/versions/1.2.0' \\
      --reason "capacity plan approved in CHG-1234" --expires 2027-03-31""")
@click.argument("rule")
@click.argument("resource")
@click.option("--reason", required=True, help="Why the finding is accepted (shown in SARIF).")
@click.option("--expires", required=True, help="Date the waiver ends (YYYY-MM-DD).")
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False),
              help="Config to append to (default: the discovered one, else ./.gallerylint.yaml).")
@guarded
def waive(rule: str, resource: str, reason: str, expires: str, config_path: str | None) -> None:
    """Append a waiver for RULE on RESOURCE (ARM ID or glob) to the config."""
    from .names import parse_time
    from .rules.registry import load_registry
    from .waivers import add_waiver
    until = parse_time(expires)
    if not isinstance(until, datetime):
        raise click.BadParameter(f"'{expires}' is not a date (YYYY-MM-DD)",
                                 param_hint="--expires")
    if until.date() < datetime.now(timezone.utc).date():
        raise click.BadParameter(f"{expires} is in the past: a waiver must end later",
                                 param_hint="--expires")
    if not reason.strip():
        raise click.BadParameter("a waiver needs a reason", param_hint="--reason")
    path = config_path or (str(config_module.discover() or ".gallerylint.yaml"))
    settings = config_module.load(path) if os.path.exists(path) else config_module.Settings()
    found = load_registry(settings.rule_paths, settings.allow_python).get(rule)
    if found is None:
        raise InputError(None, f"no rule '{rule}'", hint="'gallerylint rules' lists them")
    for w in settings.waivers:
        same_rule = w.rule.upper() in (found.id.upper(), found.name.upper())
        if same_rule and w.resource == resource:
            raise InputError(settings.path, f"{found.id} on {resource} is already waived "
                             f"(until {w.expires})", line=w.line,
                             hint="edit that waiver instead of adding another")
    add_waiver(path, found.id, resource, reason, expires)
    config_module.load(path)  # what was written must still be a valid config
    click.echo(f"gallerylint: waived {found.id} on {resource} until {expires} in {path}")


@main.command("gate", epilog="""\b
Examples:
  gallerylint gate --inventory live/ --deployment deploy/web.json --environment production
  gallerylint gate --engine opa --opa-url https://opa.internal:8181 --deployment plan.json""")
@click.option("--inventory", "inventory_paths", multiple=True,
              help="Snapshot, raw resources or a folder of them (repeatable; required unless "
                   "--engine opa, where the served bundle's facts are the inventory).")
@click.option("--deployment", "deployment_paths", multiple=True, required=True,
              help="The deployment to check: a template, a plan or VM / scale set JSON.")
@click.option("--environment", default="production", show_default=True,
              help="Environment of the deployment: its levels and rules come from "
                   "gate.environments.<name> in config.")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--now", "now_text", help="Evaluation time, ISO 8601 (default: the clock).")
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False),
              help="Config file (default: .gallerylint.yaml here or in a parent).")
@click.option("--deployment-scope", metavar="ID",
              help="/subscriptions/<id>/resourceGroups/<name> for template or plan resources.")
@click.option("--allow-partial", is_flag=True,
              help="Accept an inventory snapshot with scopes that failed to export.")
@click.option("--max-age", "max_age", type=click.FloatRange(min=0, min_open=True),
              metavar="HOURS",
              help="Oldest snapshot accepted (default: input.max_snapshot_age_hours, 48).")
@click.option("--engine", type=click.Choice(["embedded", "opa"]), default=None,
              help="embedded (default): decide here; opa: ask the OPA fleet's served bundle "
                   "(data.gallerylint.gate.decision).")
@click.option("--opa-url", help="OPA server serving the gallerylint bundle, for --engine opa.")
@click.option("--failures-only", is_flag=True, help="Text: print only the checks that fail.")
@COLOR_OPTION
@guarded
def gate_command(inventory_paths: tuple[str, ...], deployment_paths: tuple[str, ...],
                 environment: str | None, fmt: str, now_text: str | None,
                 config_path: str | None, deployment_scope: str | None,
                 allow_partial: bool, max_age: float | None, engine: str | None,
                 opa_url: str | None, failures_only: bool, color: str) -> None:
    """Check a deployment against an inventory before it goes out; exit 1 on any failure."""
    from .gate import gate, gate_via_opa, render_json, render_text
    from .rules.registry import load_registry
    now = parse_now(now_text)
    if deployment_scope is not None:
        check_deployment_scope(deployment_scope)
    settings = load_settings(config_path)
    max_age_hours = max_age if max_age is not None else settings.input.max_snapshot_age_hours
    if (engine or settings.engine.name) == "opa":
        if inventory_paths:
            raise click.UsageError("--inventory is not read with --engine opa: the served "
                                   "bundle's facts are the inventory (gallerylint bundle "
                                   "--inventory …)")
        rego_engine = make_engine(settings, "opa", opa_url, "auto")
        registry = load_registry(settings.rule_paths, settings.allow_python)
        results = gate_via_opa(rego_engine, deployment_paths, settings, now, registry,
                               environment,
                               deployment_scope, allow_partial=allow_partial,
                               max_age_hours=max_age_hours,
                               notify=lambda text: click.echo(f"gallerylint: note: {text}",
                                                              err=True))
    else:
        if opa_url:
            raise click.UsageError("--opa-url needs --engine opa")
        if not inventory_paths:
            raise click.UsageError("gate needs --inventory (or --engine opa with a served "
                                   "bundle)")
        registry = load_registry(settings.rule_paths, settings.allow_python)
        results = gate(inventory_paths, deployment_paths, settings, now, registry, environment,
                       deployment_scope, allow_partial=allow_partial,
                       max_age_hours=max_age_hours)
    if fmt == "json":
        click.echo(json.dumps(render_json(results), indent=2))
    else:
        colour = _colour_wanted(color)
        click.echo(printable(render_text(results, failures_only=failures_only, colour=colour)),
                   nl=False, color=colour or None)
    sys.exit(0 if all(r.passed for r in results) else 1)


@main.command(epilog="""\b
Examples:
  gallerylint bundle -o bundle.tar.gz --inventory live/estate.json
  opa run --server --bundle bundle.tar.gz   # then: gallerylint lint … --engine opa""")
@click.option("-o", "--output", required=True, help="Bundle file to write (bundle.tar.gz).")
@click.option("--inventory", "inventory_paths", multiple=True,
              help="Inventory whose facts go into data.json (repeatable; default: none).")
@click.option("--now", "now_text", help="Evaluation time for end-of-life facts, ISO 8601.")
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False))
@guarded
def bundle(output: str, inventory_paths: tuple[str, ...], now_text: str | None,
           config_path: str | None) -> None:
    """Write an OPA bundle: the policies, plus the inventory's facts as data."""
    from .engines.bundle import write_bundle
    from .facts import build
    from .model import Inventory
    from .sources import load_paths
    settings = load_settings(config_path)
    now = parse_now(now_text)
    from .lint import input_limits
    inventory = (load_paths(inventory_paths, settings.paths.exclude, input_limits(settings))
                 if inventory_paths else Inventory())
    revision = write_bundle(output, build(inventory, settings, now))
    click.echo(f"gallerylint: wrote OPA bundle {output} (revision {revision}, "
               f"{inventory.resource_count} resources); decision path "
               "data.gallerylint.gate.decision")


@main.command(epilog="""\b
Examples:
  gallerylint export -o estate.json                       # every subscription you can see
  gallerylint export --management-group platform -o estate.json
  gallerylint export --subscription 11111111-1111-4111-8111-111111111111 --source arm \\
      -o estate.json --allow-partial""")
@click.option("--subscription", "subscriptions", multiple=True,
              help="Subscription to export (repeatable; default: every one you can see).")
@click.option("--management-group", "management_groups", multiple=True,
              help="Management group to export (repeatable; Resource Graph only).")
@click.option("--source", type=click.Choice(["resource-graph", "arm"]),
              default="resource-graph", show_default=True)
@click.option("--cloud", type=click.Choice(["AzureCloud", "AzureChinaCloud",
                                            "AzureUSGovernment"]),
              default="AzureCloud", show_default=True)
@click.option("--arm-endpoint", help="ARM endpoint override (Azure Stack Hub, a test server).")
@click.option("--allow-partial", is_flag=True, help="Exit 0 even when a scope failed.")
@click.option("-o", "--output", required=True, help="Snapshot file to write.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=3600,
              show_default=True, metavar="SECONDS",
              help="Give up (exit 3, no snapshot) when the whole export takes longer.")
@guarded
def export(subscriptions: tuple[str, ...], management_groups: tuple[str, ...], source: str,
           cloud: str, arm_endpoint: str | None, allow_partial: bool, output: str,
           quiet: bool, timeout: float) -> None:
    """Snapshot live gallery state (and the VMs and scale sets using it) from Azure."""
    from .export.exporter import (CLOUDS, Exporter, ExportResult, Progress, make_credential,
                                  snapshot_document)
    if source == "arm" and management_groups:
        raise click.UsageError("--management-group needs --source resource-graph")
    for sub in subscriptions:
        if not re.fullmatch(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", sub):
            raise click.BadParameter(f"'{sub}' is not a subscription ID (a GUID such as "
                                     "11111111-1111-4111-8111-111111111111)",
                                     param_hint="--subscription")
    import importlib.util
    if any(importlib.util.find_spec(m) is None for m in ("azure.identity", "azure.mgmt.compute",
                                                         "azure.mgmt.resourcegraph")
           if importlib.util.find_spec(m.split(".")[0]) is not None) or \
            importlib.util.find_spec("azure") is None:
        raise click.UsageError("export needs the Azure SDK: pip install 'gallerylint[azure]'")
    endpoint = arm_endpoint or CLOUDS[cloud]
    if not endpoint.startswith("https://"):
        raise click.BadParameter("the ARM endpoint must be https:// (TLS is never turned off; "
                                 "trust a private CA with REQUESTS_CA_BUNDLE)",
                                 param_hint="--arm-endpoint")
    progress = Progress(enabled=not quiet and sys.stderr.isatty(),
                        log_every=None if quiet or sys.stderr.isatty() else 10.0)
    exporter = Exporter(make_credential(dict(os.environ)), endpoint, progress=progress)
    result = ExportResult()
    subs = list(subscriptions)

    def body() -> None:
        nonlocal subs
        if not subs and not management_groups:
            subs = exporter.list_subscriptions()
            if not subs:
                raise EngineError(f"export from {endpoint}", "the credential sees no "
                                  "subscription: name one with --subscription, or check the "
                                  "login (az login, AZURE_ACCESS_TOKEN, workload identity)")
        if source == "resource-graph":
            exporter.resource_graph(subs, management_groups, result)
        else:
            exporter.arm(subs, result)

    try:
        within_deadline(body, timeout, f"export from {endpoint}")
    except GalleryLintError:
        raise
    except Exception as exc:
        from .export.exporter import _describe
        text = _describe(exc)
        if _is_sign_in_failure(exc, text):
            text += f"; {SIGN_IN_HINT}"
        raise EngineError(f"export from {endpoint}", text) from None
    finally:
        progress.done()
    result.api_versions.update(exporter.api_versions)
    for failed in result.failed_scopes:
        click.echo(f"gallerylint: scope {one_line(failed['scope'])} failed: "
                   f"{one_line(failed['error'])}", err=True)
    if any("ClientAuthenticationError" in f["error"] or f["error"].startswith("HTTP 401")
           for f in result.failed_scopes):
        click.echo(f"gallerylint: {SIGN_IN_HINT}", err=True)
    if result.failed_scopes and not allow_partial:
        # A partial snapshot would pass as a clean estate: write none.
        click.echo(f"gallerylint: no snapshot written ({len(result.failed_scopes)} scope(s) "
                   "failed); fix access or pass --allow-partial to keep what was read",
                   err=True)
        sys.exit(3)
    doc = snapshot_document(result, source=source, cloud=cloud, subscriptions=subs,
                            management_groups=management_groups)
    write_atomically(output, json.dumps(doc, indent=1) + "\n")
    counts = ", ".join(f"{len(doc[k])} {k}" for k in
                       ("galleries", "imageDefinitions", "imageVersions", "virtualMachines",
                        "virtualMachineScaleSets"))
    if not quiet:
        click.echo(f"gallerylint: wrote {output}: {counts}", err=True)


@main.command("rules", epilog="""\b
Examples:
  gallerylint rules
  gallerylint rules -f json -c .gallerylint.yaml   # with your own rules""")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "markdown"]),
              default="text", show_default=True)
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False),
              help="Config file, for user rules (rules.paths).")
@guarded
def rules_command(fmt: str, config_path: str | None) -> None:
    """List the rules with their default level, tags and summary."""
    from .docs import rules_markdown
    from .rules.registry import load_registry
    settings = load_settings(config_path)
    registry = load_registry(settings.rule_paths, settings.allow_python)
    from .lint import select_rules
    enabled = {r.id for r in select_rules(registry, settings)}

    def level(r: Any) -> str:
        setting = settings.rules.get(r.id) or settings.rules.get(r.name)
        return setting.level if setting is not None and setting.level else r.level
    if fmt == "json":
        doc = {"version": 2, "config": settings.path, "rules": [
            {"id": r.id, "name": r.name, "level": level(r), "defaultLevel": r.level,
             "enabled": r.id in enabled, "tags": list(r.tags),
             "summary": r.summary, "language": r.language, "helpUri": r.help_uri,
             "securitySeverity": r.security_severity, "builtin": r.builtin}
            for r in registry]}
        click.echo(json.dumps(doc, indent=2))
    elif fmt == "markdown":
        click.echo(rules_markdown(list(registry)), nl=False)
    else:
        for r in registry:
            tags = ",".join(r.tags)
            state = "" if r.id in enabled else " (off)"
            shown = level(r) + ("*" if level(r) != r.level else "")
            click.echo(f"{r.id}  {r.name:<34} {shown:<8} {r.language:<6} {tags:<34} "
                       f"{r.summary}{state}")
        changed = [r for r in registry if r.id not in enabled or level(r) != r.level]
        if changed:
            click.echo(printable(f"\n{len(changed)} rule(s) changed by "
                                 f"{settings.path}: * a level set there, (off) disabled"))


@main.command("config", epilog="""\b
Examples:
  gallerylint config
  gallerylint config -f json -c ci/.gallerylint.yaml""")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False),
              help="Config file (default: .gallerylint.yaml here or in a parent).")
@guarded
def config_command(fmt: str, config_path: str | None) -> None:
    """Print the configuration in force: each key, its value, and where it came from."""
    from .settings_report import effective, render_text
    settings = load_settings(config_path, quiet=True)
    rows = effective(settings)
    if fmt == "json":
        click.echo(json.dumps({"version": 1, "config": settings.path,
                               "notes": list(settings.notes), "settings": rows}, indent=2))
    else:
        click.echo(printable(render_text(settings, rows)), nl=False)


@main.command("init", epilog="""\b
Examples:
  gallerylint init            # .gallerylint.yaml, every key commented with its default
  gallerylint init --github   # and the pull-request, nightly and gated-deploy workflows""")
@click.option("--github", is_flag=True,
              help="Also write .github/workflows/gallerylint-{pull-request,nightly,"
                   "gated-deploy}.yml.")
@guarded
def init_command(github: bool) -> None:
    """Write a commented starter config (and the GitHub workflows); never overwrites."""
    from .settings_report import init
    for path in init(Path.cwd(), github):
        click.echo(f"gallerylint: wrote {path}")
    if github:
        click.echo("gallerylint: next: set the secrets AZURE_CLIENT_ID, AZURE_TENANT_ID (OIDC) "
                   "and GALLERY_MANAGEMENT_GROUP, and an environment named compliance")


@main.command(epilog="""\b
Examples:
  gallerylint explain ACG601
  gallerylint explain replicas-for-vms""")
@click.argument("rule")
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False))
@guarded
def explain(rule: str, config_path: str | None) -> None:
    """Print one rule's documentation (by ID or name)."""
    from .rules.registry import load_registry
    settings = load_settings(config_path)
    registry = load_registry(settings.rule_paths, settings.allow_python)
    found = registry.get(rule)
    if found is None:
        raise InputError(None, f"no rule '{rule}'", hint="'gallerylint rules' lists them")
    header = f"{found.id} {found.name} (default level: {found.level}; tags: " \
             f"{', '.join(found.tags)}; {found.language})"
    click.echo(header)
    click.echo("")
    click.echo(found.doc)
    click.echo("")
    click.echo(f"More: {found.help_uri}")


def console() -> None:
    """The `gallerylint` command: `main`, then the process ends at once.

    After a lint of a large estate the interpreter would spend about a second freeing
    its objects one by one (a gigabyte of them) before the process ends: 13.0 s of
    lint took 14.6 s whole. As mypy does, the output is flushed and the process ends
    without that, once nothing is left to do: every report is written and closed by
    then (renamed into place), gallerylint registers no exit handler, and only daemon
    threads may remain. A thread that is not a daemon (one a library started) is
    waited for the usual way."""
    import threading
    try:
        main()
        code: Any = 0
    except SystemExit as exc:
        code = 0 if exc.code is None else exc.code
    if not isinstance(code, int) or any(
            t is not threading.main_thread() and not t.daemon for t in threading.enumerate()):
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    console()

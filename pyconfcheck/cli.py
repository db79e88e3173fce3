"""The ``confcheck`` command line: thin, the work lives in api.py.

Exit status: 0 no errors, 1 errors found, 2 usage or internal trouble
(click's own errors, Ctrl-C, unreadable files and unexpected exceptions
included, each as one line on stderr; ``--debug`` shows the traceback).

Start-up stays light: nothing here imports lark, cryptography, augeas or
jsonschema at module level, so ``confcheck --help`` and ``--version`` cost
only click.
"""

import os
import sys

import click

from . import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_TROUBLE = 0, 1, 2

# Subcommands living in other packages, imported only when invoked so
# that a plain check does not pay for them.
_LAZY_COMMANDS = {
    "psk": ("pyconfcheck.psk.cli", "psk_group"),
    "tree": ("pyconfcheck.mirror.cli", "tree_command"),
    "show": ("pyconfcheck.show", "show_command"),
}

FORMATS = ("text", "json", "sarif", "github")
COLOR_CHOICES = ("auto", "always", "never")


class _CheckByDefault(click.Group):
    """``confcheck [OPTIONS] [FILE]...`` runs ``check``; names run commands.

    ``main`` maps every way of ending to the exit contract, so the console
    script and CliRunner tests go through the same path.
    """

    def list_commands(self, ctx):
        return sorted(set(self.commands) | set(_LAZY_COMMANDS))

    def get_command(self, ctx, name):
        if name in self.commands:
            return self.commands[name]
        if name in _LAZY_COMMANDS:
            import importlib

            module_name, attribute = _LAZY_COMMANDS[name]
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                # Only a family that is not part of this build is hidden;
                # a broken import inside it is an internal error.
                if exc.name and module_name.startswith(exc.name):
                    return None
                raise
            return getattr(module, attribute, None)
        return None

    def parse_args(self, ctx, args):
        if not args or (args[0] not in self.list_commands(ctx)
                        and args[0] not in ("--help", "-h", "--version")):
            args = ["check"] + list(args)
        return super().parse_args(ctx, args)

    def make_context(self, info_name, args, parent=None, **extra):
        # --help and --version print while the arguments are parsed.
        try:
            return super().make_context(info_name, args, parent, **extra)
        except BrokenPipeError:
            raise _PipeClosed() from None

    def invoke(self, ctx):
        # click answers Ctrl-C with a bare newline on stderr before its
        # Abort; taking the interrupt here keeps the report to one line.
        # A closed pipe is carried past click too, which would exit 1.
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise _Interrupted() from None
        except BrokenPipeError:
            raise _PipeClosed() from None

    def main(self, args=None, prog_name=None, **extra):
        if args is None:
            args = sys.argv[1:]
        args, debug = _take_debug_flag(list(args))
        try:
            # Without standalone mode click returns what ctx.exit(code)
            # asked for (``--version``, subcommands) instead of exiting.
            result = super().main(args=args,
                                  prog_name=prog_name or "confcheck",
                                  standalone_mode=False, **_without(extra))
            if isinstance(result, int) and not isinstance(result, bool):
                sys.exit(result)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            _fail(_one_line(exc.format_message()))
        except (_Interrupted, click.exceptions.Abort, KeyboardInterrupt):
            _fail("interrupted")
        except (BrokenPipeError, _PipeClosed):
            _quiet_broken_pipe(EXIT_OK)
        except SystemExit:
            raise
        except Exception as exc:  # the one place that catches everything
            if debug:
                sys.excepthook = _masked_traceback
                raise
            _fail(f"internal error: {type(exc).__name__}: "
                  f"{_masked(_one_line(str(exc)))} (run with --debug for "
                  "the traceback)")
        sys.exit(EXIT_OK)


class _Interrupted(Exception):
    """Ctrl-C, carried past click's own handling."""


class _PipeClosed(Exception):
    """The reader of stdout left (``| head``), carried past click."""


def _without(extra):
    return {key: value for key, value in extra.items()
            if key != "standalone_mode"}


def _take_debug_flag(args):
    """Remove ``--debug`` from anywhere before a ``--``."""
    debug = False
    kept = []
    for position, arg in enumerate(args):
        if arg == "--":
            kept.extend(args[position:])
            break
        if arg == "--debug":
            debug = True
            continue
        kept.append(arg)
    return kept, debug


def _one_line(text):
    return " ".join(str(text).split())


def _masked(text):
    """An exception's text without runs of 16 or more hex digits: a bug
    that puts a line of keys.psk into an exception must not print a key."""
    import re

    return re.sub(r"[0-9A-Fa-f]{16,}", "<hex digits>", text)


def _masked_traceback(kind, value, traceback):
    """``--debug``: the traceback, masked like the one-line report."""
    import traceback as tb

    text = "".join(tb.format_exception(kind, value, traceback))
    sys.stderr.write(_masked(text))


@click.group(cls=_CheckByDefault,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="confcheck",
                      message="%(prog)s %(version)s")
def main():
    """Predict what in libvirt's qemu.conf will break, before the daemon
    restarts.  Without a command, checks FILE (default
    /etc/libvirt/qemu.conf).  Add --debug anywhere for tracebacks."""


def _parse_version(ctx, param, value):
    if value is None:
        return None
    parts = value.split(".")
    try:
        numbers = tuple(int(p) for p in parts)
    except ValueError:
        numbers = ()
    if len(numbers) not in (2, 3):
        raise click.BadParameter(f"'{value}' is not a version like 9.0")
    from .settings import NEWEST_RELEASE, OLDEST_RELEASE

    release = numbers[:2]
    if release < OLDEST_RELEASE:
        raise click.BadParameter(
            f"libvirt {value} is older than any release confcheck models "
            f"(%d.%d to %d.%d)" % (OLDEST_RELEASE + NEWEST_RELEASE))
    if release > NEWEST_RELEASE:
        click.echo(f"confcheck: note: libvirt {value} is newer than the "
                   "newest release confcheck models; judged by %d.%d's "
                   "rules" % NEWEST_RELEASE, err=True)
        return NEWEST_RELEASE
    return release


_host_options = [
    click.option("--root", type=click.Path(exists=True, file_okay=False),
                 help="Treat DIR as the host's / for every path and account."),
    click.option("--no-host", is_flag=True,
                 help="Check only what the file alone decides."),
    click.option("--libvirt-version", "version", metavar="X.Y",
                 help="The libvirt release to judge against (default: "
                      "newest with the TLS-PSK proposal)."),
    click.option("--session", is_flag=True,
                 help="Judge the per-user (session) daemon's rules."),
]


def _apply(options):
    def decorate(function):
        for option in reversed(options):
            function = option(function)
        return function
    return decorate


@main.command("check")
# Not click's readable check: an unreadable file is a read error of its
# own (exit 2) while the other files are still checked.
@click.argument("files", nargs=-1,
                type=click.Path(dir_okay=True, readable=False))
@_apply(_host_options)
@click.option("--as", "as_path", metavar="PATH",
              help="Check the one FILE as if installed at PATH (findings "
                   "name PATH); for Ansible's validate.")
# Not click's file_okay check: one bad tree is a read error of its own
# while the rest of the fleet is still checked.
@click.option("--host-tree", "host_trees", multiple=True, metavar="DIR",
              type=click.Path(),
              help="Check DIR/etc/libvirt/qemu.conf with DIR as its root "
                   "(repeatable).")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Output format (default: text).")
@click.option("--color", type=click.Choice(COLOR_CHOICES),
              help="Colour in text output (default: auto, off when "
                   "NO_COLOR is set or stdout is not a terminal).")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these codes or families, comma-separated.")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Never these codes or families, comma-separated.")
@click.option("--strict/--no-strict", default=None,
              help="Warnings fail the run too (exit 1).")
@click.option("--exit-zero/--no-exit-zero", default=None,
              help="Exit 0 even when errors are found.")
@click.option("--config", "config_path", metavar="PATH",
              type=click.Path(dir_okay=False),
              help="Read options from PATH instead of the nearest "
                   ".confcheck.toml.")
@click.option("--isolated", is_flag=True,
              help="Read no .confcheck.toml.")
@click.option("--psk-identity", multiple=True, metavar="NAME",
              help="An identity migration sources send (repeatable).")
@click.option("--migrate-uri", metavar="URI",
              help="The migration URI (its user part is the PSK identity).")
@click.option("--role", type=click.Choice(["source", "destination"]),
              help="Only this migration role (default: both).")
def check_command(files, root, no_host, version, session, as_path,
                  host_trees, fmt, color, select, ignore, strict, exit_zero,
                  config_path, isolated, psk_identity, migrate_uri, role):
    """Check FILE(s): start-up failures, ignored settings, TLS set-ups.

    FILE may be '-' for standard input.
    """
    from . import config

    settings = _load_config(config_path, isolated)
    fmt = fmt or settings.get("format", "text")
    if fmt not in FORMATS:
        _fail(f"{settings.source}: 'format' must be one of "
              f"{', '.join(FORMATS)}")
    color = color or settings.get("color", "auto")
    if color not in COLOR_CHOICES:
        _fail(f"{settings.source}: 'color' must be one of "
              f"{', '.join(COLOR_CHOICES)}")
    source = "--libvirt-version"
    if version is None and settings.get("libvirt-version") is not None:
        source = f"{settings.source}: libvirt-version"
    try:
        version = _parse_version(None, None, version or settings.get(
            "libvirt-version"))
    except click.BadParameter as exc:
        _fail(f"{source}: {exc.message}")

    selection = _selection(settings, select, ignore, strict, exit_zero,
                           config)
    from . import api

    options = api.Options(root=root, no_host=no_host or settings.get(
                              "no-host", False),
                          version=version,
                          session=session or settings.get("session", False),
                          psk_identities=psk_identity,
                          migrate_uri=migrate_uri, role=role,
                          detect_version=True,
                          lens_check=any(selection.allows(code) for code in
                                         ("LNS001", "LNS002", "LNS003")))
    inputs = _inputs(files, as_path, host_trees, root, options)

    report = api.check_inputs(inputs, options, selection)
    for message in report.read_errors:
        click.echo(f"confcheck: {message}", err=True)

    status = selection.exit_status(report.findings)
    if report.read_errors:
        status = EXIT_TROUBLE
    if report.read_errors and not report.documents:
        sys.exit(status)

    from .report import render

    try:
        render(fmt, report.findings, report.documents, sys.stdout,
               color=_use_color(color))
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_broken_pipe(status)
    sys.exit(status)


class _Settings(dict):
    """The config file's keys, plus where they came from."""

    source = ".confcheck.toml"


def _load_config(config_path, isolated):
    from . import config

    settings = _Settings()
    path = config_path or (None if isolated else config.find())
    if path is None:
        return settings
    try:
        settings.update(config.load(path))
    except config.ConfigError as exc:
        _fail(str(exc))
    settings.source = path
    return settings


def _selection(settings, select, ignore, strict, exit_zero, config):
    from .selection import Selection, SelectionError, parse_selectors

    try:
        if select:
            chosen = parse_selectors(select, "--select")
        else:
            chosen = parse_selectors(config.as_list(settings.get("select")),
                                     f"{settings.source}: select")
        ignored = parse_selectors(config.as_list(settings.get("ignore")),
                                  f"{settings.source}: ignore")
        ignored += parse_selectors(ignore, "--ignore")
    except SelectionError as exc:
        _fail(str(exc))
    return Selection(
        select=chosen, ignore=ignored,
        strict=settings.get("strict", False) if strict is None else strict,
        exit_zero=(settings.get("exit-zero", False) if exit_zero is None
                   else exit_zero))


def _inputs(files, as_path, host_trees, root, options):
    from . import api

    if host_trees and root:
        _fail("--root and --host-tree do not mix: each host tree is its "
              "own root")
    if list(files).count("-") > 1:
        _fail("'-' (standard input) can be given only once")
    if as_path is not None and (host_trees or len(files) > 1):
        _fail("--as names the place of one FILE; give exactly one")

    inputs = [api.Input(path=path, label=as_path) for path in files]
    inputs += [api.host_tree_input(tree) for tree in host_trees]
    if not inputs:
        host_path = api.default_host_path(options) if root else None
        inputs = [api.Input(path=api.default_config_path(options),
                            label=as_path, root=root, host_path=host_path)]
    return inputs


def _use_color(choice):
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return _stdout_is_terminal()


def _stdout_is_terminal():
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]),
              default="text", show_default=True)
def rules_command(fmt):
    """List every rule: code, name, severity and what it catches."""
    from . import docs

    try:
        if fmt == "json":
            click.echo(docs.rules_json())
        else:
            for line in docs.rules_table():
                click.echo(line)
    except BrokenPipeError:
        _quiet_broken_pipe(EXIT_OK)


@main.command("explain")
@click.argument("code")
def explain_command(code):
    """Print the documentation of rule CODE: why it matters, a failing and
    a passing example, the fix."""
    from . import docs

    text = docs.explain(code)
    if text is None:
        _fail(docs.unknown_code_message(code))
    try:
        click.echo(text, nl=False)
    except BrokenPipeError:
        _quiet_broken_pipe(EXIT_OK)


def _fail(message):
    click.echo(f"confcheck: {message}", err=True)
    sys.exit(EXIT_TROUBLE)


def run(argv=None):
    """Console-script entry point."""
    main.main(args=argv, prog_name="confcheck")


def _quiet_broken_pipe(status):
    # `confcheck | head`: the reader left; say nothing and do not let the
    # interpreter complain while flushing stdout at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    sys.exit(status)

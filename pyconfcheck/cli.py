"""The ``confcheck`` command line: thin, the work lives in api.py.

Exit status: 0 no errors, 1 errors found, 2 usage or internal trouble
(click's own errors, Ctrl-C and unexpected exceptions included).
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
    "tree": ("pyconfcheck.lens.cli", "tree_command"),
}


class _CheckByDefault(click.Group):
    """``confcheck [OPTIONS] [FILE]...`` runs ``check``; names run commands."""

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
            except ModuleNotFoundError:
                return None
            return getattr(module, attribute, None)
        return None

    def parse_args(self, ctx, args):
        if not args or (args[0] not in self.list_commands(ctx)
                        and args[0] not in ("--help", "-h", "--version")):
            args = ["check"] + list(args)
        return super().parse_args(ctx, args)


@click.group(cls=_CheckByDefault,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="confcheck")
def main():
    """Predict what in libvirt's qemu.conf will break, before the daemon
    restarts.  Without a command, checks FILE (default
    /etc/libvirt/qemu.conf)."""


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
    return numbers[:2]


_host_options = [
    click.option("--root", type=click.Path(file_okay=False),
                 help="Treat DIR as the host's / for every path and account."),
    click.option("--no-host", is_flag=True,
                 help="Check only what the file alone decides."),
    click.option("--libvirt-version", "version", callback=_parse_version,
                 metavar="X.Y",
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
@click.argument("files", nargs=-1, type=click.Path(dir_okay=True))
@_apply(_host_options)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]),
              default="text", show_default=True)
@click.option("--psk-identity", multiple=True, metavar="NAME",
              help="An identity migration sources send (repeatable).")
@click.option("--migrate-uri", metavar="URI",
              help="The migration URI (its user part is the PSK identity).")
@click.option("--role", type=click.Choice(["source", "destination"]),
              help="Only this migration role (default: both).")
@click.option("--color", type=click.Choice(["auto", "always", "never"]),
              default="auto", show_default=True)
def check_command(files, root, no_host, version, session, fmt,
                  psk_identity, migrate_uri, role, color):
    """Check FILE(s): start-up failures, ignored settings, TLS set-ups."""
    from . import api
    from .reader import ReadError
    from .report import render

    options = api.Options(root=root, no_host=no_host, version=version,
                          session=session, psk_identities=psk_identity,
                          migrate_uri=migrate_uri, role=role)
    paths = list(files) or [api.default_config_path(options)]
    all_findings = []
    sources = {}
    for path in paths:
        try:
            findings, document = api.check_file(path, options)
        except ReadError as exc:
            _fail(str(exc))
        all_findings.extend(findings)
        sources[path] = document.line_text

    use_color = color == "always" or (
        color == "auto" and sys.stdout.isatty()
        and "NO_COLOR" not in os.environ)
    render(fmt, all_findings, sources, sys.stdout, color=use_color)
    errors = sum(1 for f in all_findings if f.severity == "error")
    sys.exit(EXIT_FINDINGS if errors else EXIT_OK)


def _fail(message):
    click.echo(f"confcheck: {message}", err=True)
    sys.exit(EXIT_TROUBLE)


def run(argv=None):
    """Entry point: click without its exit-code habits."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    args = [a for a in (argv if argv is not None else sys.argv[1:])
            if a != "--debug"]
    try:
        main.main(args=args, prog_name="confcheck", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_TROUBLE)
    except click.exceptions.Abort:
        click.echo("confcheck: interrupted", err=True)
        sys.exit(EXIT_TROUBLE)
    except KeyboardInterrupt:
        click.echo("confcheck: interrupted", err=True)
        sys.exit(EXIT_TROUBLE)
    except BrokenPipeError:
        _quiet_broken_pipe()
    except SystemExit:
        raise
    except Exception as exc:  # the one place that catches everything
        if debug:
            raise
        click.echo(f"confcheck: internal error: {type(exc).__name__}: {exc} "
                   "(run with --debug for the traceback)", err=True)
        sys.exit(EXIT_TROUBLE)
    sys.exit(EXIT_OK)


def _quiet_broken_pipe():
    # `confcheck | head`: the reader left; say nothing and do not let the
    # interpreter complain while flushing stdout at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
    sys.exit(EXIT_FINDINGS)

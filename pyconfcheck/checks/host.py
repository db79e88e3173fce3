"""What could not be checked, said once each, never a silent pass."""

from ..findings import INFO, STAGE_NONE
from ..rules import Rule

RULES = (
    Rule("HOST001", "host-checks-skipped", INFO, STAGE_NONE,
         "--no-host: only what the file alone decides was checked",
         """\
With `--no-host` confcheck checks syntax, names, types, ranges and fixed
value sets only.  Accounts, directories, certificates, key files, plugins
and kernel features need the host (or a copy of its tree with `--root`).
"""),
    Rule("HOST002", "probe-unavailable", INFO, STAGE_NONE,
         "a host probe could not be answered",
         """\
Some checks need evidence from the running host (security modules,
mounts).  Under `--root` the tree may not hold it; the check is then
skipped and this note says which.
"""),
)


def check(ctx):
    if ctx.host is None:
        yield ctx.finding("HOST001", "--no-host: checks that need the host "
                          "(accounts, directories, TLS and PSK files, "
                          "plugins, security drivers) were skipped")
        return
    if not ctx.doc.readable:
        return
    from .startup import _lsm_state

    if ctx.doc.value("security_driver") is not None or \
            ctx.doc.value("security_require_confined") is True:
        if _lsm_state(ctx.host) is None:
            yield ctx.finding(
                "HOST002", "SELinux/AppArmor state unknown (no "
                "/sys/fs/selinux or /sys/module/apparmor under the root); "
                "whether the security driver is usable was not checked")

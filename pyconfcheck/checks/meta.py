"""Rules about confcheck's own instructions inside qemu.conf.

These findings come from the selection stage (pyconfcheck.selection), not
from a ``check(ctx)``: they are about the suppression comments a user
wrote, which only make sense once the other checks have run.
"""

from ..findings import STAGE_NONE, WARNING
from ..rules import Rule

RULES = (
    Rule("META001", "unknown-suppression-code", WARNING, STAGE_NONE,
         "a suppression comment names a code confcheck does not know",
         """\
A `# confcheck: disable=CODE` comment only works when every CODE is a rule
code (`TYP001`) or a family of them (`STA`, `PSK0`) that `confcheck rules`
lists.  A misspelt code suppresses nothing, so the finding you meant to
silence is still reported, and the comment hides the mistake from readers.

Failing:

    # confcheck: disable=TYP01
    vnc_tls = "1"

Passing:

    # confcheck: disable=TYP001
    vnc_tls = "1"

Fix: correct the code (`confcheck rules` lists them all), or remove the
comment when the finding it was written for is gone.
"""),
)

"""The one base exception of nianbao. Anything raised as a NianbaoError carries a Chinese message a
user can act on; the command line prints it as one line and exits with status 2."""
from __future__ import annotations


class NianbaoError(Exception):
    """A problem the user can fix (a bad roster, an unreachable mailbox, an unknown format…)."""

"""How a command ends: its exit status, and the one error that means "a bad command line".

Every command returns one of these (README, "Command line"): 0 when it did what was asked, 1
for anything else that went wrong (a file that cannot be read or written, a full disk), 2 for a
command line that asks for something impossible. 130 is Ctrl-C, and 128 + N a signal N that
ended a breathing break or the app (both still save what was breathed).
"""

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports it


def exit_for_signal(signum: int) -> int:
    """The status a shell gives a process ended by signal `signum` (SIGTERM: 143)."""
    return 128 + signum


class UsageError(Exception):
    """A command line that asks for something impossible: one line on stderr, and exit 2."""

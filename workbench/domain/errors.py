"""The errors every layer raises for things a user can fix.

Each carries a message meant for people: one line, naming the cause. The command line prints it and exits 1;
the window shows it in a dialog. Anything that is not a ``WorkbenchError`` is a defect.
"""

from __future__ import annotations


class WorkbenchError(Exception):
    """Bad input or a refused operation, with a one-line message for the analyst."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class WorkspaceError(WorkbenchError):
    """The workspace file cannot be created, opened or changed."""


class WrongPassphrase(WorkspaceError):
    """The passphrase does not decrypt the workspace."""


class NotAWorkspace(WorkspaceError):
    """The file exists but is not an encrypted workspace."""


class InvalidInput(WorkbenchError):
    """Data given to the program (a file, a field, an argument) is refused."""


class VerificationFailed(WorkbenchError):
    """A signature, a hash or a chain does not verify."""


class SequenceJumpRefused(VerificationFailed):
    """A partner's package comes further ahead in its sequence than the partner's bound allows: importable once
    the analyst, having asked the partner, accepts the jump."""

    def __init__(self, message: str, jump: int) -> None:
        super().__init__(message)
        self.jump = jump


class RevokedSignerRefused(VerificationFailed):
    """Signed by a key revoked since: importable once the analyst re-admits this document by its id."""

    def __init__(self, message: str, key_id: str, document_id: str) -> None:
        super().__init__(message)
        self.key_id = key_id
        self.document_id = document_id


class Cancelled(WorkbenchError):
    """The analyst cancelled a long operation; nothing was changed."""

    def __init__(self, message: str = "cancelled; nothing was changed") -> None:
        super().__init__(message)

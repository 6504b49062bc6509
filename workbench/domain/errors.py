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


class SequenceJump(VerificationFailed):
    """A package's sequence comes further after the last one imported from its partner than their bound allows:
    the analyst may accept it once the partner confirmed it (``accept_jump``)."""

    def __init__(self, message: str, *, partner: str, sequence: int, last: int, bound: int) -> None:
        super().__init__(message)
        self.partner, self.sequence, self.last, self.bound = partner, sequence, last, bound

    @property
    def jump(self) -> int:
        return self.sequence - self.last


class RevokedSigner(VerificationFailed):
    """A document signed by a revoked key: the analyst may re-admit that one document by its id and the key's
    (``exchange.readmit_package``). ``document_id`` and ``partner`` are the package's id and the key's partner,
    once they are known."""

    def __init__(self, message: str, *, key_id: str, revoked_at: str) -> None:
        super().__init__(message)
        self.key_id, self.revoked_at = key_id, revoked_at
        self.document_id: str | None = None
        self.partner: str | None = None


class Cancelled(WorkbenchError):
    """The analyst cancelled a long operation; nothing was changed."""

    def __init__(self, message: str = "cancelled; nothing was changed") -> None:
        super().__init__(message)

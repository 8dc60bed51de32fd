"""Typed errors of the Label Studio side: what went wrong, never a token, never an SDK traceback."""
from __future__ import annotations


class StudioError(RuntimeError):
    """Anything that stops a Label Studio operation; the message is safe to show to the user."""


class StudioNotConfigured(StudioError):
    """No server to talk to: no local studio running and no LABEL_STUDIO_URL / LABEL_STUDIO_API_KEY."""


class PortBusy(StudioError):
    """The port asked for is taken (Label Studio would silently move to the next one)."""


class StudioUnreachable(StudioError):
    """The server does not answer (down, wrong URL, connection refused or timed out)."""


class StudioAuthError(StudioError):
    """The server refused the token (wrong, expired, or a legacy token on a server that disabled them)."""


class StudioRequestError(StudioError):
    """The server answered a request with an error status."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class ImportUncertain(StudioError):
    """An import call failed in a way that leaves unknown whether the server stored the tasks.

    Never retried blindly: the caller looks the batch's doc_ids up on the server before trying again.
    """

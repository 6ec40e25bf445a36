"""Domain errors of the search app; each carries a message a user can act on."""

from __future__ import annotations

from ratsinfo.errors import DomainError


class SearchError(DomainError):
    """The search could not be carried out (the search service is unreachable …); the search
    page shows `message` with status 503."""


class SavedSearchRejected(DomainError):
    """A saved search could not be stored or changed as asked (limit reached, no query)."""


class SearchUnavailable(SearchError):
    """The search service (Elasticsearch) cannot be reached or refused the request. `message`
    is for the user; `detail` says the operator what failed and is logged, never shown."""

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail

"""Type stubs for docseal's Python bindings (the compiled module `docseal`)."""

from datetime import datetime
from os import PathLike
from typing import Any, Dict, List, Optional, Sequence, Union

__version__: str

At = Union[None, str, datetime]
"""None for now, an RFC 3339 string, or a timezone-aware datetime."""

TextOrPath = Union[str, bytes, "PathLike[str]"]

class DocsealError(Exception):
    """Base class of docseal's errors."""
    kind: str
    """The error kind: `trust-list`, `status`, `key`, `document`, `limit`, `usage`, or a refusal's kind."""

class TrustListError(DocsealError): ...
class StatusListError(DocsealError): ...
class SigningKeyError(DocsealError): ...
class DocumentError(DocsealError): ...
class LimitError(DocsealError): ...
class UsageError(DocsealError): ...

class Refused(DocsealError):
    """Raised by `Verifier.check` for a refused payload."""
    answer: Dict[str, Any]
    """The dict `Verifier.verify` returns for it."""

class Verifier:
    """Verifies `DS1:` and `HC1:` payloads offline against a trust list."""

    def __init__(
        self,
        trust: TextOrPath,
        *,
        trust_anchor: Optional[TextOrPath] = None,
        status: Union[None, TextOrPath, Sequence[TextOrPath]] = None,
        max_age: Optional[float] = None,
        require_class: Optional[str] = None,
        min_age: Optional[int] = None,
        travel_mode: Optional[str] = None,
        document_type: Optional[str] = None,
        allow_unchecked_status: bool = False,
        at: At = None,
    ) -> None:
        """`trust`: a path, JSON text, or a signed list's bytes (with `trust_anchor`).
        `status`: status list tokens (paths, folders of `.cwt` files, or bytes).
        `at`: when a signed trust list is checked (default now)."""

    def verify(self, text: str, at: At = None) -> Dict[str, Any]:
        """The dict of `docseal verify --json` for one payload."""

    def verify_many(self, texts: List[str], at: At = None) -> List[Dict[str, Any]]:
        """One dict per text, on the bulk path with the GIL released (valid DS1 answers carry no `checks`)."""

    def check(self, text: str, at: At = None) -> Dict[str, Any]:
        """The answer of a valid payload; raises `Refused` for a refused one."""

class Issuer:
    """Issues docseal payloads with a key in memory (test data, scripting)."""

    name: str

    def __init__(self, issuer: str, key_pem: str, *, valid_for: Optional[float] = None) -> None: ...
    @staticmethod
    def generate(issuer: str, alg: str = "ed25519", *, valid_for: Optional[float] = None) -> "Issuer": ...
    def public_key_pem(self) -> str: ...
    def trust_list_json(self, name: Optional[str] = None) -> str: ...
    def issue(self, document_type: str, data: Union[str, Dict[str, Any]], at: At = None) -> str:
        """`document_type`: `licence`, `passport` or `temp-pass`; `data`: the document's JSON."""

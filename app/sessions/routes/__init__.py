"""The session pages: the public's (``/s/``, no login) and the committee's.

The owner's own pages (``/v/``) are the voting package's. One module per audience
registers its views on ``bp``; ``common`` holds what they share.
"""

from . import committee, documents, public  # noqa: F401  the views register on ``bp``
from .common import bp

__all__ = ["bp"]

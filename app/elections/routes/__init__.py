"""Elections for the committee and the street office; nomination and the committee page for owners.

One module per audience registers its views on ``bp``; ``common`` holds what they share.
"""

from . import ballot, committee, manage, owners  # noqa: F401  the views register on ``bp``
from .common import bp

__all__ = ["bp"]

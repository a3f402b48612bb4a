"""The oversight pages: the street office's (``/office/``), the district's and the city's (``/oversight/``).

One module per audience registers its views; ``common`` holds the street office's blueprint.
"""

from ..labels import FLAG_LABELS
from . import conduct, office, reviews  # noqa: F401  the views register on ``bp``
from .areas import areas_bp
from .common import bp

__all__ = ["FLAG_LABELS", "areas_bp", "bp"]

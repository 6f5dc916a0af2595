import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; a request in an earlier test may have left another
    language active in this thread."""
    with translation.override("en"):
        yield

import pytest

from screening_helpers import make_campaign


@pytest.fixture
def campaign():
    return make_campaign()

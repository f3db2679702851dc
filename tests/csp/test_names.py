"""How partnerships, agencies and groups are named in one line: the short name where there is one."""

import pytest

from csp.models import Agency, Group, Partnership


@pytest.mark.django_db
def test_partnership_display_name_prefers_the_short_name():
    named = Partnership.objects.create(name="Stevenage Community Safety Partnership", slug="stev", short_name="SoSafe")
    plain = Partnership.objects.create(name="East Herts Community Safety Partnership", slug="eh")
    assert named.display_name == "SoSafe"
    assert plain.display_name == "East Herts Community Safety Partnership"


@pytest.mark.django_db
def test_agency_and_group_name_themselves_the_same_way():
    partnership = Partnership.objects.create(name="Hastings CSP", slug="hastings")
    assert str(Agency(partnership=partnership, name="Hastings Borough Council", short_name="HBC")) == "HBC"
    assert str(Agency(partnership=partnership, name="Sussex Police")) == "Sussex Police"
    assert str(Group(partnership=partnership, name="Joint Action Group", short_name="JAG")) == "JAG"

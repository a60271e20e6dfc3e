from zhengdun.events import spec_for

SCREENING_EVENTS = {
    "zhengdun.screening.campaign.opened.v1": False,
    "zhengdun.screening.policy.revised.v1": False,
    "zhengdun.screening.lagging_rule.set.v1": False,
    "zhengdun.screening.assessment.recorded.v1": False,
    "zhengdun.screening.township_list.submitted.v1": False,
    "zhengdun.screening.township_list.returned.v1": False,
    "zhengdun.screening.county_list.adjusted.v1": False,
    "zhengdun.screening.county_list.confirmed.v1": True,
    "zhengdun.screening.target.designated.v1": True,
    "zhengdun.screening.target.removed.v1": True,
    "zhengdun.screening.sample.drawn.v1": False,
    "zhengdun.screening.spot_check.recorded.v1": False,
    "zhengdun.screening.falsification.found.v1": False,
    "zhengdun.screening.county_list.filed.v1": False,
}

# Plain-text fields a public event may carry: identifiers and codes, never free text about people.
IDENTIFIERS = {"campaign_id", "round_id", "decision_number", "reference", "sample_commitment"}  # a hash


def test_every_screening_event_is_registered_with_its_visibility():
    for type_name, public in SCREENING_EVENTS.items():
        assert spec_for(type_name).public is public, type_name
        assert spec_for(type_name).service == "screening"


def test_public_events_carry_codes_not_free_text():
    public = [spec_for(t) for t, is_public in SCREENING_EVENTS.items() if is_public]
    assert len(public) == 3
    for spec in public:
        for name, info in spec.model.model_fields.items():
            if info.annotation in (str, str | None):
                assert name in IDENTIFIERS or name.endswith("_code"), f"{spec.type}.{name}"


def test_private_events_do_carry_the_free_text():
    fields = spec_for("zhengdun.screening.township_list.submitted.v1").model.model_fields
    assert "meeting" in fields

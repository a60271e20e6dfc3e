"""How a document names its organizations once enterprises and social organizations are among them (seed 003 篇三)."""
from reporting.domain.figures import organization_words


def test_villages_and_communities_keep_the_words_of_seed_000():
    assert organization_words(["行政村", "社区", None]) == ("村（社区）", "村")
    assert organization_words([]) == ("村（社区）", "村")


def test_one_enterprise_or_social_organization_changes_the_words_for_all():
    assert organization_words(["行政村", "非公企业"]) == ("村（社区）、企业和社会组织", "基层")
    assert organization_words(["社会组织"]) == ("村（社区）、企业和社会组织", "基层")

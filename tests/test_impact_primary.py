"""One verdict per ward (issue 23, item 6): a primary method declared in the parameters, and
each method's estimand named in the impact results."""

import pytest

from wardstudy.evaluate.design import ESTIMANDS, METHODS, PRIMARY_METHOD, impact_results
from wardstudy.pipeline.params import PARAMETERS, PRIMARY_METHODS, ParameterError, check_keys


def test_primary_method_is_a_documented_key_checked_like_the_others():
    assert "primary_method" in PARAMETERS and PRIMARY_METHODS == METHODS and PRIMARY_METHOD == "did"
    check_keys({"ward": "duc-xuan", "year": 2024, "primary_method": "synth"}, "p.yaml")
    with pytest.raises(ParameterError, match='p.yaml: key "primary_method" must be .*"did" .*got \'ddi\''):
        check_keys({"primary_method": "ddi"}, "p.yaml")
    with pytest.raises(ParameterError, match='did you mean "primary_method"'):
        check_keys({"primary_methd": "did"}, "p.yaml")


def test_validated_parameters_carry_the_primary_method(study):
    from wardstudy.pipeline.params import validate

    kept = validate("duc-xuan", 2024, units=study.units, years=study.years())
    assert kept.primary_method == "did"
    assert validate("duc-xuan", 2024, units=study.units, years=study.years(), primary_method="its").primary_method == "its"


def test_impact_rows_say_which_method_is_primary_and_what_each_estimates(study):
    _, estimates = impact_results(study, [("duc-xuan", 2024)], detectable=False)
    rows = estimates.set_index("method")
    assert rows["primary"].to_dict() == {"did": True, "synth": False, "its": False}
    assert rows["estimand"].to_dict() == {"did": "att_report_year", "synth": "average_since_entry",
                                          "its": "average_since_entry"} == ESTIMANDS
    _, other = impact_results(study, [("duc-xuan", 2024)], detectable=False, primary_method="synth")
    assert other.set_index("method")["primary"].to_dict() == {"did": False, "synth": True, "its": False}
    with pytest.raises(ValueError, match="primary_method must be one of did, synth, its"):
        impact_results(study, [("duc-xuan", 2024)], detectable=False, primary_method="holm")

"""The questionnaire structure."""
import dataclasses

import numpy as np
import pytest

from analysis import Scheme


def test_standard_service_delivery_form():
    s = Scheme.sipas_service_delivery()
    assert len(s.criteria) == 16 and s.criteria[:4] == ("TC1", "TC2", "TC3", "TT1")
    assert [e.code for e in s.elements] == ["TC", "TT", "CC", "KQ", "PA"]
    assert s.expectations == tuple(f"MM{i}" for i in range(1, 11))
    assert (s.criterion_scale, s.expectation_scale) == ((1, 5), (1, 4))
    labels, m = s.composites()
    assert labels[-1] == ("overall", "SIPAS") and len(labels) == 6
    np.testing.assert_allclose(m.sum(axis=1), 1)
    # TT has 4 criteria: each weighs 1/4 in TT and 1/20 in SIPAS (elements weigh equally)
    assert m[1, 3] == pytest.approx(1 / 4) and m[-1, 3] == pytest.approx(1 / 20)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.expectations = ()


def test_from_mapping_with_weights_and_two_groups():
    s = Scheme.from_mapping({"groups": [
        {"code": "CS", "weight": 1, "elements": [{"code": "P", "criteria": ["P1", "P2"],
                                                   "weights": [2, 2]}]},
        {"code": "DV", "weight": 3, "elements": [{"code": "A", "criteria": ["A1"], "weight": 1},
                                                 {"code": "B", "criteria": ["B1"], "weight": 3}]}]})
    labels, m = s.composites()
    assert labels == [("element", "P"), ("element", "A"), ("element", "B"),
                      ("group", "CS"), ("group", "DV"), ("overall", "SIPAS")]
    np.testing.assert_allclose(m[4], [0, 0, 0.25, 0.75])
    np.testing.assert_allclose(m[5], [0.125, 0.125, 0.75 * 0.25, 0.75 * 0.75])


@pytest.mark.parametrize("spec, message", [
    ({}, "at least one group"),
    ({"groups": [{"code": "G", "elements": []}]}, "no elements"),
    ({"groups": [{"code": "G", "elements": [{"code": "E", "criteria": []}]}]}, "no criteria"),
    ({"groups": [{"code": "G", "elements": [{"code": "E", "criteria": ["A", "A"]}]}]}, "twice"),
    ({"groups": [{"code": "G", "elements": [{"code": "E", "criteria": ["A"],
                                             "weights": [-1]}]}]}, "weights"),
])
def test_invalid_specs(spec, message):
    with pytest.raises(ValueError, match=message):
        Scheme.from_mapping(spec)

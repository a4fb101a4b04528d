"""Sample sizes (Yamane, Cochran, Wilson target) and allocation across services."""
import numpy as np
import pandas as pd
import pytest

from analysis.sample_size import allocate, cochran, wilson_half_width, wilson_target, yamane


@pytest.mark.parametrize("N, e, n", [(1000, 0.05, 286), (400, 0.05, 200), (100, 0.05, 80),
                                     (10_000, 0.05, 385), (5000, 0.1, 99)])
def test_yamane(N, e, n):
    assert yamane(N, e) == n  # ceil(N / (1 + N e²))


def test_cochran():
    assert cochran(e=0.05, p=0.5) == 385               # 1.959964² * .25 / .0025 = 384.15
    assert cochran(N=1000, e=0.05, p=0.5) == 278       # 384.15 / (1 + 383.15 / 1000)
    assert cochran(e=0.05, p=0.9) == 139
    assert cochran(e=0.05, p=1.0) == 1                 # why Wilson is needed near 100 %


def test_wilson_target_is_the_smallest_n_reaching_the_half_width():
    for p in (0.5, 0.9, 0.97, 1.0):
        n = wilson_target(0.05, p)
        assert wilson_half_width(n, p) <= 0.05 < wilson_half_width(n - 1, p)
    assert wilson_target(0.05, 1.0) == 35   # z² / (2 (n + z²)) <= .05
    assert wilson_target(0.05, 0.9) > cochran(e=0.05, p=0.9) - 10
    assert wilson_target(0.05, 0.9, N=200) < wilson_target(0.05, 0.9) <= 200 + 1000


def test_bad_arguments():
    with pytest.raises(ValueError, match="margin"):
        yamane(1000, 5)
    with pytest.raises(ValueError, match="population"):
        cochran(N=0)


def test_allocate_proportional_with_minimum_and_caps():
    sizes = pd.Series({"birth": 500, "marriage": 300, "land": 180, "certify": 15, "rare": 5})
    n = allocate(200, sizes, minimum=20)
    assert n.sum() == 200 and list(n.index) == list(sizes.index)
    assert n["rare"] == 5 and n["certify"] == 15             # whole population when smaller
    assert (n >= np.minimum(20, sizes)).all() and (n <= sizes).all()
    assert n["birth"] > n["marriage"] > n["land"]
    plain = allocate(100, [300, 100, 100])
    assert plain.tolist() == [60, 20, 20]


def test_allocate_equal_and_limits():
    assert allocate(10, [100, 100, 100], how="equal").tolist() in ([4, 3, 3], [3, 4, 3], [3, 3, 4])
    assert allocate(1000, {"a": 30, "b": 50}).tolist() == [30, 50]  # census
    with pytest.raises(ValueError, match="below the minimum"):
        allocate(10, [100, 100, 100], minimum=5)
    with pytest.raises(ValueError, match="how"):
        allocate(10, [1, 2], how="neyman")

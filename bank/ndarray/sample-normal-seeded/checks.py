import pytest
import torch

from grader.judge import CheckFailed, check_is_tensor, points


def a_seed(rng):
    return int(torch.randint(0, 2**31 - 1, (1,), generator=rng))


def check_shape_dtype(out, shape, what):
    tensor = check_is_tensor(out, what)
    if tuple(tensor.shape) != tuple(shape):
        raise CheckFailed(
            f"{what} has shape {tuple(tensor.shape)}, but shape {shape} was expected."
        )
    if tensor.dtype != torch.float32:
        raise CheckFailed(f"{what} has dtype {tensor.dtype}, but torch.float32 was expected.")
    if not bool(torch.isfinite(tensor).all()):
        raise CheckFailed(f"{what} contains inf or nan values.")
    return tensor


def check_mean_std(x, mean, std, what):
    sample_mean = float(x.double().mean())
    sample_std = float(x.double().std())
    # With n samples the standard error of the mean is std / sqrt(n): 0.0032 std for 100000,
    # 0.0041 std for 60000. The tolerances allow about 5 of them.
    if abs(sample_mean - mean) > 0.02 * std:
        raise CheckFailed(
            f"the {x.numel()} samples of {what} have mean {sample_mean:.3f}, too far from mean={mean}."
        )
    if abs(sample_std - std) > 0.03 * std:
        raise CheckFailed(
            f"the {x.numel()} samples of {what} have standard deviation {sample_std:.3f}, "
            f"too far from std={std}."
        )


@points(1)
@pytest.mark.parametrize(
    "shape, mean, std",
    [((400, 250), 3.0, 2.0), ((100000,), -1.0, 0.5), ((50, 40, 50), 0.5, 3.0)],
    ids=["400x250", "100000", "50x40x50"],
)
def test_shape_mean_and_std(student, rng, shape, mean, std):
    """100000 float32 samples of the requested shape have about the requested mean and std"""
    what = f"sample_normal({shape}, {mean}, {std}, seed)"
    x = check_shape_dtype(student.sample_normal(shape, mean, std, a_seed(rng)), shape, what)
    check_mean_std(x, mean, std, what)


@points(1)
def test_same_seed_same_tensor(student, rng):
    """the same seed gives the same normal samples, another seed different ones"""
    seed, shape = a_seed(rng), (300, 200)
    first = check_shape_dtype(student.sample_normal(shape, 1.0, 2.0, seed), shape, "the first call")
    check_mean_std(first, 1.0, 2.0, f"sample_normal({shape}, 1.0, 2.0, seed)")
    again = check_shape_dtype(
        student.sample_normal(shape, 1.0, 2.0, seed), shape, "the second call"
    )
    if not torch.equal(first, again):
        raise CheckFailed("two calls with the same seed returned different tensors.")
    other = check_shape_dtype(
        student.sample_normal(shape, 1.0, 2.0, seed + 1), shape, "a call with another seed"
    )
    if torch.equal(first, other):
        raise CheckFailed("two calls with different seeds returned the same tensor.")

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


@points(0.5)
@pytest.mark.parametrize("shape", [(3, 5, 2), (7,), (4, 1)])
def test_shape_and_dtype(student, rng, shape):
    """a float32 tensor of the requested shape"""
    check_shape_dtype(
        student.sample_normal(shape, 1.0, 2.0, a_seed(rng)), shape, f"sample_normal({shape}, ...)"
    )


@points(1)
@pytest.mark.parametrize("mean, std", [(3.0, 2.0), (-1.0, 0.5)])
def test_mean_and_std(student, rng, mean, std):
    """100000 samples have about the requested mean and standard deviation"""
    shape = (400, 250)
    what = f"sample_normal({shape}, {mean}, {std}, seed)"
    x = check_shape_dtype(student.sample_normal(shape, mean, std, a_seed(rng)), shape, what)
    sample_mean = float(x.double().mean())
    sample_std = float(x.double().std())
    # The standard error of the mean is std / 316 here; allow more than 6 of them.
    if abs(sample_mean - mean) > 0.02 * std:
        raise CheckFailed(
            f"the 100000 samples of {what} have mean {sample_mean:.3f}, too far from mean={mean}."
        )
    if abs(sample_std - std) > 0.03 * std:
        raise CheckFailed(
            f"the 100000 samples of {what} have standard deviation {sample_std:.3f}, "
            f"too far from std={std}."
        )


@points(1)
def test_same_seed_same_tensor(student, rng):
    """the same seed gives the same tensor, another seed a different one"""
    seed = a_seed(rng)
    first = check_shape_dtype(
        student.sample_normal((6, 4), 0.0, 1.0, seed), (6, 4), "the first call"
    )
    again = check_shape_dtype(
        student.sample_normal((6, 4), 0.0, 1.0, seed), (6, 4), "the second call"
    )
    if not torch.equal(first, again):
        raise CheckFailed("two calls with the same seed returned different tensors.")
    other = check_shape_dtype(
        student.sample_normal((6, 4), 0.0, 1.0, seed + 1), (6, 4), "a call with another seed"
    )
    if torch.equal(first, other):
        raise CheckFailed("two calls with different seeds returned the same tensor.")

import pytest
import torch

from grader.judge import CheckFailed, Text, check_is_tensor, points


def a_seed(rng):
    return int(torch.randint(0, 2**31 - 1, (1,), generator=rng))


def check_shape_dtype(out, shape, what):
    tensor = check_is_tensor(out, what)
    if tuple(tensor.shape) != tuple(shape):
        raise CheckFailed(
            f"{what} has shape {tuple(tensor.shape)}, but shape {shape} was expected.",
            zh=f"{what.zh} 的形状是 {tuple(tensor.shape)}，应为 {shape}。",
        )
    if tensor.dtype != torch.float32:
        raise CheckFailed(
            f"{what} has dtype {tensor.dtype}, but torch.float32 was expected.",
            zh=f"{what.zh} 的 dtype 是 {tensor.dtype}，应为 torch.float32。",
        )
    if not bool(torch.isfinite(tensor).all()):
        raise CheckFailed(f"{what} contains inf or nan values.", zh=f"{what.zh} 中有 inf 或 nan。")
    return tensor


def check_mean_std(x, mean, std, what):
    sample_mean = float(x.double().mean())
    sample_std = float(x.double().std())
    # With n samples the standard error of the mean is std / sqrt(n): 0.0032 std for 100000,
    # 0.0041 std for 60000. The tolerances allow about 5 of them.
    if abs(sample_mean - mean) > 0.02 * std:
        raise CheckFailed(
            f"the {x.numel()} samples of {what} have mean {sample_mean:.3f}, too far from mean={mean}.",
            zh=f"{what.zh} 的 {x.numel()} 个样本的均值是 {sample_mean:.3f}，离 mean={mean} 太远。",
        )
    if abs(sample_std - std) > 0.03 * std:
        raise CheckFailed(
            f"the {x.numel()} samples of {what} have standard deviation {sample_std:.3f}, "
            f"too far from std={std}.",
            zh=f"{what.zh} 的 {x.numel()} 个样本的标准差是 {sample_std:.3f}，离 std={std} 太远。",
        )


@points(1)
@pytest.mark.parametrize(
    "shape, mean, std",
    [((400, 250), 3.0, 2.0), ((100000,), -1.0, 0.5), ((50, 40, 50), 0.5, 3.0)],
    ids=["400x250", "100000", "50x40x50"],
)
def test_shape_mean_and_std(student, rng, shape, mean, std):
    """100000 float32 samples of the requested shape have about the requested mean and std
    zh: 按要求的形状得到 100000 个 float32 样本，均值和标准差接近要求的值"""
    what = Text(f"sample_normal({shape}, {mean}, {std}, seed)")
    x = check_shape_dtype(student.sample_normal(shape, mean, std, a_seed(rng)), shape, what)
    check_mean_std(x, mean, std, what)


@points(1)
def test_same_seed_same_tensor(student, rng):
    """the same seed gives the same normal samples, another seed different ones
    zh: 同一个种子得到相同的正态样本，换一个种子得到不同的样本"""
    seed, shape = a_seed(rng), (300, 200)
    first = check_shape_dtype(
        student.sample_normal(shape, 1.0, 2.0, seed),
        shape,
        Text("the first call", zh="第一次调用的结果"),
    )
    check_mean_std(first, 1.0, 2.0, Text(f"sample_normal({shape}, 1.0, 2.0, seed)"))
    again = check_shape_dtype(
        student.sample_normal(shape, 1.0, 2.0, seed),
        shape,
        Text("the second call", zh="第二次调用的结果"),
    )
    if not torch.equal(first, again):
        raise CheckFailed(
            "two calls with the same seed returned different tensors.",
            zh="用同一个种子调用两次，返回的张量却不同。",
        )
    other = check_shape_dtype(
        student.sample_normal(shape, 1.0, 2.0, seed + 1),
        shape,
        Text("a call with another seed", zh="换一个种子调用的结果"),
    )
    if torch.equal(first, other):
        raise CheckFailed(
            "two calls with different seeds returned the same tensor.",
            zh="用不同的种子调用两次，返回的张量却相同。",
        )

import pytest
import torch

from grader.judge import CheckFailed, Text, check_tensor, check_unchanged, points


def check_pair(call, x, k, what):
    out = call.unwrap()
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            f"{what} should return a pair (head, tail).",
            zh=f"{what.zh} 应当返回一对 (head, tail)。",
        )
    n = len(x)
    check_tensor(out[0], x[: n - k], Text(f"head of {what}", zh=f"{what.zh} 的 head"))
    check_tensor(out[1], x[n - k :], Text(f"tail of {what}", zh=f"{what.zh} 的 tail"))
    check_unchanged(call.input_after(0), x, "x")


@points(1)
@pytest.mark.parametrize(
    "dtype",
    [torch.float32, torch.int64, torch.float64, torch.bool],
    ids=["float32", "int64", "float64", "bool"],
)
def test_split(student, rng, dtype):
    """head holds the first n - k elements, tail the last k (k = 0, 1, n and in between)
    zh: head 是前 n - k 个元素，tail 是后 k 个（k 取 0、1、n 以及中间的某个值）"""
    n = int(torch.randint(5, 10, (1,), generator=rng))
    x = (torch.randn(n, generator=rng) * 10).to(dtype)
    if dtype == torch.bool:
        x = torch.rand(n, generator=rng) > 0.5
        x[0], x[-1] = True, False  # the two ends differ, so the first k never pass for the last k
    middle = int(torch.randint(2, n - 1, (1,), generator=rng))
    for k in (0, 1, middle, n):
        call = student.call("split_tail", x, k)
        check_pair(
            call,
            x,
            k,
            Text(
                f"split_tail(x, {k}) for a {dtype} x of length {n}",
                zh=f"x 为长度 {n} 的 {dtype} 张量时的 split_tail(x, {k})",
            ),
        )

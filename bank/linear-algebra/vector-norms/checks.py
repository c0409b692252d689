import torch

from grader.judge import CheckFailed, Text, check_tensor, points


def check_pair(out, x):
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            "vector_norms(x) should return a pair (l1, l2).",
            zh="vector_norms(x) 应当返回一对 (l1, l2)。",
        )
    l1, l2 = out
    check_tensor(l1, torch.abs(x).sum(), Text("the L1 norm", zh="L1 范数"), rtol=1e-5, atol=1e-5)
    check_tensor(
        l2, torch.linalg.vector_norm(x), Text("the L2 norm", zh="L2 范数"), rtol=1e-5, atol=1e-5
    )


@points(1)
def test_random_vector(student, rng):
    """L1 and L2 norms of a vector with positive and negative entries, as 0-d float32 tensors
    zh: 有正有负的向量的 L1 和 L2 范数，都是 0 维 float32 张量"""
    x = torch.randn(6, generator=rng) * 3
    x[0], x[1] = x[0].abs() + 0.5, -(x[1].abs() + 0.5)
    check_pair(student.vector_norms(x), x)


@points(1)
def test_negative_vector_of_length_one(student, rng):
    """a vector of length 1 holding a negative number
    zh: 长度为 1、元素是负数的向量"""
    x = -(torch.rand(1, generator=rng) + 0.5)
    check_pair(student.vector_norms(x), x)


@points(0.5)
def test_float64_kept(student, rng):
    """the norms keep the dtype of x (float64 here)
    zh: 范数保持 x 的 dtype（这里是 float64）"""
    x = torch.randn(7, generator=rng, dtype=torch.float64)
    check_pair(student.vector_norms(x), x)

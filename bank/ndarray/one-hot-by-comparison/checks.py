import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


def expected(labels, k, variant):
    out = torch.zeros(len(labels), k, dtype=getattr(torch, variant["dtype"][0]))
    out[torch.arange(len(labels)), labels] = 1.0
    return out


@points(0.75)
@pytest.mark.parametrize("n, k", [(6, 4), (3, 7), (5, 5)])
def test_random_labels(student, rng, variant, n, k):
    """row i has a single 1. in column labels[i] (the dtype asked for, shape (n, num_classes))
    zh: 第 i 行只在第 labels[i] 列有一个 1.（题目要求的数据类型，形状为 (n, num_classes)）"""
    labels = torch.randint(0, k, (n,), generator=rng)
    labels[int(torch.randint(0, n, (1,), generator=rng))] = k - 1  # the largest class occurs
    check_tensor(
        student.one_hot(labels, k),
        expected(labels, k, variant),
        Text(f"one_hot(labels, {k}) for {n} labels", zh=f"有 {n} 个标签时的 one_hot(labels, {k})"),
    )


@points(1.25)
def test_unused_classes(student, rng, variant):
    """num_classes columns even when the largest classes never occur; labels unchanged
    zh: 即使最大的几个类别没有出现，也有 num_classes 列；labels 保持不变"""
    labels = torch.randint(0, 3, (8,), generator=rng)
    call = student.call("one_hot", labels, 6)
    check_tensor(
        call.unwrap(),
        expected(labels, 6, variant),
        Text(
            "one_hot(labels, 6) for labels in 0..2", zh="labels 取值在 0..2 时的 one_hot(labels, 6)"
        ),
    )
    check_unchanged(call.input_after(0), labels, "labels")

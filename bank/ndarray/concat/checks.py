import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


@points(0.5)
@pytest.mark.parametrize("n, m, d", [(3, 2, 4), (1, 4, 2)])
def test_rows_of_y_below_x(student, rng, n, m, d):
    """add_samples puts the rows of Y below X
    zh: add_samples 把 Y 的行接在 X 下面"""
    X, Y = torch.randn(n, d, generator=rng), torch.randn(m, d, generator=rng)
    check_tensor(
        student.add_samples(X, Y),
        torch.cat((X, Y), dim=0),
        Text(
            f"add_samples(X, Y) for X {n}x{d}, Y {m}x{d}",
            zh=f"X 为 {n}x{d}、Y 为 {m}x{d} 时的 add_samples(X, Y)",
        ),
    )


@points(0.5)
@pytest.mark.parametrize("n, d, k", [(3, 4, 2), (2, 1, 3)])
def test_columns_of_y_right_of_x(student, rng, n, d, k):
    """add_features puts the columns of Y right of X
    zh: add_features 把 Y 的列接在 X 右边"""
    X, Y = torch.randn(n, d, generator=rng), torch.randn(n, k, generator=rng)
    check_tensor(
        student.add_features(X, Y),
        torch.cat((X, Y), dim=1),
        Text(
            f"add_features(X, Y) for X {n}x{d}, Y {n}x{k}",
            zh=f"X 为 {n}x{d}、Y 为 {n}x{k} 时的 add_features(X, Y)",
        ),
    )


@points(0.25)
@pytest.mark.parametrize("name", ["add_samples", "add_features"])
def test_inputs_unchanged_and_dtype_kept(student, rng, name):
    """integer inputs stay integer and are not modified
    zh: 整数输入得到的结果仍是整数，输入不被修改"""
    dim = 0 if name == "add_samples" else 1
    X = torch.randint(0, 10, (2, 3), generator=rng)
    Y = torch.randint(0, 10, (1, 3) if dim == 0 else (2, 1), generator=rng)
    call = student.call(name, X, Y)
    check_tensor(
        call.unwrap(),
        torch.cat((X, Y), dim=dim),
        Text(f"{name}(X, Y) for int64 X, Y", zh=f"X、Y 为 int64 时的 {name}(X, Y)"),
    )
    check_unchanged(call.input_after(0), X, "X")
    check_unchanged(call.input_after(1), Y, "Y")

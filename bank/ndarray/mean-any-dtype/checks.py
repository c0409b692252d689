import torch

from grader.judge import Text, check_tensor, check_unchanged, points


def expected(x):
    return x.mean() if x.is_floating_point() else x.float().mean()


@points(0.75)
def test_int64(student, rng):
    """an int64 x gives a float32 mean; x is left unchanged
    zh: int64 的 x 得到 float32 的均值；x 保持不变"""
    for shape in [(2, 5, 3), (7,)]:
        x = torch.randint(-10, 30, shape, generator=rng)
        call = student.call("mean_of", x)
        what = Text(
            f"mean_of(x) for an int64 x of shape {shape}",
            zh=f"x 为形状 {shape} 的 int64 张量时的 mean_of(x)",
        )
        check_tensor(call.unwrap(), expected(x), what, rtol=1e-5, atol=1e-6)
        check_unchanged(call.input_after(0), x, "x")


@points(0.75)
def test_bool(student, rng):
    """a boolean x gives the fraction of True entries as float32
    zh: 布尔型的 x 得到 True 所占的比例，类型为 float32"""
    x = torch.rand(4, 7, generator=rng) > 0.3
    check_tensor(
        student.mean_of(x),
        expected(x),
        Text("mean_of(x) for a 4x7 bool x", zh="x 为 4x7 的 bool 张量时的 mean_of(x)"),
        rtol=1e-5,
        atol=1e-6,
    )


@points(1)
def test_floating_and_int32(student, rng):
    """float32 and float64 inputs keep their dtype; an int32 input gives float32
    zh: float32 和 float64 的输入保持原来的 dtype；int32 的输入得到 float32"""
    for dtype in (torch.float32, torch.float64, torch.int32):
        x = (torch.randn(3, 4, generator=rng, dtype=torch.float64) * 10 + 0.5).to(dtype)
        check_tensor(
            student.mean_of(x),
            expected(x),
            Text(f"mean_of(x) for a 3x4 {dtype} x", zh=f"x 为 3x4 的 {dtype} 张量时的 mean_of(x)"),
            rtol=1e-5,
            atol=1e-6,
        )

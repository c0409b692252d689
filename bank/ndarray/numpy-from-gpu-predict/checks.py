import torch

from grader.judge import CheckFailed, describe_type, describe_type_zh, points


def raised_by(make_tensor):
    try:
        make_tensor().numpy()
    except Exception as exc:
        return type(exc).__name__
    return "no error"


def check_prediction(student, name, expected):
    value = student.value(name)
    if type(value) is not str:
        raise CheckFailed(
            f"{name} should be a str, but it is {describe_type(value)}.",
            zh=f"{name} 应当是 str，但它是{describe_type_zh(value)}。",
        )
    got = value.strip()
    if got.lower() == "no error":
        got = "no error"
    if got != expected:
        raise CheckFailed(f"{name} is not right.", zh=f"{name} 不对。")


@points(1.5)
def test_gpu_prediction(student):
    """the exception of .numpy() on a tensor that is not in CPU memory
    zh: 对不在 CPU 内存中的张量调用 .numpy() 时抛出的异常"""
    # The meta device stands in for a GPU: its tensors are not in CPU memory either, and
    # .numpy() refuses them on the same path (a CUDA tensor raises the same class).
    expected = raised_by(lambda: torch.ones(3, device="meta"))
    check_prediction(student, "GPU_NUMPY_ERROR", expected)


@points(1.5)
def test_grad_prediction(student):
    """the exception of .numpy() on a tensor that requires grad
    zh: 对 requires grad 的张量调用 .numpy() 时抛出的异常"""
    expected = raised_by(lambda: torch.ones(3, requires_grad=True))
    check_prediction(student, "GRAD_NUMPY_ERROR", expected)

import torch

from grader.judge import CheckFailed, describe_type, points


def raised_by(make_tensor):
    try:
        make_tensor().numpy()
    except Exception as exc:
        return type(exc).__name__
    return "no error"


def check_prediction(student, name, expected):
    value = student.value(name)
    if type(value) is not str:
        raise CheckFailed(f"{name} should be a str, but it is {describe_type(value)}.")
    got = value.strip()
    if got.lower() == "no error":
        got = "no error"
    if got != expected:
        raise CheckFailed(f"{name} is not right.")


@points(1.5)
def test_gpu_prediction(student):
    """the exception of .numpy() on a tensor that is not in CPU memory"""
    # The meta device stands in for a GPU: its tensors are not in CPU memory either, and
    # .numpy() refuses them on the same path (a CUDA tensor raises the same class).
    expected = raised_by(lambda: torch.ones(3, device="meta"))
    check_prediction(student, "GPU_NUMPY_ERROR", expected)


@points(1.5)
def test_grad_prediction(student):
    """the exception of .numpy() on a tensor that requires grad"""
    expected = raised_by(lambda: torch.ones(3, requires_grad=True))
    check_prediction(student, "GRAD_NUMPY_ERROR", expected)

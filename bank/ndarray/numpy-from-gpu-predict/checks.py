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
        raise CheckFailed(f"{name} is not correct.")


@points(1)
def test_gpu_prediction(student, device):
    """the exception of .numpy() on a GPU tensor (worked out on CUDA, or on the meta device standing in for it)"""
    # On a CPU runner the meta device stands in for the GPU: it is not in CPU memory either.
    where = "meta" if device == "cpu" else device
    expected = raised_by(lambda: torch.ones(3, device=where))
    check_prediction(student, "GPU_NUMPY_ERROR", expected)


@points(1)
def test_grad_prediction(student):
    """the exception of .numpy() on a tensor that requires grad"""
    expected = raised_by(lambda: torch.ones(3, requires_grad=True))
    check_prediction(student, "GRAD_NUMPY_ERROR", expected)

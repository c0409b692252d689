import torch

DTYPES = (
    torch.int64,
    torch.float32,
    torch.int64,
    torch.float32,
    torch.int64,
    torch.float64,
    torch.int32,
    torch.float32,
)

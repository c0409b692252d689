import torch

COUNTS = (2, 2, 8)
MASK_DTYPE = torch.bool
SUM_DTYPE = torch.int64

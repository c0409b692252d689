import torch


def matmul_by_columns(A, B):
    columns = [torch.mv(A, B[:, j]) for j in range(B.shape[1])]
    return torch.stack(columns, dim=1)

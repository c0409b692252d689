VALUES_DTYPES = ("float64", "object", "object")
TENSOR_ERROR = "TypeError"
TENSOR_DTYPE = "torch.float64"

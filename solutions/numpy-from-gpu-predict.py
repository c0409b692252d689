GPU_NUMPY_ERROR = "TypeError"
GRAD_NUMPY_ERROR = "RuntimeError"

def independent_copy(A):
    return A.detach().clone()

def linear_map_derivatives(A):
    return A.clone(), A.T.clone()

def quad_form_grad(A, x):
    return (A + A.T) @ x

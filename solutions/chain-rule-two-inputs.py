def chain_rule_grad(du_dxyz, dxyz_dab):
    # Row i of dxyz_dab is the gradient of the i-th path's variable: weight it by ∂u/∂(that
    # variable) and add up the paths.
    return du_dxyz @ dxyz_dab

def product_quotient_derivatives(f, g, df, dg):
    return df * g + f * dg, (df * g - f * dg) / g**2

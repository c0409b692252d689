def cat_shape(shapes, dim):
    r = len(shapes[0])
    if any(len(s) != r for s in shapes) or not -r <= dim < r:
        return None
    dim = dim % r
    for s in shapes[1:]:
        for axis in range(r):
            if axis != dim and s[axis] != shapes[0][axis]:
                return None
    out = list(shapes[0])
    out[dim] = sum(s[dim] for s in shapes)
    return tuple(out)

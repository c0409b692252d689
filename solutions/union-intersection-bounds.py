def union_intersection_bounds(p_a, p_b):
    union = (max(p_a, p_b), min(1.0, p_a + p_b))
    intersection = (max(0.0, p_a + p_b - 1), min(p_a, p_b))
    return union, intersection

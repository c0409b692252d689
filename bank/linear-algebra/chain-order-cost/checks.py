from grader.judge import CheckFailed, points

# A is 2^10 x 2^16, B is 2^16 x 2^5, C is 2^5 x 2^14; a product (n x k)(k x m) takes n*k*m
# multiply-adds; float32 takes 4 bytes per entry.
SIZES = {"A": (2**10, 2**16), "B": (2**16, 2**5), "C": (2**5, 2**14)}


def product_cost(left, right):
    (n, k), (_, m) = left, right
    return n * k * m, (n, m)


def expected():
    ab_cost, ab = product_cost(SIZES["A"], SIZES["B"])
    ab_c_cost, _ = product_cost(ab, SIZES["C"])
    bc_cost, bc = product_cost(SIZES["B"], SIZES["C"])
    a_bc_cost, _ = product_cost(SIZES["A"], bc)
    left, right = ab_cost + ab_c_cost, bc_cost + a_bc_cost
    faster = "(AB)C" if left < right else "A(BC)" if right < left else "same"
    return {
        "MULT_ADDS": (left, right),
        "INTERMEDIATE_BYTES": (4 * ab[0] * ab[1], 4 * bc[0] * bc[1]),
        "FASTER": faster,
    }


def check_pair(student, name):
    value = student.value(name)
    if type(value) not in (tuple, list) or len(value) != 2:
        raise CheckFailed(f"{name} should be a pair of ints.", zh=f"{name} 应当是一对整数。")
    for index in range(2):
        got = value[index]
        if type(got) not in (int, float) or got != expected()[name][index]:
            raise CheckFailed(
                f"item {index + 1} of {name} is not right.", zh=f"{name} 的第 {index + 1} 项不对。"
            )


@points(3)
def test_mult_adds(student):
    """the multiply-adds of both orders (both items are needed)
    zh: 两种顺序各自的乘加次数（两项都要对）"""
    check_pair(student, "MULT_ADDS")


@points(2)
def test_intermediate_bytes(student):
    """the bytes of AB and of BC (both items are needed)
    zh: AB 和 BC 各占多少字节（两项都要对）"""
    check_pair(student, "INTERMEDIATE_BYTES")


@points(1)
def test_faster(student):
    """the cheaper order
    zh: 开销更小的顺序"""
    value = student.value("FASTER")
    if type(value) is not str or value.replace(" ", "") not in ("(AB)C", "A(BC)", "same"):
        raise CheckFailed(
            'FASTER should be one of the strings "(AB)C", "A(BC)" or "same".',
            zh='FASTER 应当是字符串 "(AB)C"、"A(BC)" 或 "same" 之一。',
        )
    if value.replace(" ", "") != expected()["FASTER"]:
        raise CheckFailed("FASTER is not right.", zh="FASTER 不对。")

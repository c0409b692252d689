from grader.judge import Text, check_choice, choice_label, points


def hiv_tests_independent():
    """The HIV statement, computed with d2l's numbers."""
    p_hiv, test1, test2 = 0.0015, (1.0, 0.01), (0.98, 0.03)
    p_pos1 = test1[0] * p_hiv + test1[1] * (1 - p_hiv)
    p_pos2 = test2[0] * p_hiv + test2[1] * (1 - p_hiv)
    p_both = test1[0] * test2[0] * p_hiv + test1[1] * test2[1] * (1 - p_hiv)
    return abs(p_both - p_pos1 * p_pos2) < 1e-9


@points(4)
def test_answer(student, variant):
    """exactly the true statements
    zh: 恰好选出所有正确的陈述"""
    true = {"indep", "disjoint"} | ({"hiv"} if hiv_tests_independent() else set())
    check_choice(
        student.value("TRUE_STATEMENTS"),
        "TRUE_STATEMENTS",
        "ABCDE",
        {choice_label(variant, key) for key in true},
        wrong=Text(
            "TRUE_STATEMENTS is not the set of true statements.",
            zh="TRUE_STATEMENTS 不是正确陈述组成的集合。",
        ),
    )

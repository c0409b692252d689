def bayes_two_tests(p_hiv, pos1_hiv, pos1_healthy, pos2_hiv, pos2_healthy):
    hiv_and_both = pos1_hiv * pos2_hiv * p_hiv
    healthy_and_both = pos1_healthy * pos2_healthy * (1 - p_hiv)
    p_both_pos = hiv_and_both + healthy_and_both
    return p_both_pos, hiv_and_both / p_both_pos

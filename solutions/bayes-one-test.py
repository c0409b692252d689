def bayes_one_test(p_hiv, p_pos_given_hiv, p_pos_given_healthy):
    p_pos = p_pos_given_hiv * p_hiv + p_pos_given_healthy * (1 - p_hiv)
    return p_pos, p_pos_given_hiv * p_hiv / p_pos

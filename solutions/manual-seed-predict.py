SEED_PREDICTIONS = (False, True, True, True)

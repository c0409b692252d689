W_CHANGED = (False, True, True, False)

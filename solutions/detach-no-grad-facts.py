DETACH_FACTS = (False, True, True, False)

VIEW_WORKS = (True, False, False, True, True)

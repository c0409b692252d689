WHICH_SHARE_MEMORY_ANSWER = {"A", "B", "C", "E", "G"}

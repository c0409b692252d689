LEAF_ON_GPU_ANSWER = {"B", "C", "E"}

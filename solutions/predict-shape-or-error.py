PREDICTIONS = (
    (3, 4),
    "RuntimeError",
    (3, 5),
    "RuntimeError",
    "ValueError",
    "RuntimeError",
    "IndexError",
    (2, 3),
)

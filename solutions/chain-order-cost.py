# (AB)C: AB costs 2^10 * 2^16 * 2^5, then (AB)C costs 2^10 * 2^5 * 2^14.
# A(BC): BC costs 2^16 * 2^5 * 2^14, then A(BC) costs 2^10 * 2^16 * 2^14.
MULT_ADDS = (2**31 + 2**29, 2**35 + 2**40)
# AB is 2^10 x 2^5 and BC is 2^16 x 2^14, 4 bytes per float32 entry (BC: 4 GiB).
INTERMEDIATE_BYTES = (4 * 2**15, 4 * 2**30)
FASTER = "(AB)C"

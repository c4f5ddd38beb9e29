"""The client portrait (seed 000): its fields, their answers and the completeness score."""

"""What a run prints: findings as text, json, jsonl, sarif or GitHub annotations, the run's statistics,
and the progress bar.
"""

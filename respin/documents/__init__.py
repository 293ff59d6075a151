"""Documents on disk: reading (strict decoding, bounded, streamed when large), walking folders, telling
prose from markup, applying fixes, and writing atomically.
"""

"""Language resources the detectors read: the dictionaries, word frequencies, the thesaurus index and
the language model. Loaded lazily and once per process; nothing here knows about detectors.
"""

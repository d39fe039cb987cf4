"""reader: a terminal reading-list manager for weekly arXiv digests."""

__version__ = "0.1.0"

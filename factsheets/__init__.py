"""Fact sheets: portfolio cards in, a bilingual website and printable sheets out.

The data flows in one line: load -> validate -> render -> publish.
"""

"""Reports: the daily email digest and press-clipping reports, built from the same index.

Empty until the reporting issue; the folder is part of the layout in DESIGN.md.
"""

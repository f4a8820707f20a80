"""Drivers above the algorithms (as mmseg's ``apis``): the per-image passes the tools run over a
dataset split (seeds, IR labels, random-walk pseudo labels), with sharding, resumable atomic
output and reports."""

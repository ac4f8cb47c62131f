"""Grounded drafting: plan -> write -> verify -> compose (DESIGN.md).

Every sentence of a draft carries the community ideas and comments it
realises; see types.py for what the pipeline hands to the services.
"""

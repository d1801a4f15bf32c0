"""Retreat action plans (rencana aksi): each unit's aksi nyata, owners, progress, evidence."""

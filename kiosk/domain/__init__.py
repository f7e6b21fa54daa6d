"""Pure rules of the Tawasul domain: no I/O, no UI, no database, no printer."""

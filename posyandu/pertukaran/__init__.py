"""Import and export of person-level workbooks (e-PPGBM, Excel, CSV)."""

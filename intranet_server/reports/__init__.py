"""Report files and deliveries: CSV/XLSX tables (`exports`), the monthly PDF per unit (`pdf`) and the
monthly e-mail to each supervisor (`monthly`). The figures come from `reads.reports`."""

"""The portfolio: every account at a glance and over time (``OUT/portfolio.html``, ``.json``, ``.pdf``)."""
